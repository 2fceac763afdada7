// Admin routes for per-country feature toggles and the country -> region map.
#pragma once

#include "net/router.hpp"
#include "policy/policy.hpp"
#include "region/countries.hpp"
#include "region/feature_toggles.hpp"

namespace meridian::region {

void add_region_routes(net::Router& router, FeatureToggles& toggles, const RegionMap& regions,
                       const policy::Policy& policy);

}  // namespace meridian::region
