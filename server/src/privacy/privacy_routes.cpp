#include "privacy/privacy_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "net/route_kit.hpp"
#include "privacy/privacy_json.hpp"

namespace meridian::privacy {
namespace {

using net::HttpRequest;
using net::HttpResponse;

constexpr net::RouteOptions kSmall{net::Auth::required, 4 * 1024};

}  // namespace

void add_privacy_routes(net::Router& router, ErasureService& erasures) {
  // The person asks for their erasure (an administrator does it): 202 with its state.
  router.add("POST", "/api/v1/me/erasure-request", net::answer([&erasures](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_TRY(net::json_body(req, {}, true));
               MERIDIAN_ASSIGN_OR_RETURN(auto e, erasures.request(*req.subject, req.remote_ip));
               return net::json_ok(erasure_json(e), 202);
             }),
             kSmall);
  router.add("GET", "/api/v1/me/erasure-request", net::answer([&erasures](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto e, erasures.my_request(*req.subject));
               return net::json_ok(boost::json::object{{"item", e ? boost::json::value(erasure_json(*e)) : nullptr}});
             }),
             kSmall);

  // Erases the person now and answers the receipt: every store checked, what was done.
  router.add("POST", "/api/v1/admin/users/{id}/erase",
             net::answer([&erasures](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "user id"));
               MERIDIAN_TRY(net::json_body(req, {}, true));
               MERIDIAN_ASSIGN_OR_RETURN(auto e, erasures.erase(*req.subject, id, req.remote_ip));
               return net::json_ok(erasure_json(e));
             }),
             kSmall);
  // ?state=requested: the open requests to act on.
  router.add("GET", "/api/v1/admin/erasures", net::answer([&erasures](HttpRequest& req) -> Result<HttpResponse> {
               std::optional<ErasureState> state;
               if (auto text = req.query_param("state")) {
                 ErasureState s;
                 if (!parse_erasure_state(*text, s))
                   return make_error(ErrorCode::invalid_argument, "state must be requested, done or failed");
                 state = s;
               }
               MERIDIAN_ASSIGN_OR_RETURN(auto limit, net::query_int_or(req, "limit", 50, 1, 200));
               MERIDIAN_ASSIGN_OR_RETURN(auto list, erasures.list(*req.subject, state, static_cast<int>(limit)));
               boost::json::array items;
               for (const auto& e : list) items.push_back(erasure_json(e));
               return net::json_ok(boost::json::object{{"items", std::move(items)}});
             }),
             kSmall);
  router.add("GET", "/api/v1/admin/erasures/{id}", net::answer([&erasures](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "erasure id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto e, erasures.get(*req.subject, id));
               return net::json_ok(erasure_json(e));
             }),
             kSmall);
}

}  // namespace meridian::privacy
