#include "remote_support/remote_support_routes.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json_fields.hpp"
#include "core/json_values.hpp"
#include "net/route_kit.hpp"
#include "remote_support/queue_events.hpp"
#include "remote_support/remote_support_json.hpp"

namespace meridian::remote_support {
namespace {

using net::HttpRequest;
using net::HttpResponse;

constexpr net::RouteOptions kSmall{net::Auth::required, 16 * 1024};
// The customer's token reaches these, for its own session only (the service checks).
constexpr net::RouteOptions kCustomerToo{net::Auth::required, 16 * 1024, false, true};
constexpr net::RouteOptions kPublic{net::Auth::none, 16 * 1024};

// An approval request or decision, live: the supervisors (all their tabs), the session's
// agent (all tabs, also away from the session page) and both sides' session connections.
void tell_approval(net::RealtimeHub& hub, cluster::Relay& relay, RemoteSupportService& service,
                   const RemoteSession& s) {
  const std::string text =
      json::serialize(boost::json::object{{"type", s.approval == Approval::pending ? "remote_support.approval_requested"
                                                                                   : "remote_support.approval_decided"},
                                          {"session_id", s.id},
                                          {"session", session_json(s, service.screen_share(s), true)}});
  auto supervisors = service.supervisor_ids(s);
  std::vector<std::int64_t> to;
  if (supervisors.ok()) to = std::move(*supervisors);
  to.push_back(s.agent_id);
  std::sort(to.begin(), to.end());
  to.erase(std::unique(to.begin(), to.end()), to.end());
  relay.send_to_users(to, text);
  tell_session(hub, relay, service, s);
}

}  // namespace

void add_remote_support_routes(net::Router& router, net::RealtimeHub& hub, cluster::Relay& relay,
                               RemoteSupportService& service) {
  router.add(
      "POST", "/api/v1/remote-support/sessions", net::answer([&service](HttpRequest& req) -> Result<HttpResponse> {
        MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"conversation_id", "customer_user_id"}, true));
        NewSession in;
        MERIDIAN_ASSIGN_OR_RETURN(in.conversation_id, json::optional_int(body, "conversation_id"));
        MERIDIAN_ASSIGN_OR_RETURN(in.customer_user_id, json::optional_int(body, "customer_user_id"));
        MERIDIAN_ASSIGN_OR_RETURN(auto issued, service.create(*req.subject, in, req.remote_ip));
        return net::json_ok(
            boost::json::object{{"id", issued.session.id},
                                {"code", issued.code},
                                {"code_expires_at", issued.session.code_expires_at},
                                {"session", session_json(issued.session, service.screen_share(issued.session), true)}},
            201);
      }),
      kSmall);

  router.add(
      "GET", "/api/v1/remote-support/sessions", net::answer([&service](HttpRequest& req) -> Result<HttpResponse> {
        MERIDIAN_ASSIGN_OR_RETURN(auto limit, net::query_int_or(req, "limit", 50, 1, 200));
        std::optional<SessionStatus> status;
        if (auto s = req.query_param("status")) {
          SessionStatus parsed;
          if (!parse_session_status(*s, parsed))
            return make_error(ErrorCode::invalid_argument, "status must be waiting, active or ended");
          status = parsed;
        }
        MERIDIAN_ASSIGN_OR_RETURN(auto list, service.list(*req.subject, status, static_cast<int>(limit)));
        boost::json::array items;
        for (const auto& s : list)
          items.push_back(session_json(s, service.screen_share(s), service.sees_contact_details(*req.subject, s)));
        return net::json_ok(boost::json::object{{"items", std::move(items)}});
      }),
      kSmall);

  router.add(
      "GET", "/api/v1/remote-support/sessions/{id}", net::answer([&service](HttpRequest& req) -> Result<HttpResponse> {
        MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "session id"));
        MERIDIAN_ASSIGN_OR_RETURN(auto s, service.get(*req.subject, id));
        return net::json_ok(session_json(s, service.screen_share(s), service.sees_contact_details(*req.subject, s)));
      }),
      kCustomerToo);

  router.add(
      "POST", "/api/v1/remote-support/sessions/{id}/code",
      net::answer([&service](HttpRequest& req) -> Result<HttpResponse> {
        MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "session id"));
        MERIDIAN_ASSIGN_OR_RETURN(auto issued, service.new_code(*req.subject, id, req.remote_ip));
        return net::json_ok(boost::json::object{
            {"id", issued.session.id}, {"code", issued.code}, {"code_expires_at", issued.session.code_expires_at}});
      }),
      kSmall);

  // No account: a code for a token scoped to its one session.
  router.add("POST", "/api/v1/remote-support/redeem", net::answer([&service](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"code", "name", "email", "topic", "country"}));
               RedeemRequest in;
               MERIDIAN_ASSIGN_OR_RETURN(in.code, json::required_string(body, "code", 32));
               MERIDIAN_ASSIGN_OR_RETURN(in.name, json::required_string(body, "name", 200));
               MERIDIAN_ASSIGN_OR_RETURN(auto email, json::optional_string(body, "email", 300));
               MERIDIAN_ASSIGN_OR_RETURN(auto topic, json::optional_string(body, "topic", 1000));
               MERIDIAN_ASSIGN_OR_RETURN(auto country, json::optional_string(body, "country", 2));
               in.email = email.value_or("");
               in.topic = topic.value_or("");
               in.country = country.value_or("");
               MERIDIAN_ASSIGN_OR_RETURN(auto pass, service.redeem(in, req.remote_ip));
               return net::json_ok(boost::json::object{{"token", pass.token},
                                                       {"session_id", pass.session.id},
                                                       {"expires_at", json::nullable(pass.session.token_expires_at)}});
             }),
             kPublic);

  // The customer account the session is for, from their support view.
  router.add("POST", "/api/v1/remote-support/sessions/{id}/join",
             net::answer([&service](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "session id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto pass, service.join_as_customer(*req.subject, id, req.remote_ip));
               return net::json_ok(boost::json::object{{"token", pass.token},
                                                       {"session_id", pass.session.id},
                                                       {"expires_at", json::nullable(pass.session.token_expires_at)}});
             }),
             kSmall);

  router.add("POST", "/api/v1/remote-support/sessions/{id}/end",
             net::answer([&service, &hub, &relay](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "session id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto ended, service.end(*req.subject, id, req.remote_ip));
               const std::string text = json::serialize(boost::json::object{
                   {"type", "remote_support.ended"}, {"session_id", id}, {"summary", summary_json(ended.session)}});
               for (auto c : {ended.connections.agent, ended.connections.customer})
                 if (c) hub.send_to_connection(*c, text);
               tell_agent(relay, service, ended.session);
               return net::json_ok(session_json(ended.session, service.screen_share(ended.session),
                                                service.sees_contact_details(*req.subject, ended.session)));
             }),
             kCustomerToo);

  // The session's agent asks a supervisor before asking a sensitive customer for the screen.
  router.add("POST", "/api/v1/remote-support/sessions/{id}/approval",
             net::answer([&service, &hub, &relay](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "session id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto s, service.request_approval(*req.subject, id, req.remote_ip));
               tell_approval(hub, relay, service, s);
               return net::json_ok(session_json(s, service.screen_share(s), true));
             }),
             kSmall);

  // {"approve": bool, "reason": "..."} (a reason is required to refuse).
  router.add("POST", "/api/v1/remote-support/sessions/{id}/approval/decision",
             net::answer([&service, &hub, &relay](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "session id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"approve", "reason"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto approve, json::optional_bool(body, "approve"));
               if (!approve) return make_error(ErrorCode::invalid_argument, "approve must be true or false");
               MERIDIAN_ASSIGN_OR_RETURN(auto reason, json::optional_string(body, "reason", 1000));
               MERIDIAN_ASSIGN_OR_RETURN(
                   auto s, service.decide_approval(*req.subject, id, *approve, reason.value_or(""), req.remote_ip));
               tell_approval(hub, relay, service, s);
               return net::json_ok(session_json(s, service.screen_share(s), true));
             }),
             kSmall);

  // Supervisors: the requests waiting for them, oldest first.
  router.add("GET", "/api/v1/remote-support/approvals",
             net::answer([&service](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto list, service.pending_approvals(*req.subject));
               boost::json::array items;
               for (const auto& s : list) items.push_back(session_json(s, service.screen_share(s), true));
               return net::json_ok(boost::json::object{{"items", std::move(items)}});
             }),
             kSmall);

  // The minimum consent policy: staff read it, admins set it (a lowered one is shown to
  // the customers of the sessions started under it, and audited).
  router.add("GET", "/api/v1/remote-support/consent-policy",
             net::answer([&service](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto p, service.consent_policy(*req.subject));
               return net::json_ok(consent_policy_json(p));
             }),
             kSmall);
  router.add("PUT", "/api/v1/remote-support/consent-policy",
             net::answer([&service](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"separate_questions"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto n, json::optional_int(body, "separate_questions"));
               if (!n) return make_error(ErrorCode::invalid_argument, "separate_questions must be 1, 2 or 3");
               MERIDIAN_ASSIGN_OR_RETURN(auto p, service.set_consent_policy(*req.subject, *n, req.remote_ip));
               return net::json_ok(consent_policy_json(p));
             }),
             kSmall);

  // The queue: a customer asks for help, staff see what waits and accept; admins' figures.
  router.add("POST", "/api/v1/remote-support/requests",
             net::answer([&service, &relay](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"topic"}, true));
               MERIDIAN_ASSIGN_OR_RETURN(auto topic, json::optional_string(body, "topic", 500));
               MERIDIAN_ASSIGN_OR_RETURN(auto q, service.request_help(*req.subject, topic.value_or(""), req.remote_ip));
               announce_queue_change(relay, service, QueueChange::created, q);
               return net::json_ok(request_json(q, service.now()), 201);
             }),
             kSmall);
  router.add("GET", "/api/v1/remote-support/requests",
             net::answer([&service](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto waiting, service.queue(*req.subject));
               boost::json::array items;
               const auto now = service.now();
               for (const auto& q : waiting) items.push_back(request_json(q, now));
               return net::json_ok(boost::json::object{{"items", std::move(items)}});
             }),
             kSmall);
  // The customer's own waiting request ({"request": null} when none waits).
  router.add("GET", "/api/v1/remote-support/requests/mine",
             net::answer([&service](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto q, service.my_request(*req.subject));
               return net::json_ok(boost::json::object{
                   {"request", q ? boost::json::value(request_json(*q, service.now())) : boost::json::value(nullptr)}});
             }),
             kSmall);
  router.add("GET", "/api/v1/remote-support/requests/{id}",
             net::answer([&service](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "request id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto q, service.request(*req.subject, id));
               return net::json_ok(request_json(q, service.now()));
             }),
             kSmall);
  router.add("POST", "/api/v1/remote-support/requests/{id}/accept",
             net::answer([&service, &relay](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "request id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto a, service.accept(*req.subject, id, req.remote_ip));
               announce_queue_change(relay, service, QueueChange::taken, a.request);
               const auto& s = a.issued.session;
               return net::json_ok(boost::json::object{{"id", s.id},
                                                       {"code", a.issued.code},
                                                       {"code_expires_at", s.code_expires_at},
                                                       {"request", request_json(a.request, service.now())},
                                                       {"session", session_json(s, service.screen_share(s), true)}},
                                   201);
             }),
             kSmall);
  router.add("DELETE", "/api/v1/remote-support/requests/{id}",
             net::answer([&service, &relay](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "request id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto q, service.withdraw(*req.subject, id));
               announce_queue_change(relay, service, QueueChange::cancelled, q);
               return HttpResponse::no_content();
             }),
             kSmall);
  router.add(
      "GET", "/api/v1/remote-support/figures", net::answer([&service](HttpRequest& req) -> Result<HttpResponse> {
        MERIDIAN_ASSIGN_OR_RETURN(auto figures, service.figures(*req.subject));
        boost::json::array agents;
        for (const auto& f : figures)
          agents.push_back(boost::json::object{{"agent", boost::json::object{{"id", f.agent_id}, {"name", f.name}}},
                                               {"sessions", f.sessions},
                                               {"accepted", f.accepted},
                                               {"median_accept_ms", json::nullable(f.median_accept_ms)},
                                               {"ended", f.ended},
                                               {"median_duration_ms", json::nullable(f.median_duration_ms)}});
        return net::json_ok(boost::json::object{{"agents", std::move(agents)}});
      }),
      kSmall);

  // Admins: customer accounts marked sensitive.
  router.add("GET", "/api/v1/remote-support/sensitive-customers",
             net::answer([&service](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto list, service.sensitive_customers(*req.subject));
               boost::json::array items;
               for (const auto& c : list) items.push_back(sensitive_json(c));
               return net::json_ok(boost::json::object{{"items", std::move(items)}});
             }),
             kSmall);

  router.add("PUT", "/api/v1/remote-support/sensitive-customers/{user_id}",
             net::answer([&service](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "user_id", "customer id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"note"}, true));
               MERIDIAN_ASSIGN_OR_RETURN(auto note, json::optional_string(body, "note", 1000));
               MERIDIAN_ASSIGN_OR_RETURN(auto c,
                                         service.mark_sensitive(*req.subject, id, note.value_or(""), req.remote_ip));
               return net::json_ok(sensitive_json(c));
             }),
             kSmall);

  router.add("DELETE", "/api/v1/remote-support/sensitive-customers/{user_id}",
             net::answer([&service](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "user_id", "customer id"));
               MERIDIAN_TRY(service.unmark_sensitive(*req.subject, id, req.remote_ip));
               return HttpResponse::no_content();
             }),
             kSmall);

  router.add("GET", "/api/v1/remote-support/sessions/{id}/log",
             net::answer([&service](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "session id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto log, service.log(*req.subject, id));
               return net::json_ok(log_json(log));
             }),
             kCustomerToo);

  router.add("GET", "/api/v1/remote-support/sessions/{id}/log/verify",
             net::answer([&service](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "session id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto check, service.verify(*req.subject, id));
               return net::json_ok(boost::json::object{{"intact", check.intact},
                                                       {"entries", check.entries},
                                                       {"first_bad_seq", json::nullable(check.first_bad_seq)}});
             }),
             kCustomerToo);

  // ?format=json (default) or csv, as a download.
  router.add("GET", "/api/v1/remote-support/sessions/{id}/log/export",
             net::answer([&service](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "session id"));
               const std::string format = req.query_param("format").value_or("json");
               if (format != "json" && format != "csv")
                 return make_error(ErrorCode::invalid_argument, "format must be json or csv");
               MERIDIAN_ASSIGN_OR_RETURN(auto log, service.log(*req.subject, id));
               HttpResponse res;
               const std::string name = "remote-support-" + std::to_string(id) + "-log." + format;
               if (format == "csv") {
                 res.content_type = "text/csv; charset=utf-8";
                 res.body = log_csv(log);
               } else {
                 auto out = log_json(log);
                 out["session_id"] = id;
                 res.body = json::serialize(out);
               }
               res.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "\"");
               return res;
             }),
             kCustomerToo);
}

}  // namespace meridian::remote_support
