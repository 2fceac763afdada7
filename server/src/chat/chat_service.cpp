#include "chat/chat_service.hpp"

#include <algorithm>
#include <cctype>

#include "chat/mentions.hpp"

namespace meridian::chat {
namespace {

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

bool has_control_chars(std::string_view s, bool allow_newlines) {
  return std::any_of(s.begin(), s.end(), [&](char c) {
    auto u = static_cast<unsigned char>(c);
    if (allow_newlines && (c == '\n' || c == '\t' || c == '\r')) return false;
    return u < 0x20 || u == 0x7f;
  });
}

Error no_such_conversation() { return make_error(ErrorCode::not_found, "no such conversation"); }

// A concurrent request stored the same thing first: the transaction is rolled back (so no
// sequence number is lost) and the whole operation runs once more, finding that row.
constexpr std::string_view kRaced = "raced with a concurrent request";
bool raced(const Error& e) { return e.code == ErrorCode::conflict && e.message == kRaced; }

template <class F>
auto retry_once_if_raced(F&& attempt) {
  auto r = attempt();
  if (!r.ok() && raced(r.error())) r = attempt();
  return r;
}

// Said the same way whoever asks, so that it reveals nothing about the person.
Error customers_only_in_support() {
  return make_error(ErrorCode::forbidden, "customers can only be reached through support conversations");
}

Error meeting_members_follow_the_meeting() {
  return make_error(ErrorCode::invalid_argument,
                    "a meeting's chat follows the meeting: invite people to the meeting (or remove them from it)");
}

Result<void> check_text(const std::string& text, bool may_be_empty = false) {
  if (text.size() > kMaxMessageBytes)
    return make_error(ErrorCode::too_large, "a message is at most " + std::to_string(kMaxMessageBytes) + " bytes");
  if (blank(text) && !(may_be_empty && text.empty()))
    return make_error(ErrorCode::invalid_argument, "a message needs some text");
  if (has_control_chars(text, true))
    return make_error(ErrorCode::invalid_argument, "a message cannot contain control characters");
  return {};
}

bool can_manage(MemberRole role) { return role == MemberRole::owner || role == MemberRole::moderator; }

// A support agent reading before claiming is not a member: no writes at all.
Result<void> require_participant(const Member& me, const char* what) {
  if (me.observer) return make_error(ErrorCode::forbidden, std::string("claim this conversation to ") + what);
  return {};
}

// One emoji (any Unicode sequence, e.g. with skin tone or ZWJ) or a :shortcode:.
bool valid_emoji(std::string_view e) {
  if (e.empty() || e.size() > 32) return false;
  if (e.size() >= 3 && e.front() == ':' && e.back() == ':') {
    return std::all_of(e.begin() + 1, e.end() - 1, [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-';
    });
  }
  bool non_ascii = false;
  for (char c : e) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      non_ascii = true;
    } else if (!(std::isdigit(u) || c == '#' || c == '*')) {  // keycaps: 1️⃣ #️⃣
      return false;
    }
  }
  return non_ascii;
}

std::string describe_limits(const ChannelSettings& settings) {
  std::string out;
  for (const auto& list : {settings.allowed_countries, settings.allowed_regions})
    for (const auto& item : list) out += (out.empty() ? "" : ", ") + item;
  return out;
}

Error limited_to(const Conversation& c) {
  return make_error(ErrorCode::forbidden, "#" + c.name + " is open only to people in " + describe_limits(c.settings));
}

Result<std::vector<std::string>> check_places(const std::vector<std::string>& items, bool countries) {
  std::vector<std::string> out;
  for (auto item : items) {
    for (auto& c : item) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const bool ok = countries
                        ? (item.size() == 2 && std::isalpha(static_cast<unsigned char>(item[0])) &&
                           std::isalpha(static_cast<unsigned char>(item[1])))
                        : (!item.empty() && item.size() <= 16 && std::all_of(item.begin(), item.end(), [](char c) {
                            return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
                          }));
    if (!ok)
      return make_error(ErrorCode::invalid_argument,
                        countries ? "allowed_countries must be ISO 3166-1 alpha-2 codes such as PT"
                                  : "allowed_regions must be region codes such as EU");
    if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
  }
  if (out.size() > 100) return make_error(ErrorCode::invalid_argument, "at most 100 countries or regions");
  return out;
}

}  // namespace

Result<Conversation> ChatService::load(storage::Session& s, std::int64_t id) {
  auto c = repo_.conversation(s, id);
  if (!c.ok()) return c.error();
  if (!*c) return no_such_conversation();
  return **c;
}

Result<Member> ChatService::require_member(storage::Session& s, const Conversation& c, const Subject& who) {
  return access_.require_member(s, c, who);
}

Result<ConversationView> ChatService::view(storage::Session& s, const Conversation& c, const Member& me) {
  auto unread = repo_.unread(s, c.id, me.user_id, me.last_read_seq);
  if (!unread.ok()) return unread.error();
  ConversationView v{c, me.role, me.last_read_seq, *unread, 0, 0, {}};
  v.my_can_post = me.can_post;
  v.observer = me.observer;
  auto mentions = repo_.mention_count(s, c.id, me.user_id, me.last_read_seq);
  if (!mentions.ok()) return mentions.error();
  v.mentions = *mentions;
  auto threads = repo_.thread_unread(s, c.id, me.user_id);
  if (!threads.ok()) return threads.error();
  v.thread_unread = *threads;
  auto members = repo_.members(s, c.id);
  if (!members.ok()) return members.error();
  v.members = std::move(*members);
  return v;
}

