#include "chat/support_routes.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "chat/support_json.hpp"
#include "core/json_fields.hpp"
#include "net/route_kit.hpp"

namespace meridian::chat {
namespace {

using net::HttpRequest;
using net::HttpResponse;

constexpr net::RouteOptions kSmall{net::Auth::required, 16 * 1024};
constexpr net::RouteOptions kMessage{net::Auth::required, 64 * 1024};

// Agents (full record) and the customer (their view) hear about every change; people
// taken off the conversation hear it too, so their screens drop it.
void announce(cluster::Relay& hub, const SupportUpdate& u) {
  const std::string for_agents =
      json::serialize(boost::json::object{{"type", "support.updated"}, {"conversation", agent_json(u.conversation)}});
  for (std::int64_t a : u.agents) hub.send_to_user(a, for_agents);
  hub.send_to_user(u.conversation.customer_id,
                   json::serialize(boost::json::object{{"type", "support.updated"},
                                                       {"conversation", customer_json(u.conversation)}}));
}

// A change of state: announced, and the caller's view of the conversation as the answer.
Result<HttpResponse> updated(cluster::Relay& hub, const Subject& who, const Result<SupportUpdate>& change) {
  if (!change.ok()) return change.error();
  announce(hub, *change);
  return net::json_ok(view_for(who, change->conversation));
}

Result<OpenSupport> opening_from(const HttpRequest& req) {
  MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"subject", "text", "client_id"}));
  OpenSupport in;
  MERIDIAN_ASSIGN_OR_RETURN(in.subject, json::required_string(body, "subject", kMaxSubjectBytes + 1));
  MERIDIAN_ASSIGN_OR_RETURN(in.text, json::required_string(body, "text", kMaxMessageBytes + 1));
  MERIDIAN_ASSIGN_OR_RETURN(in.client_id, json::required_string(body, "client_id", 64));
  return in;
}

// ?status= of the list: queued, assigned or closed; every status when absent.
Result<std::optional<SupportStatus>> status_filter(const HttpRequest& req) {
  auto s = req.query_param("status");
  if (!s || s->empty()) return std::optional<SupportStatus>{};
  SupportStatus parsed;
  if (!parse_support_status(*s, parsed))
    return make_error(ErrorCode::invalid_argument, "status must be queued, assigned or closed");
  return std::optional<SupportStatus>(parsed);
}

// {"team_id": n} of a transfer or a routing rule.
Result<std::int64_t> team_id_of(const HttpRequest& req) {
  MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"team_id"}));
  return net::required_id_field(body, "team_id");
}

template <class T>
boost::json::object items_json(const std::vector<T>& items) {
  boost::json::array out;
  for (const auto& item : items) out.push_back(to_json(item));
  return boost::json::object{{"items", std::move(out)}};
}

boost::json::object views_json(const Subject& who, const std::vector<SupportConversation>& list) {
  boost::json::array items;
  for (const auto& c : list) items.push_back(view_for(who, c));
  return boost::json::object{{"items", std::move(items)}};
}

// claim, close and reopen: a change of state with nothing but the conversation's id.
using StateChange = Result<SupportUpdate> (SupportService::*)(const Subject&, std::int64_t, const std::string&);

net::Handler change_state(SupportService& support, cluster::Relay& hub, StateChange change) {
  return net::answer([&support, &hub, change](HttpRequest& req) -> Result<HttpResponse> {
    MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
    return updated(hub, *req.subject, (support.*change)(*req.subject, id, req.remote_ip));
  });
}

void add_admin_routes(net::Router& router, SupportService& support) {
  router.add("GET", "/api/v1/admin/support/routes", net::answer([&support](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto routes, support.routes(*req.subject));
               return net::json_ok(items_json(routes));
             }),
             kSmall);

  router.add("PUT", "/api/v1/admin/support/routes/{scope}",
             net::answer([&support](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto team, team_id_of(req));
               MERIDIAN_ASSIGN_OR_RETURN(auto route,
                                         support.set_route(*req.subject, std::string(req.path_param("scope")), team));
               return net::json_ok(to_json(route));
             }),
             kSmall);

  router.add("DELETE", "/api/v1/admin/support/routes/{scope}",
             net::answer([&support](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_TRY(support.delete_route(*req.subject, std::string(req.path_param("scope"))));
               return HttpResponse::no_content();
             }),
             kSmall);
}

}  // namespace

