// Membership and what owners and moderators keep: joining and leaving, adding and removing
// people, roles and can_post, channel settings (announcement, @channel, places), name and topic.
#include "chat/chat_service.hpp"

#include <algorithm>
#include <cctype>

#include "chat/chat_rules.hpp"

namespace meridian::chat {
namespace {

Error meeting_members_follow_the_meeting() {
  return make_error(ErrorCode::invalid_argument,
                    "a meeting's chat follows the meeting: invite people to the meeting (or remove them from it)");
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

Result<ConversationView> ChatService::join(const Subject& who, std::int64_t id) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::start_conversation));
  MembershipChanged membership;
  auto joined = storage::write_value<ConversationView>(db_, [&](storage::Session& s) -> Result<ConversationView> {
    MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto existing, repo_.membership(s, id, who.user_id));
    if (!existing) {
      if (c.kind != ConversationKind::channel || c.visibility != Visibility::public_) return no_such_conversation();
      if (!c.settings.admits(who.country, who.region)) return limited_to(c);
      MERIDIAN_TRY(repo_.add_member(s, id, who.user_id, MemberRole::member, clock_.now_ms()));
      membership = {id, {who.user_id}, {}, {}, who.user_id};
      MERIDIAN_TRY(fill_members(s, membership));
    }
    MERIDIAN_ASSIGN_OR_RETURN(auto me, require_member(s, c, who));
    return view(s, c, me);
  });
  if (joined.ok()) tell(membership);
  return joined;
}

Result<void> ChatService::leave(const Subject& who, std::int64_t id) {
  MembershipChanged membership;
  auto left = db_.write([&](storage::Session& s) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, id));
    // Membership first: someone outside learns nothing about what kind it is.
    MERIDIAN_TRY(require_member(s, c, who));
    if (c.kind == ConversationKind::direct)
      return make_error(ErrorCode::invalid_argument, "you cannot leave a direct conversation");
    if (c.kind == ConversationKind::support)
      return make_error(ErrorCode::invalid_argument, "support conversations are assigned and transferred, not left");
    MERIDIAN_TRY(repo_.remove_member(s, id, who.user_id));
    MERIDIAN_TRY(repo_.ensure_owner(s, id));  // the last owner leaving hands the conversation on
    membership = {id, {}, {who.user_id}, {}, who.user_id};
    return fill_members(s, membership);
  });
  // The one who left knows; their other devices and the members learn it.
  if (left.ok()) tell(membership);
  return left;
}

Result<void> ChatService::add_member(const Subject& who, std::int64_t id, std::int64_t user_id) {
  MembershipChanged membership;
  auto added = db_.write([&](storage::Session& s) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto me, require_member(s, c, who));
    if (c.kind == ConversationKind::direct)
      return make_error(ErrorCode::invalid_argument, "a direct conversation has exactly two people; start a group");
    if (c.kind == ConversationKind::support)
      return make_error(ErrorCode::invalid_argument, "agents join support conversations by claim or assignment");
    if (c.meeting) return meeting_members_follow_the_meeting();
    // Groups: members from the company may invite. Channels: owners and moderators.
    if (who.kind == UserKind::guest || who.kind == UserKind::customer || me.role == MemberRole::read_only)
      return make_error(ErrorCode::forbidden, "you cannot add people to this conversation");
    if (c.kind == ConversationKind::channel && !can_manage(me.role))
      return make_error(ErrorCode::forbidden, "only owners and moderators of #" + c.name + " can add people");
    MERIDIAN_ASSIGN_OR_RETURN(auto p, repo_.person(s, user_id));
    if (!p || !p->active) return make_error(ErrorCode::not_found, "no user with id " + std::to_string(user_id));
    if (p->kind == "customer") return customers_only_in_support();
    if (!c.settings.admits(p->country, p->region)) return limited_to(c);
    MERIDIAN_ASSIGN_OR_RETURN(bool inserted, repo_.add_member(s, id, user_id, MemberRole::member, clock_.now_ms()));
    if (!inserted) return {};  // already in: nothing to tell
    membership = {id, {user_id}, {}, {}, who.user_id};
    return fill_members(s, membership);
  });
  if (added.ok()) tell(membership);
  return added;
}

