// Runs every (role x relationship x action) case, the relationship as the action's
// resource kind has them, and checks the policy's answer against policy_table.csv, the
// table kept in the repository. A change to who may do what shows as a diff of that table.
// To write the table from the policy after a deliberate change (then read the diff):
//   MERIDIAN_WRITE_POLICY_TABLE=1 ./policy_test --gtest_filter='PolicyTable.*'
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "policy/policy.hpp"

namespace meridian::policy {
namespace {

const Role kRoles[] = {Role::admin, Role::employee, Role::agent, Role::customer, Role::guest};

// One person per role, of the kind that role is given to.
Subject person_with(Role role) {
  Subject s;
  s.user_id = 7;
  s.roles = {role};
  switch (role) {
    case Role::admin:
    case Role::employee:
      s.kind = UserKind::employee;
      break;
    case Role::agent:
      s.kind = UserKind::agent;
      break;
    case Role::customer:
      s.kind = UserKind::customer;
      break;
    case Role::guest:
      s.kind = UserKind::guest;
      break;
  }
  return s;
}

std::string row_key(Action a, Relationship r) {
  return std::string(resource_kind_name(resource_kind_of(a))) + "," + action_key(a) + "," + relationship_name(r);
}

// kind,action,relationship -> "yes,no,..." in kRoles order.
std::map<std::string, std::string> computed_table() {
  std::map<std::string, std::string> rows;
  for (Action a : all_actions()) {
    for (Relationship r : relationships_of(resource_kind_of(a))) {
      std::string answers;
      for (Role role : kRoles) {
        Resource resource;
        resource.relationship = r;
        if (r == Relationship::owner && resource_kind_of(a) == ResourceKind::user) resource.owner_id = 7;
        if (!answers.empty()) answers += ",";
        answers += Policy{}.permits(person_with(role), a, resource) ? "yes" : "no";
      }
      rows[row_key(a, r)] = answers;
    }
  }
  return rows;
}

const char* kHeader = "kind,action,relationship,admin,employee,agent,customer,guest";

TEST(PolicyTable, EveryCaseMatchesTheTableInTheRepository) {
  auto computed = computed_table();
  if (std::getenv("MERIDIAN_WRITE_POLICY_TABLE")) {
    std::ofstream out(MERIDIAN_POLICY_TABLE);
    out << kHeader << "\n";
    for (Action a : all_actions())
      for (Relationship r : relationships_of(resource_kind_of(a))) out << row_key(a, r) << "," << computed[row_key(a, r)] << "\n";
    GTEST_SKIP() << "wrote " << MERIDIAN_POLICY_TABLE;
  }
  std::ifstream in(MERIDIAN_POLICY_TABLE);
  ASSERT_TRUE(in) << "cannot read " << MERIDIAN_POLICY_TABLE;
  std::string line;
  std::getline(in, line);
  ASSERT_EQ(line, kHeader);
  std::map<std::string, std::string> table;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::size_t third = 0;
    for (int commas = 0; commas < 3; ++commas) third = line.find(',', third) + 1;
    table[line.substr(0, third - 1)] = line.substr(third);
  }
  for (const auto& [key, answers] : computed) {
    auto it = table.find(key);
    if (it == table.end()) {
      ADD_FAILURE() << "policy_table.csv has no row for " << key;
      continue;
    }
    EXPECT_EQ(it->second, answers) << key << " (admin,employee,agent,customer,guest)";
  }
  for (const auto& [key, answers] : table)
    EXPECT_TRUE(computed.count(key)) << "policy_table.csv has a row for no case: " << key;
  EXPECT_GE(computed.size(), 60u);  // every action with every relationship its kind has
}

TEST(PolicyTable, RefusalsFollowTheRule) {
  // Not visible at all: 404, whether or not it exists.
  auto outsider = Policy{}.require(person_with(Role::employee), Action::change_file, Resource{});
  ASSERT_FALSE(outsider.ok());
  EXPECT_EQ(outsider.error().code, ErrorCode::not_found);
  EXPECT_EQ(outsider.error().message, "no such file");
  // Visible, but not theirs to change: 403.
  Resource viewer;
  viewer.relationship = Relationship::member;
  auto member = Policy{}.require(person_with(Role::customer), Action::change_file, viewer);
  ASSERT_FALSE(member.ok());
  EXPECT_EQ(member.error().code, ErrorCode::forbidden);
  // A customer member of a support conversation cannot handle it like an agent.
  auto customer = Policy{}.require(person_with(Role::customer), Action::handle_support_conversation, viewer);
  EXPECT_EQ(customer.error().code, ErrorCode::forbidden);
  EXPECT_TRUE(Policy{}.permits(person_with(Role::agent), Action::handle_support_conversation, viewer));
  // An admin who is not in a conversation does not read it.
  EXPECT_EQ(Policy{}.require(person_with(Role::admin), Action::read_conversation).error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace meridian::policy
