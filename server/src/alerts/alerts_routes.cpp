#include "alerts/alerts_routes.hpp"

#include <string>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "alerts/alert_events.hpp"
#include "alerts/alerts_json.hpp"
#include "core/json_fields.hpp"
#include "core/json_values.hpp"
#include "net/http_handler.hpp"
#include "net/route_kit.hpp"

namespace meridian::alerts {
namespace {

using net::HttpRequest;
using net::HttpResponse;

constexpr net::RouteOptions kSmall{net::Auth::required, 16 * 1024};
// An audience may list thousands of people.
constexpr net::RouteOptions kCompose{net::Auth::required, 512 * 1024};

// The sender's tracking view hears each receipt as it is set.
void tell_sender(cluster::Relay& relay, const ReceiptChange& change) {
  if (change.alert.sender_id) relay.send_to_user(*change.alert.sender_id, receipt_event(change));
}

}  // namespace

void add_alerts_routes(net::Router& router, net::RealtimeHub& hub, cluster::Relay& relay, AlertsService& alerts) {
  // Each recipient's connected tabs and devices get
  // {"type":"alert.new","id":..,"priority":..,"title":..,"alert":{..}}; a repeat (same open
  // dedup_key) pages nobody again: its recipients and sender hear alert.updated (the count).
  router.add("POST", "/api/v1/alerts", net::answer([&alerts, &relay](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, kAlertFields));
               MERIDIAN_ASSIGN_OR_RETURN(auto in, new_alert_from(body));
               MERIDIAN_ASSIGN_OR_RETURN(auto sent, alerts.send(*req.subject, std::move(in), req.remote_ip));
               auto out = alert_json(sent.alert);
               announce_sent(relay, sent);
               out["deduplicated"] = sent.deduplicated;
               out["held_count"] = static_cast<std::int64_t>(sent.held.size());
               return net::json_ok(out, sent.deduplicated ? 200 : 201);
             }),
             kCompose);

  // Scheduled alerts: {alert, at (wall clock), time_zone, rrule?} -> 201 the schedule.
  router.add("POST", "/api/v1/alerts/schedules", net::answer([&alerts](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body,
                                         net::json_body(req, {"alert", "at", "time_zone", "recipient_local", "rrule"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto in, new_schedule_from(body));
               MERIDIAN_ASSIGN_OR_RETURN(auto x, alerts.schedule(*req.subject, std::move(in), req.remote_ip));
               return net::json_ok(schedule_json(x), 201);
             }),
             kCompose);

  router.add("GET", "/api/v1/alerts/schedules", net::answer([&alerts](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto limit, net::query_int_or(req, "limit", 50, 1, kMaxPage));
               MERIDIAN_ASSIGN_OR_RETURN(auto list, alerts.schedules(*req.subject, static_cast<int>(limit)));
               boost::json::array items;
               for (const auto& x : list) items.push_back(schedule_json(x));
               return net::json_ok(boost::json::object{{"items", std::move(items)}});
             }),
             kSmall);

  // Pause, resume and cancel: its sender or an admin (others 404); each answers the schedule.
  using ScheduleChange = Result<Schedule> (AlertsService::*)(const Subject&, std::int64_t, const std::string&);
  const std::pair<std::pair<const char*, const char*>, ScheduleChange> changes[] = {
      {{"POST", "/api/v1/alerts/schedules/{id}/pause"}, &AlertsService::pause_schedule},
      {{"POST", "/api/v1/alerts/schedules/{id}/resume"}, &AlertsService::resume_schedule},
      {{"DELETE", "/api/v1/alerts/schedules/{id}"}, &AlertsService::cancel_schedule}};
  for (const auto& [route, change] : changes)
    router.add(route.first, route.second, net::answer([&alerts, change](HttpRequest& req) -> Result<HttpResponse> {
                 MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "schedule id"));
                 MERIDIAN_ASSIGN_OR_RETURN(auto x, (alerts.*change)(*req.subject, id, req.remote_ip));
                 return net::json_ok(schedule_json(x));
               }),
               kSmall);

  // Integrations (admins): create (201 with its secret, shown once), list, remove.
  router.add("POST", "/api/v1/alerts/integrations", net::answer([&alerts](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(
                   auto body, net::json_body(req, {"name", "kind", "audience", "require_ack", "alertmanager_url"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto in, integration_from(body));
               MERIDIAN_ASSIGN_OR_RETURN(auto made,
                                         alerts.create_integration(*req.subject, std::move(in), req.remote_ip));
               auto out = integration_json(made.integration);
               out["secret"] = made.secret;
               return net::json_ok(out, 201);
             }),
             kCompose);
  router.add("GET", "/api/v1/alerts/integrations", net::answer([&alerts](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto list, alerts.integrations(*req.subject));
               boost::json::array items;
               for (const auto& x : list) {
                 auto item = integration_json(x);
                 // Why its sends are refused now (null: they are not).
                 MERIDIAN_ASSIGN_OR_RETURN(auto suspended, alerts.suspension(x));
                 item["suspended"] = json::nullable(suspended);
                 items.push_back(std::move(item));
               }
               return net::json_ok(boost::json::object{{"items", std::move(items)}});
             }),
             kSmall);
  router.add("DELETE", "/api/v1/alerts/integrations/{id}",
             net::answer([&alerts](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "integration id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto x, alerts.remove_integration(*req.subject, id, req.remote_ip));
               return net::json_ok(integration_json(x));
             }),
             kSmall);

  // A new secret (201, shown once); the rotating admin vouches for it from now on.
  router.add("POST", "/api/v1/alerts/integrations/{id}/rotate",
             net::answer([&alerts](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "integration id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto made, alerts.rotate_integration(*req.subject, id, req.remote_ip));
               auto out = integration_json(made.integration);
               out["secret"] = made.secret;
               return net::json_ok(out);
             }),
             kSmall);

  // Alertmanager's webhook (payload version 4), authenticated by the integration's secret
  // as a bearer token (http_config.authorization.credentials): 401, one answer for no
  // secret, a wrong one and an unknown integration; 403 with the reason when the
  // integration is suspended (its creator is no longer an administrator); 400 for a
  // malformed payload. Payloads may be large and carry fields Meridian does not know
  // (accepted). Answers what it did.
  router.add("POST", "/api/v1/integrations/alertmanager/{integration}",
             net::answer([&alerts, &relay](HttpRequest& req) -> Result<HttpResponse> {
               const std::string name(req.path_param("integration"));
               const auto token = net::bearer_token(req.header("authorization"));
               MERIDIAN_ASSIGN_OR_RETURN(auto integration, alerts.integration_by_secret(name, token));
               MERIDIAN_ASSIGN_OR_RETURN(auto body, json::parse_object(req.body));
               MERIDIAN_ASSIGN_OR_RETURN(auto payload, parse_alertmanager(body));
               MERIDIAN_ASSIGN_OR_RETURN(auto done, alerts.from_alertmanager(integration, payload, req.remote_ip));
               std::int64_t created = 0, repeated = 0;
               for (const auto& sent : done.sent) {
                 ++(sent.deduplicated ? repeated : created);
                 announce_sent(relay, sent);
               }
               for (const auto& [alert, recipients] : done.resolved) {
                 relay.send_to_users(recipients, updated_event(alert));
                 (void)alerts.unsilence(alert);
               }
               boost::json::array ids;
               for (const auto& sent : done.sent) ids.push_back(sent.alert.id);
               for (const auto& r : done.resolved) ids.push_back(r.first.id);
               return net::json_ok(boost::json::object{{"created", created},
                                                       {"repeated", repeated},
                                                       {"resolved", static_cast<std::int64_t>(done.resolved.size())},
                                                       {"ignored", done.ignored},
                                                       {"alert_ids", std::move(ids)}});
             }),
             {net::Auth::none, 4 * 1024 * 1024});

  // The generic JSON webhook (kind webhook, webhook.hpp): signed with X-Meridian-Timestamp
  // and X-Meridian-Signature (HMAC-SHA256 of "timestamp.body" with the secret), or the
  // secret as a bearer token. The one 401 for a wrong signature or secret and an unknown
  // integration; 401 for a signed timestamp outside 5 minutes; 409 for a replay (on any
  // node); 403 while suspended; 400 for a bad body. 201 created, 200 otherwise.
  router.add("POST", "/api/v1/integrations/webhook/{integration}",
             net::answer([&alerts, &relay](HttpRequest& req) -> Result<HttpResponse> {
               const std::string name(req.path_param("integration"));
               const WebhookCredentials credentials{net::bearer_token(req.header("authorization")),
                                                    req.header("x-meridian-timestamp"),
                                                    req.header("x-meridian-signature")};
               MERIDIAN_ASSIGN_OR_RETURN(auto signed_in, alerts.webhook_integration(name, credentials, req.body));
               MERIDIAN_ASSIGN_OR_RETURN(auto body, json::parse_object(req.body));
               MERIDIAN_ASSIGN_OR_RETURN(auto alert, parse_webhook(body, signed_in.integration));
               MERIDIAN_ASSIGN_OR_RETURN(auto done, alerts.from_webhook(signed_in, alert, req.remote_ip));
               boost::json::object out{{"status", "ignored"}};
               int code = 200;
               for (const auto& sent : done.sent) {
                 announce_sent(relay, sent);
                 out = boost::json::object{{"status", sent.deduplicated ? "repeated" : "created"},
                                           {"alert_id", sent.alert.id},
                                           {"repeat_count", sent.alert.repeat_count},
                                           {"recipient_count", sent.alert.recipient_count}};
                 if (!sent.deduplicated) code = 201;
               }
               for (const auto& [a, recipients] : done.resolved) {
                 relay.send_to_users(recipients, updated_event(a));
                 out = boost::json::object{{"status", "resolved"}, {"alert_id", a.id}};
               }
               return net::json_ok(out, code);
             }),
             {net::Auth::none, 256 * 1024});

  router.add("POST", "/api/v1/alerts/preview", net::answer([&alerts](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"audience"}));
               const auto* audience = body.if_contains("audience");
               if (!audience) return make_error(ErrorCode::invalid_argument, "audience is required");
               MERIDIAN_ASSIGN_OR_RETURN(auto a, audience_from(*audience));
               MERIDIAN_ASSIGN_OR_RETURN(auto count, alerts.preview(*req.subject, a));
               return net::json_ok(count_json(count));
             }),
             kCompose);

  // Received (newest first, with the caller's receipt), or ?sent=true: those the caller sent.
  router.add("GET", "/api/v1/alerts", net::answer([&alerts](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto limit, net::query_int_or(req, "limit", 50, 1, kMaxPage));
               const auto sent = req.query_param("sent");
               if (sent && *sent != "true" && *sent != "false")
                 return make_error(ErrorCode::invalid_argument, "sent must be true or false");
               boost::json::array items;
               if (sent && *sent == "true") {
                 MERIDIAN_ASSIGN_OR_RETURN(auto list, alerts.sent(*req.subject, static_cast<int>(limit)));
                 for (const auto& a : list) items.push_back(alert_json(a));
               } else {
                 MERIDIAN_ASSIGN_OR_RETURN(auto list, alerts.received(*req.subject, static_cast<int>(limit)));
                 for (const auto& v : list) items.push_back(view_json(v));
               }
               return net::json_ok(boost::json::object{{"items", std::move(items)}});
             }),
             kSmall);

  router.add("GET", "/api/v1/alerts/{id}", net::answer([&alerts](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "alert id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto view, alerts.get(*req.subject, id));
               return net::json_ok(view_json(view));
             }),
             kSmall);

  router.add("GET", "/api/v1/alerts/{id}/recipients", net::answer([&alerts](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "alert id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto after, net::query_int_or(req, "after", 0, 0));
               MERIDIAN_ASSIGN_OR_RETURN(auto limit, net::query_int_or(req, "limit", 100, 1, kMaxPage));
               MERIDIAN_ASSIGN_OR_RETURN(auto page,
                                         alerts.recipients(*req.subject, id, after, static_cast<int>(limit)));
               boost::json::array items;
               for (const auto& r : page.items) items.push_back(receipt_json(r));
               boost::json::object out{{"items", std::move(items)}};
               if (page.next) out["next"] = *page.next;
               return net::json_ok(out);
             }),
             kSmall);

  // The escalation steps and their states: pending, claimed, fired (when, how many
  // notified) or cancelled (acknowledged, resolved, expired). Those who may track it.
  router.add("GET", "/api/v1/alerts/{id}/escalation", net::answer([&alerts](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "alert id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto steps, alerts.escalation(*req.subject, id));
               boost::json::array items;
               for (const auto& st : steps) items.push_back(step_json(st));
               return net::json_ok(boost::json::object{{"steps", std::move(items)}});
             }),
             kSmall);

  router.add("POST", "/api/v1/alerts/{id}/read",
             net::answer([&alerts, &relay](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "alert id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto read, alerts.mark_read(*req.subject, id));
               if (read.change) tell_sender(relay, *read.change);
               return net::json_ok(view_json(read.view));
             }),
             kSmall);

  router.add(
      "POST", "/api/v1/alerts/{id}/ack", net::answer([&alerts, &relay](HttpRequest& req) -> Result<HttpResponse> {
        MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "alert id"));
        MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"comment"}, true));
        MERIDIAN_ASSIGN_OR_RETURN(auto comment, json::optional_string(body, "comment", 2001));
        MERIDIAN_ASSIGN_OR_RETURN(auto ack, alerts.acknowledge(*req.subject, id, comment.value_or(""), req.remote_ip));
        if (ack.changed) tell_sender(relay, ReceiptChange{ack.alert, ack.receipt, "acknowledged"});
        // From Alertmanager and now acknowledged: silenced there (a failure is logged and
        // stored; the acknowledgement stands).
        if (ack.changed) (void)alerts.silence(ack.alert);
        return net::json_ok(view_json(AlertView{ack.alert, ack.receipt}));
      }),
      kSmall);

  router.add("POST", "/api/v1/alerts/{id}/resolve",
             net::answer([&alerts, &relay](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "alert id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto done, alerts.resolve(*req.subject, id, req.remote_ip));
               // Recipients' open modals close; the sender's tracking view updates.
               if (done.changed) {
                 (void)alerts.unsilence(done.alert);
                 auto recipients = done.recipients;
                 if (done.alert.sender_id) recipients.push_back(*done.alert.sender_id);
                 relay.send_to_users(recipients, updated_event(done.alert));
               }
               return net::json_ok(alert_json(done.alert));
             }),
             kSmall);

  // {"type":"alert.received","alert_id":..}: a device of the recipient has it (the
  // delivered receipt). Answered only on error (with the envelope's "id").
  hub.on("alert.received", net::answer_ws([&alerts, &relay](net::RealtimeConnection& conn,
                                                            const boost::json::object& env) -> Result<void> {
           MERIDIAN_ASSIGN_OR_RETURN(auto id, net::required_id_field(env, "alert_id"));
           MERIDIAN_ASSIGN_OR_RETURN(auto change, alerts.delivered(conn.subject(), id));
           if (change) tell_sender(relay, *change);
           return {};
         }));

  // A socket that connects gets what its person was sent while no device of theirs had it:
  // alert.new with "pending": true for each alert without a delivered receipt (oldest first,
  // at most kMaxPage). Once a device answers alert.received it is never pushed again.
  hub.on_open([&alerts](net::RealtimeConnection& conn) {
    if (!conn.subject().scope.empty()) return;  // a meeting guest pass: not a person's inbox
    auto pending = alerts.undelivered(conn.subject(), kMaxPage);
    if (!pending.ok()) return;  // the client lists GET /alerts after hello anyway
    for (const auto& a : *pending) conn.send(new_alert_event(a, true));
  });
}

}  // namespace meridian::alerts
