#include "storage/migrations.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "storage/testing/test_database.hpp"

namespace meridian::storage {
namespace {

class MigrationsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { db_ = testing::make_test_database(GetParam()); }
  std::unique_ptr<Database> db_;
};

constexpr Migration kV1[] = {{1, "notes", "CREATE TABLE notes (id {{ID}}, body TEXT NOT NULL)"}};
constexpr Migration kV2[] = {{1, "notes", "CREATE TABLE notes (id {{ID}}, body TEXT NOT NULL)"},
                             {2, "notes_author", "ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT ''"}};

TEST_P(MigrationsTest, AppliesTheSchemaOnceAndRecordsItsVersion) {
  auto first = apply_migrations(*db_, schema_migrations());
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(*first, schema_migrations().back().version);
  auto again = apply_migrations(*db_, schema_migrations());
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, *first);
}

TEST_P(MigrationsTest, ARenamedFeatureToggleKeepsItsCountrySettings) {
  // A data folder from before the module-named keys: its toggle rows follow the rename.
  std::vector<Migration> before;
  for (const auto& m : schema_migrations())
    if (m.version < 100) before.push_back(m);
  ASSERT_TRUE(apply_migrations(*db_, before).ok());
  ASSERT_TRUE(db_->write([](Session& s) -> Result<void> {
                   MERIDIAN_TRY(s.execute(
                       "INSERT INTO feature_toggles (feature, country, enabled, updated_at) VALUES (?, ?, 0, 1)",
                       {std::string("support.screen_share"), std::string("DE")}));
                   return {};
                 })
                  .ok());
  ASSERT_TRUE(apply_migrations(*db_, schema_migrations()).ok());
  std::string feature;
  ASSERT_TRUE(db_->read([&](Session& s) -> Result<void> {
                   MERIDIAN_ASSIGN_OR_RETURN(auto rows,
                                             s.query("SELECT feature FROM feature_toggles WHERE country = ?",
                                                     {std::string("DE")}));
                   if (rows.size() == 1) feature = rows[0].text(0);
                   return {};
                 })
                  .ok());
  EXPECT_EQ(feature, "remote_support.screen_share");
}

TEST_P(MigrationsTest, DialectSectionsApplyOnlyOnTheirDialect) {
  constexpr Migration kSections[] = {{1, "sections",
                                      "CREATE TABLE shared (id {{ID}});\n"
                                      "{{SQLITE}}CREATE TABLE only_sqlite (id BIGINT);{{END}}\n"
                                      "{{POSTGRES}}CREATE TABLE only_postgres (id BIGINT);{{END}}"}};
  ASSERT_TRUE(apply_migrations(*db_, kSections).ok());
  const bool sqlite = db_->dialect() == Dialect::sqlite;
  auto exists = [&](const std::string& table) {
    return db_->read([&](Session& s) -> Result<void> {
                 auto r = s.query("SELECT COUNT(*) FROM " + table);
                 if (!r.ok()) return r.error();
                 return {};
               })
        .ok();
  };
  EXPECT_TRUE(exists("shared"));
  EXPECT_EQ(exists("only_sqlite"), sqlite);
  EXPECT_EQ(exists("only_postgres"), !sqlite);
}

TEST_P(MigrationsTest, AppliesOnlyNewerMigrationsForward) {
  ASSERT_TRUE(apply_migrations(*db_, kV1).ok());
  ASSERT_TRUE(db_->write([](Session& s) -> Result<void> {
                   auto r = s.execute("INSERT INTO notes (body) VALUES (?)", {std::string("kept")});
                   if (!r.ok()) return r.error();
                   return {};
                 })
                  .ok());
  auto v2 = apply_migrations(*db_, kV2);
  ASSERT_TRUE(v2.ok()) << v2.error().message;
  EXPECT_EQ(*v2, 2);
  auto body = read_value<std::string>(*db_, [](Session& s) -> Result<std::string> {
    auto rows = s.query("SELECT body || '/' || author FROM notes");
    if (!rows.ok()) return rows.error();
    return rows->at(0).text(0);
  });
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*body, "kept/");
}

constexpr Migration kV1And3[] = {{1, "notes", "CREATE TABLE notes (id {{ID}}, body TEXT NOT NULL)"},
                                 {3, "tags", "CREATE TABLE tags (name TEXT NOT NULL)"}};
constexpr Migration kV1To3[] = {{1, "notes", "CREATE TABLE notes (id {{ID}}, body TEXT NOT NULL)"},
                                {2, "notes_author", "ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT ''"},
                                {3, "tags", "CREATE TABLE tags (name TEXT NOT NULL)"}};

// Areas own version ranges: a version added inside a lower range after a higher one
// was applied must still be applied, once.
TEST_P(MigrationsTest, AppliesAVersionAddedBelowTheHighestApplied) {
  ASSERT_TRUE(apply_migrations(*db_, kV1And3).ok());
  auto filled = apply_migrations(*db_, kV1To3);
  ASSERT_TRUE(filled.ok()) << filled.error().message;
  EXPECT_EQ(*filled, 3);
  auto ok = db_->write([](Session& s) -> Result<void> {
    auto r = s.execute("INSERT INTO notes (body, author) VALUES (?, ?)", {std::string("b"), std::string("a")});
    if (!r.ok()) return r.error();
    return {};
  });
  EXPECT_TRUE(ok.ok());
  EXPECT_TRUE(apply_migrations(*db_, kV1To3).ok());
}

TEST_P(MigrationsTest, RefusesADatabaseNewerThanThisBuild) {
  ASSERT_TRUE(apply_migrations(*db_, kV2).ok());
  auto older = apply_migrations(*db_, kV1);
  ASSERT_FALSE(older.ok());
  EXPECT_NE(older.error().message.find("newer than this build"), std::string::npos);
}

TEST_P(MigrationsTest, ConcurrentStartsApplyEachMigrationOnce) {
  std::vector<std::thread> nodes;
  std::vector<Result<int>> results(4, Result<int>(0));
  for (int i = 0; i < 4; ++i) nodes.emplace_back([&, i] { results[i] = apply_migrations(*db_, schema_migrations()); });
  for (auto& t : nodes) t.join();
  for (const auto& r : results) ASSERT_TRUE(r.ok()) << r.error().message;
  auto count = read_value<std::int64_t>(*db_, [](Session& s) -> Result<std::int64_t> {
    auto rows = s.query("SELECT COUNT(*) FROM schema_migrations");
    if (!rows.ok()) return rows.error();
    return rows->at(0).integer(0);
  });
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, static_cast<std::int64_t>(schema_migrations().size()));
}

INSTANTIATE_TEST_SUITE_P(Stores, MigrationsTest, ::testing::ValuesIn(testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::storage
