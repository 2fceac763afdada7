#include "chat/chat_service.hpp"

#include <algorithm>
#include <cctype>

#include "chat/chat_rules.hpp"
#include "chat/mentions.hpp"

namespace meridian::chat {
namespace {

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

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

Result<void> check_text(const std::string& text, bool may_be_empty = false) {
  if (text.size() > kMaxMessageBytes)
    return make_error(ErrorCode::too_large, "a message is at most " + std::to_string(kMaxMessageBytes) + " bytes");
  if (blank(text) && !(may_be_empty && text.empty()))
    return make_error(ErrorCode::invalid_argument, "a message needs some text");
  return text::check(text, "a message", text::Lines::multi);
}

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

}  // namespace

Result<Conversation> ChatService::load(storage::Session& s, std::int64_t id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto c, repo_.conversation(s, id));
  if (!c) return no_such_conversation();
  return *c;
}

Result<Member> ChatService::require_member(storage::Session& s, const Conversation& c, const Subject& who) {
  return access_.require_member(s, c, who);
}

Result<ConversationView> ChatService::view(storage::Session& s, const Conversation& c, const Member& me) {
  MERIDIAN_ASSIGN_OR_RETURN(auto unread, repo_.unread(s, c.id, me.user_id, me.last_read_seq));
  ConversationView v{c, me.role, me.last_read_seq, unread, 0, 0, {}};
  v.my_can_post = me.can_post;
  v.observer = me.observer;
  MERIDIAN_ASSIGN_OR_RETURN(auto mentions, repo_.mention_count(s, c.id, me.user_id, me.last_read_seq));
  v.mentions = mentions;
  MERIDIAN_ASSIGN_OR_RETURN(auto threads, repo_.thread_unread(s, c.id, me.user_id));
  v.thread_unread = threads;
  MERIDIAN_ASSIGN_OR_RETURN(auto members, repo_.members(s, c.id));
  v.members = std::move(members);
  return v;
}

Result<ConversationView> ChatService::create_conversation(const Subject& who, NewConversation in) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::start_conversation));
  if (in.kind == ConversationKind::support)
    return make_error(ErrorCode::invalid_argument,
                      "support conversations are opened with POST /api/v1/support/conversations");
  while (!in.name.empty() && std::isspace(static_cast<unsigned char>(in.name.back()))) in.name.pop_back();
  if (in.kind == ConversationKind::channel) {
    if (in.name.empty() || in.name.size() > 80 || unprintable_line(in.name))
      return make_error(ErrorCode::invalid_argument, "a channel needs a name of 1 to 80 printable characters");
  } else if (in.name.size() > 80 || unprintable_line(in.name)) {
    return make_error(ErrorCode::invalid_argument, "name must be at most 80 printable characters");
  }
  if (in.topic.size() > 250 || unprintable_line(in.topic))
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
  MembershipChanged membership;
  auto created = retry_once_if_raced([&] {
    membership = {};
    return storage::write_value<ConversationView>(db_, [&](storage::Session& s) -> Result<ConversationView> {
      for (std::int64_t id : in.member_ids) {
        MERIDIAN_ASSIGN_OR_RETURN(auto p, repo_.person(s, id));
        if (!p || !p->active) return make_error(ErrorCode::not_found, "no user with id " + std::to_string(id));
        // Customers reach the company through support conversations only.
        if (p->kind == "customer") return customers_only_in_support();
        if (p->kind == "guest" && in.kind == ConversationKind::direct)
          return make_error(ErrorCode::forbidden, "guests can be invited to groups and channels, not direct messages");
      }
      std::optional<std::string> direct_key;
      if (in.kind == ConversationKind::direct) {
        const auto [lo, hi] = std::minmax(who.user_id, in.member_ids.front());
        direct_key = std::to_string(lo) + ":" + std::to_string(hi);
        MERIDIAN_ASSIGN_OR_RETURN(auto existing, repo_.direct_conversation(s, *direct_key));
        if (existing) {  // one direct conversation per pair: return it
          MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, *existing));
          MERIDIAN_ASSIGN_OR_RETURN(auto me, require_member(s, c, who));
          return view(s, c, me);
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
      MERIDIAN_ASSIGN_OR_RETURN(auto id, repo_.insert_conversation(s, c, direct_key));
      if (!id) return make_error(ErrorCode::conflict, std::string(kRaced));
      c.id = *id;
      const MemberRole creator_role = in.kind == ConversationKind::direct ? MemberRole::member : MemberRole::owner;
      MERIDIAN_TRY(repo_.add_member(s, c.id, who.user_id, creator_role, now));
      for (std::int64_t member : in.member_ids)
        MERIDIAN_TRY(repo_.add_member(s, c.id, member, MemberRole::member, now));
      MERIDIAN_ASSIGN_OR_RETURN(auto me, require_member(s, c, who));
      MERIDIAN_ASSIGN_OR_RETURN(auto v, view(s, c, me));
      membership = {c.id, in.member_ids, {}, in.member_ids, who.user_id};
      membership.members.push_back(who.user_id);
      return v;
    });
  });
  if (created.ok()) tell(membership);
  return created;
}