Result<ConversationView> ChatService::create_conversation(const Subject& who, NewConversation in) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::start_conversation));
  if (in.kind == ConversationKind::support)
    return make_error(ErrorCode::invalid_argument,
                      "support conversations are opened with POST /api/v1/support/conversations");
  while (!in.name.empty() && std::isspace(static_cast<unsigned char>(in.name.back()))) in.name.pop_back();
  if (in.kind == ConversationKind::channel) {
    if (in.name.empty() || in.name.size() > 80 || has_control_chars(in.name, false))
      return make_error(ErrorCode::invalid_argument, "a channel needs a name of 1 to 80 printable characters");
  } else if (in.name.size() > 80 || has_control_chars(in.name, false)) {
    return make_error(ErrorCode::invalid_argument, "name must be at most 80 printable characters");
  }
  if (in.topic.size() > 250 || has_control_chars(in.topic, false))
    return make_error(ErrorCode::invalid_argument, "topic must be at most 250 printable characters");
  std::sort(in.member_ids.begin(), in.member_ids.end());
  in.member_ids.erase(std::unique(in.member_ids.begin(), in.member_ids.end()), in.member_ids.end());
  std::erase(in.member_ids, who.user_id);
  if (in.member_ids.size() > 500) return make_error(ErrorCode::invalid_argument, "at most 500 members at creation");
  if (in.kind == ConversationKind::direct && in.member_ids.size() != 1)
    return make_error(ErrorCode::invalid_argument, "a direct conversation is between you and exactly one other person");
  if (in.kind == ConversationKind::direct) in.visibility = Visibility::private_;
  if (in.kind == ConversationKind::group) in.visibility = Visibility::private_;

  const UnixMillis now = clock_.now_ms();
  return retry_once_if_raced([&] {
    return storage::write_value<ConversationView>(db_, [&](storage::Session& s) -> Result<ConversationView> {
      for (std::int64_t id : in.member_ids) {
        auto p = repo_.person(s, id);
        if (!p.ok()) return p.error();
        if (!*p || !(*p)->active) return make_error(ErrorCode::not_found, "no user with id " + std::to_string(id));
        // Customers reach the company through support conversations only.
        if ((*p)->kind == "customer") return customers_only_in_support();
        if ((*p)->kind == "guest" && in.kind == ConversationKind::direct)
          return make_error(ErrorCode::forbidden, "guests can be invited to groups and channels, not direct messages");
      }
      std::optional<std::string> direct_key;
      if (in.kind == ConversationKind::direct) {
        const auto [lo, hi] = std::minmax(who.user_id, in.member_ids.front());
        direct_key = std::to_string(lo) + ":" + std::to_string(hi);
        auto existing = repo_.direct_conversation(s, *direct_key);
        if (!existing.ok()) return existing.error();
        if (*existing) {  // one direct conversation per pair: return it
          auto c = load(s, **existing);
          if (!c.ok()) return c.error();
          auto me = require_member(s, *c, who);
          if (!me.ok()) return me.error();
          return view(s, *c, *me);
        }
      }
      Conversation c;
      c.kind = in.kind;
      c.name = in.name;
      c.topic = in.topic;
      c.visibility = in.visibility;
      c.region = who.region;
      c.created_by = who.user_id;
      c.created_at = now;
      auto id = repo_.insert_conversation(s, c, direct_key);
      if (!id.ok()) return id.error();
      if (!*id) return make_error(ErrorCode::conflict, std::string(kRaced));
      c.id = **id;
      const MemberRole creator_role = in.kind == ConversationKind::direct ? MemberRole::member : MemberRole::owner;
      MERIDIAN_TRY(repo_.add_member(s, c.id, who.user_id, creator_role, now));
      for (std::int64_t member : in.member_ids)
        MERIDIAN_TRY(repo_.add_member(s, c.id, member, MemberRole::member, now));
      auto me = require_member(s, c, who);
      if (!me.ok()) return me.error();
      return view(s, c, *me);
    });
  });
}

Result<std::vector<ConversationView>> ChatService::conversations(const Subject& who) {
  return storage::read_value<std::vector<ConversationView>>(
      db_, [&](storage::Session& s) -> Result<std::vector<ConversationView>> {
        auto mine = repo_.conversations_of(s, who.user_id);
        if (!mine.ok()) return mine.error();
        std::vector<ConversationView> out;
        for (auto& [c, me] : *mine) {
          auto unread = repo_.unread(s, c.id, who.user_id, me.last_read_seq);
          if (!unread.ok()) return unread.error();
          ConversationView v{c, me.role, me.last_read_seq, *unread, 0, 0, {}};
          auto mentions = repo_.mention_count(s, c.id, who.user_id, me.last_read_seq);
          if (!mentions.ok()) return mentions.error();
          v.mentions = *mentions;
          auto threads = repo_.thread_unread(s, c.id, who.user_id);
          if (!threads.ok()) return threads.error();
          v.thread_unread = *threads;
          if (c.kind != ConversationKind::channel) {  // small: show who is in it
            auto members = repo_.members(s, c.id);
            if (!members.ok()) return members.error();
            v.members = std::move(*members);
          }
          out.push_back(std::move(v));
        }
        return out;
      });
}

Result<ConversationView> ChatService::conversation(const Subject& who, std::int64_t id) {
  return storage::read_value<ConversationView>(db_, [&](storage::Session& s) -> Result<ConversationView> {
    auto c = load(s, id);
    if (!c.ok()) return c.error();
    auto me = require_member(s, *c, who);
    if (!me.ok()) return me.error();
    return view(s, *c, *me);
  });
}

