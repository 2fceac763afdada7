#include "storage/sqlite/sqlite_database.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <future>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite/sqlite_write_stats.hpp"

namespace meridian::storage {
namespace {

using namespace std::chrono_literals;

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "meridian-sqlite-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }

  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string db_path() const { return (dir_ / "meridian.db").string(); }

  std::unique_ptr<Database> open(int read_connections = 4) {
    auto db = open_sqlite({.path = db_path(), .read_connections = read_connections, .busy_timeout_ms = 5000});
    EXPECT_TRUE(db.ok()) << db.error().message;
    return db.ok() ? std::move(*db) : nullptr;
  }

  static void script(Database& db, std::string_view sql) {
    Result<void> r = db.write([&](Session& s) { return s.execute_script(sql); });
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  static std::int64_t count(Database& db, std::string_view table) {
    auto n = read_value<std::int64_t>(db, [&](Session& s) -> Result<std::int64_t> {
      auto rows = s.query("SELECT COUNT(*) FROM " + std::string(table));
      if (!rows.ok()) return rows.error();
      return rows->at(0).integer(0);
    });
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : -1;
  }

  static Result<void> insert(Database& db, std::string_view table, std::int64_t value) {
    return db.write([&](Session& s) -> Result<void> {
      auto n = s.execute("INSERT INTO " + std::string(table) + " (v) VALUES (?)", {value});
      if (!n.ok()) return n.error();
      return {};
    });
  }

  // Blocks the writer inside a write until released, so that a test can line up a
  // known set of writes behind it.
  class WriterGate {
   public:
    explicit WriterGate(Database& db) {
      thread_ = std::thread([&db, this] {
        result_ = db.write([this](Session& s) -> Result<void> {
          entered_.set_value();
          release_.get_future().wait();
          auto n = s.execute("INSERT INTO t (v) VALUES (-1)");
          if (!n.ok()) return n.error();
          return {};
        });
      });
      entered_.get_future().wait();
    }
    ~WriterGate() { open(); }
    void open() {
      if (!thread_.joinable()) return;
      release_.set_value();
      thread_.join();
    }
    const Result<void>& result() const { return result_; }

   private:
    std::promise<void> entered_;
    std::promise<void> release_;
    Result<void> result_;
    std::thread thread_;
  };

  static bool wait_until_queued(Database& db, std::int64_t n) {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (sqlite_write_stats(db)->queued_writes == n) return true;
      std::this_thread::sleep_for(1ms);
    }
    return false;
  }