Result<std::vector<ConversationView>> ChatService::conversations(const Subject& who) {
  return storage::read_value<std::vector<ConversationView>>(
      db_, [&](storage::Session& s) -> Result<std::vector<ConversationView>> {
        MERIDIAN_ASSIGN_OR_RETURN(auto mine, repo_.conversations_of(s, who.user_id));
        std::vector<ConversationView> out;
        for (auto& [c, me] : mine) {
          MERIDIAN_ASSIGN_OR_RETURN(auto unread, repo_.unread(s, c.id, who.user_id, me.last_read_seq));
          ConversationView v{c, me.role, me.last_read_seq, unread, 0, 0, {}};
          MERIDIAN_ASSIGN_OR_RETURN(auto mentions, repo_.mention_count(s, c.id, who.user_id, me.last_read_seq));
          v.mentions = mentions;
          MERIDIAN_ASSIGN_OR_RETURN(auto threads, repo_.thread_unread(s, c.id, who.user_id));
          v.thread_unread = threads;
          if (c.kind != ConversationKind::channel) {  // small: show who is in it
            MERIDIAN_ASSIGN_OR_RETURN(auto members, repo_.members(s, c.id));
            v.members = std::move(members);
          }
          out.push_back(std::move(v));
        }
        return out;
      });
}

