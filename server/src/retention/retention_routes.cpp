#include "retention/retention_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json_fields.hpp"
#include "net/route_kit.hpp"

namespace meridian::retention {
namespace {

using net::HttpRequest;
using net::HttpResponse;

boost::json::object to_json(const RetentionPolicy& p) {
  return boost::json::object{{"scope", p.scope}, {"keep_days", p.keep_days}, {"updated_at", p.updated_at}};
}

boost::json::object to_json(const LegalHold& h) {
  return boost::json::object{
      {"scope", h.scope}, {"reason", h.reason}, {"created_by", h.created_by}, {"created_at", h.created_at}};
}

boost::json::object to_json(const RunReport& r) {
  return boost::json::object{{"conversations_checked", r.conversations_checked},
                             {"conversations_held", r.conversations_held},
                             {"messages_deleted", r.messages_deleted},
                             {"versions_deleted", r.versions_deleted},
                             {"notes_deleted", r.notes_deleted},
                             {"batches", r.batches},
                             {"started_at", r.started_at},
                             {"finished_at", r.finished_at}};
}

}  // namespace

void add_retention_routes(net::Router& router, RetentionService& retention, chat::ChatService& chat,
                          RetentionRouteOptions options) {
  constexpr net::RouteOptions kSmall{net::Auth::required, 16 * 1024};

  router.add("GET", "/api/v1/admin/retention/policies",
             net::answer([&retention](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto list, retention.policies(*req.subject));
               boost::json::array items;
               for (const auto& p : list) items.push_back(to_json(p));
               return net::json_ok(boost::json::object{{"items", std::move(items)}});
             }),
             kSmall);

  router.add("PUT", "/api/v1/admin/retention/policies/{scope}",
             net::answer([&retention](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"keep_days"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto days, json::optional_int(body, "keep_days"));
               if (!days) return make_error(ErrorCode::invalid_argument, "field 'keep_days' is required");
               MERIDIAN_ASSIGN_OR_RETURN(
                   auto p,
                   retention.set_policy(*req.subject, std::string(req.path_param("scope")), *days, req.remote_ip));
               return net::json_ok(to_json(p));
             }),
             kSmall);

  router.add("DELETE", "/api/v1/admin/retention/policies/{scope}",
             net::answer([&retention](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_TRY(retention.delete_policy(*req.subject, std::string(req.path_param("scope")), req.remote_ip));
               return HttpResponse::no_content();
             }),
             kSmall);

  router.add("GET", "/api/v1/admin/retention/holds",
             net::answer([&retention](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto list, retention.holds(*req.subject));
               boost::json::array items;
               for (const auto& h : list) items.push_back(to_json(h));
               return net::json_ok(boost::json::object{{"items", std::move(items)}});
             }),
             kSmall);

  router.add("PUT", "/api/v1/admin/retention/holds/{scope}",
             net::answer([&retention](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"reason"}, /*allow_empty=*/true));
               MERIDIAN_ASSIGN_OR_RETURN(auto reason, json::optional_string(body, "reason", 501));
               MERIDIAN_ASSIGN_OR_RETURN(auto h, retention.set_hold(*req.subject, std::string(req.path_param("scope")),
                                                                    reason.value_or(""), req.remote_ip));
               return net::json_ok(to_json(h));
             }),
             kSmall);

  router.add("DELETE", "/api/v1/admin/retention/holds/{scope}",
             net::answer([&retention](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_TRY(retention.delete_hold(*req.subject, std::string(req.path_param("scope")), req.remote_ip));
               return HttpResponse::no_content();
             }),
             kSmall);

  // Runs the job now (it also runs by itself every retention.interval_seconds).
  router.add("POST", "/api/v1/admin/retention/run",
             net::answer([&retention, options](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_TRY(retention.policies(*req.subject));  // the same admin check
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"as_of"}, /*allow_empty=*/true));
               MERIDIAN_ASSIGN_OR_RETURN(auto as_of, json::optional_int(body, "as_of"));
               if (as_of && !options.allow_run_as_of)
                 return make_error(ErrorCode::invalid_argument,
                                   "as_of is accepted only when retention.allow_run_as_of is set (tests)");
               MERIDIAN_ASSIGN_OR_RETURN(auto report, retention.run_once(as_of));
               return net::json_ok(to_json(report));
             }),
             net::RouteOptions{net::Auth::required, 16 * 1024, true});

  // What a conversation's members see in its info: the policy in force. Whether it is
  // under legal hold is shown to admins only.
  router.add("GET", "/api/v1/conversations/{id}/retention",
             net::answer([&retention, &chat](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
               MERIDIAN_TRY(chat.conversation(*req.subject, id));
               MERIDIAN_ASSIGN_OR_RETURN(auto in_force, retention.in_force(id));
               boost::json::object out{{"conversation_id", id}};
               if (in_force.policy)
                 out["policy"] =
                     boost::json::object{{"scope", in_force.policy->scope}, {"keep_days", in_force.policy->keep_days}};
               else
                 out["policy"] = nullptr;
               if (req.subject->has_role(Role::admin)) out["legal_hold"] = in_force.held;
               return net::json_ok(out);
             }),
             kSmall);
}

}  // namespace meridian::retention
