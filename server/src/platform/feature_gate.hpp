// Is a feature on for people in a country (the region module's per-country toggles answer;
// every module asks before it acts, so that neither links the other). A feature that is off
// is refused with one reason everywhere: "<what> is not available in <country> (<feature>)".
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace meridian::platform {

// One feature as it stands: the default and the countries that differ from it.
struct FeatureRule {
  std::string feature;  // "chat.support"
  std::string label;    // "Support chat": the subject of the refusal's sentence
  bool default_enabled = true;
  std::map<std::string, bool, std::less<>> countries;

  bool on_in(std::string_view country) const {
    if (auto it = countries.find(country); it != countries.end()) return it->second;
    return default_enabled;
  }
  // forbidden with the reason when off in `country`.
  Result<void> require_in(std::string_view country) const {
    if (on_in(country)) return {};
    return make_error(ErrorCode::forbidden,
                      label + " is not available in " + std::string(country) + " (" + feature + ")");
  }
};

class FeatureGate {
 public:
  virtual ~FeatureGate() = default;
  // The rule of one feature, read once (kept in memory for a few seconds) and then asked for
  // many countries: read it before a store transaction, not inside one. not_found: no such feature.
  virtual Result<FeatureRule> rule(std::string_view feature) = 0;

  // The refusal when `feature` is off for people in `country`.
  Result<void> require(std::string_view feature, std::string_view country) {
    auto r = rule(feature);
    if (!r.ok()) return r.error();
    return r->require_in(country);
  }
};

}  // namespace meridian::platform
