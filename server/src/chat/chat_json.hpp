// Chat's JSON: its values as clients see them (REST bodies and WebSocket payloads), the
// live events built from them, and request bodies read into the service's inputs.
// docs/websocket.md and the OpenAPI description are the contract these follow.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "chat/chat_service.hpp"
#include "chat/conversation.hpp"
#include "core/result.hpp"

namespace meridian::chat {

// `viewer`: whose "me" flags the reactions carry (0: nobody's).
boost::json::object to_json(const Message& m, std::int64_t viewer = 0);
boost::json::object to_json(const ChannelSettings& c);
// last_read_seq only where "seen" is shown (direct and support conversations).
boost::json::object to_json(const Member& m, ConversationKind kind);
boost::json::object to_json(const Conversation& c);
boost::json::object to_json(const ConversationView& v);
// One member's role and can_post, as a conversation.updated event carries them.
boost::json::object member_change_json(const Member& m);

// Events (WebSocket envelopes without their per-socket fields).

// One stream event as every viewer sees it, before the per-viewer "me" flags of reactions.
boost::json::object message_event(const char* type, const Message& m, boost::json::object extra = {});
// A notice of the change order as its event (the same for every viewer): messages.purged,
// or conversation.updated with the conversation's current state.
boost::json::object notice_event(const Conversation& c, const StreamNotice& n);
// conversation.updated as the change publisher sends it.
boost::json::object conversation_changed_event(const ConversationChanged& c);
// To the added, the removed and the members of a conversation whose membership changed.
boost::json::object conversation_added_event(const MembershipChanged& m);
boost::json::object conversation_removed_event(const MembershipChanged& m);
boost::json::object conversation_members_event(const MembershipChanged& m);
// messages.purged followed by message.updated of each thread root kept.
std::vector<boost::json::object> purged_events(const Purged& p);
// Tells the person mentioned that the message mentions them (a notification, not part of
// the replayable stream).
boost::json::object mention_event(const Message& m, const Mentioned& mentioned);
boost::json::object read_updated_event(std::int64_t conversation_id, std::int64_t user_id, std::int64_t last_read_seq);
boost::json::object typing_event(std::int64_t conversation_id, std::int64_t user_id);

// Request bodies. Unknown fields are the caller's to refuse (REST refuses them; a
// WebSocket envelope carries its type and id besides).

// {"kind", "name"?, "topic"?, "visibility"?, "member_ids"?}
Result<NewConversation> new_conversation_from_json(const boost::json::object& body);
// {"name"?, "topic"?}: at least one.
Result<DetailsPatch> details_patch_from_json(const boost::json::object& body);
// {"announcement"?, "broadcast_mentions"?, "allowed_countries"?, "allowed_regions"?}
Result<SettingsPatch> settings_patch_from_json(const boost::json::object& body);
// {"role"?, "can_post"?}
Result<MemberPatch> member_patch_from_json(const boost::json::object& body);

struct NewMessage {
  std::string text;
  std::string client_id;
  std::optional<std::int64_t> thread_root_id;
  std::vector<std::int64_t> attachments;  // file ids
};
// {"text", "client_id", "thread_root_id"?, "attachments"?: [file ids]}
Result<NewMessage> new_message_from_json(const boost::json::object& body);

struct ReactionChange {
  std::string emoji;
  std::optional<bool> on;  // nullopt: toggle
};
// {"emoji", "on"?}
Result<ReactionChange> reaction_from_json(const boost::json::object& body);

}  // namespace meridian::chat
