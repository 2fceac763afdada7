#include "region/region_routes.hpp"

#include <set>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "core/json_fields.hpp"
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

}  // namespace

void add_region_routes(net::Router& router, FeatureToggles& toggles, const RegionMap& regions,
                       const policy::Policy& policy) {
  constexpr net::RouteOptions kSmall{net::Auth::required, 16 * 1024};

  router.add("GET", "/api/v1/admin/feature-toggles",
             policy::guarded(
                 policy, policy::Action::manage_feature_toggles,
                 [&toggles](HttpRequest&) {
                   auto all = toggles.list();
                   if (!all.ok()) return HttpResponse::error(all.error());
                   boost::json::array items;
                   for (const auto& t : *all) items.push_back(to_json(t));
                   return HttpResponse::json(200, json::serialize(boost::json::object{{"items", std::move(items)}}));
                 }),
             kSmall);

  router.add("PUT", "/api/v1/admin/feature-toggles/{feature}",
             policy::guarded(
                 policy, policy::Action::manage_feature_toggles,
                 [&toggles](HttpRequest& req) {
                   auto body = json::parse_object(req.body);
                   if (!body.ok()) return HttpResponse::error(body.error());
                   if (auto r = json::reject_unknown_fields(*body, {"default_enabled", "countries"}); !r.ok())
                     return HttpResponse::error(r.error());
                   ToggleChange change;
                   auto def = json::optional_bool(*body, "default_enabled");
                   if (!def.ok()) return HttpResponse::error(def.error());
                   change.default_enabled = *def;
                   if (auto c = body->if_contains("countries"); c && !c->is_null()) {
                     if (!c->is_object())
                       return HttpResponse::error(make_error(
                           ErrorCode::invalid_argument, "field 'countries' must be an object like {\"DE\": false}"));
                     for (const auto& kv : c->as_object()) {
                       if (kv.value().is_bool())
                         change.countries.emplace_back(std::string(kv.key()), kv.value().as_bool());
                       else if (kv.value().is_null())
                         change.countries.emplace_back(std::string(kv.key()), std::nullopt);
                       else
                         return HttpResponse::error(make_error(
                             ErrorCode::invalid_argument, "country overrides must be true, false or null (to remove)"));
                     }
                   }
                   auto t = toggles.change(audit::Actor::from(*req.subject, req.remote_ip), req.path_param("feature"),
                                           change);
                   if (!t.ok()) return HttpResponse::error(t.error());
                   return HttpResponse::json(200, json::serialize(to_json(*t)));
                 }),
             kSmall);

  router.add("GET", "/api/v1/admin/regions",
             policy::guarded(policy, policy::Action::manage_feature_toggles,
                             [&regions](HttpRequest&) {
                               boost::json::object overrides;
                               std::set<std::string> names{"EU", "AMER", "APAC", "MEA"};
                               for (const auto& [country, region] : regions.overrides()) {
                                 overrides[country] = region;
                                 names.insert(region);
                               }
                               boost::json::array list;
                               for (const auto& n : names) list.emplace_back(n);
                               return HttpResponse::json(
                                   200, json::serialize(boost::json::object{{"regions", std::move(list)},
                                                                            {"overrides", std::move(overrides)}}));
                             }),
             kSmall);
}

}  // namespace meridian::region
