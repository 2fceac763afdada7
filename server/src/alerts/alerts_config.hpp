// The [alerts] section of the TOML configuration and its MERIDIAN_ALERTS_* environment
// overrides. Throws std::runtime_error naming the bad setting.
#pragma once

#include <string>

#include "alerts/alert_scheduler.hpp"

namespace meridian::alerts {

// [alerts] escalation_poll_ms (MERIDIAN_ALERTS_ESCALATION_POLL_MS, default 1000),
// escalation_lease_ms (MERIDIAN_ALERTS_ESCALATION_LEASE_MS, default 30000), node_id
// (MERIDIAN_ALERTS_NODE_ID, default a random one per process). config_file may be empty.
SchedulerOptions load_scheduler_options(const std::string& config_file);

}  // namespace meridian::alerts
