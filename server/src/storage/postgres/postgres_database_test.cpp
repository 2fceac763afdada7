// PostgreSQL-only behaviour: placeholder numbering, pool limits. The shared contract is
// in storage/testing/database_conformance_test.cpp.
#include "storage/postgres/postgres_database.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <latch>
#include <string>
#include <thread>
#include <unistd.h>

namespace meridian::storage {
namespace {

TEST(NumberPlaceholders, NumbersEachQuestionMarkInOrder) {
  EXPECT_EQ(number_placeholders("SELECT a FROM t WHERE b = ? AND c IN (?, ?)"),
            "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)");
  EXPECT_EQ(number_placeholders("SELECT 1"), "SELECT 1");
}

TEST(NumberPlaceholders, LeavesQuotedTextAndCommentsAlone) {
  EXPECT_EQ(number_placeholders("SELECT '?', 'it''s ?', ?"), "SELECT '?', 'it''s ?', $1");
  EXPECT_EQ(number_placeholders("SELECT \"odd?name\" FROM t WHERE x = ?"),
            "SELECT \"odd?name\" FROM t WHERE x = $1");
  EXPECT_EQ(number_placeholders("SELECT E'a\\'?' , ?"), "SELECT E'a\\'?' , $1");
  EXPECT_EQ(number_placeholders("SELECT ? -- why?\n, ? /* and? */"),
            "SELECT $1 -- why?\n, $2 /* and? */");
}

TEST(NumberPlaceholders, SurvivesUnterminatedQuotes) {
  EXPECT_EQ(number_placeholders("SELECT ?, 'open ?"), "SELECT $1, 'open ?");
}

TEST(OpenPostgres, UnreachableServerIsUnavailable) {
  Result<std::unique_ptr<Database>> db =
      open_postgres({.url = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::unavailable);
}

class PostgresPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("MERIDIAN_TEST_PG_URL");
    if (url == nullptr || *url == '\0') GTEST_SKIP() << "MERIDIAN_TEST_PG_URL is not set";
    url_ = url;
  }
  std::string url_;
};

TEST_F(PostgresPoolTest, ExhaustedPoolFailsAsUnavailableInsteadOfHanging) {
  Result<std::unique_ptr<Database>> db = open_postgres({.url = url_, .pool_size = 1, .borrow_timeout_ms = 200});
  ASSERT_TRUE(db.ok()) << db.error().message;
  Result<void> outer = (*db)->read([&](Session&) -> Result<void> {
    Result<void> other = ok();
    std::thread t([&] { other = (*db)->read([](Session&) { return ok(); }); });
    t.join();
    EXPECT_FALSE(other.ok());
    if (!other.ok()) {
      EXPECT_EQ(other.error().code, ErrorCode::unavailable);
      EXPECT_EQ(other.error().message, "database pool exhausted");
    }
    // The same thread nests without a second connection.
    return (*db)->read([](Session& s) -> Result<void> {
      MERIDIAN_TRY(s.query("SELECT 1"));
      return ok();
    });
  });
  EXPECT_TRUE(outer.ok()) << outer.error().message;
  EXPECT_TRUE((*db)->ready());
}

TEST_F(PostgresPoolTest, ServerErrorsMapToErrorCodes) {
  Result<std::unique_ptr<Database>> db = open_postgres({.url = url_, .pool_size = 2});
  ASSERT_TRUE(db.ok()) << db.error().message;
  Result<void> syntax = (*db)->write([](Session& s) -> Result<void> {
    MERIDIAN_TRY(s.execute("SELEC 1"));
    return ok();
  });
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.error().code, ErrorCode::internal);
  Result<void> not_null = (*db)->write([](Session& s) -> Result<void> {
    MERIDIAN_TRY(s.execute_script("CREATE TEMP TABLE n (x TEXT NOT NULL)"));
    MERIDIAN_TRY(s.execute("INSERT INTO n (x) VALUES (?)", {nullptr}));
    return ok();
  });
  ASSERT_FALSE(not_null.ok());
  EXPECT_EQ(not_null.error().code, ErrorCode::invalid_argument);
  // A statement failure that fn ignores still fails the write: PostgreSQL has already
  // aborted the transaction, so reporting success would lose the other statements.
  Result<void> ignored = (*db)->write([](Session& s) -> Result<void> {
    (void)s.execute("SELEC 1");
    return ok();
  });
  EXPECT_FALSE(ignored.ok());
  Result<void> read_only = (*db)->read([](Session& s) -> Result<void> {
    MERIDIAN_TRY(s.execute_script("CREATE TABLE nope (x BIGINT)"));
    return ok();
  });
  EXPECT_FALSE(read_only.ok());
}


// Two writers that lock the same rows in opposite orders: PostgreSQL aborts one of them.
// The victim is told to try again (503), not that the server failed (500); lock_row on a
// common parent first makes the same two writers queue instead.
TEST_F(PostgresPoolTest, DeadlockVictimIsUnavailableAndLockRowFirstAvoidsIt) {
  Result<std::unique_ptr<Database>> opened = open_postgres({.url = url_, .pool_size = 3});
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  Database& db = **opened;
  const std::string table = "deadlock_probe_" + std::to_string(::getpid());
  ASSERT_TRUE(db.write([&](Session& s) -> Result<void> {
                  MERIDIAN_TRY(s.execute_script("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, v BIGINT)"));
                  MERIDIAN_TRY(s.execute("INSERT INTO " + table + " (id, v) VALUES (1, 0), (2, 0), (3, 0)"));
                  return ok();
                }).ok());
  auto bump = [&](Session& s, int id) { return s.execute("UPDATE " + table + " SET v = v + 1 WHERE id = ?", {id}); };

  std::latch both_hold_one(2);
  auto crossed = [&](int first, int second) {
    return db.write([&](Session& s) -> Result<void> {
      MERIDIAN_TRY(bump(s, first));
      both_hold_one.arrive_and_wait();
      MERIDIAN_TRY(bump(s, second));
      return ok();
    });
  };
  Result<void> a = ok(), b = ok();
  std::thread ta([&] { a = crossed(1, 2); });
  std::thread tb([&] { b = crossed(2, 1); });
  ta.join();
  tb.join();
  ASSERT_NE(a.ok(), b.ok()) << "exactly one writer is the deadlock victim";
  const Error& victim = a.ok() ? b.error() : a.error();
  EXPECT_EQ(victim.code, ErrorCode::unavailable);
  EXPECT_NE(victim.message.find("try again"), std::string::npos) << victim.message;

  std::latch parent_held(1);
  auto ordered = [&](int first, int second, bool leader) {
    return db.write([&](Session& s) -> Result<void> {
      if (!leader) parent_held.wait();
      MERIDIAN_TRY(lock_row(s, table, 3));
      if (leader) {
        parent_held.count_down();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the other is waiting now
      }
      MERIDIAN_TRY(bump(s, first));
      MERIDIAN_TRY(bump(s, second));
      return ok();
    });
  };
  std::thread tc([&] { a = ordered(1, 2, true); });
  std::thread td([&] { b = ordered(2, 1, false); });
  tc.join();
  td.join();
  EXPECT_TRUE(a.ok()) << a.error().message;
  EXPECT_TRUE(b.ok()) << b.error().message;
  Result<void> missing = db.write([&](Session& s) { return lock_row(s, table, 99); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  (void)db.write([&](Session& s) { return s.execute_script("DROP TABLE " + table); });
}

}  // namespace
}  // namespace meridian::storage
