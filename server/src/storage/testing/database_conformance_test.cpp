// The Store port contract, checked identically on every adapter the machine can start.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.hpp"
#include "storage/row_columns.hpp"
#include "storage/testing/test_database.hpp"

namespace meridian::storage {
namespace {

class DatabaseConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { db_ = testing::make_test_database(GetParam()); }

  void migrate(std::string_view script) {
    Result<void> r = db_->write([&](Session& s) { return s.execute_script(script); });
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  Rows query(std::string_view sql, const Params& params = {}) {
    Result<Rows> rows = read_value<Rows>(*db_, [&](Session& s) { return s.query(sql, params); });
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    return rows.ok() ? std::move(*rows) : Rows{};
  }

  std::int64_t count(std::string_view table) {
    Rows rows = query("SELECT COUNT(*) FROM " + std::string(table));
    return rows.empty() ? -1 : rows[0].integer(0);
  }

  std::unique_ptr<Database> db_;
};

constexpr std::string_view kItems = R"sql(
  CREATE TABLE items (
    id {{ID}},
    n BIGINT,
    r DOUBLE PRECISION,
    t TEXT
  );
  CREATE TABLE users (id {{ID}}, name TEXT NOT NULL UNIQUE);
)sql";

TEST_P(DatabaseConformanceTest, ReportsItsDialect) {
  EXPECT_EQ(db_->dialect(), GetParam() == "postgres" ? Dialect::postgres : Dialect::sqlite);
  EXPECT_TRUE(db_->ready());
  EXPECT_TRUE(db_->flush().ok());
}

TEST_P(DatabaseConformanceTest, EveryValueTypeRoundTripsVerbatim) {
  migrate(kItems);
  const std::vector<std::string> texts = {
      "'; DROP TABLE users; --",         "it's \"quoted\" ''twice''",   "back\\slash \\' \\\\ \\n",
      "ünïcødé ✓ 日本語 🙂",  "what? where? ?1 $1 :name @p", "",
      "/* not a comment */ -- nor this",
  };
  const std::vector<std::int64_t> integers = {0, -1, 42, std::numeric_limits<std::int64_t>::max(),
                                              std::numeric_limits<std::int64_t>::min()};
  const std::vector<double> reals = {0.0, -0.25, 3.5, 0.1, 1e300, -2.5e-300};

  Result<void> w = db_->write([&](Session& s) -> Result<void> {
    MERIDIAN_TRY(s.execute("INSERT INTO users (name) VALUES (?)", {std::string("alice")}));
    for (const std::string& t : texts) {
      MERIDIAN_TRY(s.execute("INSERT INTO items (n, r, t) VALUES (?, ?, ?)", {nullptr, nullptr, t}));
    }
    for (std::int64_t n : integers) {
      MERIDIAN_TRY(s.execute("INSERT INTO items (n, r, t) VALUES (?, ?, ?)", {n, nullptr, nullptr}));
    }
    for (double r : reals) {
      MERIDIAN_TRY(s.execute("INSERT INTO items (n, r, t) VALUES (?, ?, ?)", {nullptr, r, nullptr}));
    }
    MERIDIAN_TRY(s.execute("INSERT INTO items (n, r, t) VALUES (?, ?, ?)", {nullptr, nullptr, nullptr}));
    return ok();
  });
  ASSERT_TRUE(w.ok()) << w.error().message;

  Rows rows = query("SELECT n, r, t FROM items ORDER BY id");
  ASSERT_EQ(rows.size(), texts.size() + integers.size() + reals.size() + 1);
  std::size_t i = 0;
  for (const std::string& t : texts) {
    const Row& row = rows[i++];
    EXPECT_TRUE(row.is_null(0));
    EXPECT_TRUE(row.is_null(1));
    ASSERT_TRUE(std::holds_alternative<std::string>(row.at(2))) << t;
    EXPECT_EQ(std::get<std::string>(row.at(2)), t);
  }
  for (std::int64_t n : integers) {
    const Row& row = rows[i++];
    ASSERT_TRUE(std::holds_alternative<std::int64_t>(row.at(0))) << n;
    EXPECT_EQ(std::get<std::int64_t>(row.at(0)), n);
    EXPECT_TRUE(row.is_null(2));
  }
  for (double r : reals) {
    const Row& row = rows[i++];
    ASSERT_TRUE(std::holds_alternative<double>(row.at(1))) << r;
    EXPECT_EQ(std::get<double>(row.at(1)), r);
  }
  const Row& nulls = rows[i++];
  EXPECT_TRUE(nulls.is_null(0));
  EXPECT_TRUE(nulls.is_null(1));
  EXPECT_TRUE(nulls.is_null(2));
  EXPECT_EQ(nulls.text(2), "");
  EXPECT_EQ(nulls.optional_integer(0), std::nullopt);

  EXPECT_EQ(count("users"), 1) << "the injection text must not have run";
}

// What every repository's row reader relies on: columns land in the listed fields by position
// and by the field's type, NULL reading as an empty optional, 0/1 as a boolean.
TEST_P(DatabaseConformanceTest, ReadColumnsFillsFieldsInColumnOrderByType) {
  migrate(kItems);
  ASSERT_TRUE(db_->write([](Session& s) {
                   return exec(s, "INSERT INTO items (n, r, t) VALUES (?, ?, ?)", {std::int64_t{1}, 2.5, "scheduled"});
                 })
                  .ok());
  Rows rows = query("SELECT id, n, r, t, t, n, NULL, NULL, n, 7 FROM items");
  ASSERT_EQ(rows.size(), 1u);
  std::int64_t id = 0;
  bool flag = false;
  double real = 0;
  std::string text;
  bool scheduled = false;
  std::optional<std::int64_t> none_int = 5, some_int;
  std::optional<std::string> none_text = "x";
  int small = 0;
  read_columns(rows[0], id, flag, real, text, text_as([&](const std::string& t) { scheduled = t == "scheduled"; }),
               skip_column, none_int, none_text, some_int, small);
  EXPECT_GT(id, 0);
  EXPECT_TRUE(flag);
  EXPECT_DOUBLE_EQ(real, 2.5);
  EXPECT_EQ(text, "scheduled");
  EXPECT_TRUE(scheduled);
  EXPECT_FALSE(none_int.has_value());
  EXPECT_FALSE(none_text.has_value());
  EXPECT_EQ(some_int, std::optional<std::int64_t>(1));
  EXPECT_EQ(small, 7);

  std::string from_third;
  read_columns_from(rows[0], 3, from_third);
  EXPECT_EQ(from_third, "scheduled");
}

TEST_P(DatabaseConformanceTest, ParametersMatchByValueNotBySqlText) {
  migrate(kItems);
  const std::string tricky = "x' OR '1'='1";
  Result<void> w = db_->write([&](Session& s) -> Result<void> {
    MERIDIAN_TRY(s.execute("INSERT INTO items (t) VALUES (?)", {std::string("plain")}));
    MERIDIAN_TRY(s.execute("INSERT INTO items (t) VALUES (?)", {tricky}));
    return ok();
  });
  ASSERT_TRUE(w.ok()) << w.error().message;
  Rows rows = query("SELECT t FROM items WHERE t = ?", {tricky});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text(0), tricky);
  EXPECT_TRUE(query("SELECT t FROM items WHERE t = ?", {std::string("nothing")}).empty());
}

