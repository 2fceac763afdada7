#include "chat/chat_fan_out.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "chat/chat_json.hpp"
#include "core/json_fields.hpp"

namespace meridian::chat {

void ChatFanOut::posted(const Posted& posted) {
  if (posted.duplicate) return;
  std::vector<boost::json::object> events;
  events.push_back(message_event("message.new", posted.message));
  if (posted.root) events.push_back(message_event("message.updated", *posted.root));
  stream_.publish(posted.message.conversation_id, posted.recipients, std::move(events));
  for (const auto& x : posted.mentioned)
    relay_.send_to_user(x.user_id, json::serialize(mention_event(posted.message, x)));
}

void ChatFanOut::changed(const ChatService::Changed& changed) {
  if (changed.unchanged) return;
  std::vector<boost::json::object> events;
  events.push_back(message_event("message.updated", changed.message));
  stream_.publish(changed.message.conversation_id, changed.recipients, std::move(events));
  for (const auto& x : changed.newly_mentioned)
    relay_.send_to_user(x.user_id, json::serialize(mention_event(changed.message, x)));
}

void ChatFanOut::reacted(const Reacted& r) {
  if (!r.changed) return;
  std::vector<boost::json::object> events;
  events.push_back(message_event("reaction.updated", r.message,
                                 boost::json::object{{"message_id", r.message.id}, {"emoji", r.emoji}, {"on", r.on}}));
  stream_.publish(r.message.conversation_id, r.recipients, std::move(events));
}

void ChatFanOut::conversation_changed(const ConversationChanged& changed) {
  std::vector<boost::json::object> events;
  events.push_back(conversation_changed_event(changed));
  stream_.publish(changed.conversation.id, changed.recipients, std::move(events));
}

void ChatFanOut::purged(const Purged& purged) {
  stream_.publish(purged.conversation_id, purged.recipients, purged_events(purged));
}

void ChatFanOut::read_updated(std::int64_t conversation_id, std::int64_t user_id, const ReadReceipt& receipt) {
  if (receipt.notify.empty()) return;  // "seen" is shown in direct and support conversations only
  relay_.send_to_users(receipt.notify,
                       json::serialize(read_updated_event(conversation_id, user_id, receipt.last_read_seq)));
}

void ChatFanOut::membership_changed(const MembershipChanged& changed) {
  if (!changed.added.empty()) relay_.send_to_users(changed.added, json::serialize(conversation_added_event(changed)));
  if (!changed.removed.empty())
    relay_.send_to_users(changed.removed, json::serialize(conversation_removed_event(changed)));
  // The members who were there before: the newcomers already have the whole conversation.
  std::vector<std::int64_t> others;
  for (auto id : changed.members)
    if (std::find(changed.added.begin(), changed.added.end(), id) == changed.added.end()) others.push_back(id);
  if (!others.empty()) relay_.send_to_users(others, json::serialize(conversation_members_event(changed)));
}

void ChatFanOut::typing(std::int64_t conversation_id, std::int64_t user_id, const ChatService::TypingNotice& notice) {
  if (notice.throttled) return;
  relay_.send_to_users(notice.recipients, json::serialize(typing_event(conversation_id, user_id)));
}

}  // namespace meridian::chat
