// Retention: how long messages are kept, which policy applies to a conversation, and
// legal holds that suspend deletion. Pure rules here; storage and the job elsewhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace meridian::retention {

inline constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
inline constexpr std::int64_t kMaxKeepDays = 36'500;

// scope: "global", "kind:<direct|group|channel|support>", "conversation:<id>",
// "country:<XX>" or "region:<NAME>" (the last two apply to support conversations, by the
// customer's country and region when the conversation was opened).
// keep_days: messages older than this many days are deleted; 0 keeps them forever (to
// exempt a conversation or kind from a broader policy).
struct RetentionPolicy {
  std::string scope;
  std::int64_t keep_days = 0;
  UnixMillis updated_at = 0;
};

// scope: "conversation:<id>" or "user:<id>". A held conversation loses nothing; a held
// user loses nothing they wrote, anywhere, and no conversation they are a member of loses
// anything.
struct LegalHold {
  std::string scope;
  std::string reason;
  std::int64_t created_by = 0;
  UnixMillis created_at = 0;
};

// What decides a conversation's policy.
struct ConversationFacts {
  std::int64_t id = 0;
  std::string kind;              // direct, group, channel, support
  std::string customer_country;  // support only
  std::string customer_region;   // support only
};

bool valid_policy_scope(std::string_view scope);
bool valid_hold_scope(std::string_view scope, std::string& kind, std::int64_t& target_id);

// Most specific wins: conversation, then (support only) the customer's country, then their
// region, then the kind, then global. nullopt: no policy, kept forever.
std::optional<RetentionPolicy> policy_in_force(const std::vector<RetentionPolicy>& policies,
                                               const ConversationFacts& c);

// What one run of the job did (counts only, never contents).
struct RunReport {
  std::int64_t conversations_checked = 0;
  std::int64_t conversations_held = 0;
  std::int64_t messages_deleted = 0;
  std::int64_t versions_deleted = 0;
  std::int64_t notes_deleted = 0;
  std::int64_t batches = 0;
  UnixMillis started_at = 0;
  UnixMillis finished_at = 0;
};

}  // namespace meridian::retention