Result<void> ChatService::remove_member(const Subject& who, std::int64_t id, std::int64_t user_id) {
  if (user_id == who.user_id) return leave(who, id);
  MembershipChanged membership;
  auto removed = db_.write([&](storage::Session& s) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto me, require_member(s, c, who));
    if (!can_manage(me.role) || c.kind == ConversationKind::direct)
      return make_error(ErrorCode::forbidden, "only owners and moderators can remove people");
    if (c.meeting) return meeting_members_follow_the_meeting();
    MERIDIAN_ASSIGN_OR_RETURN(auto them, repo_.membership(s, id, user_id));
    if (!them) return make_error(ErrorCode::not_found, "that person is not a member");
    if (them->role == MemberRole::owner && me.role != MemberRole::owner)
      return make_error(ErrorCode::forbidden, "a moderator cannot remove an owner");
    MERIDIAN_ASSIGN_OR_RETURN(bool gone, repo_.remove_member(s, id, user_id));
    if (!gone) return {};
    membership = {id, {}, {user_id}, {}, who.user_id};
    return fill_members(s, membership);
  });
  if (removed.ok()) tell(membership);
  return removed;
}

Result<ChannelSettings> ChatService::settings(const Subject& who, std::int64_t id) {
  return storage::read_value<ChannelSettings>(db_, [&](storage::Session& s) -> Result<ChannelSettings> {
    MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, id));
    MERIDIAN_TRY(require_member(s, c, who));
    return c.settings;
  });
}

Result<ChannelSettings> ChatService::update_settings(const Subject& who, std::int64_t id, const SettingsPatch& patch) {
  std::optional<std::vector<std::string>> countries;
  std::optional<std::vector<std::string>> regions;
  if (patch.allowed_countries) {
    MERIDIAN_ASSIGN_OR_RETURN(auto v, check_places(*patch.allowed_countries, true));
    countries = std::move(v);
  }
  if (patch.allowed_regions) {
    MERIDIAN_ASSIGN_OR_RETURN(auto v, check_places(*patch.allowed_regions, false));
    regions = std::move(v);
  }
  ConversationChanged changed;
  auto result = storage::write_value<ChannelSettings>(db_, [&](storage::Session& s) -> Result<ChannelSettings> {
    MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto me, require_member(s, c, who));
    if (c.kind != ConversationKind::channel)
      return make_error(ErrorCode::invalid_argument, "settings apply to channels only");
    if (!can_manage(me.role))
      return make_error(ErrorCode::forbidden, "only owners and moderators of #" + c.name + " can change its settings");
    ChannelSettings next = c.settings;
    if (patch.announcement) next.announcement = *patch.announcement;
    if (patch.broadcast_mentions) next.broadcast_mentions = *patch.broadcast_mentions;
    if (countries) next.allowed_countries = *countries;
    if (regions) next.allowed_regions = *regions;
    if (next == c.settings) return next;  // nothing to store or tell
    MERIDIAN_ASSIGN_OR_RETURN(auto seq, next_seq(s, id));
    MERIDIAN_TRY(repo_.update_settings(s, id, next, seq));
    changed.change_seq = seq;
    changed.conversation = c;
    changed.conversation.settings = next;
    changed.conversation.last_seq = changed.conversation.details_seq = seq;
    changed.change = "settings";
    MERIDIAN_TRY(fill_recipients(s, changed));
    return next;
  });
  if (result.ok() && changed.change_seq && ports_.events) ports_.events->conversation_changed(changed);
  return result;
}

Result<MemberList> ChatService::members(const Subject& who, std::int64_t id) {
  return storage::read_value<MemberList>(db_, [&](storage::Session& s) -> Result<MemberList> {
    MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, id));
    MERIDIAN_TRY(require_member(s, c, who));
    MERIDIAN_ASSIGN_OR_RETURN(auto members, repo_.members(s, id));
    MemberList out;
    out.kind = c.kind;
    out.items = std::move(members);
    return out;
  });
}