Result<std::vector<Conversation>> ChatService::browse_channels(const Subject& who, const std::string& text) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::start_conversation));
  auto all = storage::read_value<std::vector<Conversation>>(
      db_, [&](storage::Session& s) { return repo_.public_channels(s, text, 100); });
  if (!all.ok()) return all.error();
  std::vector<Conversation> out;  // channels limited to other countries are not offered
  for (auto& c : *all)
    if (c.settings.admits(who.country, who.region)) out.push_back(std::move(c));
  return out;
}

Result<ConversationView> ChatService::join(const Subject& who, std::int64_t id) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::start_conversation));
  return storage::write_value<ConversationView>(db_, [&](storage::Session& s) -> Result<ConversationView> {
    auto c = load(s, id);
    if (!c.ok()) return c.error();
    auto existing = repo_.membership(s, id, who.user_id);
    if (!existing.ok()) return existing.error();
    if (!*existing) {
      if (c->kind != ConversationKind::channel || c->visibility != Visibility::public_) return no_such_conversation();
      if (!c->settings.admits(who.country, who.region)) return limited_to(*c);
      MERIDIAN_TRY(repo_.add_member(s, id, who.user_id, MemberRole::member, clock_.now_ms()));
    }
    auto me = require_member(s, *c, who);
    if (!me.ok()) return me.error();
    return view(s, *c, *me);
  });
}

Result<void> ChatService::leave(const Subject& who, std::int64_t id) {
  return db_.write([&](storage::Session& s) -> Result<void> {
    auto c = load(s, id);
    if (!c.ok()) return c.error();
    if (c->kind == ConversationKind::direct)
      return make_error(ErrorCode::invalid_argument, "you cannot leave a direct conversation");
    if (c->kind == ConversationKind::support)
      return make_error(ErrorCode::invalid_argument, "support conversations are assigned and transferred, not left");
    auto me = require_member(s, *c, who);
    if (!me.ok()) return me.error();
    auto removed = repo_.remove_member(s, id, who.user_id);
    if (!removed.ok()) return removed.error();
    return repo_.ensure_owner(s, id);  // the last owner leaving hands the conversation on
  });
}

Result<void> ChatService::add_member(const Subject& who, std::int64_t id, std::int64_t user_id) {
  return db_.write([&](storage::Session& s) -> Result<void> {
    auto c = load(s, id);
    if (!c.ok()) return c.error();
    auto me = require_member(s, *c, who);
    if (!me.ok()) return me.error();
    if (c->kind == ConversationKind::direct)
      return make_error(ErrorCode::invalid_argument, "a direct conversation has exactly two people; start a group");
    if (c->kind == ConversationKind::support)
      return make_error(ErrorCode::invalid_argument, "agents join support conversations by claim or assignment");
    if (c->meeting) return meeting_members_follow_the_meeting();
    // Groups: members from the company may invite. Channels: owners and moderators.
    if (who.kind == UserKind::guest || who.kind == UserKind::customer || me->role == MemberRole::read_only)
      return make_error(ErrorCode::forbidden, "you cannot add people to this conversation");
    if (c->kind == ConversationKind::channel && !can_manage(me->role))
      return make_error(ErrorCode::forbidden, "only owners and moderators of #" + c->name + " can add people");
    auto p = repo_.person(s, user_id);
    if (!p.ok()) return p.error();
    if (!*p || !(*p)->active) return make_error(ErrorCode::not_found, "no user with id " + std::to_string(user_id));
    if ((*p)->kind == "customer") return customers_only_in_support();
    if (!c->settings.admits((*p)->country, (*p)->region)) return limited_to(*c);
    auto added = repo_.add_member(s, id, user_id, MemberRole::member, clock_.now_ms());
    if (!added.ok()) return added.error();
    return {};
  });
}

Result<void> ChatService::remove_member(const Subject& who, std::int64_t id, std::int64_t user_id) {
  if (user_id == who.user_id) return leave(who, id);
  return db_.write([&](storage::Session& s) -> Result<void> {
    auto c = load(s, id);
    if (!c.ok()) return c.error();
    auto me = require_member(s, *c, who);
    if (!me.ok()) return me.error();
    if (!can_manage(me->role) || c->kind == ConversationKind::direct)
      return make_error(ErrorCode::forbidden, "only owners and moderators can remove people");
    if (c->meeting) return meeting_members_follow_the_meeting();
    auto them = repo_.membership(s, id, user_id);
    if (!them.ok()) return them.error();
    if (!*them) return make_error(ErrorCode::not_found, "that person is not a member");
    if ((*them)->role == MemberRole::owner && me->role != MemberRole::owner)
      return make_error(ErrorCode::forbidden, "a moderator cannot remove an owner");
    auto removed = repo_.remove_member(s, id, user_id);
    if (!removed.ok()) return removed.error();
    return {};
  });
}

Result<std::vector<Mentioned>> ChatService::resolve_mentions(const Conversation& c, const Member& me,
                                                             const std::string& text,
                                                             const std::vector<Member>& members) {
  const MentionTokens tokens = parse_mentions(text);
  const bool broadcast = (tokens.channel || tokens.here) && c.kind != ConversationKind::direct;
  if (broadcast && c.kind == ConversationKind::channel) {
    const auto who_may = c.settings.broadcast_mentions;
    if (who_may == BroadcastMentions::nobody)
      return make_error(ErrorCode::forbidden, "@channel and @here are turned off in #" + c.name);
    if (who_may == BroadcastMentions::moderators && !can_manage(me.role))
      return make_error(ErrorCode::forbidden, "only owners and moderators may use @channel and @here in #" + c.name);
  }
  std::vector<Mentioned> out;
  for (const auto& m : members) {
    if (m.user_id == me.user_id) continue;
    if (std::find(tokens.handles.begin(), tokens.handles.end(), m.handle) != tokens.handles.end())
      out.push_back(Mentioned{m.user_id, "user"});
    else if (broadcast && tokens.channel)
      out.push_back(Mentioned{m.user_id, "channel"});
    else if (broadcast && tokens.here && ports_.online && ports_.online->online(m.user_id))
      out.push_back(Mentioned{m.user_id, "here"});
  }
  return out;
}

