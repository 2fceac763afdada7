// The fixture module tests build on: for each store kind the test is parameterised over
// (storage::testing::test_database_kinds()), a fresh migrated database with the services
// every module needs beside its own (audit log, identity, policy) and a ManualClock. A test
// adds its module's services in its own SetUp, after ModuleTest::SetUp():
//
//   void SetUp() override {
//     ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
//     chat_ = std::make_unique<chat::ChatService>(*db_, policy_, clock_, *access_);
//     ana_ = person("ana");
//   }
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "core/clock.hpp"
#include "core/subject.hpp"
#include "files/files_service.hpp"
#include "identity/identity_service.hpp"
#include "identity/password_hasher.hpp"
#include "policy/policy.hpp"
#include "region/countries.hpp"
#include "storage/database.hpp"

namespace meridian::testing {

// A fresh database of the parameter's kind with the whole schema applied, and a ManualClock.
class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  // The kind of database (storage::testing::make_test_database) for this parameter: the
  // parameter itself, unless a test puts more than the store kind in it.
  virtual std::string store_kind() const { return GetParam(); }

  // Every row the query returns as one line of text ("12|ana|NULL|"): equal lists mean
  // nothing changed.
  std::vector<std::string> rows(const std::string& sql, const storage::Params& params = {});
  // The rows of each query, each line led by its query.
  std::vector<std::string> rows_of(std::initializer_list<const char*> queries, const storage::Params& params = {});

  ManualClock clock_;
  std::unique_ptr<storage::Database> db_;
};

// StoreTest with the audit log, identity (minimum-cost password hashing) and the policy, and
// people made through identity to act as.
class ModuleTest : public StoreTest {
 protected:
  void SetUp() override;

  // A new account "<name>@example.test" named <name>, of that kind and country, in the
  // time zone given or else the country's usual one (usual_time_zone), with the roles its
  // kind gets unless roles are given; as the Subject its sign-in would establish.
  Subject person(const std::string& name, UserKind kind = UserKind::employee, const std::string& country = "PT",
                 const std::string& time_zone = "", std::optional<std::vector<Role>> roles = std::nullopt);
  // The same, in Portugal, with these roles (e.g. {Role::admin}).
  Subject person(const std::string& name, UserKind kind, std::vector<Role> roles);
  // A person as files sees them: from this address, in Portugal.
  files::Caller caller(const std::string& name, UserKind kind = UserKind::employee, const std::string& ip = "192.0.2.7",
                       std::optional<std::vector<Role>> roles = std::nullopt);

  // A team of these people (made as an administrator would; the test fails when identity
  // refuses); its id, 0 when it could not be made.
  std::int64_t team(const std::string& name, std::initializer_list<std::int64_t> member_ids = {});

  region::RegionMap regions_;
  identity::PasswordHasher hasher_{identity::PasswordCost::minimum()};
  policy::Policy policy_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<identity::IdentityService> identity_;
};

}  // namespace meridian::testing
