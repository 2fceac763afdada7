// Per-country feature toggles: feature x country -> on/off, with a default. Evaluated
// on the server; a country override wins over the feature's default.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audit/audit_log.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "platform/feature_gate.hpp"
#include "storage/database.hpp"

namespace meridian::region {

struct FeatureDefinition {
  std::string_view name;
  std::string_view description;
  bool default_enabled;
  std::string_view label;  // the refusal's subject: "<label> is not available in DE (<name>)"
};

// Every feature that can be toggled. Modules look theirs up by name.
std::span<const FeatureDefinition> known_features();

struct FeatureToggle {
  std::string feature;
  std::string description;
  bool default_enabled = true;
  std::map<std::string, bool> countries;  // overrides
};

struct ToggleChange {
  std::optional<bool> default_enabled;
  std::vector<std::pair<std::string, std::optional<bool>>> countries;  // nullopt removes the override
};

class FeatureToggles final : public platform::FeatureGate {
 public:
  // Toggles are read on every /me: they are kept in memory for `cache_ms`. A change on
  // this node applies at once; on other nodes within `cache_ms`.
  FeatureToggles(storage::Database& db, audit::AuditLog& audit, const Clock& clock, std::int64_t cache_ms = 5'000)
      : db_(db), audit_(audit), clock_(clock), cache_ms_(cache_ms) {}

  Result<std::vector<FeatureToggle>> list();
  // feature -> enabled for someone in `country`.
  Result<std::map<std::string, bool>> in_force_for(std::string_view country);
  Result<bool> enabled(std::string_view feature, std::string_view country);
  Result<FeatureToggle> change(const audit::Actor& actor, std::string_view feature, const ToggleChange& change);
  // platform::FeatureGate: what every module asks before it acts.
  Result<platform::FeatureRule> rule(std::string_view feature) override;

 private:
  storage::Database& db_;
  audit::AuditLog& audit_;
  const Clock& clock_;
  std::int64_t cache_ms_;
  std::mutex cache_mutex_;
  std::shared_ptr<const std::vector<FeatureToggle>> cached_;
  UnixMillis cached_at_ = 0;
};

}  // namespace meridian::region
