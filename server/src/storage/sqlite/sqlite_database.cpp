// The SQLite Database: a pool of read-only connections, and one writer thread that owns
// the only write connection and group-commits queued writes.
#include "storage/sqlite/sqlite_database.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "core/log.hpp"
#include "storage/sqlite/sqlite_connection.hpp"
#include "storage/sqlite/sqlite_write_stats.hpp"

namespace meridian::storage {
namespace {

using sqlite::Access;
using sqlite::Connection;

// Large enough that a burst shares one fsync, small enough that the first caller of a
// batch does not wait long behind the rest.
constexpr std::size_t kMaxBatch = 256;
constexpr auto kReadyTimeout = std::chrono::seconds(2);

// The connection a thread is currently inside read() or write() with, so that a nested
// call reuses it instead of waiting for a connection (or for the writer) it already holds.
struct ActiveSession {
  const Database* database;
  Connection* connection;
  bool writable;
  const ActiveSession* outer;
};

thread_local const ActiveSession* tl_active_session = nullptr;

class ActiveScope {
 public:
  ActiveScope(const Database* database, Connection& connection, bool writable)
      : frame_{database, &connection, writable, tl_active_session} {
    tl_active_session = &frame_;
  }
  ~ActiveScope() { tl_active_session = frame_.outer; }
  ActiveScope(const ActiveScope&) = delete;
  ActiveScope& operator=(const ActiveScope&) = delete;

 private:
  ActiveSession frame_;
};

const ActiveSession* active_session(const Database* database) {
  for (const ActiveSession* s = tl_active_session; s != nullptr; s = s->outer) {
    if (s->database == database) return s;
  }
  return nullptr;
}

// Callers' functions must not take the writer thread (or a pooled connection) down with
// an exception; it becomes that caller's error.
Result<void> run_guarded(const SessionFn& fn, Session& session) {
  try {
    return fn(session);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::internal, std::string("storage callback threw: ") + e.what());
  } catch (...) {
    return make_error(ErrorCode::internal, "storage callback threw a non-standard exception");
  }
}

Error transaction_aborted() {
  return make_error(ErrorCode::internal, "the write's transaction was aborted by an earlier error");
}

// Runs fn inside a savepoint of the open transaction: on failure only fn's own changes
// are undone. A top-level job must also leave no deferred foreign-key violation behind,
// or the shared COMMIT would fail for every write grouped with it.
Result<void> run_in_savepoint(Connection& connection, const SessionFn& fn, bool settle_foreign_keys) {
  if (!connection.in_transaction()) return transaction_aborted();
  MERIDIAN_TRY(connection.control("SAVEPOINT meridian_write"));
  Result<void> result = run_guarded(fn, connection);
  if (!connection.in_transaction()) return result.ok() ? transaction_aborted() : result;
  if (result.ok() && settle_foreign_keys && connection.has_unresolved_foreign_keys()) {
    result = make_error(ErrorCode::invalid_argument, "FOREIGN KEY constraint failed");
  }
  if (result.ok()) {
    Result<void> released = connection.control("RELEASE meridian_write");
    if (released.ok()) return result;
    result = released.error();
  }
  (void)connection.control("ROLLBACK TO meridian_write");
  (void)connection.control("RELEASE meridian_write");
  return result;
}

Result<void> checkpoint(Connection& connection) {
  auto rows = connection.query("PRAGMA wal_checkpoint(TRUNCATE)");
  if (!rows.ok()) return rows.error();
  if (!rows->empty() && rows->front().integer(0) != 0) {
    return make_error(ErrorCode::unavailable, "WAL checkpoint could not finish: readers are still active");
  }
  return {};
}

struct WriteJob {
  const SessionFn* fn = nullptr;                         // a caller's write, run in a savepoint
  std::function<Result<void>(Connection&)> maintenance;  // runs alone, outside a transaction
  Result<void> result;
  bool done = false;  // guarded by SqliteDatabase::queue_mutex_
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::unique_ptr<Connection> writer, std::vector<std::unique_ptr<Connection>> readers)
      : writer_(std::move(writer)), readers_(std::move(readers)) {
    for (auto& reader : readers_) idle_readers_.push_back(reader.get());
    writer_thread_ = std::thread([this] { run_writer(); });
  }

  ~SqliteDatabase() override {
    {
      std::lock_guard lock(queue_mutex_);
      stopping_ = true;
    }
    queue_cv_.notify_all();
    writer_thread_.join();
    {
      std::unique_lock lock(pool_mutex_);
      pool_cv_.wait(lock, [&] { return idle_readers_.size() == readers_.size(); });
    }
    idle_readers_.clear();
    readers_.clear();
    if (Result<void> done = checkpoint(*writer_); !done.ok()) {
      log::warn("storage.sqlite.checkpoint_failed", {{"error", std::string_view(done.error().message)}});
    }
  }

  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  Dialect dialect() const override { return Dialect::sqlite; }