TEST_P(DatabaseConformanceTest, QuestionMarkInsideLiteralIsNotAPlaceholder) {
  Rows rows = query("SELECT 'is it?', ?", {std::string("yes?")});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text(0), "is it?");
  EXPECT_EQ(rows[0].text(1), "yes?");
}

TEST_P(DatabaseConformanceTest, InsertReturningGivesIncreasingIds) {
  migrate(kItems);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    Result<std::int64_t> id = write_value<std::int64_t>(*db_, [&](Session& s) -> Result<std::int64_t> {
      Result<Rows> rows = s.query("INSERT INTO items (n) VALUES (?) RETURNING id", {std::int64_t{i}});
      if (!rows.ok()) return rows.error();
      if (rows->size() != 1) return make_error(ErrorCode::internal, "no id returned");
      EXPECT_TRUE(std::holds_alternative<std::int64_t>((*rows)[0].at(0)));
      return (*rows)[0].integer(0);
    });
    ASSERT_TRUE(id.ok()) << id.error().message;
    ids.push_back(*id);
  }
  EXPECT_GT(ids[0], 0);
  EXPECT_LT(ids[0], ids[1]);
  EXPECT_LT(ids[1], ids[2]);
  Rows rows = query("SELECT n FROM items WHERE id = ?", {ids[2]});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].integer(0), 2);
}

