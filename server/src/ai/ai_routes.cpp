#include "ai/ai_routes.hpp"

#include "ai/ai_json.hpp"
#include "net/route_kit.hpp"

namespace meridian::ai {
namespace {

using net::HttpRequest;
using net::HttpResponse;

constexpr net::RouteOptions kSmall{net::Auth::required, 16 * 1024};

}  // namespace

void add_ai_routes(net::Router& router, AiService& ai, const IndexQueue& queue) {
  // What the copilot may do for the caller (the assistant panel explains a refusal with it).
  router.add("GET", "/api/v1/ai/status", net::answer([&ai](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto st, ai.status(*req.subject));
               return net::json_ok(status_json(st));
             }),
             kSmall);

  router.add("POST", "/api/v1/ai/summaries", net::answer([&ai](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"conversation_id", "thread_root_id", "since",
                                                                         "until", "unread_only", "after_seq"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto scope, scope_from(body));
               MERIDIAN_ASSIGN_OR_RETURN(auto answer, ai.summarise(*req.subject, scope, req.remote_ip));
               return net::json_ok(summary_json(answer));
             }),
             kSmall);

  router.add("POST", "/api/v1/ai/ask", net::answer([&ai](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"question", "scope"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto asked, question_from(body));
               MERIDIAN_ASSIGN_OR_RETURN(auto answer, ai.ask(*req.subject, asked.first, asked.second, req.remote_ip));
               return net::json_ok(answer_json(answer));
             }),
             kSmall);

  // How far the indexing of a file the caller may read got.
  router.add("GET", "/api/v1/ai/index/files/{id}", net::answer([&ai, &queue](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "file id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto state, ai.file_index_state(*req.subject, id));
               return net::json_ok(index_state_json(id, state, queue.waiting_for(id)));
             }),
             kSmall);
}

}  // namespace meridian::ai