Result<ConversationView> ChatService::conversation(const Subject& who, std::int64_t id) {
  return storage::read_value<ConversationView>(db_, [&](storage::Session& s) -> Result<ConversationView> {
    MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto me, require_member(s, c, who));
    return view(s, c, me);
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
  MERIDIAN_ASSIGN_OR_RETURN(auto m, repo_.message(s, id, message_id));
  if (!m) return make_error(ErrorCode::not_found, "no such message in this conversation");
  std::vector<Message> one{*m};
  MERIDIAN_TRY(repo_.decorate(s, one));
  Message out = std::move(one.front());
  return out;
}

Result<Posted> ChatService::post(const Subject& who, std::int64_t id, std::string text, std::string client_id,
                                 std::optional<std::int64_t> thread_root_id,
                                 const std::vector<std::int64_t>& attachments) {
  if (client_id.empty() || client_id.size() > 64 || unprintable_line(client_id))
    return make_error(ErrorCode::invalid_argument, "client_id must be 1 to 64 printable characters");
  MERIDIAN_TRY(check_text(text, !attachments.empty()));
  if (!attachments.empty() && !ports_.attachments)
    return make_error(ErrorCode::invalid_argument, "attachments are not available on this server");
  const UnixMillis now = clock_.now_ms();
  return retry_once_if_raced([&] {
    return storage::write_value<Posted>(db_, [&](storage::Session& s) -> Result<Posted> {
      MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, id));
      MERIDIAN_ASSIGN_OR_RETURN(auto me, require_member(s, c, who));
      MERIDIAN_TRY(require_participant(me, "reply"));
      if (me.role == MemberRole::read_only)
        return make_error(ErrorCode::forbidden, "you can read but not post in this conversation");
      MERIDIAN_TRY(access_.require_open(s, c));
      if (c.kind == ConversationKind::support) MERIDIAN_TRY(access_.require_support_chat(who));
      if (c.kind == ConversationKind::channel && c.settings.announcement && !thread_root_id && !can_manage(me.role) &&
          !me.can_post)
        return make_error(ErrorCode::forbidden,
                          "#" + c.name + " is an announcement channel: you can react and reply in threads");
      std::optional<Message> root;
      if (thread_root_id) {
        MERIDIAN_ASSIGN_OR_RETURN(auto r, repo_.message(s, id, *thread_root_id));
        if (!r) return make_error(ErrorCode::not_found, "no such message in this conversation");
        if (r->thread_root_id)
          return make_error(ErrorCode::invalid_argument, "reply to the thread's root message, not to a reply");
        if (r->deleted_at) return make_error(ErrorCode::conflict, "the thread's root message was deleted");
        root = *r;
      }
      MERIDIAN_ASSIGN_OR_RETURN(auto members, repo_.members(s, id));
      Posted out;
      MERIDIAN_ASSIGN_OR_RETURN(auto seen, repo_.message_by_client_id(s, who.user_id, client_id));
      if (seen) {
        if (seen->conversation_id != id)
          return make_error(ErrorCode::conflict, "client_id was already used for a message elsewhere");
        std::vector<Message> one{*seen};
        MERIDIAN_TRY(repo_.decorate(s, one));
        out.message = std::move(one.front());
        out.duplicate = true;
        if (out.message.thread_root_id != thread_root_id)
          return make_error(ErrorCode::conflict, "client_id was already used for another message");
      } else {
        MERIDIAN_ASSIGN_OR_RETURN(auto mentioned, resolve_mentions(c, me, text, members));
        MERIDIAN_ASSIGN_OR_RETURN(auto seq, next_seq(s, id));
        Message m;
        m.conversation_id = id;
        m.seq = seq;
        m.author_id = who.user_id;
        m.author_name = me.display_name;
        m.client_id = client_id;
        m.text = text;  // copied: a raced attempt runs again
        m.created_at = now;
        m.thread_root_id = thread_root_id;
        m.change_seq = m.seq;  // its own seq until it changes
        MERIDIAN_ASSIGN_OR_RETURN(auto mid, repo_.insert_message(s, m, c.region));
        if (!mid) return make_error(ErrorCode::conflict, std::string(kRaced));
        m.id = *mid;
        MERIDIAN_TRY(repo_.replace_mentions(s, m, mentioned));
        if (!attachments.empty()) {
          MERIDIAN_ASSIGN_OR_RETURN(auto files, ports_.attachments->attach(s, c, who, attachments));
          MERIDIAN_TRY(repo_.insert_attachments(s, m, files, now));
          m.attachments = std::move(files);
        }
        if (root) {
          // The root changes too (count, last reply): it takes the next sequence number.
          MERIDIAN_ASSIGN_OR_RETURN(auto root_seq, next_seq(s, id));
          MERIDIAN_TRY(repo_.count_reply(s, root->id, root_seq, now));
          MERIDIAN_TRY(repo_.follow(s, root->id, who.user_id, FollowMode::follow, m.seq));
          MERIDIAN_TRY(repo_.follow(s, root->id, root->author_id, FollowMode::unless_unfollowed, 0));
          for (const auto& x : mentioned) MERIDIAN_TRY(repo_.follow(s, root->id, x.user_id, FollowMode::follow, 0));
          MERIDIAN_ASSIGN_OR_RETURN(auto updated_root, decorated(s, id, root->id));
          out.root = std::move(updated_root);
        } else {
          MERIDIAN_TRY(repo_.set_last_read(s, id, who.user_id, m.seq));  // you have read what you wrote
        }
        out.mentioned = std::move(mentioned);
        out.message = std::move(m);
      }
      for (const auto& m : members) out.recipients.push_back(m.user_id);
      return out;
    });
  });
}

