#include "ai/ai_routes.hpp"

#include "ai/ai_json.hpp"
#include "core/json_fields.hpp"
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

  // Catch me up over every conversation of mine with unread messages, in one call.
  router.add("POST", "/api/v1/ai/catch-up", net::answer([&ai](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {}, true));
               (void)body;  // no fields: an unknown one is refused
               MERIDIAN_ASSIGN_OR_RETURN(auto answer, ai.catch_up(*req.subject, req.remote_ip));
               return net::json_ok(catch_up_json(answer));
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

void add_backfill_routes(net::Router& router, const policy::Policy& policy, IndexBackfill& backfill, bool indexing_on) {
  router.add("GET", "/api/v1/ai/index/backfill",
             net::answer([&policy, &backfill, indexing_on](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_TRY(policy.require(*req.subject, policy::Action::manage_ai));
               MERIDIAN_ASSIGN_OR_RETURN(auto p, backfill.progress());
               p.indexing_on = indexing_on;
               return net::json_ok(backfill_json(p));
             }),
             kSmall);
}

void add_answer_routes(net::Router& router, net::RealtimeHub& hub, AnswerStreams& answers) {
  // A question answered in the background: 202 with the stored answer; its text streams over /ws.
  router.add("POST", "/api/v1/ai/answers", net::answer([&answers](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"question", "scope"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto asked, question_from(body));
               MERIDIAN_ASSIGN_OR_RETURN(auto a, answers.start(*req.subject, asked.first, asked.second, req.remote_ip));
               return net::json_ok(stored_answer_json(a), 202);
             }),
             kSmall);

  // My latest answers, newest first (?scope=file:12 for one scope; ?limit= up to 50).
  router.add("GET", "/api/v1/ai/answers", net::answer([&answers](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto limit, net::query_int_or(req, "limit", 10, 1, 50));
               std::string scope(req.query_param("scope").value_or(""));
               if (scope.size() > 64)
                 return make_error(ErrorCode::invalid_argument,
                                   "scope must be like file:12, folder:3, space:4 or files:all");
               MERIDIAN_ASSIGN_OR_RETURN(auto list, answers.list(*req.subject, scope, limit));
               boost::json::array items;
               for (const auto& a : list) items.push_back(stored_answer_json(a));
               return net::json_ok(boost::json::object{{"items", std::move(items)}});
             }),
             kSmall);

  router.add("GET", "/api/v1/ai/answers/{id}", net::answer([&answers](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "answer id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto a, answers.get(*req.subject, id));
               return net::json_ok(stored_answer_json(a));
             }),
             kSmall);

  router.add("POST", "/api/v1/ai/answers/{id}/stop", net::answer([&answers](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "answer id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto a, answers.stop_answer(*req.subject, id));
               return net::json_ok(stored_answer_json(a));
             }),
             kSmall);

  hub.on("ai.answer.subscribe",
         net::answer_ws([&answers](net::RealtimeConnection& conn, const boost::json::object& env) -> Result<void> {
           MERIDIAN_ASSIGN_OR_RETURN(auto id, net::required_id_field(env, "answer_id"));
           std::string request_id;
           if (auto v = env.if_contains("id"); v && v->is_string()) request_id = std::string(v->as_string());
           return answers.subscribe(conn, id, request_id);
         }));
  hub.on("ai.answer.unsubscribe",
         net::answer_ws([&answers](net::RealtimeConnection& conn, const boost::json::object& env) -> Result<void> {
           MERIDIAN_ASSIGN_OR_RETURN(auto id, net::required_id_field(env, "answer_id"));
           answers.unsubscribe(conn.id(), id);
           if (auto v = env.if_contains("id"))
             conn.send(json::serialize(
                 boost::json::object{{"type", "ai.answer.unsubscribed"}, {"id", *v}, {"answer_id", id}}));
           return {};
         }));
  hub.on_close([&answers](std::uint64_t connection, const Subject&) { answers.unsubscribe(connection); });
}

}  // namespace meridian::ai
