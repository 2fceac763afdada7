#include "storage/migrations.hpp"

#include <algorithm>
#include <set>
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

  // Migrations apply by version, each once: an area may add a version inside its own
  // range after a higher one from another area has been applied (see schema_parts.hpp).
  auto recorded = read_value<std::set<int>>(db, [](Session& s) -> Result<std::set<int>> {
    auto rows = s.query("SELECT version FROM schema_migrations");
    if (!rows.ok()) return rows.error();
    std::set<int> versions;
    for (std::size_t i = 0; i < rows->size(); ++i) versions.insert(static_cast<int>(rows->at(i).integer(0)));
    return versions;
  });
  if (!recorded.ok()) return recorded.error();

  std::set<int> known;
  for (const Migration& m : migrations) known.insert(m.version);
  for (int v : *recorded) {
    if (!known.contains(v)) {
      return make_error(ErrorCode::internal, "database schema version " + std::to_string(v) +
                                                 " is newer than this build's (unknown migration)");
    }
  }
  int applied = recorded->empty() ? 0 : *recorded->rbegin();
  for (const Migration& m : migrations) {
    if (recorded->contains(m.version)) continue;
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
    applied = std::max(applied, m.version);
  }
  return applied;
}

}  // namespace meridian::storage
