#include "storage/postgres/postgres_database.hpp"

#include <pqxx/pqxx>

#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/log.hpp"

namespace meridian::storage {

std::string number_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 0;
  const std::size_t n = sql.size();
  std::size_t i = 0;
  // Copies sql[i..end) verbatim and moves past it.
  auto copy_until = [&](std::size_t end) {
    end = std::min(end, n);
    out.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < n) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      // E'...' strings escape with backslashes; everything else doubles the quote,
      // which this scan handles as two adjacent literals.
      const bool backslash_escapes =
          c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e');
      std::size_t j = i + 1;
      while (j < n && sql[j] != c) j += (backslash_escapes && sql[j] == '\\') ? 2 : 1;
      copy_until(j + 1);
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      const std::size_t eol = sql.find('\n', i);
      copy_until(eol == std::string_view::npos ? n : eol + 1);
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      const std::size_t close = sql.find("*/", i + 2);
      copy_until(close == std::string_view::npos ? n : close + 2);
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++next);
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

namespace {

constexpr pqxx::oid kBoolOid = 16;
constexpr pqxx::oid kInt8Oid = 20;
constexpr pqxx::oid kInt2Oid = 21;
constexpr pqxx::oid kInt4Oid = 23;
constexpr pqxx::oid kFloat4Oid = 700;
constexpr pqxx::oid kFloat8Oid = 701;
constexpr pqxx::oid kNumericOid = 1700;

// Bounds the per-connection statement cache so that generated SQL cannot grow it forever.
constexpr std::size_t kMaxPreparedStatements = 256;

// One pooled server connection plus what belongs to it. Members are destroyed in
// reverse order: the notice handler must go before the connection.
struct PooledConnection {
  explicit PooledConnection(const std::string& url) : conn(url), silence(conn) {}

  // Prepared statement name for this SQL, preparing it on first use; nullopt when the
  // cache is full (the caller then runs the statement unprepared).
  std::optional<std::string> statement_name(const std::string& sql) {
    if (auto it = statements.find(sql); it != statements.end()) return it->second;
    if (statements.size() >= kMaxPreparedStatements) return std::nullopt;
    std::string name = "meridian_" + std::to_string(statements.size());
    conn.prepare(name, sql);
    statements.emplace(sql, name);
    return name;
  }

  pqxx::connection conn;
  // Notices ("table does not exist, skipping") would otherwise go to stderr.
  pqxx::quiet_errorhandler silence;
  std::unordered_map<std::string, std::string> statements;
  bool broken = false;
};

std::string clean_message(std::string_view what) {
  std::string out(what);
  for (char& c : out) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  constexpr std::string_view kPrefix = "ERROR:  ";
  if (out.starts_with(kPrefix)) out.erase(0, kPrefix.size());
  return out;
}

bool connection_lost_state(std::string_view sqlstate) {
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03";
}

// What a client is told when the database cannot be reached: libpq's own text names the
// host and port, which is for the operator's log.
constexpr std::string_view kUnreachable = "the database cannot be reached; nothing was stored, try again shortly";
Error unreachable(std::string_view what, std::string_view detail) {
  log::warn("storage.postgres_unavailable", {{"what", what}, {"detail", std::string_view(clean_message(detail))}});
  return make_error(ErrorCode::unavailable, std::string(kUnreachable));
}

// Maps the exception being handled to an Error; marks the connection for replacement
// when the exception says it is gone.
Error translate_current_exception(PooledConnection* conn) {
  try {
    throw;
  } catch (const pqxx::broken_connection& e) {
    if (conn) conn->broken = true;
    return unreachable("connection_lost", e.what());
  } catch (const pqxx::transaction_rollback& e) {
    // Chosen to break a deadlock, or a serialization failure (SQLSTATE class 40; pqxx 6
    // does not derive these from sql_error): nothing was stored, and the same request can
    // simply be sent again.
    log::info("storage.postgres_rollback", {{"detail", std::string_view(clean_message(e.what()))}});
    return make_error(ErrorCode::unavailable,
                      "the database was busy with a conflicting change; nothing was stored, "
                      "try again");
  } catch (const pqxx::sql_error& e) {
    const std::string& state = e.sqlstate();
    if (state == "23505") return make_error(ErrorCode::conflict, clean_message(e.what()));
    if (state.starts_with("23")) return make_error(ErrorCode::invalid_argument, clean_message(e.what()));
    if (connection_lost_state(state)) {
      if (conn) conn->broken = true;
      return unreachable("unavailable", e.what());
    }
    return make_error(ErrorCode::internal, clean_message(e.what()));
  } catch (const pqxx::in_doubt_error& e) {
    if (conn) conn->broken = true;
    log::warn("storage.postgres_unavailable",
              {{"what", "commit_in_doubt"}, {"detail", std::string_view(clean_message(e.what()))}});
    return make_error(ErrorCode::unavailable, "the database connection was lost during the commit; try again");
  } catch (const std::exception& e) {
    return make_error(ErrorCode::internal, clean_message(e.what()));
  } catch (...) {
    return make_error(ErrorCode::internal, "unknown exception in the PostgreSQL adapter");
  }
}

std::string format_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, ec == std::errc{} ? end : buf);
}

