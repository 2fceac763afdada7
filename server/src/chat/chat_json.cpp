#include "chat/chat_json.hpp"

#include <utility>

#include <boost/json/array.hpp>

#include "core/json_fields.hpp"
#include "core/json_values.hpp"

namespace meridian::chat {

boost::json::object to_json(const Message& m, std::int64_t viewer) {
  boost::json::array reactions;
  for (const auto& r : m.reactions) {
    boost::json::array users;
    bool me = false;
    for (auto u : r.user_ids) {
      users.push_back(u);
      me = me || u == viewer;
    }
    reactions.push_back(boost::json::object{
        {"emoji", r.emoji}, {"count", r.user_ids.size()}, {"me", me}, {"user_ids", std::move(users)}});
  }
  boost::json::array participants;
  for (auto p : m.participants) participants.push_back(p);
  boost::json::array attachments;
  for (const auto& a : m.attachments)
    attachments.push_back(
        boost::json::object{{"id", a.file_id}, {"name", a.name}, {"size", a.size}, {"content_type", a.content_type}});
  return boost::json::object{{"id", m.id},
                             {"conversation_id", m.conversation_id},
                             {"seq", m.seq},
                             {"change_seq", m.change_seq},
                             {"author", boost::json::object{{"id", m.author_id}, {"display_name", m.author_name}}},
                             {"client_id", m.client_id},
                             {"text", m.text},
                             {"created_at", m.created_at},
                             {"edited_at", json::nullable(m.edited_at)},
                             {"deleted", m.deleted_at.has_value()},
                             {"thread_root_id", json::nullable(m.thread_root_id)},
                             {"reply_count", m.reply_count},
                             {"last_reply_at", json::nullable(m.last_reply_at)},
                             {"participants", std::move(participants)},
                             {"reactions", std::move(reactions)},
                             {"attachments", std::move(attachments)}};
}

boost::json::object to_json(const ChannelSettings& c) {
  boost::json::array countries;
  for (const auto& x : c.allowed_countries) countries.push_back(boost::json::string(x));
  boost::json::array regions;
  for (const auto& x : c.allowed_regions) regions.push_back(boost::json::string(x));
  return boost::json::object{{"announcement", c.announcement},
                             {"broadcast_mentions", broadcast_mentions_name(c.broadcast_mentions)},
                             {"allowed_countries", std::move(countries)},
                             {"allowed_regions", std::move(regions)}};
}

boost::json::object to_json(const Member& m, ConversationKind kind) {
  boost::json::object o{{"user_id", m.user_id},
                        {"display_name", m.display_name},
                        {"handle", m.handle},
                        {"role", member_role_name(m.role)},
                        {"can_post", m.can_post}};
  if (kind == ConversationKind::direct || kind == ConversationKind::support) o["last_read_seq"] = m.last_read_seq;
  if (m.guest) o["guest"] = true;
  return o;
}

boost::json::object to_json(const Conversation& c) {
  return boost::json::object{{"id", c.id},
                             {"kind", kind_name(c.kind)},
                             {"name", c.name},
                             {"topic", c.topic},
                             {"visibility", visibility_name(c.visibility)},
                             {"region", c.region},
                             {"created_by", c.created_by},
                             {"created_at", c.created_at},
                             {"last_seq", c.last_seq},
                             {"meeting", c.meeting},
                             {"settings", to_json(c.settings)}};
}

boost::json::object to_json(const ConversationView& v) {
  boost::json::object o = to_json(v.conversation);
  o["my_role"] = member_role_name(v.my_role);
  o["last_read_seq"] = v.last_read_seq;
  o["unread"] = v.unread;
  o["mentions"] = v.mentions;
  o["thread_unread"] = v.thread_unread;
  o["my_can_post"] = v.my_can_post;
  o["observer"] = v.observer;
  boost::json::array members;
  for (const auto& m : v.members) members.push_back(to_json(m, v.conversation.kind));
  o["members"] = std::move(members);
  return o;
}

boost::json::object member_change_json(const Member& m) {
  return boost::json::object{{"user_id", m.user_id}, {"role", member_role_name(m.role)}, {"can_post", m.can_post}};
}

boost::json::object message_event(const char* type, const Message& m, boost::json::object extra) {
  boost::json::object o = std::move(extra);
  o["type"] = type;
  o["conversation_id"] = m.conversation_id;
  o["change_seq"] = m.change_seq;
  o["message"] = to_json(m, 0);
  return o;
}

boost::json::object notice_event(const Conversation& c, const StreamNotice& n) {
  if (n.purge) {
    boost::json::array ids;
    for (auto id : n.purge->message_ids) ids.push_back(id);
    return boost::json::object{{"type", "messages.purged"},
                               {"conversation_id", c.id},
                               {"change_seq", n.change_seq},
                               {"message_ids", std::move(ids)}};
  }
  boost::json::object o{{"type", "conversation.updated"},
                        {"conversation_id", c.id},
                        {"change_seq", n.change_seq},
                        {"change", n.member ? "member" : "details"},
                        {"conversation", to_json(c)}};
  if (n.member) o["member"] = member_change_json(*n.member);
  return o;
}

boost::json::object conversation_changed_event(const ConversationChanged& c) {
  boost::json::object o{{"type", "conversation.updated"},
                        {"conversation_id", c.conversation.id},
                        {"change_seq", c.change_seq},
                        {"change", c.change},
                        {"conversation", to_json(c.conversation)}};
  if (c.member) o["member"] = member_change_json(*c.member);
  return o;
}

namespace {
boost::json::array ids_json(const std::vector<std::int64_t>& ids) {
  boost::json::array out;
  for (auto id : ids) out.push_back(id);
  return out;
}
}  // namespace

boost::json::object conversation_added_event(const MembershipChanged& m) {
  return {{"type", "conversation.added"}, {"conversation_id", m.conversation_id}, {"by", m.by}};
}

boost::json::object conversation_removed_event(const MembershipChanged& m) {
  return {{"type", "conversation.removed"}, {"conversation_id", m.conversation_id}, {"by", m.by}};
}

boost::json::object conversation_members_event(const MembershipChanged& m) {
  return {{"type", "conversation.members"},
          {"conversation_id", m.conversation_id},
          {"added", ids_json(m.added)},
          {"removed", ids_json(m.removed)},
          {"by", m.by}};
}

std::vector<boost::json::object> purged_events(const Purged& p) {
  boost::json::array ids;
  for (auto id : p.message_ids) ids.push_back(id);
  std::vector<boost::json::object> events;
  events.push_back(boost::json::object{{"type", "messages.purged"},
                                       {"conversation_id", p.conversation_id},
                                       {"change_seq", p.change_seq},
                                       {"message_ids", std::move(ids)}});
  for (const auto& root : p.roots) events.push_back(message_event("message.updated", root));
  return events;
}

boost::json::object mention_event(const Message& m, const Mentioned& mentioned) {
  return boost::json::object{{"type", "mention"},
                             {"conversation_id", m.conversation_id},
                             {"kind", mentioned.kind},
                             {"message", to_json(m, mentioned.user_id)}};
}

boost::json::object read_updated_event(std::int64_t conversation_id, std::int64_t user_id, std::int64_t last_read_seq) {
  return boost::json::object{{"type", "read.updated"},
                             {"conversation_id", conversation_id},
                             {"user_id", user_id},
                             {"last_read_seq", last_read_seq}};
}

boost::json::object typing_event(std::int64_t conversation_id, std::int64_t user_id) {
  return boost::json::object{
      {"type", "typing"}, {"conversation_id", conversation_id}, {"user", boost::json::object{{"id", user_id}}}};
}

Result<NewConversation> new_conversation_from_json(const boost::json::object& body) {
  NewConversation in;
  MERIDIAN_ASSIGN_OR_RETURN(auto kind, json::required_string(body, "kind", 16));
  if (!parse_kind(kind, in.kind))
    return make_error(ErrorCode::invalid_argument, "kind must be direct, group or channel");
  MERIDIAN_ASSIGN_OR_RETURN(auto name, json::optional_string(body, "name", 200));
  in.name = name.value_or("");
  MERIDIAN_ASSIGN_OR_RETURN(auto topic, json::optional_string(body, "topic", 500));
  in.topic = topic.value_or("");
  MERIDIAN_ASSIGN_OR_RETURN(auto visibility, json::optional_string(body, "visibility", 16));
  if (visibility && *visibility != "public" && *visibility != "private")
    return make_error(ErrorCode::invalid_argument, "visibility must be public or private");
  in.visibility = (visibility && *visibility == "public") ? Visibility::public_ : Visibility::private_;
  if (auto ids = body.if_contains("member_ids"); ids && !ids->is_null()) {
    auto invalid = [] {
      return make_error(ErrorCode::invalid_argument, "field 'member_ids' must be an array of user ids");
    };
    if (!ids->is_array()) return invalid();
    for (const auto& v : ids->as_array()) {
      if (!v.is_int64() || v.as_int64() <= 0) return invalid();
      in.member_ids.push_back(v.as_int64());
    }
  }
  return in;
}

Result<DetailsPatch> details_patch_from_json(const boost::json::object& body) {
  DetailsPatch patch;
  MERIDIAN_ASSIGN_OR_RETURN(patch.name, json::optional_string(body, "name", 200));
  MERIDIAN_ASSIGN_OR_RETURN(patch.topic, json::optional_string(body, "topic", 500));
  if (!patch.name && !patch.topic) return make_error(ErrorCode::invalid_argument, "give a name, a topic or both");
  return patch;
}

Result<SettingsPatch> settings_patch_from_json(const boost::json::object& body) {
  SettingsPatch patch;
  MERIDIAN_ASSIGN_OR_RETURN(patch.announcement, json::optional_bool(body, "announcement"));
  MERIDIAN_ASSIGN_OR_RETURN(auto broadcast, json::optional_string(body, "broadcast_mentions", 16));
  if (broadcast) {
    BroadcastMentions b{};
    if (!parse_broadcast_mentions(*broadcast, b))
      return make_error(ErrorCode::invalid_argument, "broadcast_mentions must be everyone, moderators or nobody");
    patch.broadcast_mentions = b;
  }
  MERIDIAN_ASSIGN_OR_RETURN(patch.allowed_countries, json::optional_string_array(body, "allowed_countries", 200));
  MERIDIAN_ASSIGN_OR_RETURN(patch.allowed_regions, json::optional_string_array(body, "allowed_regions", 200));
  return patch;
}

Result<MemberPatch> member_patch_from_json(const boost::json::object& body) {
  MemberPatch patch;
  MERIDIAN_ASSIGN_OR_RETURN(auto role, json::optional_string(body, "role", 16));
  if (role) {
    MemberRole r{};
    if (!parse_member_role(*role, r))
      return make_error(ErrorCode::invalid_argument, "role must be owner, moderator, member or read_only");
    patch.role = r;
  }
  MERIDIAN_ASSIGN_OR_RETURN(patch.can_post, json::optional_bool(body, "can_post"));
  return patch;
}

namespace {

// "attachments": [file ids] (optional).
Result<std::vector<std::int64_t>> attachment_ids(const boost::json::object& body) {
  std::vector<std::int64_t> out;
  const auto* v = body.if_contains("attachments");
  if (!v || v->is_null()) return out;
  auto invalid = [] {
    return make_error(ErrorCode::invalid_argument, "field 'attachments' must be an array of file ids");
  };
  if (!v->is_array() || v->as_array().size() > 10) {
    if (v->is_array()) return make_error(ErrorCode::invalid_argument, "a message carries at most 10 attachments");
    return invalid();
  }
  for (const auto& x : v->as_array()) {
    if (!x.is_int64() || x.as_int64() <= 0) return invalid();
    out.push_back(x.as_int64());
  }
  return out;
}

}  // namespace

Result<NewMessage> new_message_from_json(const boost::json::object& body) {
  NewMessage in;
  auto text = json::required_string(body, "text", kMaxMessageBytes + 1);
  if (!text.ok()) {
    if (text.error().message.find("longer than") != std::string::npos)
      return make_error(ErrorCode::too_large, "a message is at most " + std::to_string(kMaxMessageBytes) + " bytes");
    return text.error();
  }
  in.text = std::move(*text);
  MERIDIAN_ASSIGN_OR_RETURN(in.client_id, json::required_string(body, "client_id", 64));
  MERIDIAN_ASSIGN_OR_RETURN(in.thread_root_id, json::optional_int(body, "thread_root_id"));
  MERIDIAN_ASSIGN_OR_RETURN(in.attachments, attachment_ids(body));
  return in;
}

Result<ReactionChange> reaction_from_json(const boost::json::object& body) {
  ReactionChange in;
  MERIDIAN_ASSIGN_OR_RETURN(in.emoji, json::required_string(body, "emoji", 64));
  MERIDIAN_ASSIGN_OR_RETURN(in.on, json::optional_bool(body, "on"));
  return in;
}

}  // namespace meridian::chat