TEST_P(DatabaseConformanceTest, AggregatesAreIntegers) {
  migrate(kItems);
  Result<void> w = db_->write([&](Session& s) -> Result<void> {
    for (std::int64_t n : {5, 9, 7}) MERIDIAN_TRY(s.execute("INSERT INTO items (n) VALUES (?)", {n}));
    return ok();
  });
  ASSERT_TRUE(w.ok()) << w.error().message;
  Rows rows = query("SELECT COUNT(*), MAX(n), MIN(n) FROM items");
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<std::int64_t>(rows[0].at(0)));
  ASSERT_TRUE(std::holds_alternative<std::int64_t>(rows[0].at(1)));
  EXPECT_EQ(rows[0].integer(0), 3);
  EXPECT_EQ(rows[0].integer(1), 9);
  EXPECT_EQ(rows[0].integer(2), 5);
  Rows empty = query("SELECT MAX(n) FROM items WHERE n > ?", {std::int64_t{100}});
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_TRUE(empty[0].is_null(0));
}

TEST_P(DatabaseConformanceTest, ExecuteReportsRowsChanged) {
  migrate(kItems);
  Result<std::int64_t> changed = write_value<std::int64_t>(*db_, [&](Session& s) -> Result<std::int64_t> {
    for (std::int64_t n : {1, 2, 3, 4}) {
      Result<std::int64_t> one = s.execute("INSERT INTO items (n) VALUES (?)", {n});
      if (!one.ok()) return one.error();
      EXPECT_EQ(*one, 1);
    }
    return s.execute("UPDATE items SET t = ? WHERE n > ?", {std::string("big"), std::int64_t{1}});
  });
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_EQ(*changed, 3);
}

TEST_P(DatabaseConformanceTest, UniqueViolationIsConflict) {
  migrate(kItems);
  ASSERT_TRUE(db_->write([](Session& s) -> Result<void> {
                   MERIDIAN_TRY(s.execute("INSERT INTO users (name) VALUES (?)", {std::string("bob")}));
                   return ok();
                 })
                  .ok());
  Result<void> again = db_->write([](Session& s) -> Result<void> {
    MERIDIAN_TRY(s.execute("INSERT INTO users (name) VALUES (?)", {std::string("bob")}));
    return ok();
  });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::conflict) << again.error().message;
  EXPECT_EQ(count("users"), 1);
}

TEST_P(DatabaseConformanceTest, FailingWriteRollsBack) {
  migrate(kItems);
  Result<void> w = db_->write([](Session& s) -> Result<void> {
    MERIDIAN_TRY(s.execute("INSERT INTO items (n) VALUES (?)", {std::int64_t{1}}));
    return make_error(ErrorCode::forbidden, "changed my mind");
  });
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, ErrorCode::forbidden);
  EXPECT_EQ(w.error().message, "changed my mind");
  EXPECT_EQ(count("items"), 0);
}

TEST_P(DatabaseConformanceTest, FailingStatementRollsBackEarlierStatements) {
  migrate(kItems);
  ASSERT_TRUE(db_->write([](Session& s) -> Result<void> {
                   MERIDIAN_TRY(s.execute("INSERT INTO users (name) VALUES (?)", {std::string("carol")}));
                   return ok();
                 })
                  .ok());
  Result<void> w = db_->write([](Session& s) -> Result<void> {
    MERIDIAN_TRY(s.execute("INSERT INTO items (n) VALUES (?)", {std::int64_t{1}}));
    MERIDIAN_TRY(s.execute("INSERT INTO users (name) VALUES (?)", {std::string("carol")}));
    return ok();
  });
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, ErrorCode::conflict);
  EXPECT_EQ(count("items"), 0);
  EXPECT_EQ(count("users"), 1);
}