Result<HistoryPage> ChatService::history(const Subject& who, std::int64_t id, std::optional<std::int64_t> before,
                                         std::optional<std::int64_t> after, int limit) {
  if (limit < 1 || limit > kMaxPage)
    return make_error(ErrorCode::invalid_argument, "limit must be between 1 and " + std::to_string(kMaxPage));
  return storage::read_value<HistoryPage>(db_, [&](storage::Session& s) -> Result<HistoryPage> {
    MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, id));
    MERIDIAN_TRY(require_member(s, c, who));
    MERIDIAN_ASSIGN_OR_RETURN(auto rows, repo_.messages(s, id, before, after, limit + 1));
    HistoryPage page;
    page.items = std::move(rows);
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
        MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, id));
        MERIDIAN_ASSIGN_OR_RETURN(auto me, require_member(s, c, who));
        std::vector<std::int64_t> out;
        if (me.role == MemberRole::read_only) return out;
        MERIDIAN_ASSIGN_OR_RETURN(auto members, repo_.members(s, id));
        for (const auto& m : members)
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
    MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, id));
    // The conversation first, then its messages: the order posts and retention purges
    // take too (a version or reaction row locks its message before next_seq otherwise).
    MERIDIAN_TRY(storage::lock_row(s, "conversations", id));
    MERIDIAN_ASSIGN_OR_RETURN(auto me, require_member(s, c, who));
    MERIDIAN_TRY(require_participant(me, new_text ? "edit messages" : "delete messages"));
    // A closed support conversation is the record of the request: reopen it to change it.
    MERIDIAN_TRY(access_.require_open(s, c));
    if (c.kind == ConversationKind::support) MERIDIAN_TRY(access_.require_support_chat(who));
    MERIDIAN_ASSIGN_OR_RETURN(auto current, repo_.message(s, id, message_id));
    if (!current) return make_error(ErrorCode::not_found, "no such message in this conversation");
    const Message& m = *current;
    const bool mine = m.author_id == who.user_id;
    if (new_text) {
      if (!mine) return make_error(ErrorCode::forbidden, "you can only edit your own messages");
      if (m.deleted_at) return make_error(ErrorCode::conflict, "the message was deleted");
    } else if (!mine && !can_manage(me.role)) {
      return make_error(ErrorCode::forbidden, "only the author, owners and moderators can delete a message");
    }
    if (me.role == MemberRole::read_only && mine)
      return make_error(ErrorCode::forbidden, "you can read but not change messages in this conversation");
    Changed out;
    if ((new_text && *new_text == m.text) || (!new_text && m.deleted_at)) {
      out.message = m;
      out.unchanged = true;
      return out;
    }
    MERIDIAN_TRY(repo_.record_version(s, m, now, who.user_id));  // kept for audit
    MERIDIAN_ASSIGN_OR_RETURN(auto seq, next_seq(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto members, repo_.members(s, id));
    if (new_text) {
      MERIDIAN_ASSIGN_OR_RETURN(auto mentioned, resolve_mentions(c, me, *new_text, members));
      MERIDIAN_ASSIGN_OR_RETURN(auto before, repo_.mentioned_users(s, message_id));
      for (const auto& x : mentioned)
        if (std::find(before.begin(), before.end(), x.user_id) == before.end()) out.newly_mentioned.push_back(x);
      MERIDIAN_TRY(repo_.replace_mentions(s, m, mentioned));
      MERIDIAN_TRY(repo_.set_text(s, message_id, *new_text, seq, now));
    } else {
      MERIDIAN_ASSIGN_OR_RETURN(auto released, repo_.release_attachments(s, message_id));
      out.released_files = std::move(released);
      MERIDIAN_TRY(repo_.tombstone(s, message_id, seq, now));
    }
    MERIDIAN_ASSIGN_OR_RETURN(auto updated, decorated(s, id, message_id));
    out.message = std::move(updated);
    for (const auto& member : members) out.recipients.push_back(member.user_id);
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
    MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto me, require_member(s, c, who));
    if (seq < 0 || seq > c.last_seq)
      return make_error(ErrorCode::invalid_argument, "seq must be between 0 and " + std::to_string(c.last_seq));
    if (me.observer) return ReadReceipt{};  // no marker to move, nobody told
    MERIDIAN_ASSIGN_OR_RETURN(auto changed, repo_.set_last_read(s, id, who.user_id, seq));
    ReadReceipt out;
    out.changed = changed;
    out.last_read_seq = std::max(seq, me.last_read_seq);
    if (out.changed &&
        (c.kind == ConversationKind::direct || c.kind == ConversationKind::support)) {  // "seen" receipts
      MERIDIAN_ASSIGN_OR_RETURN(auto members, repo_.members(s, id));
      for (const auto& m : members)
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
    MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, id));
    MERIDIAN_TRY(storage::lock_row(s, "conversations", id));  // before the message: see change_message
    MERIDIAN_ASSIGN_OR_RETURN(auto me, require_member(s, c, who));
    MERIDIAN_TRY(require_participant(me, "react"));
    MERIDIAN_ASSIGN_OR_RETURN(auto m, repo_.message(s, id, message_id));
    if (!m) return make_error(ErrorCode::not_found, "no such message in this conversation");
    if (m->deleted_at) return make_error(ErrorCode::conflict, "the message was deleted");
    Reacted out;
    out.emoji = emoji;
    MERIDIAN_ASSIGN_OR_RETURN(auto has, repo_.has_reaction(s, message_id, who.user_id, emoji));
    out.on = on.value_or(!has);
    if (out.on && !has) {
      MERIDIAN_ASSIGN_OR_RETURN(auto others, repo_.other_emoji(s, message_id, emoji));
      if (static_cast<std::size_t>(others) >= kMaxEmojiPerMessage)
        return make_error(ErrorCode::invalid_argument,
                          "a message can carry at most " + std::to_string(kMaxEmojiPerMessage) + " different emoji");
    }
    MERIDIAN_ASSIGN_OR_RETURN(auto changed, repo_.set_reaction(s, message_id, who.user_id, emoji, out.on, now));
    out.changed = changed;
    if (out.changed) {  // a change to the message: replayable from /changes
      MERIDIAN_ASSIGN_OR_RETURN(auto seq, next_seq(s, id));
      MERIDIAN_TRY(repo_.set_change_seq(s, message_id, seq));
      MERIDIAN_ASSIGN_OR_RETURN(auto members, repo_.members(s, id));
      for (const auto& member : members) out.recipients.push_back(member.user_id);
    }
    MERIDIAN_ASSIGN_OR_RETURN(auto updated, decorated(s, id, message_id));
    out.message = std::move(updated);
    return out;
  });
}

