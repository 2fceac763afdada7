// The one place that answers "may this subject do this action on this resource".
// Default deny: an action not granted to any of the subject's roles is refused.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.hpp"
#include "core/subject.hpp"

namespace meridian::policy {

enum class Action {
  read_own_profile,
  read_directory,           // list employees and agents, and teams; never customers or guests
  read_customer_directory,  // staff: find customers to invite or share with; never customers or guests
  read_user_profile,        // another user's profile (resource.owner_id)
  manage_users,             // admin: create, update, deactivate, reset passwords
  manage_teams,
  manage_roles,
  manage_feature_toggles,
  read_audit_log,
  start_conversation,         // direct messages, groups and channels (not customers or guests)
  host_meeting,               // create instant or scheduled meetings (not customers or guests)
  read_webhook_log,           // admin: outbound webhook deliveries and their attempts
  open_support_conversation,  // customers: ask the company for help
  work_support_queue,         // agents (of a team) and admins: queue, claim, assign, transfer, notes
  manage_support,             // admins: which team gets which customers' conversations
  manage_retention,           // admins: retention policies, legal holds, running the purge
};

const char* action_name(Action action);

struct Resource {
  std::int64_t owner_id = 0;  // the user the resource belongs to, when it has one
  std::string region;
};

class Policy final {
 public:
  bool permits(const Subject& subject, Action action, const Resource& resource = {}) const;
  // forbidden with a message a person can act on, or ok.
  Result<void> require(const Subject& subject, Action action, const Resource& resource = {}) const;
};

}  // namespace meridian::policy