  std::filesystem::path dir_;
};

TEST_F(SqliteDatabaseTest, EveryValueTypeRoundTripsVerbatim) {
  auto db = open();
  ASSERT_NE(db, nullptr);
  // No declared type: no affinity, so each value keeps its storage class.
  script(*db, "CREATE TABLE v (a, b, c, d, e, f, g)");
  const std::string hostile = "'; DROP TABLE v; --";
  const std::string binary("nul\0inside \xC3\xA9 ?", 16);
  const Params params{nullptr,
                      std::numeric_limits<std::int64_t>::max(),
                      std::numeric_limits<std::int64_t>::min(),
                      -2.5e-300,
                      hostile,
                      binary,
                      std::string()};
  Result<void> w = db->write([&](Session& s) -> Result<void> {
    auto n = s.execute("INSERT INTO v (a, b, c, d, e, f, g) VALUES (?, ?, ?, ?, ?, ?, ?)", params);
    if (!n.ok()) return n.error();
    EXPECT_EQ(*n, 1);
    return {};
  });
  ASSERT_TRUE(w.ok()) << w.error().message;

  auto rows = read_value<Rows>(*db, [](Session& s) { return s.query("SELECT a, b, c, d, e, f, g FROM v"); });
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  const Row& row = rows->front();
  ASSERT_EQ(row.size(), params.size());
  for (std::size_t i = 0; i < params.size(); ++i) EXPECT_EQ(row.at(i), params[i]) << "column " << i;
  EXPECT_EQ(count(*db, "v"), 1);
}

TEST_F(SqliteDatabaseTest, UniqueViolationIsAConflictNamingTheConstraint) {
  auto db = open();
  ASSERT_NE(db, nullptr);
  script(*db, "CREATE TABLE users (id {{ID}}, email TEXT NOT NULL UNIQUE)");
  auto add = [&](const std::string& email) {
    return db->write([&](Session& s) -> Result<void> {
      auto n = s.execute("INSERT INTO users (email) VALUES (?)", {email});
      if (!n.ok()) return n.error();
      return {};
    });
  };
  ASSERT_TRUE(add("a@example.com").ok());
  Result<void> again = add("a@example.com");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_NE(again.error().message.find("users.email"), std::string::npos) << again.error().message;

  Result<void> same_id = db->write([](Session& s) -> Result<void> {
    auto n = s.execute("INSERT INTO users (id, email) VALUES (1, 'b@example.com')");
    if (!n.ok()) return n.error();
    return {};
  });
  ASSERT_FALSE(same_id.ok());
  EXPECT_EQ(same_id.error().code, ErrorCode::conflict);
}

TEST_F(SqliteDatabaseTest, OtherConstraintViolationsAreInvalidArguments) {
  auto db = open();
  ASSERT_NE(db, nullptr);
  script(*db,
         "CREATE TABLE parent (id {{ID}});"
         "CREATE TABLE child (id {{ID}}, parent_id BIGINT NOT NULL REFERENCES parent(id))");
  auto run = [&](std::string_view sql) {
    return db->write([&](Session& s) -> Result<void> {
      auto n = s.execute(sql);
      if (!n.ok()) return n.error();
      return {};
    });
  };
  Result<void> null_parent = run("INSERT INTO child (parent_id) VALUES (NULL)");
  ASSERT_FALSE(null_parent.ok());
  EXPECT_EQ(null_parent.error().code, ErrorCode::invalid_argument);
  // Proves foreign_keys=ON on the write connection.
  Result<void> missing_parent = run("INSERT INTO child (parent_id) VALUES (42)");
  ASSERT_FALSE(missing_parent.ok());
  EXPECT_EQ(missing_parent.error().code, ErrorCode::invalid_argument);
}

TEST_F(SqliteDatabaseTest, FailingWriteRollsBackOnlyItselfWithinAGroupOfFiftyFromEightThreads) {
  auto db = open();
  ASSERT_NE(db, nullptr);
  script(*db, "CREATE TABLE t (v BIGINT NOT NULL)");
  const auto before = *sqlite_write_stats(*db);

  constexpr int kWrites = 50;
  constexpr int kThreads = 8;
  constexpr int kFailing = 17;
  std::vector<Result<void>> results(kWrites);
  {
    WriterGate gate(*db);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = t; i < kWrites; i += kThreads) {
          results[static_cast<std::size_t>(i)] = db->write([i](Session& s) -> Result<void> {
            auto n = s.execute("INSERT INTO t (v) VALUES (?)", {std::int64_t{i}});
            if (!n.ok()) return n.error();
            if (i == kFailing) return make_error(ErrorCode::invalid_argument, "job 17 refuses");
            return {};
          });
        }
      });
    }
    // Each thread has one write in flight; the gate holds the writer until all are queued.
    ASSERT_TRUE(wait_until_queued(*db, kThreads));
    gate.open();
    for (auto& thread : threads) thread.join();
    ASSERT_TRUE(gate.result().ok());
  }

  for (int i = 0; i < kWrites; ++i) {
    const Result<void>& r = results[static_cast<std::size_t>(i)];
    if (i == kFailing) {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().message, "job 17 refuses");
    } else {
      EXPECT_TRUE(r.ok()) << "write " << i << ": " << r.error().message;
    }
  }
  EXPECT_EQ(count(*db, "t"), kWrites - 1 + 1);  // every writer but the failing one, plus the gate
  auto failed_row = read_value<Rows>(*db, [](Session& s) { return s.query("SELECT v FROM t WHERE v = 17"); });
  ASSERT_TRUE(failed_row.ok());
  EXPECT_TRUE(failed_row->empty());

  const auto after = *sqlite_write_stats(*db);
  EXPECT_EQ(after.committed_writes - before.committed_writes, kWrites - 1 + 1);
  EXPECT_LT(after.commits - before.commits, kWrites);
}

