// Counters of the SQLite adapter's group commit, for tests and diagnostics.
#pragma once

#include <cstdint>
#include <optional>

#include "storage/database.hpp"

namespace meridian::storage {

struct SqliteWriteStats {
  std::int64_t commits = 0;           // COMMITs run by the writer thread
  std::int64_t committed_writes = 0;  // write() calls made durable by those commits
  std::int64_t queued_writes = 0;     // write() calls waiting for the writer right now
};

// Nullopt when `db` is not the SQLite adapter.
std::optional<SqliteWriteStats> sqlite_write_stats(const Database& db);

}  // namespace meridian::storage
