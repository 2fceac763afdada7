// SQLite adapter of the Store port: the embedded default.
#pragma once

#include <memory>
#include <string>

#include "storage/database.hpp"

namespace meridian::storage {

struct SqliteOptions {
  std::string path;              // database file; created when missing
  int read_connections = 4;      // concurrent readers (WAL)
  int busy_timeout_ms = 5000;
};

Result<std::unique_ptr<Database>> open_sqlite(const SqliteOptions& options);

}  // namespace meridian::storage
