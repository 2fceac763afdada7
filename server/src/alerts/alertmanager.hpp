// Prometheus Alertmanager's webhook (payload version 4, Alertmanager's public
// notify/webhook format): reading it, and what a Meridian alert made from one of its alerts
// looks like. Pure: no storage (alert_integrations.cpp sends and resolves).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "alerts/alert.hpp"
#include "core/result.hpp"

namespace meridian::alerts {

struct AmAlert {
  bool firing = true;  // status "firing"; false: "resolved"
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::string fingerprint;  // may be empty (then the group key identifies it)
  std::string generator_url;
};

struct AmPayload {
  std::string group_key;
  std::string receiver;
  std::vector<AmAlert> alerts;
};

inline constexpr std::size_t kMaxAmAlerts = 1000;

// The payload, or invalid_argument naming what is wrong ("alerts[2].status must be firing
// or resolved"). Fields it does not know are accepted (Alertmanager adds some over time);
// version must be "4".
Result<AmPayload> parse_alertmanager(const boost::json::object& body);

// The deduplication key of an Alertmanager alert sent through this integration: its
// fingerprint, or the group key when the alert has none. Keys beginning "integration:"
// are reserved for integrations (validate() refuses them from people).
std::string integration_key(std::int64_t integration_id, const AmAlert& a, const std::string& group_key);
inline constexpr std::string_view kIntegrationKeyPrefix = "integration:";

// The alert: title from the alertname label and the summary annotation, body from the
// description (or summary), the other labels and the generator URL; priority from the
// severity label (critical, page, error, emergency -> critical; warning, warn -> warning;
// else info); category system; audience and require_ack from the integration. Text is cut
// to the alert's limits on a character boundary; line breaks in the title become spaces.
NewAlert alert_from_alertmanager(const AmAlert& a, const Integration& integration, const std::string& group_key);

// `text` cut to at most `max` bytes without splitting a UTF-8 sequence.
std::string cut_utf8(std::string text, std::size_t max);

}  // namespace meridian::alerts
