// PostgreSQL adapter of the Store port (libpqxx, connection pool): scale-out.
#pragma once

#include <memory>
#include <string>

#include "storage/database.hpp"

namespace meridian::storage {

struct PostgresOptions {
  std::string url;    // libpq connection URI, e.g. postgresql://user@127.0.0.1:5432/meridian
  int pool_size = 8;  // connections kept open
};

Result<std::unique_ptr<Database>> open_postgres(const PostgresOptions& options);

}  // namespace meridian::storage
