// Versioned, forward-only schema migrations applied at start, on either adapter.
#pragma once

#include <span>
#include <string_view>

#include "storage/database.hpp"

namespace meridian::storage {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;  // portable DDL, see database.hpp
};

// The schema of this build, in version order.
std::span<const Migration> schema_migrations();

// Applies every migration newer than the database's recorded version, each in its own
// transaction, and records it in schema_migrations. Refuses a database newer than us.
Result<int> apply_migrations(Database& db, std::span<const Migration> migrations);

}  // namespace meridian::storage
