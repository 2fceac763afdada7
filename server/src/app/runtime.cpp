#include "app/runtime.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "bus/in_process_bus.hpp"
#include "bus/redis_bus.hpp"
#include "core/log.hpp"
#include "storage/postgres/postgres_database.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace meridian::app {

std::unique_ptr<storage::Database> open_storage(const Config& c) {
  if (!c.database_url.empty()) {
    if (c.database_url.rfind("postgres://", 0) != 0 && c.database_url.rfind("postgresql://", 0) != 0)
      throw std::runtime_error("database_url must start with postgresql:// (leave it empty for SQLite)");
    auto db = storage::open_postgres({c.database_url, c.database_pool_size});
    if (!db.ok()) throw std::runtime_error("cannot open PostgreSQL: " + db.error().message);
    return std::move(*db);
  }
  std::filesystem::create_directories(c.data_dir);
  auto db = storage::open_sqlite({(std::filesystem::path(c.data_dir) / "meridian.db").string()});
  if (!db.ok()) throw std::runtime_error("cannot open SQLite: " + db.error().message);
  return std::move(*db);
}

std::unique_ptr<bus::Bus> open_bus(const Config& c) {
  if (c.bus_url.empty()) return std::make_unique<bus::InProcessBus>();
  auto options = bus::parse_redis_url(c.bus_url);
  if (!options.ok()) throw std::runtime_error(options.error().message);
  if (c.bus_prefix.empty()) throw std::runtime_error("bus prefix must not be empty");
  options->prefix = c.bus_prefix;
  auto redis = std::make_unique<bus::RedisBus>(*options);
  // Start anyway when Redis is late: /readyz says not ready until it answers, and the
  // bus keeps reconnecting.
  if (!redis->wait_ready(std::chrono::seconds(5)))
    log::warn("bus.redis_not_ready",
              {{"host", std::string_view(options->host)}, {"port", std::int64_t{options->port}}});
  return redis;
}

std::string printable_host(const std::string& address) {
  return address == "0.0.0.0" || address == "::" ? "localhost" : address;
}

void announce(const Config& c, const std::string& url, const identity::IdentityService::Bootstrap& bootstrap) {
  std::fprintf(stderr, "\n  Meridian is running at %s\n", url.c_str());
  if (bootstrap.created) {
    std::fprintf(stderr, "  First administrator: %s\n", c.admin_email.c_str());
    if (bootstrap.generated_password)
      std::fprintf(stderr, "  Password (shown once, change it after signing in): %s\n",
                   bootstrap.generated_password->c_str());
    else
      std::fprintf(stderr, "  Password: the one given in MERIDIAN_ADMIN_PASSWORD\n");
  }
  if (c.web_root.empty()) std::fprintf(stderr, "  (no web app found: run `make build` to serve the UI)\n");
  std::fprintf(stderr, "\n");
}

}  // namespace meridian::app