Value convert_field(pqxx::oid type, const char* text, std::size_t size) {
  const char* end = text + size;
  switch (type) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid: {
      std::int64_t v = 0;
      auto [ptr, ec] = std::from_chars(text, end, v);
      if (ec == std::errc{} && ptr == end) return v;
      break;
    }
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid: {
      double v = 0;
      auto [ptr, ec] = std::from_chars(text, end, v);
      if (ec == std::errc{} && ptr == end) return v;
      return std::strtod(text, nullptr);  // "Infinity", "NaN", out-of-range numerics
    }
    case kBoolOid:
      return std::int64_t{size > 0 && text[0] == 't' ? 1 : 0};
    default:
      break;
  }
  return std::string(text, size);
}

Rows to_rows(const pqxx::result& res) {
  const pqxx::row::size_type columns = res.columns();
  std::vector<pqxx::oid> types(columns);
  for (pqxx::row::size_type c = 0; c < columns; ++c) types[c] = res.column_type(c);
  Rows rows;
  rows.reserve(res.size());
  for (const pqxx::row& row : res) {
    std::vector<Value> values;
    values.reserve(columns);
    for (pqxx::row::size_type c = 0; c < columns; ++c) {
      const pqxx::field field = row[c];
      if (field.is_null()) {
        values.emplace_back(nullptr);
      } else {
        values.push_back(convert_field(types[c], field.c_str(), field.size()));
      }
    }
    rows.emplace_back(std::move(values));
  }
  return rows;
}

bool is_plain_dml(std::string_view sql) {
  std::size_t start = sql.find_first_not_of(" \t\r\n(");
  if (start == std::string_view::npos) return false;
  std::string keyword;
  for (std::size_t i = start; i < sql.size() && keyword.size() < 8; ++i) {
    const char c = sql[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) break;
    keyword += static_cast<char>(c | 0x20);
  }
  return keyword == "select" || keyword == "insert" || keyword == "update" ||
         keyword == "delete" || keyword == "with" || keyword == "values";
}

class PgSession final : public Session {
 public:
  PgSession(PooledConnection& conn, pqxx::dbtransaction& tx) : conn_(conn), tx_(tx) {}

  Dialect dialect() const override { return Dialect::postgres; }

  Result<Rows> query(std::string_view sql, const Params& params) override {
    Result<pqxx::result> res = run(sql, params);
    if (!res.ok()) return res.error();
    try {
      return to_rows(*res);
    } catch (...) {
      return remember(translate_current_exception(&conn_));
    }
  }

  Result<std::int64_t> execute(std::string_view sql, const Params& params) override {
    Result<pqxx::result> res = run(sql, params);
    if (!res.ok()) return res.error();
    return static_cast<std::int64_t>(res->affected_rows());
  }

  Result<void> execute_script(std::string_view sql) override {
    try {
      tx_.exec(expand_portable_ddl(sql, Dialect::postgres));
      return ok();
    } catch (...) {
      return remember(translate_current_exception(&conn_));
    }
  }

  // The first statement failure: PostgreSQL aborts the whole transaction on it, so a
  // fn that ignores a failed statement must not be reported as committed.
  const std::optional<Error>& failure() const { return failure_; }

 private:
  Result<pqxx::result> run(std::string_view sql, const Params& params) {
    std::vector<std::string> texts(params.size());
    std::vector<const char*> pointers(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (auto p = std::get_if<std::int64_t>(&v)) {
        texts[i] = std::to_string(*p);
        pointers[i] = texts[i].c_str();
      } else if (auto d = std::get_if<double>(&v)) {
        texts[i] = format_double(*d);
        pointers[i] = texts[i].c_str();
      } else if (auto s = std::get_if<std::string>(&v)) {
        if (s->find('\0') != std::string::npos) {
          return make_error(ErrorCode::invalid_argument, "text parameter contains a NUL byte");
        }
        pointers[i] = s->c_str();
      }
    }
    try {
      const std::string numbered = number_placeholders(sql);
      const auto dynamic = pqxx::prepare::make_dynamic_params(pointers);
      if (is_plain_dml(numbered)) {
        if (std::optional<std::string> name = conn_.statement_name(numbered)) {
          return tx_.exec_prepared(*name, dynamic);
        }
      }
      return tx_.exec_params(numbered, dynamic);
    } catch (...) {
      return remember(translate_current_exception(&conn_));
    }
  }

