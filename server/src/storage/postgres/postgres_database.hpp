// PostgreSQL adapter of the Store port (libpqxx, connection pool): scale-out.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "storage/database.hpp"

namespace meridian::storage {

struct PostgresOptions {
  std::string url;    // libpq connection URI, e.g. postgresql://user@127.0.0.1:5432/meridian
  int pool_size = 8;  // connections kept open
  int borrow_timeout_ms = 5000;  // waiting longer for a free connection fails as unavailable
};

// Fails with ErrorCode::unavailable when the server cannot be reached.
Result<std::unique_ptr<Database>> open_postgres(const PostgresOptions& options);

// Rewrites portable `?` placeholders to $1, $2, ...; a '?' inside a quoted literal,
// a quoted identifier or a comment stays as it is. Exposed for tests.
std::string number_placeholders(std::string_view sql);

}  // namespace meridian::storage
