#include "remote_support/remote_support_config.hpp"

#include <cstdlib>
#include <stdexcept>

#include <toml++/toml.h>

namespace meridian::remote_support {
namespace {

struct IntSetting {
  const char* key;  // in [remote_support]
  const char* env;
  std::int64_t* target;
  std::int64_t min;
  std::int64_t max;
};

}  // namespace

RemoteSupportOptions load_remote_support_options(const std::string& config_file) {
  RemoteSupportOptions o;
  std::int64_t annotations = static_cast<std::int64_t>(o.annotations_per_second);
  const IntSetting settings[] = {
      {"code_ttl_seconds", "MERIDIAN_REMOTE_SUPPORT_CODE_TTL_SECONDS", &o.code_ttl_seconds, 1, 24 * 3600},
      {"token_ttl_seconds", "MERIDIAN_REMOTE_SUPPORT_TOKEN_TTL_SECONDS", &o.token_ttl_seconds, 60, 24 * 3600},
      {"wrong_codes_per_code", "MERIDIAN_REMOTE_SUPPORT_WRONG_CODES_PER_CODE", &o.per_code.lock_after, 1, 1'000'000},
      {"wrong_codes_per_address", "MERIDIAN_REMOTE_SUPPORT_WRONG_CODES_PER_ADDRESS", &o.per_address.lock_after, 1,
       1'000'000},
      {"lockout_seconds", "MERIDIAN_REMOTE_SUPPORT_LOCKOUT_SECONDS", &o.lockout_seconds, 1, 7 * 24 * 3600},
      {"failure_window_seconds", "MERIDIAN_REMOTE_SUPPORT_FAILURE_WINDOW_SECONDS", &o.failure_window_seconds, 1,
       7 * 24 * 3600},
      {"annotations_per_second", "MERIDIAN_REMOTE_SUPPORT_ANNOTATIONS_PER_SECOND", &annotations, 1, 10'000},
      {"waiting_alert_seconds", "MERIDIAN_REMOTE_SUPPORT_WAITING_ALERT_SECONDS", &o.waiting_alert_seconds, 1,
       7 * 24 * 3600},
      {"request_ttl_seconds", "MERIDIAN_REMOTE_SUPPORT_REQUEST_TTL_SECONDS", &o.request_ttl_seconds, 1, 30 * 24 * 3600},
      {"queue_check_ms", "MERIDIAN_REMOTE_SUPPORT_QUEUE_CHECK_MS", &o.queue_check_ms, 50, 3'600'000},
  };
  toml::table file;
  if (!config_file.empty()) {
    try {
      file = toml::parse_file(config_file);
    } catch (const toml::parse_error& e) {
      throw std::runtime_error("config file " + config_file + ": " + std::string(e.description()));
    }
  }
  for (const auto& s : settings) {
    const std::string where = "remote_support." + std::string(s.key);
    if (auto v = file["remote_support"][s.key].value<long long>()) *s.target = *v;
    if (const char* e = std::getenv(s.env); e && *e) {
      char* end = nullptr;
      const long long v = std::strtoll(e, &end, 10);
      if (!end || *end) throw std::runtime_error(std::string(s.env) + " must be a whole number");
      *s.target = v;
    }
    if (*s.target < s.min || *s.target > s.max)
      throw std::runtime_error(where + " must be between " + std::to_string(s.min) + " and " + std::to_string(s.max));
  }
  o.annotations_per_second = static_cast<double>(annotations);
  return o;
}

}  // namespace meridian::remote_support