  Error remember(Error e) {
    if (!failure_) failure_ = e;
    return e;
  }

  PooledConnection& conn_;
  pqxx::dbtransaction& tx_;
  std::optional<Error> failure_;
};

class ConnectionPool final {
 public:
  // Returns the connection to the pool when it goes out of scope.
  class Lease final {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<PooledConnection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), conn_(std::move(other.conn_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (pool_) pool_->give_back(std::move(conn_));
    }
    PooledConnection& operator*() const { return *conn_; }
    PooledConnection* operator->() const { return conn_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<PooledConnection> conn_;
  };

  ConnectionPool(std::string url, int size) : url_(std::move(url)), free_slots_(size) {}

  Result<Lease> borrow(std::chrono::milliseconds timeout) {
    std::unique_ptr<PooledConnection> conn;
    {
      std::unique_lock lock(mutex_);
      if (!available_.wait_for(lock, timeout, [&] { return free_slots_ > 0; })) {
        return make_error(ErrorCode::unavailable, "database pool exhausted");
      }
      --free_slots_;
      if (!idle_.empty()) {
        conn = std::move(idle_.back());
        idle_.pop_back();
      }
    }
    if (conn && (conn->broken || !conn->conn.is_open())) conn.reset();
    if (!conn) {
      try {
        conn = std::make_unique<PooledConnection>(url_);
      } catch (...) {
        give_back(nullptr);
        Error e = translate_current_exception(nullptr);
        log::warn("storage.postgres_unavailable", {{"what", "connect"}, {"detail", std::string_view(e.message)}});
        return make_error(ErrorCode::unavailable, std::string(kUnreachable));
      }
    }
    return Lease(this, std::move(conn));
  }

  // After a server restart every idle connection is dead; reconnecting them lazily is
  // cheaper than failing one request per stale connection.
  void discard_idle() {
    std::vector<std::unique_ptr<PooledConnection>> discard;
    {
      std::lock_guard lock(mutex_);
      discard.swap(idle_);
    }
  }

 private:
  // A null or broken connection only frees its slot; the next borrower reconnects.
  void give_back(std::unique_ptr<PooledConnection> conn) {
    std::unique_ptr<PooledConnection> discard;
    {
      std::lock_guard lock(mutex_);
      if (conn && !conn->broken) {
        idle_.push_back(std::move(conn));
      } else {
        discard = std::move(conn);  // closed outside the lock
      }
      ++free_slots_;
    }
    available_.notify_one();
  }

  const std::string url_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PooledConnection>> idle_;
  int free_slots_;
};

// The transaction this thread is inside, per database, so that a nested read()/write()
// reuses it through a savepoint instead of waiting for a second connection.
struct ActiveTransaction {
  const void* owner;
  PooledConnection* conn;
  pqxx::dbtransaction* tx;
  bool writable;
  int depth;  // savepoint nesting
};

thread_local std::vector<ActiveTransaction> t_active;

// Every query of one read() sees the same snapshot, as on SQLite; read-only repeatable
// read transactions never fail with serialization errors.
using SnapshotRead = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;

class ActiveScope final {
 public:
  explicit ActiveScope(ActiveTransaction frame) { t_active.push_back(frame); }
  ~ActiveScope() { t_active.pop_back(); }
  ActiveScope(const ActiveScope&) = delete;
  ActiveScope& operator=(const ActiveScope&) = delete;
};

Result<void> call_fn(const SessionFn& fn, Session& session) {
  try {
    return fn(session);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::internal, std::string("exception in transaction: ") + e.what());
  } catch (...) {
    return make_error(ErrorCode::internal, "unknown exception in transaction");
  }
}

