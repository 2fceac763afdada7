#include "privacy/restriction_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "net/route_kit.hpp"

namespace meridian::privacy {
namespace {

using net::HttpRequest;
using net::HttpResponse;

constexpr net::RouteOptions kSmall{net::Auth::required, 4 * 1024};

// {user_id, restricted, effects: [what stops while restricted]}
HttpResponse restriction_json(const Restriction& r) {
  boost::json::array effects;
  for (const auto& e : restriction_effects()) effects.push_back(boost::json::string(e));
  return net::json_ok(
      boost::json::object{{"user_id", r.user_id}, {"restricted", r.restricted}, {"effects", std::move(effects)}});
}

// {restricted: true|false}
Result<HttpResponse> put_answer(RestrictionService& restrictions, HttpRequest& req, std::int64_t user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"restricted"}));
  const auto* restricted = body.if_contains("restricted");
  if (!restricted || !restricted->is_bool())
    return make_error(ErrorCode::invalid_argument, "restricted must be true or false");
  MERIDIAN_ASSIGN_OR_RETURN(auto r, restrictions.set(*req.subject, user_id, restricted->as_bool(), req.remote_ip));
  return restriction_json(r);
}

}  // namespace

void add_restriction_routes(net::Router& router, RestrictionService& restrictions) {
  router.add("GET", "/api/v1/me/restriction", net::answer([&restrictions](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto r, restrictions.get(*req.subject, req.subject->user_id));
               return restriction_json(r);
             }),
             kSmall);
  router.add("PUT", "/api/v1/me/restriction", net::answer([&restrictions](HttpRequest& req) -> Result<HttpResponse> {
               return put_answer(restrictions, req, req.subject->user_id);
             }),
             kSmall);
  router.add("GET", "/api/v1/admin/users/{id}/restriction",
             net::answer([&restrictions](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "user id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto r, restrictions.get(*req.subject, id));
               return restriction_json(r);
             }),
             kSmall);
  router.add("PUT", "/api/v1/admin/users/{id}/restriction",
             net::answer([&restrictions](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "user id"));
               return put_answer(restrictions, req, id);
             }),
             kSmall);
}

}  // namespace meridian::privacy