TEST_F(SqliteDatabaseTest, QueuedWritesShareOneCommit) {
  auto db = open();
  ASSERT_NE(db, nullptr);
  script(*db, "CREATE TABLE t (v BIGINT NOT NULL)");
  const auto before = *sqlite_write_stats(*db);

  constexpr int kWriters = 32;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  {
    WriterGate gate(*db);
    for (int i = 0; i < kWriters; ++i) {
      threads.emplace_back([&, i] {
        if (!insert(*db, "t", i).ok()) ++failures;
      });
    }
    ASSERT_TRUE(wait_until_queued(*db, kWriters));
    gate.open();
    for (auto& thread : threads) thread.join();
  }

  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(count(*db, "t"), kWriters + 1);
  const auto after = *sqlite_write_stats(*db);
  // The gate's own commit, then all queued writes together.
  EXPECT_EQ(after.commits - before.commits, 2);
  EXPECT_EQ(after.committed_writes - before.committed_writes, kWriters + 1);
}

TEST_F(SqliteDatabaseTest, DeferredForeignKeyViolationFailsOnlyItsOwnWrite) {
  auto db = open();
  ASSERT_NE(db, nullptr);
  script(*db,
         "CREATE TABLE t (v BIGINT NOT NULL);"
         "CREATE TABLE parent (id {{ID}});"
         "CREATE TABLE child (id {{ID}}, parent_id BIGINT NOT NULL "
         "REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);"
         "INSERT INTO parent (id) VALUES (1)");
  auto add_child = [&](std::int64_t parent_id) {
    return db->write([parent_id](Session& s) -> Result<void> {
      auto n = s.execute("INSERT INTO child (parent_id) VALUES (?)", {parent_id});
      if (!n.ok()) return n.error();
      return {};
    });
  };
  Result<void> orphan;
  Result<void> valid;
  {
    // Both in one group: the orphan must not make the shared COMMIT fail.
    WriterGate gate(*db);
    std::thread a([&] { orphan = add_child(99); });
    ASSERT_TRUE(wait_until_queued(*db, 1));
    std::thread b([&] { valid = add_child(1); });
    ASSERT_TRUE(wait_until_queued(*db, 2));
    gate.open();
    a.join();
    b.join();
  }
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(valid.ok()) << valid.error().message;
  EXPECT_EQ(count(*db, "child"), 1);
}