Result<Message> ChatService::decorated(storage::Session& s, std::int64_t id, std::int64_t message_id) {
  auto m = repo_.message(s, id, message_id);
  if (!m.ok()) return m.error();
  if (!*m) return make_error(ErrorCode::not_found, "no such message in this conversation");
  std::vector<Message> one{**m};
  MERIDIAN_TRY(repo_.decorate(s, one));
  Message out = std::move(one.front());
  return out;
}

Result<Posted> ChatService::post(const Subject& who, std::int64_t id, std::string text, std::string client_id,
                                 std::optional<std::int64_t> thread_root_id,
                                 const std::vector<std::int64_t>& attachments) {
  if (client_id.empty() || client_id.size() > 64 || has_control_chars(client_id, false))
    return make_error(ErrorCode::invalid_argument, "client_id must be 1 to 64 printable characters");
  MERIDIAN_TRY(check_text(text, !attachments.empty()));
  if (!attachments.empty() && !ports_.attachments)
    return make_error(ErrorCode::invalid_argument, "attachments are not available on this server");
  const UnixMillis now = clock_.now_ms();
  return retry_once_if_raced([&] {
    return storage::write_value<Posted>(db_, [&](storage::Session& s) -> Result<Posted> {
      auto c = load(s, id);
      if (!c.ok()) return c.error();
      auto me = require_member(s, *c, who);
      if (!me.ok()) return me.error();
      MERIDIAN_TRY(require_participant(*me, "reply"));
      if (me->role == MemberRole::read_only)
        return make_error(ErrorCode::forbidden, "you can read but not post in this conversation");
      MERIDIAN_TRY(access_.require_open(s, *c));
      if (c->kind == ConversationKind::channel && c->settings.announcement && !thread_root_id &&
          !can_manage(me->role) && !me->can_post)
        return make_error(ErrorCode::forbidden,
                          "#" + c->name + " is an announcement channel: you can react and reply in threads");
      std::optional<Message> root;
      if (thread_root_id) {
        auto r = repo_.message(s, id, *thread_root_id);
        if (!r.ok()) return r.error();
        if (!*r) return make_error(ErrorCode::not_found, "no such message in this conversation");
        if ((*r)->thread_root_id)
          return make_error(ErrorCode::invalid_argument, "reply to the thread's root message, not to a reply");
        if ((*r)->deleted_at) return make_error(ErrorCode::conflict, "the thread's root message was deleted");
        root = **r;
      }
      auto members = repo_.members(s, id);
      if (!members.ok()) return members.error();
      Posted out;
      auto seen = repo_.message_by_client_id(s, who.user_id, client_id);
      if (!seen.ok()) return seen.error();
      if (*seen) {
        if ((*seen)->conversation_id != id)
          return make_error(ErrorCode::conflict, "client_id was already used for a message elsewhere");
        std::vector<Message> one{**seen};
        MERIDIAN_TRY(repo_.decorate(s, one));
        out.message = std::move(one.front());
        out.duplicate = true;
        if (out.message.thread_root_id != thread_root_id)
          return make_error(ErrorCode::conflict, "client_id was already used for another message");
      } else {
        auto mentioned = resolve_mentions(*c, *me, text, *members);
        if (!mentioned.ok()) return mentioned.error();
        auto seq = next_seq(s, id);
        if (!seq.ok()) return seq.error();
        Message m;
        m.conversation_id = id;
        m.seq = *seq;
        m.author_id = who.user_id;
        m.author_name = me->display_name;
        m.client_id = client_id;
        m.text = text;  // copied: a raced attempt runs again
        m.created_at = now;
        m.thread_root_id = thread_root_id;
        m.change_seq = m.seq;  // its own seq until it changes
        auto mid = repo_.insert_message(s, m, c->region);
        if (!mid.ok()) return mid.error();
        if (!*mid) return make_error(ErrorCode::conflict, std::string(kRaced));
        m.id = **mid;
        MERIDIAN_TRY(repo_.replace_mentions(s, m, *mentioned));
        if (!attachments.empty()) {
          auto files = ports_.attachments->attach(s, *c, who, attachments);
          if (!files.ok()) return files.error();
          MERIDIAN_TRY(repo_.insert_attachments(s, m, *files, now));
          m.attachments = std::move(*files);
        }
        if (root) {
          // The root changes too (count, last reply): it takes the next sequence number.
          auto root_seq = next_seq(s, id);
          if (!root_seq.ok()) return root_seq.error();
          MERIDIAN_TRY(repo_.count_reply(s, root->id, *root_seq, now));
          MERIDIAN_TRY(repo_.follow(s, root->id, who.user_id, FollowMode::follow, m.seq));
          MERIDIAN_TRY(repo_.follow(s, root->id, root->author_id, FollowMode::unless_unfollowed, 0));
          for (const auto& x : *mentioned) MERIDIAN_TRY(repo_.follow(s, root->id, x.user_id, FollowMode::follow, 0));
          auto updated_root = decorated(s, id, root->id);
          if (!updated_root.ok()) return updated_root.error();
          out.root = std::move(*updated_root);
        } else {
          MERIDIAN_TRY(repo_.set_last_read(s, id, who.user_id, m.seq));  // you have read what you wrote
        }
        out.mentioned = std::move(*mentioned);
        out.message = std::move(m);
      }
      for (const auto& m : *members) out.recipients.push_back(m.user_id);
      return out;
    });
  });
}

