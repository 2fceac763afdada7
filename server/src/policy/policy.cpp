#include "policy/policy.hpp"

#include <initializer_list>
#include <optional>

namespace meridian::policy {
namespace {

struct Grant {
  Role role;
  std::initializer_list<Action> actions;
};

// Capabilities per role. Admins may do everything listed for admin only; other roles
// are granted exactly these actions.
const Grant kGrants[] = {
    {Role::admin,
     {Action::read_own_profile, Action::read_directory, Action::read_customer_directory, Action::read_user_profile,
      Action::manage_users, Action::manage_teams, Action::manage_roles, Action::manage_feature_toggles,
      Action::read_audit_log, Action::start_conversation, Action::host_meeting, Action::read_webhook_log,
      Action::work_support_queue, Action::manage_support, Action::manage_retention, Action::send_alert,
      Action::use_ai_copilot, Action::start_remote_support, Action::review_remote_support,
      Action::read_availability, Action::manage_holidays, Action::approve_remote_support,
      Action::manage_ai}},
    {Role::employee,
     {Action::read_own_profile, Action::read_directory, Action::read_customer_directory, Action::read_user_profile,
      Action::start_conversation, Action::host_meeting, Action::use_ai_copilot, Action::read_availability}},
    {Role::agent,
     {Action::read_own_profile, Action::read_directory, Action::read_customer_directory, Action::read_user_profile,
      Action::start_conversation, Action::host_meeting, Action::work_support_queue, Action::use_ai_copilot,
      Action::start_remote_support, Action::read_availability}},
    {Role::customer, {Action::read_own_profile, Action::open_support_conversation, Action::use_ai_copilot}},
    {Role::guest, {Action::read_own_profile}},
};

// Actions on one resource: the least relationship that permits them, whatever the role.
struct ResourceRule {
  Action action;
  ResourceKind kind;
  Relationship least;
  bool needs_capability;  // also a role granting work_support_queue (agents, admins)
};

const ResourceRule kResourceRules[] = {
    {Action::read_conversation, ResourceKind::conversation, Relationship::member, false},
    {Action::post_message, ResourceKind::conversation, Relationship::member, false},
    {Action::moderate_conversation, ResourceKind::conversation, Relationship::manager, false},
    {Action::manage_conversation_roles, ResourceKind::conversation, Relationship::owner, false},
    {Action::read_support_conversation, ResourceKind::support_conversation, Relationship::member, false},
    {Action::answer_support_conversation, ResourceKind::support_conversation, Relationship::member, false},
    {Action::handle_support_conversation, ResourceKind::support_conversation, Relationship::member, true},
    {Action::read_file, ResourceKind::file, Relationship::member, false},
    {Action::change_file, ResourceKind::file, Relationship::manager, false},
    {Action::share_file, ResourceKind::file, Relationship::owner, false},
    {Action::join_meeting, ResourceKind::meeting, Relationship::member, false},
    {Action::manage_meeting, ResourceKind::meeting, Relationship::manager, false},
    {Action::change_meeting, ResourceKind::meeting, Relationship::owner, false},
    {Action::read_alert, ResourceKind::alert, Relationship::member, false},
    {Action::acknowledge_alert, ResourceKind::alert, Relationship::member, false},
    {Action::track_alert, ResourceKind::alert, Relationship::manager, false},
    {Action::resolve_alert, ResourceKind::alert, Relationship::manager, false},
    {Action::read_remote_support_session, ResourceKind::remote_support_session, Relationship::member, false},
    {Action::end_remote_support_session, ResourceKind::remote_support_session, Relationship::member, false},
    {Action::conduct_remote_support_session, ResourceKind::remote_support_session, Relationship::owner, false},
    {Action::send_alert_to_team, ResourceKind::team, Relationship::manager, false},
};

const ResourceRule* resource_rule(Action action) {
  for (const auto& r : kResourceRules)
    if (r.action == action) return &r;
  return nullptr;
}

// What seeing a resource of this kind at all means (the refusal rule).
std::optional<Action> read_action_of(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::conversation:
      return Action::read_conversation;
    case ResourceKind::support_conversation:
      return Action::read_support_conversation;
    case ResourceKind::file:
      return Action::read_file;
    case ResourceKind::meeting:
      return Action::join_meeting;
    case ResourceKind::alert:
      return Action::read_alert;
    case ResourceKind::remote_support_session:
      return Action::read_remote_support_session;
    case ResourceKind::system:
    case ResourceKind::user:
    case ResourceKind::team:  // teams are in the directory: a refusal is forbidden, not not_found
      return std::nullopt;
  }
  return std::nullopt;
}

bool role_grants(Role role, Action action) {
  for (const auto& g : kGrants) {
    if (g.role != role) continue;
    for (Action a : g.actions)
      if (a == action) return true;
  }
  return false;
}

}  // namespace

