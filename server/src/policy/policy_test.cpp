#include "policy/policy.hpp"

#include <gtest/gtest.h>

namespace meridian::policy {
namespace {

Subject subject(UserKind kind, std::vector<Role> roles, std::int64_t id = 7) {
  Subject s;
  s.user_id = id;
  s.kind = kind;
  s.roles = std::move(roles);
  return s;
}

TEST(Policy, DeniesByDefaultForAnonymousSubjects) {
  Subject nobody;
  EXPECT_FALSE(Policy{}.permits(nobody, Action::read_own_profile));
}

TEST(Policy, AdminMayManageEverything) {
  auto admin = subject(UserKind::employee, {Role::admin});
  for (Action a : {Action::manage_users, Action::manage_teams, Action::manage_roles, Action::manage_feature_toggles,
                   Action::read_audit_log, Action::read_directory})
    EXPECT_TRUE(Policy{}.permits(admin, a)) << action_name(a);
}

TEST(Policy, EmployeeCannotUseAdminActions) {
  auto employee = subject(UserKind::employee, {Role::employee});
  EXPECT_TRUE(Policy{}.permits(employee, Action::read_directory));
  for (Action a : {Action::manage_users, Action::manage_teams, Action::manage_roles, Action::manage_feature_toggles,
                   Action::read_audit_log})
    EXPECT_FALSE(Policy{}.permits(employee, a)) << action_name(a);
}

TEST(Policy, CustomerNeverSeesTheEmployeeDirectory) {
  auto customer = subject(UserKind::customer, {Role::customer});
  EXPECT_FALSE(Policy{}.permits(customer, Action::read_directory));
  EXPECT_FALSE(Policy{}.permits(customer, Action::read_user_profile, Resource{99, "", Relationship::none}));
  EXPECT_TRUE(Policy{}.permits(customer, Action::read_user_profile, Resource{7, "", Relationship::none}));
}

TEST(Policy, CustomerGivenAnEmployeeRoleStillCannotBrowseTheDirectory) {
  // A mis-assigned role must not open the directory to someone outside the company.
  auto customer = subject(UserKind::customer, {Role::customer, Role::employee});
  EXPECT_FALSE(Policy{}.permits(customer, Action::read_directory));
}

TEST(Policy, GuestMayOnlyReadOwnProfile) {
  auto guest = subject(UserKind::guest, {Role::guest});
  EXPECT_TRUE(Policy{}.permits(guest, Action::read_own_profile));
  EXPECT_FALSE(Policy{}.permits(guest, Action::read_directory));
  EXPECT_FALSE(Policy{}.permits(guest, Action::manage_users));
}

TEST(Policy, OnlyStaffStartConversations) {
  EXPECT_TRUE(Policy{}.permits(subject(UserKind::employee, {Role::employee}), Action::start_conversation));
  EXPECT_TRUE(Policy{}.permits(subject(UserKind::agent, {Role::agent}), Action::start_conversation));
  EXPECT_FALSE(Policy{}.permits(subject(UserKind::customer, {Role::customer}), Action::start_conversation));
  EXPECT_FALSE(Policy{}.permits(subject(UserKind::guest, {Role::guest}), Action::start_conversation));
  EXPECT_FALSE(
      Policy{}.permits(subject(UserKind::customer, {Role::customer, Role::employee}), Action::start_conversation));
}

TEST(Policy, OnlyStaffBrowseTheCustomerDirectory) {
  EXPECT_TRUE(Policy{}.permits(subject(UserKind::employee, {Role::employee}), Action::read_customer_directory));
  EXPECT_TRUE(Policy{}.permits(subject(UserKind::agent, {Role::agent}), Action::read_customer_directory));
  EXPECT_TRUE(Policy{}.permits(subject(UserKind::employee, {Role::admin}), Action::read_customer_directory));
  // A customer never lists other customers, even with a mis-assigned staff role.
  EXPECT_FALSE(Policy{}.permits(subject(UserKind::customer, {Role::customer}), Action::read_customer_directory));
  EXPECT_FALSE(
      Policy{}.permits(subject(UserKind::customer, {Role::customer, Role::employee}), Action::read_customer_directory));
  EXPECT_FALSE(Policy{}.permits(subject(UserKind::guest, {Role::guest}), Action::read_customer_directory));
}

TEST(Policy, ATeamLeadSendsAlertsToTheirTeamOnly) {
  const Policy p;
  auto employee = subject(UserKind::employee, {Role::employee});
  // Leading a team (manager of it) is what lets a non-admin send to it.
  EXPECT_TRUE(p.permits(employee, Action::send_alert_to_team, Resource{0, "", Relationship::manager}));
  EXPECT_FALSE(p.permits(employee, Action::send_alert_to_team, Resource{0, "", Relationship::member}));
  EXPECT_FALSE(p.permits(employee, Action::send_alert_to_team, Resource{0, "", Relationship::none}));
  // A lead is not an admin: alerts to everyone stay refused.
  EXPECT_FALSE(p.permits(employee, Action::send_alert));
  auto refused = p.require(employee, Action::send_alert_to_team, Resource{0, "", Relationship::member});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::forbidden);  // teams are in the directory: 403, not 404
  EXPECT_EQ(refused.error().message, "you are not allowed to send alerts to this team");
  // Admins send to everyone.
  EXPECT_TRUE(p.permits(subject(UserKind::employee, {Role::admin}), Action::send_alert));
  // Customers and guests never send alerts, even when a team names them its lead.
  for (auto kind : {UserKind::customer, UserKind::guest})
    EXPECT_FALSE(
        p.permits(subject(kind, {Role::employee}), Action::send_alert_to_team, Resource{0, "", Relationship::manager}));
}

TEST(Policy, RequireExplainsTheRefusal) {
  auto r = Policy{}.require(subject(UserKind::employee, {Role::employee}), Action::read_audit_log);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::forbidden);
  EXPECT_EQ(r.error().message, "you are not allowed to read the audit log");
}

}  // namespace
}  // namespace meridian::policy
