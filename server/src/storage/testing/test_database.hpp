// The storage suite runs every repository test against each adapter the machine can
// start: SQLite always, PostgreSQL when the test script started one.
#pragma once

#include <cstdint>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <string_view>
#include <vector>

#include "storage/database.hpp"

namespace meridian::storage::testing {

// "sqlite", and "postgres" when MERIDIAN_TEST_PG_URL is set. When MERIDIAN_REQUIRE_PG=1
// and the URL is missing, this aborts the test program with a clear message instead of
// silently testing less.
std::vector<std::string> test_database_kinds();

// A fresh, empty database of that kind (own temp file / own schema), not migrated.
// Dropped when the returned object is destroyed.
std::unique_ptr<Database> make_test_database(std::string_view kind);

// PostgreSQL races made deterministic: a transaction of the test that locks rows with one
// statement (e.g. "SELECT 1 FROM t WHERE id = ? FOR NO KEY UPDATE", or an UPDATE) and keeps
// the locks until release(), so that writers of the code under test line up behind it (or
// behind each other) and then run together.
class RowLockHolder {
 public:
  // Returns once the statement ran (the locks are held).
  RowLockHolder(Database& db, std::string sql, Params params);
  ~RowLockHolder() { release(); }
  RowLockHolder(const RowLockHolder&) = delete;
  RowLockHolder& operator=(const RowLockHolder&) = delete;
  // Commits the holding transaction; true when it held the lock and committed.
  bool release();

 private:
  std::latch held_{1}, go_{1};
  bool ok_ = false, released_ = false;
  std::thread thread_;
};

// PostgreSQL: waits until n sessions of this database wait for a lock (false after a
// generous limit, so that a broken test fails instead of hanging).
bool wait_for_lock_waiters(Database& db, int n);

}  // namespace meridian::storage::testing