TEST_F(SqliteDatabaseTest, UngatedBurstCommitsEveryWrite) {
  auto db = open();
  ASSERT_NE(db, nullptr);
  script(*db, "CREATE TABLE t (v BIGINT NOT NULL)");
  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (!insert(*db, "t", t * kPerThread + i).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(count(*db, "t"), kThreads * kPerThread);
}

TEST_F(SqliteDatabaseTest, DataSurvivesCloseAndReopen) {
  {
    auto db = open();
    ASSERT_NE(db, nullptr);
    script(*db, "CREATE TABLE t (v BIGINT NOT NULL)");
    ASSERT_TRUE(insert(*db, "t", 7).ok());
  }
  // The destructor checkpoints: nothing is left only in the log.
  EXPECT_FALSE(std::filesystem::exists(db_path() + "-wal") &&
               std::filesystem::file_size(db_path() + "-wal") > 0);
  auto db = open();
  ASSERT_NE(db, nullptr);
  auto v = read_value<std::int64_t>(*db, [](Session& s) -> Result<std::int64_t> {
    auto rows = s.query("SELECT v FROM t");
    if (!rows.ok()) return rows.error();
    return rows->at(0).integer(0);
  });
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(*v, 7);
}

TEST_F(SqliteDatabaseTest, ReadsRunConcurrentlyWithEachOtherAndWithAnOpenWrite) {
  auto db = open(2);
  ASSERT_NE(db, nullptr);
  script(*db, "CREATE TABLE t (v BIGINT NOT NULL)");
  ASSERT_TRUE(insert(*db, "t", 1).ok());

  std::promise<void> inside;
  std::promise<void> finish;
  std::thread writer([&] {
    Result<void> r = db->write([&](Session& s) -> Result<void> {
      auto n = s.execute("INSERT INTO t (v) VALUES (2)");
      if (!n.ok()) return n.error();
      inside.set_value();
      finish.get_future().wait();
      return {};
    });
    EXPECT_TRUE(r.ok());
  });
  inside.get_future().wait();

  // Both read connections held at once while the write is open: each read waits for
  // the other, which only works when they run in parallel.
  std::mutex m;
  std::condition_variable cv;
  int arrived = 0;
  auto read_together = [&] {
    Result<void> r = db->read([&](Session& s) -> Result<void> {
      std::unique_lock lock(m);
      ++arrived;
      cv.notify_all();
      EXPECT_TRUE(cv.wait_for(lock, 10s, [&] { return arrived == 2; }));
      lock.unlock();
      auto rows = s.query("SELECT COUNT(*) FROM t");
      if (!rows.ok()) return rows.error();
      EXPECT_EQ(rows->at(0).integer(0), 1);  // the open write is not visible
      return {};
    });
    EXPECT_TRUE(r.ok());
  };
  std::thread a(read_together);
  std::thread b(read_together);
  a.join();
  b.join();

  finish.set_value();
  writer.join();
  EXPECT_EQ(count(*db, "t"), 2);
}

TEST_F(SqliteDatabaseTest, ReadsDuringAWriteBurstSeeOnlyGrowingCounts) {
  auto db = open();
  ASSERT_NE(db, nullptr);
  script(*db, "CREATE TABLE t (v BIGINT NOT NULL)");
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    for (int i = 0; i < 200; ++i) EXPECT_TRUE(insert(*db, "t", i).ok());
    writing = false;
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 6; ++r) {
    readers.emplace_back([&] {
      std::int64_t last = 0;
      while (writing) {
        std::int64_t now = count(*db, "t");
        EXPECT_GE(now, last);
        last = now;
      }
    });
  }
  writer.join();
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(count(*db, "t"), 200);
}

TEST_F(SqliteDatabaseTest, NestedWriteRunsInlineAndRollsBackOnlyItself) {
  auto db = open();
  ASSERT_NE(db, nullptr);
  script(*db, "CREATE TABLE t (v BIGINT NOT NULL)");
  Result<void> outer = db->write([&](Session& s) -> Result<void> {
    auto n = s.execute("INSERT INTO t (v) VALUES (1)");
    if (!n.ok()) return n.error();
    MERIDIAN_TRY(insert(*db, "t", 2));
    Result<void> failed = db->write([](Session& inner) -> Result<void> {
      auto m = inner.execute("INSERT INTO t (v) VALUES (3)");
      if (!m.ok()) return m.error();
      return make_error(ErrorCode::conflict, "nested refuses");
    });
    EXPECT_FALSE(failed.ok());
    // A read inside the write sees the write's own changes.
    auto seen = read_value<std::int64_t>(*db, [](Session& r) -> Result<std::int64_t> {
      auto rows = r.query("SELECT COUNT(*) FROM t");
      if (!rows.ok()) return rows.error();
      return rows->at(0).integer(0);
    });
    EXPECT_TRUE(seen.ok());
    EXPECT_EQ(seen.ok() ? *seen : -1, 2);
    EXPECT_TRUE(db->ready());
    return {};
  });
  ASSERT_TRUE(outer.ok()) << outer.error().message;
  auto values = read_value<Rows>(*db, [](Session& s) { return s.query("SELECT v FROM t ORDER BY v"); });
  ASSERT_TRUE(values.ok());
  ASSERT_EQ(values->size(), 2u);
  EXPECT_EQ(values->at(0).integer(0), 1);
  EXPECT_EQ(values->at(1).integer(0), 2);
}

TEST_F(SqliteDatabaseTest, IdPlaceholderExpandsToAutoIncrementWithReturning) {
  auto db = open();
  ASSERT_NE(db, nullptr);
  script(*db, "CREATE TABLE items (id {{ID}}, name TEXT NOT NULL)");
  for (std::int64_t expected : {1, 2, 3}) {
    auto id = write_value<std::int64_t>(*db, [](Session& s) -> Result<std::int64_t> {
      auto rows = s.query("INSERT INTO items (name) VALUES (?) RETURNING id", {std::string("item")});
      if (!rows.ok()) return rows.error();
      return rows->at(0).integer(0);
    });
    ASSERT_TRUE(id.ok()) << id.error().message;
    EXPECT_EQ(*id, expected);
  }
}