Result<HistoryPage> ChatService::history(const Subject& who, std::int64_t id, std::optional<std::int64_t> before,
                                         std::optional<std::int64_t> after, int limit) {
  if (limit < 1 || limit > kMaxPage)
    return make_error(ErrorCode::invalid_argument, "limit must be between 1 and " + std::to_string(kMaxPage));
  return storage::read_value<HistoryPage>(db_, [&](storage::Session& s) -> Result<HistoryPage> {
    auto c = load(s, id);
    if (!c.ok()) return c.error();
    auto me = require_member(s, *c, who);
    if (!me.ok()) return me.error();
    auto rows = repo_.messages(s, id, before, after, limit + 1);
    if (!rows.ok()) return rows.error();
    HistoryPage page;
    page.items = std::move(*rows);
    if (static_cast<int>(page.items.size()) > limit) {
      page.has_more = true;
      const bool forward = after.has_value() && !before.has_value();
      if (forward)
        page.items.pop_back();
      else
        page.items.erase(page.items.begin());
    }
    MERIDIAN_TRY(repo_.decorate(s, page.items));
    return page;
  });
}

Result<ChatService::TypingNotice> ChatService::typing(const Subject& who, std::int64_t id) {
  const UnixMillis now = clock_.now_ms();
  TypingNotice notice;
  {
    std::lock_guard lock(typing_mutex_);
    auto& last = last_typing_[{who.user_id, id}];
    notice.throttled = last != 0 && now - last < kTypingThrottleMs;
    if (!notice.throttled) last = now;
    if (last_typing_.size() > 100'000) last_typing_.clear();  // bounded; worst case one extra notice
  }
  if (notice.throttled) return notice;
  auto recipients = storage::read_value<std::vector<std::int64_t>>(
      db_, [&](storage::Session& s) -> Result<std::vector<std::int64_t>> {
        auto c = load(s, id);
        if (!c.ok()) return c.error();
        auto me = require_member(s, *c, who);
        if (!me.ok()) return me.error();
        std::vector<std::int64_t> out;
        if (me->role == MemberRole::read_only) return out;
        auto members = repo_.members(s, id);
        if (!members.ok()) return members.error();
        for (const auto& m : *members)
          if (m.user_id != who.user_id) out.push_back(m.user_id);
        return out;
      });
  if (!recipients.ok()) return recipients.error();
  notice.recipients = std::move(*recipients);
  return notice;
}

Result<ChatService::Changed> ChatService::edit(const Subject& who, std::int64_t id, std::int64_t message_id,
                                               std::string text) {
  MERIDIAN_TRY(check_text(text));
  return change_message(who, id, message_id, text);
}

Result<ChatService::Changed> ChatService::remove(const Subject& who, std::int64_t id, std::int64_t message_id) {
  auto changed = change_message(who, id, message_id, std::nullopt);
  // The attachments go with the message (after the commit: files removes their objects).
  if (changed.ok() && !changed->released_files.empty() && ports_.attachments)
    ports_.attachments->released(changed->released_files, who.user_id);
  return changed;
}

Result<ChangePage> ChatService::changes(const Subject& who, std::int64_t id, std::int64_t after, int limit,
                                        std::int64_t upto) {
  return reader_.changes(who, id, after, limit, upto);
}

// new_text: the edit; nullopt: delete.
Result<ChatService::Changed> ChatService::change_message(const Subject& who, std::int64_t id, std::int64_t message_id,
                                                         const std::optional<std::string>& new_text) {
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<Changed>(db_, [&](storage::Session& s) -> Result<Changed> {
    auto c = load(s, id);
    if (!c.ok()) return c.error();
    // The conversation first, then its messages: the order posts and retention purges
    // take too (a version or reaction row locks its message before next_seq otherwise).
    MERIDIAN_TRY(storage::lock_row(s, "conversations", id));
    auto me = require_member(s, *c, who);
    if (!me.ok()) return me.error();
    MERIDIAN_TRY(require_participant(*me, new_text ? "edit messages" : "delete messages"));
    // A closed support conversation is the record of the request: reopen it to change it.
    MERIDIAN_TRY(access_.require_open(s, *c));
    auto current = repo_.message(s, id, message_id);
    if (!current.ok()) return current.error();
    if (!*current) return make_error(ErrorCode::not_found, "no such message in this conversation");
    const Message& m = **current;
    const bool mine = m.author_id == who.user_id;
    if (new_text) {
      if (!mine) return make_error(ErrorCode::forbidden, "you can only edit your own messages");
      if (m.deleted_at) return make_error(ErrorCode::conflict, "the message was deleted");
    } else if (!mine && !can_manage(me->role)) {
      return make_error(ErrorCode::forbidden, "only the author, owners and moderators can delete a message");
    }
    if (me->role == MemberRole::read_only && mine)
      return make_error(ErrorCode::forbidden, "you can read but not change messages in this conversation");
    Changed out;
    if ((new_text && *new_text == m.text) || (!new_text && m.deleted_at)) {
      out.message = m;
      out.unchanged = true;
      return out;
    }
    MERIDIAN_TRY(repo_.record_version(s, m, now, who.user_id));  // kept for audit
    auto seq = next_seq(s, id);
    if (!seq.ok()) return seq.error();
    auto members = repo_.members(s, id);
    if (!members.ok()) return members.error();
    if (new_text) {
      auto mentioned = resolve_mentions(*c, *me, *new_text, *members);
      if (!mentioned.ok()) return mentioned.error();
      auto before = repo_.mentioned_users(s, message_id);
      if (!before.ok()) return before.error();
      for (const auto& x : *mentioned)
        if (std::find(before->begin(), before->end(), x.user_id) == before->end()) out.newly_mentioned.push_back(x);
      MERIDIAN_TRY(repo_.replace_mentions(s, m, *mentioned));
      MERIDIAN_TRY(repo_.set_text(s, message_id, *new_text, *seq, now));
    } else {
      auto released = repo_.release_attachments(s, message_id);
      if (!released.ok()) return released.error();
      out.released_files = std::move(*released);
      MERIDIAN_TRY(repo_.tombstone(s, message_id, *seq, now));
    }
    auto updated = decorated(s, id, message_id);
    if (!updated.ok()) return updated.error();
    out.message = std::move(*updated);
    for (const auto& member : *members) out.recipients.push_back(member.user_id);
    return out;
  });
}

Result<std::int64_t> ChatService::next_seq(storage::Session& s, std::int64_t id) {
  auto seq = repo_.next_seq(s, id);
  if (seq.ok() && ports_.events) ports_.events->seq_taken(id, *seq);
  return seq;
}

Result<ReadReceipt> ChatService::mark_read(const Subject& who, std::int64_t id, std::int64_t seq) {
  return storage::write_value<ReadReceipt>(db_, [&](storage::Session& s) -> Result<ReadReceipt> {
    auto c = load(s, id);
    if (!c.ok()) return c.error();
    auto me = require_member(s, *c, who);
    if (!me.ok()) return me.error();
    if (seq < 0 || seq > c->last_seq)
      return make_error(ErrorCode::invalid_argument, "seq must be between 0 and " + std::to_string(c->last_seq));
    if (me->observer) return ReadReceipt{};  // no marker to move, nobody told
    auto changed = repo_.set_last_read(s, id, who.user_id, seq);
    if (!changed.ok()) return changed.error();
    ReadReceipt out;
    out.changed = *changed;
    out.last_read_seq = std::max(seq, me->last_read_seq);
    if (out.changed &&
        (c->kind == ConversationKind::direct || c->kind == ConversationKind::support)) {  // "seen" receipts
      auto members = repo_.members(s, id);
      if (!members.ok()) return members.error();
      for (const auto& m : *members)
        if (m.user_id != who.user_id) out.notify.push_back(m.user_id);
    }
    return out;
  });
}

Result<Reacted> ChatService::react(const Subject& who, std::int64_t id, std::int64_t message_id,
                                   const std::string& emoji, std::optional<bool> on) {
  if (!valid_emoji(emoji))
    return make_error(ErrorCode::invalid_argument, "emoji must be one emoji or a :shortcode: of at most 32 bytes");
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<Reacted>(db_, [&](storage::Session& s) -> Result<Reacted> {
    auto c = load(s, id);
    if (!c.ok()) return c.error();
    MERIDIAN_TRY(storage::lock_row(s, "conversations", id));  // before the message: see change_message
    auto me = require_member(s, *c, who);
    if (!me.ok()) return me.error();
    MERIDIAN_TRY(require_participant(*me, "react"));
    auto m = repo_.message(s, id, message_id);
    if (!m.ok()) return m.error();
    if (!*m) return make_error(ErrorCode::not_found, "no such message in this conversation");
    if ((*m)->deleted_at) return make_error(ErrorCode::conflict, "the message was deleted");
    Reacted out;
    out.emoji = emoji;
    auto has = repo_.has_reaction(s, message_id, who.user_id, emoji);
    if (!has.ok()) return has.error();
    out.on = on.value_or(!*has);
    if (out.on && !*has) {
      auto others = repo_.other_emoji(s, message_id, emoji);
      if (!others.ok()) return others.error();
      if (static_cast<std::size_t>(*others) >= kMaxEmojiPerMessage)
        return make_error(ErrorCode::invalid_argument,
                          "a message can carry at most " + std::to_string(kMaxEmojiPerMessage) + " different emoji");
    }
    auto changed = repo_.set_reaction(s, message_id, who.user_id, emoji, out.on, now);
    if (!changed.ok()) return changed.error();
    out.changed = *changed;
    if (out.changed) {  // a change to the message: replayable from /changes
      auto seq = next_seq(s, id);
      if (!seq.ok()) return seq.error();
      MERIDIAN_TRY(repo_.set_change_seq(s, message_id, *seq));
      auto members = repo_.members(s, id);
      if (!members.ok()) return members.error();
      for (const auto& member : *members) out.recipients.push_back(member.user_id);
    }
    auto updated = decorated(s, id, message_id);
    if (!updated.ok()) return updated.error();
    out.message = std::move(*updated);
    return out;
  });
}

Result<ThreadPage> ChatService::thread(const Subject& who, std::int64_t id, std::int64_t root_id,
                                       std::optional<std::int64_t> before, std::optional<std::int64_t> after,
                                       int limit) {
  if (limit < 1 || limit > kMaxPage)
    return make_error(ErrorCode::invalid_argument, "limit must be between 1 and " + std::to_string(kMaxPage));
  return storage::read_value<ThreadPage>(db_, [&](storage::Session& s) -> Result<ThreadPage> {
    auto c = load(s, id);
    if (!c.ok()) return c.error();
    auto me = require_member(s, *c, who);
    if (!me.ok()) return me.error();
    auto root = decorated(s, id, root_id);
    if (!root.ok()) return root.error();
    if (root->thread_root_id)
      return make_error(ErrorCode::invalid_argument, "message " + std::to_string(root_id) + " is a reply, not a root");
    auto rows = repo_.messages(s, id, before, after, limit + 1, root_id);
    if (!rows.ok()) return rows.error();
    ThreadPage page;
    page.root = std::move(*root);
    page.items = std::move(*rows);
    if (static_cast<int>(page.items.size()) > limit) {
      page.has_more = true;
      if (after.has_value() && !before.has_value())
        page.items.pop_back();
      else
        page.items.erase(page.items.begin());
    }
    MERIDIAN_TRY(repo_.decorate(s, page.items));
    auto f = repo_.follower(s, root_id, who.user_id);
    if (!f.ok()) return f.error();
    page.following = *f && (*f)->first;
    return page;
  });
}

Result<void> ChatService::follow_thread(const Subject& who, std::int64_t id, std::int64_t root_id, bool follow) {
  return db_.write([&](storage::Session& s) -> Result<void> {
    auto c = load(s, id);
    if (!c.ok()) return c.error();
    auto me = require_member(s, *c, who);
    if (!me.ok()) return me.error();
    MERIDIAN_TRY(require_participant(*me, "follow its threads"));
    // A follower row references its root: a purge must not delete the root in between.
    MERIDIAN_TRY(storage::lock_row(s, "conversations", id));
    auto root = repo_.message(s, id, root_id);
    if (!root.ok()) return root.error();
    if (!*root) return make_error(ErrorCode::not_found, "no such message in this conversation");
    if ((*root)->thread_root_id)
      return make_error(ErrorCode::invalid_argument, "follow the thread's root message, not a reply");
    // Following from now on: earlier replies do not count as unread.
    return repo_.follow(s, root_id, who.user_id, follow ? FollowMode::follow : FollowMode::unfollow, c->last_seq);
  });
}

Result<void> ChatService::mark_thread_read(const Subject& who, std::int64_t id, std::int64_t root_id,
                                           std::int64_t seq) {
  return db_.write([&](storage::Session& s) -> Result<void> {
    auto c = load(s, id);
    if (!c.ok()) return c.error();
    auto me = require_member(s, *c, who);
    if (!me.ok()) return me.error();
    if (seq < 0 || seq > c->last_seq)
      return make_error(ErrorCode::invalid_argument, "seq must be between 0 and " + std::to_string(c->last_seq));
    auto root = repo_.message(s, id, root_id);
    if (!root.ok()) return root.error();
    if (!*root || (*root)->thread_root_id)
      return make_error(ErrorCode::not_found, "no such thread in this conversation");
    if (me->observer) return {};  // nothing to mark for someone who is not a member
    return repo_.set_thread_read(s, root_id, who.user_id, seq);
  });
}

Result<ChannelSettings> ChatService::settings(const Subject& who, std::int64_t id) {
  return storage::read_value<ChannelSettings>(db_, [&](storage::Session& s) -> Result<ChannelSettings> {
    auto c = load(s, id);
    if (!c.ok()) return c.error();
    auto me = require_member(s, *c, who);
    if (!me.ok()) return me.error();
    return c->settings;
  });
}

Result<ChannelSettings> ChatService::update_settings(const Subject& who, std::int64_t id, const SettingsPatch& patch) {
  std::optional<std::vector<std::string>> countries;
  std::optional<std::vector<std::string>> regions;
  if (patch.allowed_countries) {
    auto v = check_places(*patch.allowed_countries, true);
    if (!v.ok()) return v.error();
    countries = std::move(*v);
  }
  if (patch.allowed_regions) {
    auto v = check_places(*patch.allowed_regions, false);
    if (!v.ok()) return v.error();
    regions = std::move(*v);
  }
  ConversationChanged changed;
  auto result = storage::write_value<ChannelSettings>(db_, [&](storage::Session& s) -> Result<ChannelSettings> {
    auto c = load(s, id);
    if (!c.ok()) return c.error();
    auto me = require_member(s, *c, who);
    if (!me.ok()) return me.error();
    if (c->kind != ConversationKind::channel)
      return make_error(ErrorCode::invalid_argument, "settings apply to channels only");
    if (!can_manage(me->role))
      return make_error(ErrorCode::forbidden, "only owners and moderators of #" + c->name + " can change its settings");
    ChannelSettings next = c->settings;
    if (patch.announcement) next.announcement = *patch.announcement;
    if (patch.broadcast_mentions) next.broadcast_mentions = *patch.broadcast_mentions;
    if (countries) next.allowed_countries = *countries;
    if (regions) next.allowed_regions = *regions;
    if (next == c->settings) return next;  // nothing to store or tell
    auto seq = next_seq(s, id);
    if (!seq.ok()) return seq.error();
    MERIDIAN_TRY(repo_.update_settings(s, id, next, *seq));
    changed.change_seq = *seq;
    changed.conversation = *c;
    changed.conversation.settings = next;
    changed.conversation.last_seq = changed.conversation.details_seq = *seq;
    changed.change = "settings";
    MERIDIAN_TRY(fill_recipients(s, changed));
    return next;
  });
  if (result.ok() && changed.change_seq && ports_.events) ports_.events->conversation_changed(changed);
  return result;
}

Result<MemberList> ChatService::members(const Subject& who, std::int64_t id) {
  return storage::read_value<MemberList>(db_, [&](storage::Session& s) -> Result<MemberList> {
    auto c = load(s, id);
    if (!c.ok()) return c.error();
    auto me = require_member(s, *c, who);
    if (!me.ok()) return me.error();
    auto members = repo_.members(s, id);
    if (!members.ok()) return members.error();
    MemberList out;
    out.kind = c->kind;
    out.items = std::move(*members);
    return out;
  });
}

Result<Member> ChatService::update_member(const Subject& who, std::int64_t id, std::int64_t user_id,
                                          const MemberPatch& patch) {
  ConversationChanged changed;
  auto result = storage::write_value<Member>(db_, [&](storage::Session& s) -> Result<Member> {
    auto c = load(s, id);
    if (!c.ok()) return c.error();
    auto me = require_member(s, *c, who);
    if (!me.ok()) return me.error();
    if (c->kind == ConversationKind::direct)
      return make_error(ErrorCode::invalid_argument, "a direct conversation has no roles");
    auto them = repo_.membership(s, id, user_id);
    if (!them.ok()) return them.error();
    if (!*them) return make_error(ErrorCode::not_found, "that person is not a member");
    Member next = **them;
    // Rights first, whether or not anything would change: a member cannot probe or poke.
    if (patch.role && me->role != MemberRole::owner)
      return make_error(ErrorCode::forbidden, "only owners can change roles");
    if (patch.can_post && !can_manage(me->role))
      return make_error(ErrorCode::forbidden, "only owners and moderators choose who posts");
    if (patch.role && *patch.role != next.role) {
      if (next.role == MemberRole::owner) {
        auto owners = repo_.owner_count(s, id);
        if (!owners.ok()) return owners.error();
        if (*owners <= 1)
          return make_error(ErrorCode::conflict, "the last owner cannot step down; make someone else owner first");
      }
      next.role = *patch.role;
    }
    if (patch.can_post) next.can_post = *patch.can_post;
    if (next.role == (*them)->role && next.can_post == (*them)->can_post) return next;  // nothing to store or tell
    auto seq = next_seq(s, id);
    if (!seq.ok()) return seq.error();
    MERIDIAN_TRY(repo_.set_member(s, id, user_id, next.role, next.can_post, *seq));
    next.change_seq = *seq;
    changed.change_seq = *seq;
    changed.conversation = *c;
    changed.conversation.last_seq = *seq;
    changed.change = "member";
    changed.member = next;
    MERIDIAN_TRY(fill_recipients(s, changed));
    return next;
  });
  if (result.ok() && changed.change_seq && ports_.events) ports_.events->conversation_changed(changed);
  return result;
}

Result<void> ChatService::fill_recipients(storage::Session& s, ConversationChanged& changed) {
  auto members = repo_.members(s, changed.conversation.id);
  if (!members.ok()) return members.error();
  for (const auto& m : *members) changed.recipients.push_back(m.user_id);
  return {};
}

Result<ConversationView> ChatService::update_details(const Subject& who, std::int64_t id, DetailsPatch patch) {
  if (patch.name) {
    auto& n = *patch.name;
    while (!n.empty() && std::isspace(static_cast<unsigned char>(n.back()))) n.pop_back();
    if (n.size() > 80 || has_control_chars(n, false))
      return make_error(ErrorCode::invalid_argument, "name must be at most 80 printable characters");
  }
  if (patch.topic && (patch.topic->size() > 250 || has_control_chars(*patch.topic, false)))
    return make_error(ErrorCode::invalid_argument, "topic must be at most 250 printable characters");
  ConversationChanged changed;
  auto result = storage::write_value<ConversationView>(db_, [&](storage::Session& s) -> Result<ConversationView> {
    auto c = load(s, id);
    if (!c.ok()) return c.error();
    auto me = require_member(s, *c, who);
    if (!me.ok()) return me.error();
    if (c->kind != ConversationKind::channel && c->kind != ConversationKind::group)
      return make_error(ErrorCode::invalid_argument, "only groups and channels have a name and topic to change");
    if (c->meeting)
      return make_error(ErrorCode::invalid_argument, "a meeting's chat is named after the meeting; rename the meeting");
    if (!can_manage(me->role))
      return make_error(ErrorCode::forbidden, "only owners and moderators can rename it or change its topic");
    if (patch.name && patch.name->empty() && c->kind == ConversationKind::channel)
      return make_error(ErrorCode::invalid_argument, "a channel needs a name of 1 to 80 printable characters");
    Conversation next = *c;
    if (patch.name) next.name = *patch.name;
    if (patch.topic) next.topic = *patch.topic;
    if (next.name == c->name && next.topic == c->topic) return view(s, next, *me);  // nothing to store or tell
    auto seq = next_seq(s, id);
    if (!seq.ok()) return seq.error();
    MERIDIAN_TRY(repo_.update_details(s, id, next.name, next.topic, *seq));
    next.last_seq = next.details_seq = *seq;
    changed.change_seq = *seq;
    changed.conversation = next;
    changed.change = "details";
    MERIDIAN_TRY(fill_recipients(s, changed));
    return view(s, next, *me);
  });
  if (result.ok() && changed.change_seq && ports_.events) ports_.events->conversation_changed(changed);
  return result;
}

void ChatService::purged(std::int64_t id, std::vector<std::int64_t> message_ids, std::int64_t change_seq,
                         std::int64_t roots_updated) {
  if (!ports_.events || message_ids.empty()) return;
  Purged p;
  p.conversation_id = id;
  p.change_seq = change_seq;
  p.message_ids = std::move(message_ids);
  auto read = db_.read([&](storage::Session& s) -> Result<void> {
    auto members = repo_.members(s, id);
    if (!members.ok()) return members.error();
    for (const auto& m : *members) p.recipients.push_back(m.user_id);
    if (roots_updated <= 0) return {};
    // A root changed again since is sent in its latest state; the stream drops what it
    // already sent and sends the rest in order.
    auto roots = repo_.changes(s, id, change_seq, static_cast<int>(roots_updated), change_seq + roots_updated);
    if (!roots.ok()) return roots.error();
    p.roots = std::move(*roots);
    return repo_.decorate(s, p.roots);
  });
  // Storage trouble (or the conversation went): the next change fills this in from storage.
  if (!read.ok()) return;
  ports_.events->purged(p);
}

}  // namespace meridian::chat