void add_support_routes(net::Router& router, cluster::Relay& hub, SupportService& support) {
  router.add("POST", "/api/v1/support/conversations",
             net::answer([&support, &hub](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto in, opening_from(req));
               MERIDIAN_ASSIGN_OR_RETURN(auto opened, support.open(*req.subject, std::move(in)));
               announce(hub, opened);
               support.publish_opening(opened);
               boost::json::object out = view_for(*req.subject, opened.conversation);
               if (opened.first_message) out["message"] = opening_message_json(*opened.first_message);
               return net::json_ok(out, opened.first_message ? 201 : 200);
             }),
             kMessage);

  router.add("GET", "/api/v1/support/conversations", net::answer([&support](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto status, status_filter(req));
               MERIDIAN_ASSIGN_OR_RETURN(auto list, support.list(*req.subject, status));
               return net::json_ok(views_json(*req.subject, list));
             }),
             kSmall);

  router.add("GET", "/api/v1/support/queue", net::answer([&support](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto team, net::query_int(req, "team_id", 1));
               MERIDIAN_ASSIGN_OR_RETURN(auto list, support.queue(*req.subject, team));
               boost::json::array items;
               for (const auto& c : list) items.push_back(agent_json(c));
               return net::json_ok(boost::json::object{{"items", std::move(items)}});
             }),
             kSmall);

  router.add("GET", "/api/v1/support/teams", net::answer([&support](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto teams, support.teams(*req.subject));
               return net::json_ok(items_json(teams));
             }),
             kSmall);

  router.add("GET", "/api/v1/support/conversations/{id}",
             net::answer([&support](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto c, support.get(*req.subject, id));
               return net::json_ok(view_for(*req.subject, c));
             }),
             kSmall);

  router.add("POST", "/api/v1/support/conversations/{id}/claim", change_state(support, hub, &SupportService::claim),
             kSmall);

  router.add("POST", "/api/v1/support/conversations/{id}/assign",
             net::answer([&support, &hub](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"agent_id"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto agent, net::required_id_field(body, "agent_id"));
               return updated(hub, *req.subject, support.assign(*req.subject, id, agent, req.remote_ip));
             }),
             kSmall);

  router.add("POST", "/api/v1/support/conversations/{id}/transfer",
             net::answer([&support, &hub](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto team, team_id_of(req));
               return updated(hub, *req.subject, support.transfer(*req.subject, id, team, req.remote_ip));
             }),
             kSmall);

  router.add("POST", "/api/v1/support/conversations/{id}/close", change_state(support, hub, &SupportService::close),
             kSmall);
  router.add("POST", "/api/v1/support/conversations/{id}/reopen", change_state(support, hub, &SupportService::reopen),
             kSmall);

  router.add("GET", "/api/v1/support/conversations/{id}/notes",
             net::answer([&support](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto notes, support.notes(*req.subject, id));
               return net::json_ok(items_json(notes));
             }),
             kSmall);

  // The team's agents get {"type":"support.note","conversation_id":..,"note":{..}}; the
  // customer never does.
  router.add("POST", "/api/v1/support/conversations/{id}/notes",
             net::answer([&support, &hub](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"text"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto text, json::required_string(body, "text", kMaxMessageBytes + 1));
               MERIDIAN_ASSIGN_OR_RETURN(auto added, support.add_note(*req.subject, id, std::move(text)));
               const std::string event = json::serialize(boost::json::object{
                   {"type", "support.note"}, {"conversation_id", id}, {"note", to_json(added.note)}});
               hub.send_to_users(added.recipients, event);
               return net::json_ok(to_json(added.note), 201);
             }),
             kMessage);

  add_admin_routes(router, support);
}

}  // namespace meridian::chat