TEST_F(SqliteDatabaseTest, WritesAreDurableWalWithFullSync) {
  auto db = open();
  ASSERT_NE(db, nullptr);
  Result<void> r = db->write([](Session& s) -> Result<void> {
    auto sync = s.query("PRAGMA synchronous");
    if (!sync.ok()) return sync.error();
    EXPECT_EQ(sync->at(0).integer(0), 2);  // FULL
    auto fk = s.query("PRAGMA foreign_keys");
    if (!fk.ok()) return fk.error();
    EXPECT_EQ(fk->at(0).integer(0), 1);
    return {};
  });
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto mode = read_value<std::string>(*db, [](Session& s) -> Result<std::string> {
    auto rows = s.query("PRAGMA journal_mode");
    if (!rows.ok()) return rows.error();
    return rows->at(0).text(0);
  });
  ASSERT_TRUE(mode.ok()) << mode.error().message;
  EXPECT_EQ(*mode, "wal");
}

TEST_F(SqliteDatabaseTest, CallersCannotControlTransactions) {
  auto db = open();
  ASSERT_NE(db, nullptr);
  script(*db, "CREATE TABLE t (v BIGINT NOT NULL)");
  Result<void> r = db->write([](Session& s) -> Result<void> {
    auto n = s.execute("INSERT INTO t (v) VALUES (1)");
    if (!n.ok()) return n.error();
    auto c = s.execute("COMMIT");
    if (!c.ok()) return c.error();
    return {};
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(count(*db, "t"), 0);
}

TEST_F(SqliteDatabaseTest, ThrowingCallbackBecomesAnErrorAndTheWriterKeepsWorking) {
  auto db = open();
  ASSERT_NE(db, nullptr);
  script(*db, "CREATE TABLE t (v BIGINT NOT NULL)");
  Result<void> r = db->write([](Session& s) -> Result<void> {
    (void)s.execute("INSERT INTO t (v) VALUES (1)");
    throw std::runtime_error("boom");
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::internal);
  EXPECT_TRUE(db->ready());
  ASSERT_TRUE(insert(*db, "t", 2).ok());
  EXPECT_EQ(count(*db, "t"), 1);
}

TEST_F(SqliteDatabaseTest, SeveralStatementsInOneQueryAreRejected) {
  auto db = open();
  ASSERT_NE(db, nullptr);
  script(*db, "CREATE TABLE t (v BIGINT NOT NULL)");
  Result<void> r = db->write([](Session& s) -> Result<void> {
    auto n = s.execute("INSERT INTO t (v) VALUES (1); DROP TABLE t");
    if (!n.ok()) return n.error();
    return {};
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  // A trailing comment is not a second statement.
  ASSERT_TRUE(db->write([](Session& s) -> Result<void> {
                  auto n = s.execute("INSERT INTO t (v) VALUES (1); -- one row");
                  if (!n.ok()) return n.error();
                  return {};
                }).ok());
  EXPECT_EQ(count(*db, "t"), 1);
}

TEST_F(SqliteDatabaseTest, FlushTruncatesTheLogAndReadyAnswers) {
  auto db = open();
  ASSERT_NE(db, nullptr);
  script(*db, "CREATE TABLE t (v BIGINT NOT NULL)");
  ASSERT_TRUE(insert(*db, "t", 1).ok());
  EXPECT_GT(std::filesystem::file_size(db_path() + "-wal"), 0u);
  Result<void> flushed = db->flush();
  ASSERT_TRUE(flushed.ok()) << flushed.error().message;
  EXPECT_EQ(std::filesystem::file_size(db_path() + "-wal"), 0u);
  EXPECT_TRUE(db->ready());
}

TEST_F(SqliteDatabaseTest, MissingDirectoryIsAClearError) {
  auto db = open_sqlite({.path = (dir_ / "missing" / "meridian.db").string()});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(db.error().message.find("does not exist"), std::string::npos) << db.error().message;
}

}  // namespace
}  // namespace meridian::storage
