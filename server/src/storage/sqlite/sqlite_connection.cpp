#include "storage/sqlite/sqlite_connection.hpp"

#include <sqlite3.h>

#include <climits>
#include <utility>
#include <variant>

namespace meridian::storage::sqlite {
namespace {

// Repositories use fixed SQL text, so the cache stays small; the cap only protects
// against code that builds SQL dynamically (IN lists), whose statements are then
// prepared and finalized per call instead.
constexpr std::size_t kMaxCachedStatements = 512;

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n;") == std::string_view::npos;
}

Value column_value(sqlite3_stmt* stmt, int column) {
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_INTEGER:
      return std::int64_t{sqlite3_column_int64(stmt, column)};
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, column);
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
      const int size = sqlite3_column_bytes(stmt, column);
      return text == nullptr ? std::string() : std::string(text, static_cast<std::size_t>(size));
    }
    case SQLITE_BLOB: {
      const auto* blob = static_cast<const char*>(sqlite3_column_blob(stmt, column));
      const int size = sqlite3_column_bytes(stmt, column);
      return blob == nullptr ? std::string() : std::string(blob, static_cast<std::size_t>(size));
    }
    default:
      return nullptr;
  }
}

// Strings are bound SQLITE_STATIC: `params` outlives the statement's use, and the
// lease clears the bindings before run() returns.
int bind_value(sqlite3_stmt* stmt, int index, const Value& value) {
  return std::visit(
      [&](const auto& v) -> int {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) {
          return sqlite3_bind_null(stmt, index);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return sqlite3_bind_int64(stmt, index, v);
        } else if constexpr (std::is_same_v<T, double>) {
          return sqlite3_bind_double(stmt, index, v);
        } else {
          return sqlite3_bind_text64(stmt, index, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
        }
      },
      value);
}

}  // namespace

// A prepared statement borrowed for one call: cached ones are reset and unbound after
// use, uncached ones finalized.
struct Connection::StatementLease {
  StatementLease(sqlite3_stmt* s, bool cached) : stmt(s), owned(!cached) {}
  StatementLease(StatementLease&& other) noexcept : stmt(std::exchange(other.stmt, nullptr)), owned(other.owned) {}
  StatementLease& operator=(StatementLease&&) = delete;
  ~StatementLease() {
    if (stmt == nullptr) return;
    if (owned) {
      sqlite3_finalize(stmt);
    } else {
      sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
    }
  }

  sqlite3_stmt* stmt;
  bool owned;
};

