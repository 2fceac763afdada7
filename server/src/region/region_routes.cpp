#include "region/region_routes.hpp"

#include <set>

#include <boost/json/array.hpp>

#include "core/json_fields.hpp"
#include "net/route_kit.hpp"
#include "policy/route_guard.hpp"

namespace meridian::region {
namespace {

using net::HttpRequest;
using net::HttpResponse;

boost::json::object to_json(const FeatureToggle& t) {
  boost::json::object countries;
  for (const auto& [c, on] : t.countries) countries[c] = on;
  return boost::json::object{{"feature", t.feature},
                             {"description", t.description},
                             {"default_enabled", t.default_enabled},
                             {"countries", std::move(countries)}};
}

// {"default_enabled": bool, "countries": {"DE": false, "FR": null}}; null removes an override.
Result<ToggleChange> change_from(const boost::json::object& body) {
  ToggleChange change;
  MERIDIAN_ASSIGN_OR_RETURN(change.default_enabled, json::optional_bool(body, "default_enabled"));
  auto c = body.if_contains("countries");
  if (!c || c->is_null()) return change;
  if (!c->is_object())
    return make_error(ErrorCode::invalid_argument, "field 'countries' must be an object like {\"DE\": false}");
  for (const auto& kv : c->as_object()) {
    if (kv.value().is_bool())
      change.countries.emplace_back(std::string(kv.key()), kv.value().as_bool());
    else if (kv.value().is_null())
      change.countries.emplace_back(std::string(kv.key()), std::nullopt);
    else
      return make_error(ErrorCode::invalid_argument, "country overrides must be true, false or null (to remove)");
  }
  return change;
}

}  // namespace

void add_region_routes(net::Router& router, FeatureToggles& toggles, const RegionMap& regions,
                       const policy::Policy& policy) {
  constexpr net::RouteOptions kSmall{net::Auth::required, 16 * 1024};
  constexpr auto kManage = policy::Action::manage_feature_toggles;

  router.add("GET", "/api/v1/admin/feature-toggles",
             policy::guarded(policy, kManage, net::answer([&toggles](HttpRequest&) -> Result<HttpResponse> {
                               MERIDIAN_ASSIGN_OR_RETURN(auto all, toggles.list());
                               boost::json::array items;
                               for (const auto& t : all) items.push_back(to_json(t));
                               return net::json_ok(boost::json::object{{"items", std::move(items)}});
                             })),
             kSmall);

  router.add("PUT", "/api/v1/admin/feature-toggles/{feature}",
             policy::guarded(
                 policy, kManage, net::answer([&toggles](HttpRequest& req) -> Result<HttpResponse> {
                   MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"default_enabled", "countries"}));
                   MERIDIAN_ASSIGN_OR_RETURN(auto change, change_from(body));
                   MERIDIAN_ASSIGN_OR_RETURN(auto t, toggles.change(audit::Actor::from(*req.subject, req.remote_ip),
                                                                    req.path_param("feature"), change));
                   return net::json_ok(to_json(t));
                 })),
             kSmall);

  router.add(
      "GET", "/api/v1/admin/regions",
      policy::guarded(
          policy, kManage,
          [&regions](HttpRequest&) {
            boost::json::object overrides;
            std::set<std::string> names{"EU", "AMER", "APAC", "MEA"};
            for (const auto& [country, region] : regions.overrides()) {
              overrides[country] = region;
              names.insert(region);
            }
            boost::json::array list;
            for (const auto& n : names) list.emplace_back(n);
            return net::json_ok(boost::json::object{{"regions", std::move(list)}, {"overrides", std::move(overrides)}});
          }),
      kSmall);
}

}  // namespace meridian::region
