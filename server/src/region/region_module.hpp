// The region module: which region each country belongs to, and the per-country feature
// toggles every other module asks.
#pragma once

#include <map>
#include <string>

#include "platform/module.hpp"
#include "region/countries.hpp"
#include "region/feature_toggles.hpp"

namespace meridian::region {

struct RegionModuleOptions {
  std::map<std::string, std::string> country_regions;  // overrides of the shipped map, e.g. {"GB": "UK"}
  std::int64_t cache_ms = 5'000;                         // toggles kept in memory this long
};

class RegionModule final : public platform::Module {
 public:
  // Throws std::runtime_error naming a country code that is not ISO 3166-1 alpha-2.
  RegionModule(const platform::ModuleContext& ctx, const RegionModuleOptions& options);
  std::string_view name() const override { return "region"; }

  const RegionMap& regions() const { return regions_; }
  FeatureToggles& toggles() { return toggles_; }

 private:
  RegionMap regions_;
  FeatureToggles toggles_;
};

}  // namespace meridian::region
