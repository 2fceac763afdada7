// What the server process runs on, besides the modules: the store and the bus chosen by
// the configuration, and the banner that says where Meridian runs.
#pragma once

#include <memory>
#include <string>

#include "app/config.hpp"
#include "bus/bus.hpp"
#include "identity/identity_service.hpp"
#include "storage/database.hpp"

namespace meridian::app {

// SQLite in data_dir, or PostgreSQL when database_url names it. Throws on failure.
std::unique_ptr<storage::Database> open_storage(const Config& c);
// In-process for one node; Redis pub/sub when bus_url names it (several nodes).
std::unique_ptr<bus::Bus> open_bus(const Config& c);
std::string printable_host(const std::string& address);
// Prints where Meridian runs and, the first time, the first administrator's password.
void announce(const Config& c, const std::string& url, const identity::IdentityService::Bootstrap& bootstrap);

}  // namespace meridian::app