  Result<void> read(const SessionFn& fn) override {
    if (const ActiveSession* active = active_session(this)) return run_guarded(fn, *active->connection);
    Connection& reader = borrow_reader();
    ActiveScope scope(this, reader, false);
    // One read transaction, so that every query in fn sees the same snapshot.
    Result<void> begun = reader.control("BEGIN");
    Result<void> result = begun.ok() ? run_guarded(fn, reader) : begun;
    if (reader.in_transaction()) {
      Result<void> ended = reader.control(result.ok() ? "COMMIT" : "ROLLBACK");
      if (result.ok() && !ended.ok()) result = ended;
    }
    return_reader(reader);
    return result;
  }

  Result<void> write(const SessionFn& fn) override {
    // Nested in a write on this thread: the writer is busy running us, so waiting for it
    // would deadlock. Run inline; it commits with the enclosing write.
    if (const ActiveSession* active = active_session(this); active != nullptr && active->writable) {
      return run_in_savepoint(*active->connection, fn, false);
    }
    auto job = std::make_shared<WriteJob>();
    job->fn = &fn;
    std::unique_lock lock(queue_mutex_);
    if (!enqueue(job)) return make_error(ErrorCode::unavailable, "database is closing");
    done_cv_.wait(lock, [&] { return job->done; });
    return job->result;
  }

  Result<void> flush() override {
    if (const ActiveSession* active = active_session(this); active != nullptr && active->writable) {
      return make_error(ErrorCode::invalid_argument, "flush() cannot run inside write()");
    }
    auto job = std::make_shared<WriteJob>();
    job->maintenance = [](Connection& connection) { return checkpoint(connection); };
    std::unique_lock lock(queue_mutex_);
    if (!enqueue(job)) return make_error(ErrorCode::unavailable, "database is closing");
    done_cv_.wait(lock, [&] { return job->done; });
    return job->result;
  }

  bool ready() override {
    auto probe = [](Connection& connection) -> Result<void> {
      auto rows = connection.query("SELECT 1");
      if (!rows.ok()) return rows.error();
      return {};
    };
    if (const ActiveSession* active = active_session(this); active != nullptr && active->writable) {
      return probe(*active->connection).ok();
    }
    // The job is shared so that it can be abandoned when the writer does not answer.
    auto job = std::make_shared<WriteJob>();
    job->maintenance = probe;
    std::unique_lock lock(queue_mutex_);
    if (!enqueue(job)) return false;
    return done_cv_.wait_for(lock, kReadyTimeout, [&] { return job->done; }) && job->result.ok();
  }

  SqliteWriteStats write_stats() const {
    SqliteWriteStats stats;
    stats.commits = commits_.load();
    stats.committed_writes = committed_writes_.load();
    std::lock_guard lock(queue_mutex_);
    stats.queued_writes = static_cast<std::int64_t>(queue_.size());
    return stats;
  }

 private:
  using Batch = std::vector<std::shared_ptr<WriteJob>>;

  // Requires queue_mutex_ held.
  bool enqueue(const std::shared_ptr<WriteJob>& job) {
    if (stopping_) return false;
    queue_.push_back(job);
    queue_cv_.notify_one();
    return true;
  }

  Connection& borrow_reader() {
    std::unique_lock lock(pool_mutex_);
    pool_cv_.wait(lock, [&] { return !idle_readers_.empty(); });
    Connection* reader = idle_readers_.back();
    idle_readers_.pop_back();
    return *reader;
  }

  void return_reader(Connection& reader) {
    {
      std::lock_guard lock(pool_mutex_);
      idle_readers_.push_back(&reader);
    }
    pool_cv_.notify_all();
  }

