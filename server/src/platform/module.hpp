// One shape for every module (docs/style.md, "Add a module"): a module receives one
// ModuleContext at construction, registers its REST and WebSocket routes there, reads
// its own config section, owns its migrations, and starts/stops its background work.
// main.cpp lists the modules; nothing is wired later through a setter.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace meridian::storage {
class Database;
}
namespace meridian::bus {
class Bus;
}
namespace meridian::policy {
class Policy;
}
namespace meridian::audit {
class AuditLog;
}
namespace meridian::cluster {
class Relay;
}
namespace meridian::net {
class Router;
class RealtimeHub;
}  // namespace meridian::net

namespace meridian::platform {

// Where a module finds its settings: the TOML file (each module reads its own [section]
// from it, then its MERIDIAN_<MODULE>_* environment variables) and the data folder.
struct Settings {
  std::string config_file;  // empty: none given
  std::string data_dir;
};

// What every module gets. The modules it needs besides these (their public service
// interfaces) are further constructor parameters of that module, never setters.
struct ModuleContext {
  storage::Database& db;
  bus::Bus& bus;
  const Clock& clock;
  const policy::Policy& policy;
  audit::AuditLog& audit;
  cluster::Relay& relay;  // sends to people's sockets on every node
  net::Router& router;
  net::RealtimeHub& hub;
  const Settings& settings;
};

class Module {
 public:
  virtual ~Module() = default;
  virtual std::string_view name() const = 0;
  // Background work (jobs, timers, subscriptions): after every module is constructed.
  virtual void start() {}
  // Before the store and the bus go away, in the reverse order of start.
  virtual void stop() {}
};

}  // namespace meridian::platform
