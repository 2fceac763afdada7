// Retention's storage: policies, legal holds, and the batched deletes of the job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "retention/retention.hpp"
#include "storage/database.hpp"

namespace meridian::retention {

struct BatchDeleted {
  std::int64_t messages = 0;
  std::int64_t versions = 0;
  std::int64_t roots_updated = 0;         // thread roots kept whose replies went (count, change_seq)
  std::vector<std::int64_t> message_ids;  // what went, for the live messages.purged notice
  std::int64_t purge_seq = 0;             // the purge's place in the change order (chat_purges)
  bool held = false;                      // a legal hold turned up under the conversation's lock
};

class RetentionRepository final {
 public:
  using S = storage::Session;

  Result<std::vector<RetentionPolicy>> policies(S& s);
  Result<void> set_policy(S& s, const std::string& scope, std::int64_t keep_days, UnixMillis now, std::int64_t by);
  Result<bool> delete_policy(S& s, const std::string& scope);

  Result<std::vector<LegalHold>> holds(S& s);
  // Locks what a hold on (kind, target) keeps, before the hold is written: the conversation,
  // or every conversation the user is in (ascending). A purge batch checks the holds under
  // the conversation's lock, so it either ran before the hold or sees it.
  Result<void> lock_hold_target(S& s, const std::string& kind, std::int64_t target_id);
  Result<void> set_hold(S& s, const std::string& scope, const std::string& kind, std::int64_t target_id,
                        const std::string& reason, std::int64_t by, UnixMillis now);
  Result<bool> delete_hold(S& s, const std::string& scope);
  Result<bool> target_exists(S& s, const std::string& kind, std::int64_t id);

  // Every conversation with what decides its policy; ids after `after_id`, ascending.
  Result<std::vector<ConversationFacts>> conversations(S& s, std::int64_t after_id, int limit);
  Result<std::optional<ConversationFacts>> conversation(S& s, std::int64_t id);
  // A hold on the conversation itself or on one of its members.
  Result<bool> held(S& s, std::int64_t conversation_id);

  // Deletes up to `limit` messages of the conversation created before `cutoff`, oldest
  // first, with their edit history, except those written by held users.
  Result<BatchDeleted> delete_expired_messages(S& s, std::int64_t conversation_id, UnixMillis cutoff, int limit,
                                               UnixMillis now);
  Result<std::int64_t> delete_expired_notes(S& s, std::int64_t conversation_id, UnixMillis cutoff, int limit);
};

}  // namespace meridian::retention