const char* action_name(Action action) {
  switch (action) {
    case Action::read_own_profile:
      return "read your profile";
    case Action::read_directory:
      return "browse the people directory";
    case Action::read_customer_directory:
      return "browse the customer directory";
    case Action::read_user_profile:
      return "view this person's profile";
    case Action::read_availability:
      return "see this person's working hours";
    case Action::manage_users:
      return "manage users";
    case Action::manage_teams:
      return "manage teams";
    case Action::manage_roles:
      return "change roles";
    case Action::manage_feature_toggles:
      return "change feature toggles";
    case Action::read_audit_log:
      return "read the audit log";
    case Action::start_conversation:
      return "start conversations";
    case Action::host_meeting:
      return "host meetings";
    case Action::read_webhook_log:
      return "read the webhook delivery log";
    case Action::open_support_conversation:
      return "open support conversations";
    case Action::work_support_queue:
      return "work on support conversations";
    case Action::manage_support:
      return "configure support routing";
    case Action::manage_retention:
      return "manage retention and legal holds";
    case Action::send_alert:
      return "send alerts";
    case Action::use_ai_copilot:
      return "use the AI copilot";
    case Action::approve_remote_support:
      return "approve viewing a sensitive customer's screen";
    case Action::manage_holidays:
      return "manage holiday calendars";
    case Action::manage_ai:
      return "manage the AI copilot's index";
    case Action::read_conversation:
      return "read this conversation";
    case Action::post_message:
      return "post in this conversation";
    case Action::moderate_conversation:
      return "moderate this conversation";
    case Action::manage_conversation_roles:
      return "change roles in this conversation";
    case Action::read_support_conversation:
      return "read this support conversation";
    case Action::answer_support_conversation:
      return "answer in this support conversation";
    case Action::handle_support_conversation:
      return "handle this support conversation";
    case Action::read_file:
      return "open this file";
    case Action::change_file:
      return "change this file";
    case Action::share_file:
      return "share this file";
    case Action::join_meeting:
      return "join this meeting";
    case Action::manage_meeting:
      return "manage this meeting";
    case Action::change_meeting:
      return "change this meeting";
    case Action::read_alert:
      return "read this alert";
    case Action::acknowledge_alert:
      return "acknowledge this alert";
    case Action::track_alert:
      return "see who received this alert";
    case Action::resolve_alert:
      return "resolve this alert";
    case Action::start_remote_support:
      return "start remote support sessions";
    case Action::review_remote_support:
      return "review every remote support session";
    case Action::read_remote_support_session:
      return "see this remote support session";
    case Action::end_remote_support_session:
      return "end this remote support session";
    case Action::conduct_remote_support_session:
      return "conduct this remote support session";
    case Action::send_alert_to_team:
      return "send alerts to this team";
  }
  return "do this";
}

const char* action_key(Action action) {
  switch (action) {
#define MERIDIAN_ACTION_KEY(a) \
  case Action::a:              \
    return #a;
    MERIDIAN_ACTION_KEY(read_own_profile)
    MERIDIAN_ACTION_KEY(read_directory)
    MERIDIAN_ACTION_KEY(read_customer_directory)
    MERIDIAN_ACTION_KEY(read_user_profile)
    MERIDIAN_ACTION_KEY(read_availability)
    MERIDIAN_ACTION_KEY(manage_users)
    MERIDIAN_ACTION_KEY(manage_teams)
    MERIDIAN_ACTION_KEY(manage_roles)
    MERIDIAN_ACTION_KEY(manage_feature_toggles)
    MERIDIAN_ACTION_KEY(read_audit_log)
    MERIDIAN_ACTION_KEY(start_conversation)
    MERIDIAN_ACTION_KEY(host_meeting)
    MERIDIAN_ACTION_KEY(read_webhook_log)
    MERIDIAN_ACTION_KEY(open_support_conversation)
    MERIDIAN_ACTION_KEY(work_support_queue)
    MERIDIAN_ACTION_KEY(manage_support)
    MERIDIAN_ACTION_KEY(manage_retention)
    MERIDIAN_ACTION_KEY(send_alert)
    MERIDIAN_ACTION_KEY(use_ai_copilot)
    MERIDIAN_ACTION_KEY(start_remote_support)
    MERIDIAN_ACTION_KEY(review_remote_support)
    MERIDIAN_ACTION_KEY(manage_holidays)
    MERIDIAN_ACTION_KEY(approve_remote_support)
    MERIDIAN_ACTION_KEY(manage_ai)
    MERIDIAN_ACTION_KEY(read_conversation)
    MERIDIAN_ACTION_KEY(post_message)
    MERIDIAN_ACTION_KEY(moderate_conversation)
    MERIDIAN_ACTION_KEY(manage_conversation_roles)
    MERIDIAN_ACTION_KEY(read_support_conversation)
    MERIDIAN_ACTION_KEY(answer_support_conversation)
    MERIDIAN_ACTION_KEY(handle_support_conversation)
    MERIDIAN_ACTION_KEY(read_file)
    MERIDIAN_ACTION_KEY(change_file)
    MERIDIAN_ACTION_KEY(share_file)
    MERIDIAN_ACTION_KEY(join_meeting)
    MERIDIAN_ACTION_KEY(manage_meeting)
    MERIDIAN_ACTION_KEY(change_meeting)
    MERIDIAN_ACTION_KEY(read_alert)
    MERIDIAN_ACTION_KEY(acknowledge_alert)
    MERIDIAN_ACTION_KEY(track_alert)
    MERIDIAN_ACTION_KEY(resolve_alert)
    MERIDIAN_ACTION_KEY(read_remote_support_session)
    MERIDIAN_ACTION_KEY(end_remote_support_session)
    MERIDIAN_ACTION_KEY(conduct_remote_support_session)
    MERIDIAN_ACTION_KEY(send_alert_to_team)
#undef MERIDIAN_ACTION_KEY
  }
  return "unknown";
}

