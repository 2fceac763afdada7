#include "storage/migrations.hpp"

#include <string>

#include "core/log.hpp"

namespace meridian::storage {
namespace {

constexpr std::string_view kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
    "applied_at BIGINT NOT NULL)";

// Several nodes may start at once against one PostgreSQL database: each migration step
// runs under a transaction-scoped advisory lock so that exactly one node applies it.
// (SQLite serialises writers by itself.)
Result<void> lock_for_migration(Session& s) {
  if (s.dialect() != Dialect::postgres) return {};
  auto r = s.query("SELECT pg_advisory_xact_lock(7305726150)");  // arbitrary, fixed key
  if (!r.ok()) return r.error();
  return {};
}

}  // namespace

Result<int> apply_migrations(Database& db, std::span<const Migration> migrations) {
  MERIDIAN_TRY(db.write([](Session& s) -> Result<void> {
    MERIDIAN_TRY(lock_for_migration(s));
    return s.execute_script(kCreateVersionTable);
  }));

  auto current = read_value<int>(db, [](Session& s) -> Result<int> {
    auto rows = s.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!rows.ok()) return rows.error();
    return static_cast<int>(rows->at(0).integer(0));
  });
  if (!current.ok()) return current.error();

  int latest = migrations.empty() ? 0 : migrations.back().version;
  if (*current > latest) {
    return make_error(ErrorCode::internal, "database schema version " + std::to_string(*current) +
                                               " is newer than this build's " + std::to_string(latest));
  }
  int applied = *current;
  for (const Migration& m : migrations) {
    if (m.version <= applied) continue;
    auto r = db.write([&](Session& s) -> Result<void> {
      // Re-check under the lock: another node may have migrated meanwhile.
      MERIDIAN_TRY(lock_for_migration(s));
      auto rows = s.query("SELECT COUNT(*) FROM schema_migrations WHERE version = ?", {std::int64_t{m.version}});
      if (!rows.ok()) return rows.error();
      if (rows->at(0).integer(0) > 0) return {};
      MERIDIAN_TRY(s.execute_script(m.sql));
      auto ins = s.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                           {std::int64_t{m.version}, std::string(m.name), std::int64_t{0}});
      if (!ins.ok()) return ins.error();
      return {};
    });
    if (!r.ok()) {
      return make_error(r.error().code, "migration " + std::to_string(m.version) + " (" + std::string(m.name) +
                                            ") failed: " + r.error().message);
    }
    log::info("storage.migrated", {{"version", std::int64_t{m.version}}, {"name", m.name}});
    applied = m.version;
  }
  return applied;
}

}  // namespace meridian::storage
