#include "region/region_module.hpp"

#include <stdexcept>

#include "region/region_routes.hpp"

namespace meridian::region {
namespace {

RegionMap region_map(const std::map<std::string, std::string>& overrides) {
  RegionMap regions;
  for (const auto& [country, region] : overrides) {
    if (!is_country_code(country))
      throw std::runtime_error("[regions]: '" + country + "' is not an ISO 3166-1 alpha-2 country code");
    regions.set(country, region);
  }
  return regions;
}

}  // namespace

RegionModule::RegionModule(const platform::ModuleContext& ctx, const RegionModuleOptions& options)
    : regions_(region_map(options.country_regions)), toggles_(ctx.db, ctx.audit, ctx.clock, options.cache_ms) {
  add_region_routes(ctx.router, toggles_, regions_, ctx.policy);
}

}  // namespace meridian::region