const std::vector<Action>& all_actions() {
  static const std::vector<Action> actions = [] {
    std::vector<Action> out;
    for (int i = 0; i <= static_cast<int>(Action::send_alert_to_team); ++i) out.push_back(static_cast<Action>(i));
    return out;
  }();
  return actions;
}

const char* role_key(Role role) { return role_name(role); }

ResourceKind resource_kind_of(Action action) {
  if (const auto* rule = resource_rule(action)) return rule->kind;
  if (action == Action::read_user_profile || action == Action::read_availability) return ResourceKind::user;
  return ResourceKind::system;
}

const char* resource_kind_name(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::system:
      return "system";
    case ResourceKind::user:
      return "user";
    case ResourceKind::conversation:
      return "conversation";
    case ResourceKind::support_conversation:
      return "support_conversation";
    case ResourceKind::file:
      return "file";
    case ResourceKind::meeting:
      return "meeting";
    case ResourceKind::alert:
      return "alert";
    case ResourceKind::remote_support_session:
      return "remote_support_session";
    case ResourceKind::team:
      return "team";
  }
  return "unknown";
}

const char* relationship_name(Relationship relationship) {
  switch (relationship) {
    case Relationship::none:
      return "none";
    case Relationship::member:
      return "member";
    case Relationship::manager:
      return "manager";
    case Relationship::owner:
      return "owner";
  }
  return "unknown";
}

std::vector<Relationship> relationships_of(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::system:
      return {Relationship::none};
    case ResourceKind::user:
      return {Relationship::none, Relationship::owner};  // owner: the person themselves
    case ResourceKind::support_conversation:
    case ResourceKind::team:
      return {Relationship::none, Relationship::member, Relationship::manager};
    case ResourceKind::conversation:
    case ResourceKind::file:
    case ResourceKind::meeting:
    case ResourceKind::alert:
    case ResourceKind::remote_support_session:
      return {Relationship::none, Relationship::member, Relationship::manager, Relationship::owner};
  }
  return {Relationship::none};
}

bool Policy::permits(const Subject& subject, Action action, const Resource& resource) const {
  if (subject.user_id == 0) return false;
  if (const auto* rule = resource_rule(action)) {
    // The relationship decides (a guest member of a conversation reads it; an admin who
    // is not in it does not). Some actions also need a capability of the role.
    if (static_cast<int>(resource.relationship) < static_cast<int>(rule->least)) return false;
    // Alerts are internal: a customer or guest never sends one, whatever a team says.
    if (action == Action::send_alert_to_team && (subject.kind == UserKind::customer || subject.kind == UserKind::guest))
      return false;
    return !rule->needs_capability || permits(subject, Action::work_support_queue);
  }
  const bool about_a_person = action == Action::read_user_profile || action == Action::read_availability;
  if (about_a_person && resource.relationship == Relationship::owner) return true;
  // Customers and guests see their own profile and hours only, whatever else a role says.
  if (about_a_person && resource.owner_id == subject.user_id) return true;
  if ((subject.kind == UserKind::customer || subject.kind == UserKind::guest) &&
      (action == Action::read_directory || action == Action::read_customer_directory || about_a_person ||
       action == Action::start_conversation || action == Action::host_meeting) &&
      !subject.has_role(Role::admin)) {
    return false;
  }
  for (Role r : subject.roles)
    if (role_grants(r, action)) return true;
  return false;
}

Result<void> Policy::require(const Subject& subject, Action action, const Resource& resource) const {
  if (permits(subject, action, resource)) return {};
  auto read = read_action_of(resource_kind_of(action));
  if (read && !permits(subject, *read, resource))
  {
    std::string kind = resource_kind_name(resource_kind_of(action));
    for (char& c : kind)
      if (c == '_') c = ' ';
    return make_error(ErrorCode::not_found, "no such " + kind);
  }
  return make_error(ErrorCode::forbidden, std::string("you are not allowed to ") + action_name(action));
}

}  // namespace meridian::policy
