#include "policy/policy.hpp"

#include <initializer_list>

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
      Action::work_support_queue, Action::manage_support, Action::manage_retention}},
    {Role::employee,
     {Action::read_own_profile, Action::read_directory, Action::read_customer_directory, Action::read_user_profile,
      Action::start_conversation, Action::host_meeting}},
    {Role::agent,
     {Action::read_own_profile, Action::read_directory, Action::read_customer_directory, Action::read_user_profile,
      Action::start_conversation, Action::host_meeting, Action::work_support_queue}},
    {Role::customer, {Action::read_own_profile, Action::open_support_conversation}},
    {Role::guest, {Action::read_own_profile}},
};

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
  }
  return "do this";
}

bool Policy::permits(const Subject& subject, Action action, const Resource& resource) const {
  if (subject.user_id == 0) return false;
  // Customers and guests see their own profile only, whatever else a role says.
  if (action == Action::read_user_profile && resource.owner_id == subject.user_id) return true;
  if ((subject.kind == UserKind::customer || subject.kind == UserKind::guest) &&
      (action == Action::read_directory || action == Action::read_customer_directory ||
       action == Action::read_user_profile || action == Action::start_conversation || action == Action::host_meeting) &&
      !subject.has_role(Role::admin)) {
    return false;
  }
  for (Role r : subject.roles)
    if (role_grants(r, action)) return true;
  return false;
}

Result<void> Policy::require(const Subject& subject, Action action, const Resource& resource) const {
  if (permits(subject, action, resource)) return {};
  return make_error(ErrorCode::forbidden, std::string("you are not allowed to ") + action_name(action));
}

}  // namespace meridian::policy
