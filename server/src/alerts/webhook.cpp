#include "alerts/webhook.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "alerts/alertmanager.hpp"
#include "core/json_fields.hpp"

namespace meridian::alerts {

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

std::string webhook_signature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string message;
  message.reserve(timestamp.size() + 1 + body.size());
  message.append(timestamp).append(".").append(body);
  return "sha256=" + hmac_sha256_hex(secret, message);
}

bool same_signature(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<UnixMillis> webhook_timestamp(std::string_view header) {
  if (header.empty() || header.size() > 12) return std::nullopt;
  UnixMillis seconds = 0;
  for (char c : header) {
    if (c < '0' || c > '9') return std::nullopt;
    seconds = seconds * 10 + (c - '0');
  }
  return seconds * 1000;
}

Result<WebhookAlert> parse_webhook(const boost::json::object& body, const Integration& integration) {
  MERIDIAN_TRY(json::reject_unknown_fields(body, {"title", "body", "priority", "category", "key", "status"}));
  WebhookAlert out;
  MERIDIAN_ASSIGN_OR_RETURN(auto status, json::optional_string(body, "status", 20));
  if (status && *status != "firing" && *status != "resolved")
    return make_error(ErrorCode::invalid_argument, "status must be firing or resolved");
  out.firing = !status || *status == "firing";
  MERIDIAN_ASSIGN_OR_RETURN(auto key, json::optional_string(body, "key", 128));
  if (key && key->empty()) return make_error(ErrorCode::invalid_argument, "key must not be empty");
  if (!out.firing && !key) return make_error(ErrorCode::invalid_argument, "a resolved alert needs its key");
  NewAlert& n = out.alert;
  if (out.firing) {
    MERIDIAN_ASSIGN_OR_RETURN(n.title, json::required_string(body, "title", kMaxTitleBytes + 1));
  } else {
    MERIDIAN_ASSIGN_OR_RETURN(auto title, json::optional_string(body, "title", kMaxTitleBytes + 1));
    n.title = title.value_or("resolved");
  }
  MERIDIAN_ASSIGN_OR_RETURN(auto text, json::optional_string(body, "body", kMaxBodyBytes + 1));
  n.body = text.value_or("");
  MERIDIAN_ASSIGN_OR_RETURN(auto priority, json::optional_string(body, "priority", 20));
  if (priority && !parse_priority(*priority, n.priority))
    return make_error(ErrorCode::invalid_argument, "priority must be info, warning or critical");
  MERIDIAN_ASSIGN_OR_RETURN(auto category, json::optional_string(body, "category", 20));
  n.category = Category::system;
  if (category && !parse_category(*category, n.category))
    return make_error(ErrorCode::invalid_argument, "category must be system, announcement, compliance or emergency");
  n.audience = integration.audience;
  n.require_ack = integration.require_ack;
  if (key) n.dedup_key = std::string(kIntegrationKeyPrefix) + std::to_string(integration.id) + ":key:" + *key;
  return out;
}

}  // namespace meridian::alerts
