#include "storage/testing/test_database.hpp"

#include <pqxx/pqxx>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "storage/postgres/postgres_database.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace meridian::storage::testing {
namespace {

// Forwards to an adapter and removes what backs it (a temp dir, a database) afterwards.
class DisposableDatabase final : public Database {
 public:
  DisposableDatabase(std::unique_ptr<Database> inner, std::function<void()> dispose)
      : inner_(std::move(inner)), dispose_(std::move(dispose)) {}
  ~DisposableDatabase() override {
    inner_.reset();  // close every connection before the backing store goes away
    dispose_();
  }
  DisposableDatabase(const DisposableDatabase&) = delete;
  DisposableDatabase& operator=(const DisposableDatabase&) = delete;

  Dialect dialect() const override { return inner_->dialect(); }
  Result<void> read(const SessionFn& fn) override { return inner_->read(fn); }
  Result<void> write(const SessionFn& fn) override { return inner_->write(fn); }
  Result<void> flush() override { return inner_->flush(); }
  Result<void> scrub(const std::vector<std::string>& tables) override { return inner_->scrub(tables); }
  bool ready() override { return inner_->ready(); }

 private:
  std::unique_ptr<Database> inner_;
  std::function<void()> dispose_;
};

[[noreturn]] void fail_setup(const std::string& what) {
  std::fprintf(stderr, "test database setup failed: %s\n", what.c_str());
  std::abort();
}

std::atomic<int> g_sequence{0};

std::string unique_suffix() { return std::to_string(::getpid()) + "_" + std::to_string(g_sequence.fetch_add(1)); }

std::unique_ptr<Database> make_sqlite_database() {
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("meridian_t_" + unique_suffix());
  std::filesystem::remove_all(dir, ec);
  if (!std::filesystem::create_directories(dir, ec)) fail_setup("cannot create " + dir.string());
  Result<std::unique_ptr<Database>> db = open_sqlite(SqliteOptions{.path = (dir / "test.db").string()});
  if (!db.ok()) {
    std::filesystem::remove_all(dir, ec);
    fail_setup("open_sqlite: " + db.error().message);
  }
  return std::make_unique<DisposableDatabase>(std::move(*db), [dir] {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  });
}

// libpq accepts URIs and key=value strings; both can name the database to use.
std::string with_database(const std::string& url, const std::string& name) {
  const bool is_uri = url.starts_with("postgresql://") || url.starts_with("postgres://");
  if (!is_uri) return url + " dbname=" + name;
  const std::size_t authority = url.find("://") + 3;
  const std::size_t query = url.find('?', authority);
  const std::size_t path = url.find('/', authority);
  const std::string tail = query == std::string::npos ? "" : url.substr(query);
  const std::size_t host_end = path != std::string::npos && (query == std::string::npos || path < query)
                                   ? path
                                   : (query == std::string::npos ? url.size() : query);
  return url.substr(0, host_end) + "/" + name + tail;
}

void run_maintenance(const std::string& url, const std::string& sql) {
  pqxx::connection conn(url);
  pqxx::quiet_errorhandler silence(conn);
  pqxx::nontransaction tx(conn);
  tx.exec(sql);
}

std::unique_ptr<Database> make_postgres_database() {
  const char* url_env = std::getenv("MERIDIAN_TEST_PG_URL");
  if (url_env == nullptr || *url_env == '\0') fail_setup("MERIDIAN_TEST_PG_URL is not set");
  const std::string url = url_env;
  const std::string name = "meridian_t_" + unique_suffix();
  const std::string drop = "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)";
  try {
    run_maintenance(url, drop);
    run_maintenance(url, "CREATE DATABASE " + name);
  } catch (const std::exception& e) {
    fail_setup(std::string("creating PostgreSQL database ") + name + ": " + e.what());
  }
  Result<std::unique_ptr<Database>> db = open_postgres(PostgresOptions{.url = with_database(url, name)});
  if (!db.ok()) fail_setup("open_postgres: " + db.error().message);
  return std::make_unique<DisposableDatabase>(std::move(*db), [url, drop] {
    try {
      run_maintenance(url, drop);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "warning: could not drop test database: %s\n", e.what());
    }
  });
}

}  // namespace

std::vector<std::string> test_database_kinds() {
  std::vector<std::string> kinds{"sqlite"};
  const char* url = std::getenv("MERIDIAN_TEST_PG_URL");
  if (url != nullptr && *url != '\0') {
    kinds.emplace_back("postgres");
    return kinds;
  }
  const char* require = std::getenv("MERIDIAN_REQUIRE_PG");
  if (require != nullptr && std::string_view(require) == "1") {
    std::fprintf(stderr,
                 "MERIDIAN_REQUIRE_PG=1 but MERIDIAN_TEST_PG_URL is not set: refusing to skip the "
                 "PostgreSQL storage tests. Run them through scripts/with-postgres.sh.\n");
    std::abort();
  }
  return kinds;
}

std::unique_ptr<Database> make_test_database(std::string_view kind) {
  if (kind == "sqlite") return make_sqlite_database();
  if (kind == "postgres") return make_postgres_database();
  fail_setup("unknown test database kind: " + std::string(kind));
}

RowLockHolder::RowLockHolder(Database& db, std::string sql, Params params) {
  thread_ = std::thread([this, &db, sql = std::move(sql), params = std::move(params)] {
    bool counted = false;
    ok_ = db.write([&](Session& s) -> Result<void> {
              auto locked = s.execute(sql, params);
              held_.count_down();
              counted = true;
              if (!locked.ok()) return locked.error();
              go_.wait();
              return ok();
            }).ok();
    if (!counted) held_.count_down();
  });
  held_.wait();
}

bool RowLockHolder::release() {
  if (!released_) {
    released_ = true;
    go_.count_down();
    thread_.join();
  }
  return ok_;
}

bool wait_for_lock_waiters(Database& db, int n) {
  for (int i = 0; i < 6000; ++i) {  // 10 ms steps, at most a minute
    std::int64_t waiting = 0;
    Result<void> r = db.read([&](Session& s) -> Result<void> {
      auto rows = s.query(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      if (!rows.ok()) return rows.error();
      waiting = rows->front().integer(0);
      return ok();
    });
    if (!r.ok()) return false;
    if (waiting >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace meridian::storage::testing