Result<ThreadPage> ChatService::thread(const Subject& who, std::int64_t id, std::int64_t root_id,
                                       std::optional<std::int64_t> before, std::optional<std::int64_t> after,
                                       int limit) {
  if (limit < 1 || limit > kMaxPage)
    return make_error(ErrorCode::invalid_argument, "limit must be between 1 and " + std::to_string(kMaxPage));
  return storage::read_value<ThreadPage>(db_, [&](storage::Session& s) -> Result<ThreadPage> {
    MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, id));
    MERIDIAN_TRY(require_member(s, c, who));
    MERIDIAN_ASSIGN_OR_RETURN(auto root, decorated(s, id, root_id));
    if (root.thread_root_id)
      return make_error(ErrorCode::invalid_argument, "message " + std::to_string(root_id) + " is a reply, not a root");
    MERIDIAN_ASSIGN_OR_RETURN(auto rows, repo_.messages(s, id, before, after, limit + 1, root_id));
    ThreadPage page;
    page.root = std::move(root);
    page.items = std::move(rows);
    if (static_cast<int>(page.items.size()) > limit) {
      page.has_more = true;
      if (after.has_value() && !before.has_value())
        page.items.pop_back();
      else
        page.items.erase(page.items.begin());
    }
    MERIDIAN_TRY(repo_.decorate(s, page.items));
    MERIDIAN_ASSIGN_OR_RETURN(auto f, repo_.follower(s, root_id, who.user_id));
    page.following = f && f->first;
    return page;
  });
}

Result<void> ChatService::follow_thread(const Subject& who, std::int64_t id, std::int64_t root_id, bool follow) {
  return db_.write([&](storage::Session& s) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto me, require_member(s, c, who));
    MERIDIAN_TRY(require_participant(me, "follow its threads"));
    // A follower row references its root: a purge must not delete the root in between.
    MERIDIAN_TRY(storage::lock_row(s, "conversations", id));
    MERIDIAN_ASSIGN_OR_RETURN(auto root, repo_.message(s, id, root_id));
    if (!root) return make_error(ErrorCode::not_found, "no such message in this conversation");
    if (root->thread_root_id)
      return make_error(ErrorCode::invalid_argument, "follow the thread's root message, not a reply");
    // Following from now on: earlier replies do not count as unread.
    return repo_.follow(s, root_id, who.user_id, follow ? FollowMode::follow : FollowMode::unfollow, c.last_seq);
  });
}

Result<void> ChatService::mark_thread_read(const Subject& who, std::int64_t id, std::int64_t root_id,
                                           std::int64_t seq) {
  return db_.write([&](storage::Session& s) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto me, require_member(s, c, who));
    if (seq < 0 || seq > c.last_seq)
      return make_error(ErrorCode::invalid_argument, "seq must be between 0 and " + std::to_string(c.last_seq));
    MERIDIAN_ASSIGN_OR_RETURN(auto root, repo_.message(s, id, root_id));
    if (!root || root->thread_root_id) return make_error(ErrorCode::not_found, "no such thread in this conversation");
    if (me.observer) return {};  // nothing to mark for someone who is not a member
    return repo_.set_thread_read(s, root_id, who.user_id, seq);
  });
}

void ChatService::purged(std::int64_t id, std::vector<std::int64_t> message_ids, std::int64_t change_seq,
                         std::int64_t roots_updated) {
  if (!ports_.events || message_ids.empty()) return;
  Purged p;
  p.conversation_id = id;
  p.change_seq = change_seq;
  p.message_ids = std::move(message_ids);
  auto read = db_.read([&](storage::Session& s) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(auto members, repo_.members(s, id));
    for (const auto& m : members) p.recipients.push_back(m.user_id);
    if (roots_updated <= 0) return {};
    // A root changed again since is sent in its latest state; the stream drops what it
    // already sent and sends the rest in order.
    MERIDIAN_ASSIGN_OR_RETURN(
        auto roots, repo_.changes(s, id, change_seq, static_cast<int>(roots_updated), change_seq + roots_updated));
    p.roots = std::move(roots);
    return repo_.decorate(s, p.roots);
  });
  // Storage trouble (or the conversation went): the next change fills this in from storage.
  if (!read.ok()) return;
  ports_.events->purged(p);
}

}  // namespace meridian::chat
