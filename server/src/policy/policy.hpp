// The one place that answers "may this subject do this action on this resource".
// Default deny: an action not granted to any of the subject's roles is refused.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/subject.hpp"

namespace meridian::policy {

enum class Action {
  read_own_profile,
  read_directory,           // list employees and agents, and teams; never customers or guests
  read_customer_directory,  // staff: find customers to invite or share with; never customers or guests
  read_user_profile,        // another user's profile (resource.owner_id)
  read_availability,        // another user's working hours, days off, holidays (as their profile)
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
  send_alert,                 // admins: priority alerts to any audience of the organisation
  use_ai_copilot,             // summaries, questions, notes over what one may read (not meeting guests)
  start_remote_support,       // agents and admins: remote support sessions and their codes
  review_remote_support,      // admins: every remote support session and its log
  manage_holidays,            // admins: public holiday calendars (availability)
  approve_remote_support,     // supervisors (admins): approve viewing a sensitive customer's screen
  manage_ai,                  // admins: the AI copilot's file index (the backfill's progress)

  // On one conversation (chat): the subject's relationship to it is member, manager
  // (moderator) or owner.
  read_conversation,        // history, members, threads, search hits
  post_message,             // post, react, follow threads (announcement mode is the service's rule)
  moderate_conversation,    // name, topic, settings, can_post, delete others' messages
  manage_conversation_roles,
  // On one support conversation: member = the customer who asked or the agent it is
  // assigned to; manager = an agent of the team it is routed to.
  read_support_conversation,
  answer_support_conversation,
  handle_support_conversation,  // claim, assign, transfer, close, notes
  // On one file or folder: member = viewer, manager = editor, owner = a manager grant
  // or the owner of the personal space.
  read_file,
  change_file,  // upload, rename, move, delete, lock
  share_file,   // grants and share links
  // On one meeting: member = invited or admitted, manager = co-host, owner = host.
  join_meeting,
  manage_meeting,  // admit from the lobby, mute or remove others, start recording
  change_meeting,  // edit the schedule, invitees, end it for all
  // On one alert: member = a recipient, manager = an admin, owner = its sender.
  read_alert,
  acknowledge_alert,  // the service also requires a recipient's receipt row
  track_alert,        // who received, read and acknowledged it
  resolve_alert,
  // On one remote support session: member = its customer (their scoped token), manager =
  // an admin reviewing it, owner = its agent.
  read_remote_support_session,     // the session, its log, verify, export
  end_remote_support_session,      // either side, or an admin
  conduct_remote_support_session,  // its agent: ask for consent, new codes, join as agent
  // On one team: member = in the team, manager = a lead of it (a role of a team member, set
  // in Admin -> Teams). Admins send to everyone through send_alert instead.
  send_alert_to_team,  // a lead: alerts whose audience is their own teams only
};

// What an action is done on; the resource's relationships depend on its kind.
enum class ResourceKind {
  system,
  user,
  conversation,
  support_conversation,
  file,
  meeting,
  alert,
  remote_support_session,
  team
};

// The subject's relationship to the resource, as the resource's module establishes it.
enum class Relationship { none, member, manager, owner };

ResourceKind resource_kind_of(Action action);
const char* resource_kind_name(ResourceKind kind);
const char* relationship_name(Relationship relationship);
// Stable snake_case names, as in the policy table (policy_table.csv).
const char* action_key(Action action);
const char* role_key(Role role);
// Every action, in declaration order (the generated table test runs them all).
const std::vector<Action>& all_actions();
// The relationships a resource of this kind can have with a subject.
std::vector<Relationship> relationships_of(ResourceKind kind);

const char* action_name(Action action);

struct Resource {
  std::int64_t owner_id = 0;  // the user the resource belongs to, when it has one
  std::string region;
  Relationship relationship = Relationship::none;
};

class Policy final {
 public:
  bool permits(const Subject& subject, Action action, const Resource& resource = {}) const;
  // ok, or the refusal a person can act on. The refusal rule: on a resource the subject
  // may not see at all (no read of its kind permitted), not_found, whether or not it
  // exists; on one they may see but not change, forbidden.
  Result<void> require(const Subject& subject, Action action, const Resource& resource = {}) const;
};

}  // namespace meridian::policy