Error map_sqlite_error(int code, std::string_view message) {
  std::string text(message);
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return make_error(ErrorCode::conflict, std::move(text));
    case SQLITE_AUTH:
      return make_error(ErrorCode::invalid_argument,
                        "transaction control is not allowed here: read() and write() manage transactions");
    default:
      break;
  }
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      return make_error(ErrorCode::invalid_argument, std::move(text));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return make_error(ErrorCode::unavailable, "database is busy: " + text);
    default:
      return make_error(ErrorCode::internal, "sqlite: " + text);
  }
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& path, Access access,
                                                      int busy_timeout_ms) {
  const int flags = (access == Access::read_write ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                                  : SQLITE_OPEN_READONLY) |
                    SQLITE_OPEN_NOMUTEX;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return make_error(ErrorCode::unavailable, "cannot open database '" + path + "': " + message);
  }
  std::unique_ptr<Connection> connection(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  sqlite3_set_authorizer(db, &Connection::authorize, connection.get());
  MERIDIAN_TRY(connection->execute_script("PRAGMA foreign_keys = ON"));
  // Deleted and overwritten content is zeroed, not left in free pages and cells where a
  // copy of the file would still show it (GDPR erasure, privacy/).
  MERIDIAN_TRY(connection->execute_script("PRAGMA secure_delete = ON"));
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  for (auto& [sql, stmt] : control_statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

int Connection::authorize(void* self, int action, const char*, const char*, const char*, const char*) {
  const bool controls_transaction = action == SQLITE_TRANSACTION || action == SQLITE_SAVEPOINT;
  if (controls_transaction && !static_cast<Connection*>(self)->control_allowed_) return SQLITE_DENY;
  return SQLITE_OK;
}

Error Connection::error_from(int code) const { return map_sqlite_error(code, sqlite3_errmsg(db_)); }

bool Connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

bool Connection::has_unresolved_foreign_keys() const {
  int current = 0;
  int highest = 0;
  sqlite3_db_status(db_, SQLITE_DBSTATUS_DEFERRED_FKS, &current, &highest, 0);
  return current != 0;
}

Result<void> Connection::check_caller_may_run() const {
  if (transaction_required_ && !in_transaction()) {
    return make_error(ErrorCode::internal, "the write's transaction was aborted by an earlier error");
  }
  return {};
}

Result<Connection::StatementLease> Connection::prepare(StatementCache& cache, std::string_view sql) {
  if (auto it = cache.find(sql); it != cache.end()) return StatementLease(it->second, true);
  if (sql.size() > static_cast<std::size_t>(INT_MAX)) {
    return make_error(ErrorCode::invalid_argument, "SQL text is too long");
  }
  const bool cacheable = cache.size() < kMaxCachedStatements;
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    cacheable ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, &tail);
  if (rc != SQLITE_OK) return error_from(rc);
  if (stmt == nullptr) return make_error(ErrorCode::invalid_argument, "empty SQL statement");
  StatementLease lease(stmt, false);

  const std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
  if (!is_blank(rest)) {
    // Only comments may follow; anything else is a second statement that would be ignored.
    sqlite3_stmt* next = nullptr;
    const int next_rc = sqlite3_prepare_v3(db_, rest.data(), static_cast<int>(rest.size()), 0, &next, nullptr);
    sqlite3_finalize(next);
    if (next_rc != SQLITE_OK || next != nullptr) {
      return make_error(ErrorCode::invalid_argument,
                        "one SQL statement per call; use execute_script() for several");
    }
  }
  if (cacheable) {
    cache.emplace(std::string(sql), stmt);
    lease.owned = false;
  }
  return lease;
}

Result<void> Connection::run(StatementCache& cache, std::string_view sql, const Params& params, Rows* rows) {
  auto prepared = prepare(cache, sql);
  if (!prepared.ok()) return prepared.error();
  sqlite3_stmt* stmt = prepared->stmt;

  const int expected = sqlite3_bind_parameter_count(stmt);
  if (static_cast<std::size_t>(expected) != params.size()) {
    return make_error(ErrorCode::invalid_argument, "SQL expects " + std::to_string(expected) +
                                                       " parameters, got " + std::to_string(params.size()));
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int rc = bind_value(stmt, static_cast<int>(i) + 1, params[i]);
    if (rc != SQLITE_OK) return error_from(rc);
  }

  const int columns = sqlite3_column_count(stmt);
  while (true) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) return {};
    if (rc != SQLITE_ROW) return error_from(rc);
    if (rows == nullptr) continue;
    std::vector<Value> values;
    values.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) values.push_back(column_value(stmt, c));
    rows->emplace_back(std::move(values));
  }
}

Result<Rows> Connection::query(std::string_view sql, const Params& params) {
  MERIDIAN_TRY(check_caller_may_run());
  Rows rows;
  MERIDIAN_TRY(run(statements_, sql, params, &rows));
  return rows;
}

Result<std::int64_t> Connection::execute(std::string_view sql, const Params& params) {
  MERIDIAN_TRY(check_caller_may_run());
  MERIDIAN_TRY(run(statements_, sql, params, nullptr));
  return std::int64_t{sqlite3_changes64(db_)};
}

Result<void> Connection::execute_script(std::string_view sql) {
  MERIDIAN_TRY(check_caller_may_run());
  const std::string expanded = expand_portable_ddl(sql, Dialect::sqlite);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, expanded.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  const int code = sqlite3_extended_errcode(db_);
  Error error = map_sqlite_error(code, message != nullptr ? message : sqlite3_errstr(rc));
  sqlite3_free(message);
  return error;
}

Result<void> Connection::control(std::string_view sql) {
  control_allowed_ = true;
  Result<void> result = run(control_statements_, sql, {}, nullptr);
  control_allowed_ = false;
  return result;
}

}  // namespace meridian::storage::sqlite
