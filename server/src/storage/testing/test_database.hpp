// The storage suite runs every repository test against each adapter the machine can
// start: SQLite always, PostgreSQL when the test script started one.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.hpp"

namespace meridian::storage::testing {

// "sqlite", and "postgres" when MERIDIAN_TEST_PG_URL is set. When MERIDIAN_REQUIRE_PG=1
// and the URL is missing, this aborts the test program with a clear message instead of
// silently testing less.
std::vector<std::string> test_database_kinds();

// A fresh, empty database of that kind (own temp file / own schema), not migrated.
// Dropped when the returned object is destroyed.
std::unique_ptr<Database> make_test_database(std::string_view kind);

}  // namespace meridian::storage::testing