  // Takes the next maintenance job alone, or up to kMaxBatch consecutive writes.
  Batch next_batch() {
    std::unique_lock lock(queue_mutex_);
    queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    Batch batch;
    if (!queue_.empty() && queue_.front()->maintenance) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
      return batch;
    }
    while (!queue_.empty() && !queue_.front()->maintenance && batch.size() < kMaxBatch) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    return batch;  // empty only when stopping with nothing left to do
  }

  void run_writer() {
    while (true) {
      Batch batch = next_batch();
      if (batch.empty()) return;
      if (batch.front()->maintenance) {
        batch.front()->result = batch.front()->maintenance(*writer_);
      } else {
        commit_group(batch);
      }
      {
        std::lock_guard lock(queue_mutex_);
        for (auto& job : batch) job->done = true;
      }
      done_cv_.notify_all();
    }
  }

  // One transaction and one durable COMMIT for the whole batch; each job in its own
  // savepoint so that a failing job is undone alone and gets its own error.
  void commit_group(Batch pending) {
    ActiveScope scope(this, *writer_, true);
    while (!pending.empty()) {
      Result<void> begun = writer_->control("BEGIN IMMEDIATE");
      if (!begun.ok()) {
        for (auto& job : pending) job->result = begun.error();
        return;
      }
      Batch applied;
      std::optional<Batch> rerun;
      writer_->require_transaction(true);
      for (std::size_t i = 0; i < pending.size(); ++i) {
        WriteJob& job = *pending[i];
        job.result = run_in_savepoint(*writer_, *job.fn, true);
        if (!writer_->in_transaction()) {
          // SQLite abandoned the whole transaction (I/O error, disk full): the jobs applied
          // before this one were lost with it, so they run again with the rest.
          rerun = std::move(applied);
          rerun->insert(rerun->end(), pending.begin() + static_cast<std::ptrdiff_t>(i) + 1, pending.end());
          break;
        }
        if (job.result.ok()) applied.push_back(pending[i]);
      }
      writer_->require_transaction(false);
      if (rerun) {
        pending = std::move(*rerun);
        continue;
      }
      Result<void> committed = writer_->control("COMMIT");
      if (!committed.ok()) {
        if (writer_->in_transaction()) (void)writer_->control("ROLLBACK");
        for (auto& job : applied) job->result = committed.error();
        return;
      }
      commits_.fetch_add(1);
      committed_writes_.fetch_add(static_cast<std::int64_t>(applied.size()));
      return;
    }
  }

  std::unique_ptr<Connection> writer_;  // used only by writer_thread_ while it runs
  std::vector<std::unique_ptr<Connection>> readers_;

  std::mutex pool_mutex_;
  std::condition_variable pool_cv_;
  std::vector<Connection*> idle_readers_;

  mutable std::mutex queue_mutex_;
  std::condition_variable queue_cv_;  // writer waits for work
  std::condition_variable done_cv_;   // callers wait for their job
  std::deque<std::shared_ptr<WriteJob>> queue_;
  bool stopping_ = false;

  std::atomic<std::int64_t> commits_{0};
  std::atomic<std::int64_t> committed_writes_{0};

  std::thread writer_thread_;  // last: starts after every member above is ready
};

Result<void> check_options(const SqliteOptions& options) {
  if (options.path.empty()) return make_error(ErrorCode::invalid_argument, "SQLite database path is empty");
  if (options.read_connections < 1) {
    return make_error(ErrorCode::invalid_argument, "SQLite needs at least one read connection");
  }
  if (options.busy_timeout_ms < 0) {
    return make_error(ErrorCode::invalid_argument, "SQLite busy timeout must not be negative");
  }
  const std::filesystem::path parent = std::filesystem::path(options.path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
    return make_error(ErrorCode::invalid_argument, "directory '" + parent.string() + "' for the database file '" +
                                                       options.path + "' does not exist");
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<Database>> open_sqlite(const SqliteOptions& options) {
  MERIDIAN_TRY(check_options(options));
  auto writer = Connection::open(options.path, Access::read_write, options.busy_timeout_ms);
  if (!writer.ok()) return writer.error();

  auto mode = (*writer)->query("PRAGMA journal_mode = WAL");
  if (!mode.ok()) {
    return make_error(mode.error().code, "cannot use '" + options.path + "' as a database: " + mode.error().message);
  }
  if (mode->empty() || mode->front().text(0) != "wal") {
    return make_error(ErrorCode::unavailable, "'" + options.path + "' cannot use WAL journal mode");
  }
  // FULL in WAL mode syncs the log on every commit: an acknowledged write is durable.
  MERIDIAN_TRY((*writer)->execute_script("PRAGMA synchronous = FULL"));

  std::vector<std::unique_ptr<Connection>> readers;
  for (int i = 0; i < options.read_connections; ++i) {
    auto reader = Connection::open(options.path, Access::read_only, options.busy_timeout_ms);
    if (!reader.ok()) return reader.error();
    readers.push_back(std::move(*reader));
  }

  try {
    return std::unique_ptr<Database>(std::make_unique<SqliteDatabase>(std::move(*writer), std::move(readers)));
  } catch (const std::system_error& e) {
    return make_error(ErrorCode::unavailable, std::string("cannot start the SQLite writer thread: ") + e.what());
  }
}

std::optional<SqliteWriteStats> sqlite_write_stats(const Database& db) {
  const auto* sqlite_db = dynamic_cast<const SqliteDatabase*>(&db);
  if (sqlite_db == nullptr) return std::nullopt;
  return sqlite_db->write_stats();
}

}  // namespace meridian::storage
