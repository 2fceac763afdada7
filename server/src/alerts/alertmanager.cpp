#include "alerts/alertmanager.hpp"

#include <algorithm>

namespace meridian::alerts {
namespace {

namespace bj = boost::json;

Result<std::map<std::string, std::string>> string_map(const bj::object& o, std::string_view key,
                                                      const std::string& where) {
  std::map<std::string, std::string> out;
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return out;
  if (!v->is_object())
    return make_error(ErrorCode::invalid_argument, where + "." + std::string(key) + " must be an object of strings");
  for (const auto& [k, x] : v->as_object()) {
    if (!x.is_string())
      return make_error(ErrorCode::invalid_argument,
                        where + "." + std::string(key) + "." + std::string(k) + " must be a string");
    out.emplace(std::string(k), std::string(x.as_string()));
  }
  return out;
}

Result<std::string> optional_text(const bj::object& o, std::string_view key, const std::string& where) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::string();
  if (!v->is_string()) return make_error(ErrorCode::invalid_argument, where + std::string(key) + " must be a string");
  return std::string(v->as_string());
}

std::string one_line(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  return text;
}

std::string label_or(const std::map<std::string, std::string>& m, const std::string& key, std::string fallback = "") {
  auto it = m.find(key);
  return it == m.end() || it->second.empty() ? fallback : it->second;
}

Priority priority_of(std::string severity) {
  std::transform(severity.begin(), severity.end(), severity.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (severity == "critical" || severity == "page" || severity == "error" || severity == "emergency")
    return Priority::critical;
  if (severity == "warning" || severity == "warn") return Priority::warning;
  return Priority::info;
}

}  // namespace

std::string cut_utf8(std::string text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  // Back up over continuation bytes (10xxxxxx) to the start of the cut sequence.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text;
}

Result<AmPayload> parse_alertmanager(const bj::object& body) {
  MERIDIAN_ASSIGN_OR_RETURN(auto version, optional_text(body, "version", ""));
  if (version != "4")
    return make_error(ErrorCode::invalid_argument, "version must be \"4\" (Alertmanager's webhook payload version 4)");
  AmPayload out;
  MERIDIAN_ASSIGN_OR_RETURN(out.group_key, optional_text(body, "groupKey", ""));
  MERIDIAN_ASSIGN_OR_RETURN(out.receiver, optional_text(body, "receiver", ""));
  const auto* alerts = body.if_contains("alerts");
  if (!alerts || !alerts->is_array()) return make_error(ErrorCode::invalid_argument, "alerts must be an array");
  if (alerts->as_array().size() > kMaxAmAlerts)
    return make_error(ErrorCode::invalid_argument,
                      "alerts has more than " + std::to_string(kMaxAmAlerts) + " items (set max_alerts lower)");
  std::size_t n = 0;
  for (const auto& v : alerts->as_array()) {
    const std::string where = "alerts[" + std::to_string(n++) + "]";
    if (!v.is_object()) return make_error(ErrorCode::invalid_argument, where + " must be an object");
    const auto& o = v.as_object();
    AmAlert a;
    MERIDIAN_ASSIGN_OR_RETURN(auto status, optional_text(o, "status", where + "."));
    if (status != "firing" && status != "resolved")
      return make_error(ErrorCode::invalid_argument, where + ".status must be firing or resolved");
    a.firing = status == "firing";
    MERIDIAN_ASSIGN_OR_RETURN(a.labels, string_map(o, "labels", where));
    MERIDIAN_ASSIGN_OR_RETURN(a.annotations, string_map(o, "annotations", where));
    MERIDIAN_ASSIGN_OR_RETURN(a.fingerprint, optional_text(o, "fingerprint", where + "."));
    MERIDIAN_ASSIGN_OR_RETURN(a.generator_url, optional_text(o, "generatorURL", where + "."));
    if (a.fingerprint.size() > 128)
      return make_error(ErrorCode::invalid_argument, where + ".fingerprint is longer than 128 bytes");
    if (a.fingerprint.empty() && out.group_key.empty())
      return make_error(ErrorCode::invalid_argument, where + " has no fingerprint and the payload no groupKey");
    out.alerts.push_back(std::move(a));
  }
  return out;
}

std::string integration_key(std::int64_t integration_id, const AmAlert& a, const std::string& group_key) {
  // A group key can be long (it lists the group's labels); the stored key stays short.
  const std::string id = a.fingerprint.empty() ? "group:" + cut_utf8(group_key, 150) : a.fingerprint;
  return std::string(kIntegrationKeyPrefix) + std::to_string(integration_id) + ":" + id;
}

NewAlert alert_from_alertmanager(const AmAlert& a, const Integration& integration, const std::string& group_key) {
  NewAlert out;
  const std::string name = label_or(a.labels, "alertname", "Alert");
  const std::string summary = label_or(a.annotations, "summary");
  out.title = cut_utf8(one_line(summary.empty() ? name : name + ": " + summary), kMaxTitleBytes);
  std::string body = label_or(a.annotations, "description", summary);
  std::string labels;
  for (const auto& [k, v] : a.labels)
    if (k != "alertname") labels += "- " + k + ": " + v + "\n";
  if (!labels.empty()) body += (body.empty() ? "" : "\n\n") + labels;
  if (!a.generator_url.empty()) body += (body.empty() || !labels.empty() ? "" : "\n\n") + a.generator_url;
  out.body = cut_utf8(std::move(body), kMaxBodyBytes);
  out.priority = priority_of(label_or(a.labels, "severity"));
  out.category = Category::system;
  out.audience = integration.audience;
  out.require_ack = integration.require_ack;
  out.dedup_key = integration_key(integration.id, a, group_key);
  return out;
}

}  // namespace meridian::alerts
