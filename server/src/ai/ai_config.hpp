// The [ai] section of the TOML configuration and its MERIDIAN_AI_* environment overrides:
// which provider does which feature, by default and per region. Throws
// std::runtime_error naming the bad setting.
//
//   [ai]
//   provider = "builtin"          # every feature, unless chosen below (MERIDIAN_AI_PROVIDER)
//   [ai.features]
//   summaries = "builtin"
//   [ai.regions.EU]               # people and sources of region EU
//   summaries = "builtin"
//   [ai.providers.openai]         # an external provider: the regions whose data it may get
//   regions = ["US"]              # ("*": all); none listed: it gets nothing
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::ai {

// The features a provider is chosen for.
inline constexpr std::string_view kFeatureSummaries = "summaries";
inline constexpr std::string_view kFeatureAsk = "ask";
const std::vector<std::string_view>& known_ai_features();

struct AiOptions {
  std::string provider = "builtin";
  std::map<std::string, std::string, std::less<>> features;  // feature -> provider
  std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> regions;
  // provider -> the regions whose people and data it may receive ("*": all).
  std::map<std::string, std::vector<std::string>, std::less<>> provider_regions;

  // Whether an external provider may receive data of this region.
  bool allows(std::string_view provider, std::string_view region) const;

  // The provider configured for `feature` for someone in `region`: the region's choice,
  // else the feature's, else the default.
  std::string choose(std::string_view feature, std::string_view region) const;
  // Every provider name the options mention (checked against the registry at start-up).
  std::vector<std::string> named_providers() const;
};

// config_file may be empty (defaults and environment only).
AiOptions load_ai_options(const std::string& config_file);

}  // namespace meridian::ai
