// The generic JSON webhook of an integration (kind "webhook"): its signature and its
// payload. Pure: no storage (alert_integrations.cpp checks replays and sends).
//
// A sender signs each request with the integration's secret:
//   X-Meridian-Timestamp: <unix seconds>
//   X-Meridian-Signature: sha256=<lower-case hex of HMAC-SHA256(secret, timestamp + "." + body)>
// (the scheme of Meridian's own outgoing webhooks), or sends the secret as a bearer token.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "alerts/alert.hpp"
#include "core/result.hpp"

namespace meridian::alerts {

// A signed request is accepted this long either side of the server's clock; its
// signature is remembered (in the store, for every node) at least as long.
inline constexpr std::int64_t kWebhookWindowMs = 5 * 60 * 1000;

// Lower-case hex of HMAC-SHA256(key, data), with OpenSSL.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// "sha256=" + hmac_sha256_hex(secret, timestamp + "." + body).
std::string webhook_signature(std::string_view secret, std::string_view timestamp, std::string_view body);
// The two strings are equal, compared in time that depends only on their length.
bool same_signature(std::string_view a, std::string_view b);
// The timestamp header as Unix milliseconds: digits only (seconds), else nullopt.
std::optional<UnixMillis> webhook_timestamp(std::string_view header);

// One alert of the generic webhook:
//   {"title", "body"?, "priority"?: info|warning|critical, "category"?, "key"?,
//    "status"?: firing|resolved}
// firing (the default) sends it to the integration's audience, or, while the alert of its
// key is open, counts and updates it; resolved resolves the open alert of its key (a key
// is required then). Fields it does not know are refused (400 naming them).
struct WebhookAlert {
  bool firing = true;
  NewAlert alert;  // audience, require_ack and the key (integration:<id>:<key>) from the integration
};
Result<WebhookAlert> parse_webhook(const boost::json::object& body, const Integration& integration);

}  // namespace meridian::alerts
