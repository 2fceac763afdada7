// Two-way Alertmanager bridge: a silence in Prometheus Alertmanager (its v2 API) for an
// alert acknowledged in Meridian, removed when the alert is resolved. The request bodies
// are pure; the calls use libcurl with a short timeout.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace meridian::alerts {

// A silence lasts until the alert's expiry, or this long when it has none; resolving the
// alert removes it earlier.
inline constexpr std::int64_t kDefaultSilenceMs = 24LL * 60 * 60 * 1000;

// The body of POST /api/v2/silences: one equality matcher per label, from `starts` to
// `ends` (RFC 3339, UTC), created by `by`, with a comment naming the Meridian alert.
boost::json::object silence_body(const std::map<std::string, std::string>& labels, UnixMillis starts, UnixMillis ends,
                                 const std::string& by, std::int64_t alert_id);

// RFC 3339 in UTC with milliseconds: 2026-12-07T10:00:00.000Z.
std::string rfc3339(UnixMillis t);

// POST {base}/api/v2/silences: the new silence's id, or unavailable naming what went wrong.
Result<std::string> create_silence(const std::string& base_url, const boost::json::object& body);
// DELETE {base}/api/v2/silence/{id} (Alertmanager expires it). A silence already gone is fine.
Result<void> expire_silence(const std::string& base_url, const std::string& silence_id);

}  // namespace meridian::alerts
