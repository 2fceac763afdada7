#include "meetings/meetings_config.hpp"

#include <cstdlib>
#include <stdexcept>
#include <utility>

#include <toml++/toml.h>

#include "region/countries.hpp"

namespace meridian::meetings {
namespace {

std::vector<std::string> strings(const toml::node_view<const toml::node>& node, const std::string& where) {
  std::vector<std::string> out;
  if (!node) return out;
  auto arr = node.as_array();
  if (!arr) throw std::runtime_error(where + " must be a list of strings");
  for (const auto& v : *arr) {
    auto s = v.value<std::string>();
    if (!s) throw std::runtime_error(where + " must be a list of strings");
    out.push_back(*s);
  }
  return out;
}

toml::table parse_config_file(const std::string& config_file) {
  try {
    return toml::parse_file(config_file);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error("config file " + config_file + ": " + std::string(e.description()));
  }
}

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

}  // namespace

MeetingsOptions load_meetings_options(const std::string& config_file) {
  MeetingsOptions o;
  if (!config_file.empty()) {
    const toml::table file = parse_config_file(config_file);
    const std::string where = "config file " + config_file + ": meetings.";
    const toml::node_view<const toml::node> t = file["meetings"];
    if (auto v = t["public_url"].value<std::string>()) o.public_url = *v;
    if (auto v = t["max_publishers"].value<long long>()) {
      if (*v < 2 || *v > 50) throw std::runtime_error(where + "max_publishers must be between 2 and 50");
      o.max_publishers = static_cast<std::size_t>(*v);
    }
    if (auto v = t["guest_token_ttl_seconds"].value<long long>()) o.guest_token_ttl_seconds = *v;
    if (auto v = t["turn_secret"].value<std::string>()) o.turn_secret = *v;
    if (auto v = t["turn_credential_ttl_seconds"].value<long long>()) o.turn_credential_ttl_seconds = *v;
    o.stun_urls = strings(t["stun_urls"], where + "stun_urls");
    if (auto regions = t["regions"]) {
      auto arr = regions.as_array();
      if (!arr) throw std::runtime_error(where + "regions must be an array of tables ([[meetings.regions]])");
      for (const auto& r : *arr) {
        auto tbl = r.as_table();
        auto name = tbl ? (*tbl)["name"].value<std::string>() : std::nullopt;
        if (!name || name->empty()) throw std::runtime_error(where + "regions: every region needs a name");
        MediaRegion region{*name, strings((*tbl)["turn_urls"], where + "regions." + *name + ".turn_urls")};
        o.regions.push_back(std::move(region));
      }
    }
    if (auto rtt = t["rtt"].as_table()) {
      // [meetings.rtt.PT] eu-central = 40: overrides one country's figures.
      for (const auto& [country, regions] : *rtt) {
        std::string code(country.str());
        if (!region::is_country_code(code))
          throw std::runtime_error(where + "rtt: '" + code + "' is not an ISO 3166-1 alpha-2 country code");
        auto per = regions.as_table();
        if (!per) throw std::runtime_error(where + "rtt." + code + " must be a table of region = milliseconds");
        for (const auto& [region_name, ms] : *per) {
          auto v = ms.value<long long>();
          if (!v || *v < 0 || *v > 10'000)
            throw std::runtime_error(where + "rtt." + code + "." + std::string(region_name.str()) +
                                     " must be milliseconds (0..10000)");
          o.rtt.set(code, std::string(region_name.str()), static_cast<int>(*v));
        }
      }
    }
  }
  if (auto v = env("MERIDIAN_PUBLIC_URL")) o.public_url = v;
  if (auto v = env("MERIDIAN_TURN_SECRET")) o.turn_secret = v;
  if (o.guest_token_ttl_seconds <= 0) throw std::runtime_error("meetings.guest_token_ttl_seconds must be positive");
  if (o.turn_credential_ttl_seconds <= 0)
    throw std::runtime_error("meetings.turn_credential_ttl_seconds must be positive");
  return o;
}

WebhookOptions load_webhook_options(const std::string& config_file) {
  WebhookOptions o;
  if (!config_file.empty()) {
    const toml::table file = parse_config_file(config_file);
    const std::string where = "config file " + config_file + ": meetings.";
    const toml::node_view<const toml::node> t = file["meetings"];
    o.urls = strings(t["webhook_urls"], where + "webhook_urls");
    for (const auto& u : o.urls)
      if (u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0)
        throw std::runtime_error(where + "webhook_urls: '" + u + "' must start with http:// or https://");
    if (auto v = t["webhook_secret"].value<std::string>()) o.secret = *v;
    if (auto v = t["webhook_max_attempts"].value<long long>()) o.max_attempts = static_cast<int>(*v);
    if (auto v = t["webhook_first_retry_ms"].value<long long>()) o.first_retry_ms = *v;
  }
  if (auto v = env("MERIDIAN_WEBHOOK_SECRET")) o.secret = v;
  if (!o.urls.empty() && o.secret.empty())
    throw std::runtime_error(
        "meetings.webhook_urls needs meetings.webhook_secret (or MERIDIAN_WEBHOOK_SECRET) to sign with");
  if (o.max_attempts < 1 || o.max_attempts > 20)
    throw std::runtime_error("meetings.webhook_max_attempts must be 1..20");
  if (o.first_retry_ms < 10) throw std::runtime_error("meetings.webhook_first_retry_ms must be at least 10");
  return o;
}

}  // namespace meridian::meetings
