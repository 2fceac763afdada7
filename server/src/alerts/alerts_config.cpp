#include "alerts/alerts_config.hpp"

#include <cstdlib>
#include <stdexcept>

#include <toml++/toml.h>

namespace meridian::alerts {
namespace {

std::int64_t in_range(long long v, long long lo, long long hi, const std::string& what) {
  if (v < lo || v > hi)
    throw std::runtime_error(what + " must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return v;
}

std::int64_t env_number(const char* name, std::int64_t fallback, long long lo, long long hi) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const long long n = std::strtoll(v, &end, 10);
  if (*end != '\0') throw std::runtime_error(std::string(name) + " must be a whole number");
  return in_range(n, lo, hi, name);
}

}  // namespace

SchedulerOptions load_scheduler_options(const std::string& config_file) {
  SchedulerOptions o;
  constexpr long long kPollMin = 10, kPollMax = 60'000, kLeaseMin = 1'000, kLeaseMax = 3'600'000;
  if (!config_file.empty()) {
    toml::table file;
    try {
      file = toml::parse_file(config_file);
    } catch (const toml::parse_error& e) {
      throw std::runtime_error("config file " + config_file + ": " + std::string(e.description()));
    }
    const std::string where = "config file " + config_file + ": alerts.";
    const auto t = file["alerts"];
    if (auto v = t["escalation_poll_ms"].value<long long>())
      o.poll_ms = in_range(*v, kPollMin, kPollMax, where + "escalation_poll_ms");
    if (auto v = t["escalation_lease_ms"].value<long long>())
      o.lease_ms = in_range(*v, kLeaseMin, kLeaseMax, where + "escalation_lease_ms");
    if (auto v = t["node_id"].value<std::string>()) o.node_id = *v;
  }
  o.poll_ms = env_number("MERIDIAN_ALERTS_ESCALATION_POLL_MS", o.poll_ms, kPollMin, kPollMax);
  o.lease_ms = env_number("MERIDIAN_ALERTS_ESCALATION_LEASE_MS", o.lease_ms, kLeaseMin, kLeaseMax);
  if (const char* v = std::getenv("MERIDIAN_ALERTS_NODE_ID"); v && *v) o.node_id = v;
  return o;
}

}  // namespace meridian::alerts
