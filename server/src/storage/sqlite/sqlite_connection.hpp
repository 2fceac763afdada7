// One SQLite connection as a Store Session: cached prepared statements, Value binding,
// and the mapping of SQLite result codes to ErrorCode. Private to the SQLite adapter.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/database.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace meridian::storage::sqlite {

enum class Access { read_write, read_only };

class Connection final : public Session {
 public:
  // Opens (creating when read_write) the file, turns on extended result codes, foreign
  // keys and the busy timeout.
  static Result<std::unique_ptr<Connection>> open(const std::string& path, Access access, int busy_timeout_ms);

  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Dialect dialect() const override { return Dialect::sqlite; }
  Result<Rows> query(std::string_view sql, const Params& params = {}) override;
  Result<std::int64_t> execute(std::string_view sql, const Params& params = {}) override;
  Result<void> execute_script(std::string_view sql) override;

  // Transaction control (BEGIN, SAVEPOINT, COMMIT, ...) issued by the adapter itself.
  // Sessions handed to callers refuse it: a caller's COMMIT inside a grouped write
  // would commit its neighbours' work half-way.
  Result<void> control(std::string_view sql);
  bool in_transaction() const;
  // Deferred foreign-key violations not yet resolved in the open transaction.
  bool has_unresolved_foreign_keys() const;

  // While set, caller statements refuse to run outside a transaction. SQLite rolls the
  // whole transaction back on some errors (I/O, disk full); without this guard the
  // caller's next statements would silently autocommit outside its write.
  void require_transaction(bool required) { transaction_required_ = required; }

 private:
  struct StatementLease;
  struct TransparentHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  using StatementCache = std::unordered_map<std::string, sqlite3_stmt*, TransparentHash, std::equal_to<>>;

  explicit Connection(sqlite3* db) : db_(db) {}
  static int authorize(void* self, int action, const char*, const char*, const char*, const char*);

  Result<StatementLease> prepare(StatementCache& cache, std::string_view sql);
  // Binds params, steps to completion and collects rows when `rows` is not null.
  Result<void> run(StatementCache& cache, std::string_view sql, const Params& params, Rows* rows);
  Result<void> check_caller_may_run() const;
  Error error_from(int code) const;

  sqlite3* db_;
  StatementCache statements_;
  // Kept apart: the authorizer checks a statement when it is prepared, so a caller's
  // "COMMIT" must never find the adapter's own cached one.
  StatementCache control_statements_;
  bool control_allowed_ = false;
  bool transaction_required_ = false;
};

// Maps an SQLite (extended) result code and message to the Store's error vocabulary.
Error map_sqlite_error(int code, std::string_view message);

}  // namespace meridian::storage::sqlite