TEST_P(DatabaseConformanceTest, ConcurrentWritesAllLand) {
  migrate(kItems);
  constexpr int kThreads = 6;
  constexpr int kWritesPerThread = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        Result<void> w = db_->write([&](Session& s) -> Result<void> {
          MERIDIAN_TRY(
              s.execute("INSERT INTO items (n, t) VALUES (?, ?)", {std::int64_t{t * 1000 + i}, std::string("thread")}));
          return ok();
        });
        if (!w.ok()) ++failures;
        // Reads run alongside the writes and always see a consistent count.
        Result<void> r = db_->read([](Session& s) -> Result<void> {
          MERIDIAN_TRY(s.query("SELECT COUNT(*) FROM items"));
          return ok();
        });
        if (!r.ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(count("items"), kThreads * kWritesPerThread);
  Rows distinct = query("SELECT COUNT(DISTINCT n) FROM items");
  ASSERT_EQ(distinct.size(), 1u);
  EXPECT_EQ(distinct[0].integer(0), kThreads * kWritesPerThread);
}

TEST_P(DatabaseConformanceTest, ReadSeesCommittedWrites) {
  migrate(kItems);
  EXPECT_EQ(count("items"), 0);
  ASSERT_TRUE(db_->write([](Session& s) -> Result<void> {
                   MERIDIAN_TRY(s.execute("INSERT INTO items (t) VALUES (?)", {std::string("first")}));
                   return ok();
                 })
                  .ok());
  EXPECT_EQ(count("items"), 1);
  std::int64_t seen_elsewhere = -1;
  std::thread reader([&] { seen_elsewhere = count("items"); });
  reader.join();
  EXPECT_EQ(seen_elsewhere, 1);
}

TEST_P(DatabaseConformanceTest, NestedWriteJoinsTheOuterTransaction) {
  migrate(kItems);
  Result<void> w = db_->write([&](Session& s) -> Result<void> {
    MERIDIAN_TRY(s.execute("INSERT INTO items (t) VALUES (?)", {std::string("outer")}));
    MERIDIAN_TRY(db_->write([](Session& inner) -> Result<void> {
      MERIDIAN_TRY(inner.execute("INSERT INTO items (t) VALUES (?)", {std::string("inner")}));
      return ok();
    }));
    // The inner write's row is visible to the rest of the outer transaction.
    Result<Rows> rows = s.query("SELECT COUNT(*) FROM items");
    if (!rows.ok()) return rows.error();
    EXPECT_EQ((*rows)[0].integer(0), 2);
    return ok();
  });
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(count("items"), 2);
}

TEST_P(DatabaseConformanceTest, NestedWriteRollsBackWithTheOuterOne) {
  migrate(kItems);
  Result<void> w = db_->write([&](Session& s) -> Result<void> {
    MERIDIAN_TRY(s.execute("INSERT INTO items (t) VALUES (?)", {std::string("outer")}));
    MERIDIAN_TRY(db_->write([](Session& inner) -> Result<void> {
      MERIDIAN_TRY(inner.execute("INSERT INTO items (t) VALUES (?)", {std::string("inner")}));
      return ok();
    }));
    return make_error(ErrorCode::invalid_argument, "abandon");
  });
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(count("items"), 0);
}

TEST_P(DatabaseConformanceTest, FailingNestedWriteRollsBackOnlyItself) {
  migrate(kItems);
  Result<void> w = db_->write([&](Session& s) -> Result<void> {
    MERIDIAN_TRY(s.execute("INSERT INTO users (name) VALUES (?)", {std::string("dave")}));
    Result<void> inner = db_->write([](Session& n) -> Result<void> {
      MERIDIAN_TRY(n.execute("INSERT INTO items (t) VALUES (?)", {std::string("undone")}));
      MERIDIAN_TRY(n.execute("INSERT INTO users (name) VALUES (?)", {std::string("dave")}));
      return ok();
    });
    EXPECT_FALSE(inner.ok());
    if (!inner.ok()) {
      EXPECT_EQ(inner.error().code, ErrorCode::conflict);
    }
    // The outer transaction is still usable after the inner one failed.
    MERIDIAN_TRY(s.execute("INSERT INTO items (t) VALUES (?)", {std::string("kept")}));
    return ok();
  });
  ASSERT_TRUE(w.ok()) << w.error().message;
  Rows rows = query("SELECT t FROM items");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text(0), "kept");
  EXPECT_EQ(count("users"), 1);
}

TEST_P(DatabaseConformanceTest, NestedReadSeesTheOuterWritesChanges) {
  migrate(kItems);
  Result<void> w = db_->write([&](Session& s) -> Result<void> {
    MERIDIAN_TRY(s.execute("INSERT INTO items (t) VALUES (?)", {std::string("pending")}));
    Result<std::int64_t> seen = read_value<std::int64_t>(*db_, [](Session& r) -> Result<std::int64_t> {
      Result<Rows> rows = r.query("SELECT COUNT(*) FROM items");
      if (!rows.ok()) return rows.error();
      return (*rows)[0].integer(0);
    });
    if (!seen.ok()) return seen.error();
    EXPECT_EQ(*seen, 1);
    return ok();
  });
  ASSERT_TRUE(w.ok()) << w.error().message;
}

TEST_P(DatabaseConformanceTest, MigrationScriptRunsSeveralStatements) {
  migrate(R"sql(
    CREATE TABLE a (id {{ID}}, name TEXT NOT NULL);
    CREATE INDEX a_name ON a (name);
    INSERT INTO a (name) VALUES ('one');
    INSERT INTO a (name) VALUES ('two');
  )sql");
  EXPECT_EQ(count("a"), 2);
}

INSTANTIATE_TEST_SUITE_P(Adapters, DatabaseConformanceTest, ::testing::ValuesIn(testing::test_database_kinds()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace meridian::storage