// Ends tx according to fn's outcome and the session's statement failures.
Result<void> finish(pqxx::dbtransaction& tx, PooledConnection& conn, const PgSession& session,
                    Result<void> outcome) {
  if (outcome.ok() && session.failure()) outcome = *session.failure();
  try {
    if (outcome.ok()) {
      tx.commit();
    } else {
      tx.abort();
    }
  } catch (...) {
    Error e = translate_current_exception(&conn);
    if (outcome.ok()) return e;
  }
  return outcome;
}

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(const PostgresOptions& options)
      : pool_(options.url, options.pool_size),
        borrow_timeout_(std::chrono::milliseconds(options.borrow_timeout_ms)) {}

  Dialect dialect() const override { return Dialect::postgres; }

  Result<void> read(const SessionFn& fn) override { return run(fn, false); }
  Result<void> write(const SessionFn& fn) override { return run(fn, true); }

  Result<void> flush() override { return ok(); }  // durable on commit already

  // VACUUM runs outside a transaction; the names come from the code, never from input,
  // and are checked to be plain identifiers all the same.
  Result<void> scrub(const std::vector<std::string>& tables) override {
    for (const auto& table : tables) {
      if (table.empty() || table.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
        return make_error(ErrorCode::invalid_argument, "not a table name: '" + table + "'");
    }
    Result<ConnectionPool::Lease> lease = pool_.borrow(borrow_timeout_);
    if (!lease.ok()) return lease.error();
    try {
      for (const auto& table : tables) {
        pqxx::nontransaction tx((*lease)->conn);
        tx.exec("VACUUM " + table);
      }
      return ok();
    } catch (...) {
      return translate_current_exception(&**lease);
    }
  }

  bool ready() override {
    Result<ConnectionPool::Lease> lease = pool_.borrow(std::chrono::milliseconds(1000));
    if (!lease.ok()) return false;
    try {
      pqxx::nontransaction tx((*lease)->conn);
      tx.exec("SELECT 1");
      return true;
    } catch (...) {
      (void)translate_current_exception(&**lease);
      return false;
    }
  }

  Result<void> check_connection() {
    Result<ConnectionPool::Lease> lease = pool_.borrow(borrow_timeout_);
    if (!lease.ok()) return lease.error();
    return ok();
  }

 private:
  Result<void> run(const SessionFn& fn, bool writable) {
    for (auto it = t_active.rbegin(); it != t_active.rend(); ++it) {
      if (it->owner != this) continue;
      // A write inside a read-only transaction cannot share it; it gets its own.
      if (it->writable || !writable) return run_nested(*it, fn);
      break;
    }
    return run_outermost(fn, writable);
  }

  // pqxx 6's subtransaction begins lazily and its exec_params/exec_prepared skip that
  // step, so savepoints are issued here on the outer transaction instead.
  Result<void> run_nested(ActiveTransaction outer, const SessionFn& fn) {
    PooledConnection& conn = *outer.conn;
    const std::string savepoint = "meridian_sp_" + std::to_string(outer.depth + 1);
    try {
      outer.tx->exec("SAVEPOINT " + savepoint);
    } catch (...) {
      return translate_current_exception(&conn);
    }
    PgSession session(conn, *outer.tx);
    Result<void> outcome = ok();
    {
      ActiveScope scope({this, &conn, outer.tx, outer.writable, outer.depth + 1});
      outcome = call_fn(fn, session);
    }
    if (outcome.ok() && session.failure()) outcome = *session.failure();
    try {
      if (outcome.ok()) {
        outer.tx->exec("RELEASE SAVEPOINT " + savepoint);
      } else {
        outer.tx->exec("ROLLBACK TO SAVEPOINT " + savepoint + "; RELEASE SAVEPOINT " + savepoint);
      }
    } catch (...) {
      Error e = translate_current_exception(&conn);
      if (outcome.ok()) return e;
    }
    return outcome;
  }

  Result<void> run_outermost(const SessionFn& fn, bool writable) {
    // A connection that died while idle (server restart) fails at BEGIN, before fn
    // has run: then one retry on a fresh connection is safe.
    for (int attempt = 0;; ++attempt) {
      Result<ConnectionPool::Lease> lease = pool_.borrow(borrow_timeout_);
      if (!lease.ok()) return lease.error();
      PooledConnection& conn = **lease;
      std::unique_ptr<pqxx::dbtransaction> tx;
      try {
        if (writable) {
          tx = std::make_unique<pqxx::work>(conn.conn);
        } else {
          tx = std::make_unique<SnapshotRead>(conn.conn);
        }
      } catch (...) {
        Error e = translate_current_exception(&conn);
        if (!conn.broken || attempt > 0) return e;
        pool_.discard_idle();  // they died with it
        continue;
      }
      PgSession session(conn, *tx);
      Result<void> outcome = ok();
      {
        ActiveScope scope({this, &conn, tx.get(), writable, 0});
        outcome = call_fn(fn, session);
      }
      return finish(*tx, conn, session, std::move(outcome));
    }
  }

  ConnectionPool pool_;
  const std::chrono::milliseconds borrow_timeout_;
};

}  // namespace

Result<std::unique_ptr<Database>> open_postgres(const PostgresOptions& options) {
  if (options.pool_size < 1) {
    return make_error(ErrorCode::invalid_argument, "PostgreSQL pool_size must be at least 1");
  }
  auto db = std::make_unique<PostgresDatabase>(options);
  // Connect once now so that a wrong URL fails at start-up, not on the first request.
  MERIDIAN_TRY(db->check_connection());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace meridian::storage
