#include "testing/module_test.hpp"

#include <utility>

#include "core/random.hpp"
#include "storage/migrations.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/people.hpp"

namespace meridian::testing {

void StoreTest::SetUp() {
  init_crypto();
  db_ = storage::testing::make_test_database(store_kind());
  ASSERT_TRUE(storage::apply_migrations(*db_, storage::schema_migrations()).ok());
}

std::vector<std::string> StoreTest::rows(const std::string& sql, const storage::Params& params) {
  auto out =
      storage::read_value<std::vector<std::string>>(*db_, [&](storage::Session& s) -> Result<std::vector<std::string>> {
        auto rs = s.query(sql, params);
        if (!rs.ok()) return rs.error();
        std::vector<std::string> lines;
        for (const auto& r : *rs) {
          std::string line;
          for (std::size_t i = 0; i < r.size(); ++i) line += (r.is_null(i) ? std::string("NULL") : r.text(i)) + "|";
          lines.push_back(std::move(line));
        }
        return lines;
      });
  EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
  return out.ok() ? *out : std::vector<std::string>{};
}

std::vector<std::string> StoreTest::rows_of(std::initializer_list<const char*> queries, const storage::Params& params) {
  std::vector<std::string> all;
  for (const char* sql : queries)
    for (auto& line : rows(sql, params)) all.push_back(std::string(sql) + ": " + line);
  return all;
}

void ModuleTest::SetUp() {
  ASSERT_NO_FATAL_FAILURE(StoreTest::SetUp());
  audit_ = std::make_unique<audit::AuditLog>(*db_, clock_);
  identity_ = std::make_unique<identity::IdentityService>(*db_, *audit_, regions_, hasher_, clock_);
}

Subject ModuleTest::person(const std::string& name, UserKind kind, const std::string& country,
                           const std::string& time_zone, std::optional<std::vector<Role>> roles) {
  return create_person(*identity_, new_user(name, kind, country, time_zone, std::move(roles)));
}

Subject ModuleTest::person(const std::string& name, UserKind kind, std::vector<Role> roles) {
  return person(name, kind, "PT", "", std::move(roles));
}

std::int64_t ModuleTest::team(const std::string& name, std::initializer_list<std::int64_t> member_ids) {
  auto t = identity_->create_team(audit::Actor{}, name, std::nullopt);
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  if (!t.ok()) return 0;
  for (std::int64_t id : member_ids) {
    auto added = identity_->add_team_member(audit::Actor{}, t->id, id);
    EXPECT_TRUE(added.ok()) << (added.ok() ? "" : added.error().message);
  }
  return t->id;
}

files::Caller ModuleTest::caller(const std::string& name, UserKind kind, const std::string& ip,
                                 std::optional<std::vector<Role>> roles) {
  return caller_of(person(name, kind, "PT", "", std::move(roles)), ip);
}

}  // namespace meridian::testing
