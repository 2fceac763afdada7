#include "ai/ai_routes.hpp"

#include "ai/ai_json.hpp"
#include "net/route_kit.hpp"

namespace meridian::ai {
namespace {

using net::HttpRequest;
using net::HttpResponse;

constexpr net::RouteOptions kSmall{net::Auth::required, 16 * 1024};

}  // namespace

void add_ai_routes(net::Router& router, AiService& ai) {
  // What the copilot may do for the caller (the assistant panel explains a refusal with it).
  router.add("GET", "/api/v1/ai/status", net::answer([&ai](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto st, ai.status(*req.subject));
               return net::json_ok(status_json(st));
             }),
             kSmall);

  router.add("POST", "/api/v1/ai/summaries", net::answer([&ai](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"conversation_id", "thread_root_id", "since",
                                                                         "until", "unread_only"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto scope, scope_from(body));
               MERIDIAN_ASSIGN_OR_RETURN(auto answer, ai.summarise(*req.subject, scope, req.remote_ip));
               return net::json_ok(summary_json(answer));
             }),
             kSmall);
}

}  // namespace meridian::ai
