// The Store port: a small SQL session interface with two adapters (SQLite for the
// embedded default, PostgreSQL for scale-out). Repositories write portable SQL once
// against it; adapters translate the few dialect differences.
//
// Portable SQL rules used by every repository:
//   * placeholders are `?` (the PostgreSQL adapter rewrites them to $1, $2, ...);
//     never put a literal '?' inside SQL text, pass it as a parameter instead;
//   * integers are BIGINT, text is TEXT, booleans are BIGINT 0/1, times are BIGINT
//     Unix milliseconds; `INSERT ... RETURNING id` works on both;
//   * in migrations, `{{ID}}` stands for an auto-increment BIGINT primary key column, and
//     `{{SQLITE}} ... {{END}}` / `{{POSTGRES}} ... {{END}}` hold what only one dialect has
//     (full-text search: FTS5 tables and triggers; tsvector indexes).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "core/result.hpp"

namespace meridian::storage {

enum class Dialect { sqlite, postgres };

using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;
using Params = std::vector<Value>;

class Row {
 public:
  Row() = default;
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}

  std::size_t size() const { return values_.size(); }
  bool is_null(std::size_t i) const { return std::holds_alternative<std::nullptr_t>(values_.at(i)); }
  // Integer column; NULL reads as 0. Text holding digits (PostgreSQL) is converted.
  std::int64_t integer(std::size_t i) const;
  std::optional<std::int64_t> optional_integer(std::size_t i) const;
  double real(std::size_t i) const;
  // Text column; NULL reads as "".
  std::string text(std::size_t i) const;
  std::optional<std::string> optional_text(std::size_t i) const;
  const Value& at(std::size_t i) const { return values_.at(i); }

 private:
  std::vector<Value> values_;
};

using Rows = std::vector<Row>;

// One connection, used by one thread for the duration of a read() or write() call.
class Session {
 public:
  virtual ~Session() = default;
  virtual Dialect dialect() const = 0;
  virtual Result<Rows> query(std::string_view sql, const Params& params = {}) = 0;
  // Returns the number of rows changed.
  virtual Result<std::int64_t> execute(std::string_view sql, const Params& params = {}) = 0;
  // Several statements without parameters (migrations). `{{ID}}` is expanded.
  virtual Result<void> execute_script(std::string_view sql) = 0;
};

using SessionFn = std::function<Result<void>(Session&)>;

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;
  // Runs fn on a connection that sees committed data. Many reads run concurrently.
  virtual Result<void> read(const SessionFn& fn) = 0;
  // Runs fn in a transaction: committed when fn succeeds, rolled back when it fails.
  // The call returns only after the commit is durable. Adapters may group concurrent
  // writes into one commit (SQLite does) so that a burst does not serialise on fsync;
  // a failing fn never affects the others grouped with it.
  virtual Result<void> write(const SessionFn& fn) = 0;
  // Makes everything written so far durable and compact (WAL checkpoint); on shutdown.
  virtual Result<void> flush() = 0;
  // After an erasure: leaves no copy of deleted or overwritten rows of these tables where
  // a copy of the data files would find it. SQLite zeroes deleted content as it goes
  // (secure_delete, set on every connection), so this is a checkpoint that empties the
  // write-ahead log; PostgreSQL vacuums the tables (dead row versions and their index
  // entries go; see docs/architecture.md "Privacy" for what VACUUM does not promise).
  virtual Result<void> scrub(const std::vector<std::string>& tables) {
    (void)tables;
    return flush();
  }
  // Cheap liveness probe for /readyz.
  virtual bool ready() = 0;
};

namespace detail {
// Runs fn through db.read or db.write and hands back what it computed.
template <class T, class F>
Result<T> value_through(Database& db, Result<void> (Database::*run)(const SessionFn&), F&& fn) {
  std::optional<Result<T>> out;
  Result<void> r = (db.*run)([&](Session& s) -> Result<void> {
    out.emplace(fn(s));
    if (!out->ok()) return out->error();
    return {};
  });
  if (!r.ok()) return r.error();
  return std::move(*out);
}
}  // namespace detail

// Helpers for the common "compute one value in a read/write" shape.
template <class T, class F>
Result<T> read_value(Database& db, F&& fn) {
  return detail::value_through<T>(db, &Database::read, std::forward<F>(fn));
}

template <class T, class F>
Result<T> write_value(Database& db, F&& fn) {
  return detail::value_through<T>(db, &Database::write, std::forward<F>(fn));
}

// The shapes every repository repeats, each written once. `from_row` is any function of
// `const Row&` (a file-local `user_from`, a lambda): these read rows, they do not map types.

// Every row of a query, each read by from_row, in the query's order.
template <class F>
auto query_rows(Session& s, std::string_view sql, const Params& params, F&& from_row)
    -> Result<std::vector<std::remove_cvref_t<std::invoke_result_t<F&, const Row&>>>> {
  auto rows = s.query(sql, params);
  if (!rows.ok()) return rows.error();
  std::vector<std::remove_cvref_t<std::invoke_result_t<F&, const Row&>>> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(from_row(r));
  return out;
}

// The first row of a query read by from_row; nullopt for no row.
template <class F>
auto query_row(Session& s, std::string_view sql, const Params& params, F&& from_row)
    -> Result<std::optional<std::remove_cvref_t<std::invoke_result_t<F&, const Row&>>>> {
  using T = std::remove_cvref_t<std::invoke_result_t<F&, const Row&>>;
  auto rows = s.query(sql, params);
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<T>{};
  return std::optional<T>(from_row(rows->front()));
}

// Whether a query returns any row (`SELECT 1 FROM ... WHERE ...`).
Result<bool> query_exists(Session& s, std::string_view sql, const Params& params = {});

// A statement whose count of changed rows does not matter.
Result<void> exec(Session& s, std::string_view sql, const Params& params = {});
// A statement that may find nothing to change: true when it changed at least one row.
Result<bool> exec_changed(Session& s, std::string_view sql, const Params& params = {});

// An optional as a parameter: its value, or SQL NULL.
template <class T>
Value nullable(const std::optional<T>& v) {
  return v ? Value(*v) : Value(nullptr);
}

// The first column of the first row as an integer (a COUNT(*), a MAX(...)); 0 for no row.
Result<std::int64_t> query_integer(Session& s, std::string_view sql, const Params& params = {});
// The first column of every row as integers (ids), in the query's order.
Result<std::vector<std::int64_t>> query_integers(Session& s, std::string_view sql, const Params& params = {});

// Takes the write lock of one row now, before the transaction touches the rows that hang
// off it, so that writers of those rows all queue in one order and never deadlock
// (PostgreSQL: FOR NO KEY UPDATE, which foreign-key inserts do not wait for; SQLite
// runs one write transaction at a time, so there it only checks that the row exists).
// not_found when there is no such row.
Result<void> lock_row(Session& s, std::string_view table, std::int64_t id);

// "%text%" lower-cased, with %, _ and \ escaped: use with `lower(col) LIKE ? ESCAPE '\'`.
std::string contains_pattern(std::string_view text);

// Expands `{{ID}}` and the dialect sections; shared by both adapters' execute_script().
std::string expand_portable_ddl(std::string_view sql, Dialect dialect);

}  // namespace meridian::storage