Result<Member> ChatService::update_member(const Subject& who, std::int64_t id, std::int64_t user_id,
                                          const MemberPatch& patch) {
  ConversationChanged changed;
  auto result = storage::write_value<Member>(db_, [&](storage::Session& s) -> Result<Member> {
    MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto me, require_member(s, c, who));
    if (c.kind == ConversationKind::direct)
      return make_error(ErrorCode::invalid_argument, "a direct conversation has no roles");
    MERIDIAN_ASSIGN_OR_RETURN(auto them, repo_.membership(s, id, user_id));
    if (!them) return make_error(ErrorCode::not_found, "that person is not a member");
    Member next = *them;
    // Rights first, whether or not anything would change: a member cannot probe or poke.
    if (patch.role && me.role != MemberRole::owner)
      return make_error(ErrorCode::forbidden, "only owners can change roles");
    if (patch.can_post && !can_manage(me.role))
      return make_error(ErrorCode::forbidden, "only owners and moderators choose who posts");
    if (patch.role && *patch.role != next.role) {
      if (next.role == MemberRole::owner) {
        MERIDIAN_ASSIGN_OR_RETURN(auto owners, repo_.owner_count(s, id));
        if (owners <= 1)
          return make_error(ErrorCode::conflict, "the last owner cannot step down; make someone else owner first");
      }
      next.role = *patch.role;
    }
    if (patch.can_post) next.can_post = *patch.can_post;
    if (next.role == them->role && next.can_post == them->can_post) return next;  // nothing to store or tell
    MERIDIAN_ASSIGN_OR_RETURN(auto seq, next_seq(s, id));
    MERIDIAN_TRY(repo_.set_member(s, id, user_id, next.role, next.can_post, seq));
    next.change_seq = seq;
    changed.change_seq = seq;
    changed.conversation = c;
    changed.conversation.last_seq = seq;
    changed.change = "member";
    changed.member = next;
    MERIDIAN_TRY(fill_recipients(s, changed));
    return next;
  });
  if (result.ok() && changed.change_seq && ports_.events) ports_.events->conversation_changed(changed);
  return result;
}

Result<void> ChatService::fill_members(storage::Session& s, MembershipChanged& changed) {
  MERIDIAN_ASSIGN_OR_RETURN(auto members, repo_.members(s, changed.conversation_id));
  for (const auto& m : members) changed.members.push_back(m.user_id);
  return {};
}

void ChatService::tell(const MembershipChanged& changed) {
  if (ports_.events && (!changed.added.empty() || !changed.removed.empty())) ports_.events->membership_changed(changed);
}

Result<void> ChatService::fill_recipients(storage::Session& s, ConversationChanged& changed) {
  MERIDIAN_ASSIGN_OR_RETURN(auto members, repo_.members(s, changed.conversation.id));
  for (const auto& m : members) changed.recipients.push_back(m.user_id);
  return {};
}

Result<ConversationView> ChatService::update_details(const Subject& who, std::int64_t id, DetailsPatch patch) {
  if (patch.name) {
    auto& n = *patch.name;
    while (!n.empty() && std::isspace(static_cast<unsigned char>(n.back()))) n.pop_back();
    if (n.size() > 80 || unprintable_line(n))
      return make_error(ErrorCode::invalid_argument, "name must be at most 80 printable characters");
  }
  if (patch.topic && (patch.topic->size() > 250 || unprintable_line(*patch.topic)))
    return make_error(ErrorCode::invalid_argument, "topic must be at most 250 printable characters");
  ConversationChanged changed;
  auto result = storage::write_value<ConversationView>(db_, [&](storage::Session& s) -> Result<ConversationView> {
    MERIDIAN_ASSIGN_OR_RETURN(auto c, load(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto me, require_member(s, c, who));
    if (c.kind != ConversationKind::channel && c.kind != ConversationKind::group)
      return make_error(ErrorCode::invalid_argument, "only groups and channels have a name and topic to change");
    if (c.meeting)
      return make_error(ErrorCode::invalid_argument, "a meeting's chat is named after the meeting; rename the meeting");
    if (!can_manage(me.role))
      return make_error(ErrorCode::forbidden, "only owners and moderators can rename it or change its topic");
    if (patch.name && patch.name->empty() && c.kind == ConversationKind::channel)
      return make_error(ErrorCode::invalid_argument, "a channel needs a name of 1 to 80 printable characters");
    Conversation next = c;
    if (patch.name) next.name = *patch.name;
    if (patch.topic) next.topic = *patch.topic;
    if (next.name == c.name && next.topic == c.topic) return view(s, next, me);  // nothing to store or tell
    MERIDIAN_ASSIGN_OR_RETURN(auto seq, next_seq(s, id));
    MERIDIAN_TRY(repo_.update_details(s, id, next.name, next.topic, seq));
    next.last_seq = next.details_seq = seq;
    changed.change_seq = seq;
    changed.conversation = next;
    changed.change = "details";
    MERIDIAN_TRY(fill_recipients(s, changed));
    return view(s, next, me);
  });
  if (result.ok() && changed.change_seq && ports_.events) ports_.events->conversation_changed(changed);
  return result;
}

}  // namespace meridian::chat
