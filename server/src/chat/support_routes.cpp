#include "chat/support_routes.hpp"

#include <charconv>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json_fields.hpp"

namespace meridian::chat {
namespace {

using net::HttpRequest;
using net::HttpResponse;

bool sees_as_customer(const Subject& who) { return who.kind == UserKind::customer && !who.has_role(Role::admin); }

// What the customer sees: the conversation and the name of the agent on it, nothing else
// about the company (no team, no emails, no ids of agents).
boost::json::object customer_json(const SupportConversation& c) {
  boost::json::value agent = nullptr;
  if (c.assignee_id) agent = boost::json::object{{"display_name", c.assignee_name}};
  return boost::json::object{
      {"id", c.conversation_id}, {"subject", c.subject},       {"status", support_status_name(c.status)},
      {"agent", agent},          {"created_at", c.created_at}, {"updated_at", c.updated_at},
      {"last_seq", c.last_seq}};
}

boost::json::object agent_json(const SupportConversation& c) {
  boost::json::object o = customer_json(c);
  o["team"] = boost::json::object{{"id", c.team_id}, {"name", c.team_name}};
  o["customer"] = boost::json::object{{"id", c.customer_id},
                                      {"display_name", c.customer_name},
                                      {"country", c.customer_country},
                                      {"region", c.customer_region}};
  o["assignee"] =
      c.assignee_id ? boost::json::value(boost::json::object{{"id", *c.assignee_id}, {"display_name", c.assignee_name}})
                    : boost::json::value(nullptr);
  o.erase("agent");
  return o;
}

boost::json::object view_for(const Subject& who, const SupportConversation& c) {
  return sees_as_customer(who) ? customer_json(c) : agent_json(c);
}

boost::json::object note_json(const SupportNote& n) {
  return boost::json::object{{"id", n.id},
                             {"conversation_id", n.conversation_id},
                             {"author", boost::json::object{{"id", n.author_id}, {"display_name", n.author_name}}},
                             {"text", n.text},
                             {"created_at", n.created_at}};
}

boost::json::object message_json(const Message& m) {
  return boost::json::object{{"id", m.id},
                             {"conversation_id", m.conversation_id},
                             {"seq", m.seq},
                             {"change_seq", m.change_seq},
                             {"author", boost::json::object{{"id", m.author_id}, {"display_name", m.author_name}}},
                             {"client_id", m.client_id},
                             {"text", m.text},
                             {"created_at", m.created_at},
                             {"edited_at", nullptr},
                             {"deleted", false}};
}

HttpResponse ok_json(int status, const boost::json::value& v) { return HttpResponse::json(status, json::serialize(v)); }

Result<std::int64_t> id_in(std::string_view text, std::string_view what) {
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0)
    return make_error(ErrorCode::not_found, "'" + std::string(text) + "' is not a valid " + std::string(what));
  return id;
}

Result<std::int64_t> required_id(const boost::json::object& body, std::string_view key) {
  auto v = json::optional_int(body, key);
  if (!v.ok()) return v.error();
  if (!*v || **v <= 0)
    return make_error(ErrorCode::invalid_argument, "field '" + std::string(key) + "' must be a positive id");
  return **v;
}

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

HttpResponse update_response(cluster::Relay& hub, const Subject& who, const Result<SupportUpdate>& u) {
  if (!u.ok()) return HttpResponse::error(u.error());
  announce(hub, *u);
  return ok_json(200, view_for(who, u->conversation));
}

}  // namespace

void add_support_routes(net::Router& router, cluster::Relay& hub, SupportService& support) {
  constexpr net::RouteOptions kSmall{net::Auth::required, 16 * 1024};
  constexpr net::RouteOptions kMessage{net::Auth::required, 64 * 1024};

  router.add(
      "POST", "/api/v1/support/conversations",
      [&support, &hub](HttpRequest& req) {
        auto body = json::parse_object(req.body);
        if (!body.ok()) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"subject", "text", "client_id"}); !r.ok())
          return HttpResponse::error(r.error());
        OpenSupport in;
        auto subject = json::required_string(*body, "subject", kMaxSubjectBytes + 1);
        if (!subject.ok()) return HttpResponse::error(subject.error());
        auto text = json::required_string(*body, "text", kMaxMessageBytes + 1);
        if (!text.ok()) return HttpResponse::error(text.error());
        auto client_id = json::required_string(*body, "client_id", 64);
        if (!client_id.ok()) return HttpResponse::error(client_id.error());
        in.subject = std::move(*subject);
        in.text = std::move(*text);
        in.client_id = std::move(*client_id);
        auto opened = support.open(*req.subject, std::move(in));
        if (!opened.ok()) return HttpResponse::error(opened.error());
        announce(hub, *opened);
        support.publish_opening(*opened);
        boost::json::object out = view_for(*req.subject, opened->conversation);
        if (opened->first_message) out["message"] = message_json(*opened->first_message);
        return ok_json(opened->first_message ? 201 : 200, out);
      },
      kMessage);

  router.add(
      "GET", "/api/v1/support/conversations",
      [&support](HttpRequest& req) {
        std::optional<SupportStatus> status;
        if (auto s = req.query_param("status"); s && !s->empty()) {
          SupportStatus parsed;
          if (!parse_support_status(*s, parsed))
            return HttpResponse::error(
                make_error(ErrorCode::invalid_argument, "status must be queued, assigned or closed"));
          status = parsed;
        }
        auto list = support.list(*req.subject, status);
        if (!list.ok()) return HttpResponse::error(list.error());
        boost::json::array items;
        for (const auto& c : *list) items.push_back(view_for(*req.subject, c));
        return ok_json(200, boost::json::object{{"items", std::move(items)}});
      },
      kSmall);

  router.add(
      "GET", "/api/v1/support/queue",
      [&support](HttpRequest& req) {
        std::optional<std::int64_t> team;
        if (auto t = req.query_param("team_id"); t && !t->empty()) {
          auto id = id_in(*t, "team id");
          if (!id.ok()) return HttpResponse::error(make_error(ErrorCode::invalid_argument, id.error().message));
          team = *id;
        }
        auto list = support.queue(*req.subject, team);
        if (!list.ok()) return HttpResponse::error(list.error());
        boost::json::array items;
        for (const auto& c : *list) items.push_back(agent_json(c));
        return ok_json(200, boost::json::object{{"items", std::move(items)}});
      },
      kSmall);

  router.add(
      "GET", "/api/v1/support/teams",
      [&support](HttpRequest& req) {
        auto list = support.teams(*req.subject);
        if (!list.ok()) return HttpResponse::error(list.error());
        boost::json::array items;
        for (const auto& t : *list) {
          boost::json::array agents;
          for (const auto& a : t.agents)
            agents.push_back(boost::json::object{{"id", a.id}, {"display_name", a.display_name}});
          items.push_back(boost::json::object{{"id", t.id}, {"name", t.name}, {"agents", std::move(agents)}});
        }
        return ok_json(200, boost::json::object{{"items", std::move(items)}});
      },
      kSmall);

  router.add(
      "GET", "/api/v1/support/conversations/{id}",
      [&support](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto c = support.get(*req.subject, *id);
        if (!c.ok()) return HttpResponse::error(c.error());
        return ok_json(200, view_for(*req.subject, *c));
      },
      kSmall);

  router.add(
      "POST", "/api/v1/support/conversations/{id}/claim",
      [&support, &hub](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        return update_response(hub, *req.subject, support.claim(*req.subject, *id, req.remote_ip));
      },
      kSmall);

  router.add(
      "POST", "/api/v1/support/conversations/{id}/assign",
      [&support, &hub](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto body = json::parse_object(req.body);
        if (!body.ok()) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"agent_id"}); !r.ok()) return HttpResponse::error(r.error());
        auto agent = required_id(*body, "agent_id");
        if (!agent.ok()) return HttpResponse::error(agent.error());
        return update_response(hub, *req.subject, support.assign(*req.subject, *id, *agent, req.remote_ip));
      },
      kSmall);

  router.add(
      "POST", "/api/v1/support/conversations/{id}/transfer",
      [&support, &hub](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto body = json::parse_object(req.body);
        if (!body.ok()) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"team_id"}); !r.ok()) return HttpResponse::error(r.error());
        auto team = required_id(*body, "team_id");
        if (!team.ok()) return HttpResponse::error(team.error());
        return update_response(hub, *req.subject, support.transfer(*req.subject, *id, *team, req.remote_ip));
      },
      kSmall);

  router.add(
      "POST", "/api/v1/support/conversations/{id}/close",
      [&support, &hub](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        return update_response(hub, *req.subject, support.close(*req.subject, *id, req.remote_ip));
      },
      kSmall);

  router.add(
      "POST", "/api/v1/support/conversations/{id}/reopen",
      [&support, &hub](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        return update_response(hub, *req.subject, support.reopen(*req.subject, *id, req.remote_ip));
      },
      kSmall);

  router.add(
      "GET", "/api/v1/support/conversations/{id}/notes",
      [&support](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto notes = support.notes(*req.subject, *id);
        if (!notes.ok()) return HttpResponse::error(notes.error());
        boost::json::array items;
        for (const auto& n : *notes) items.push_back(note_json(n));
        return ok_json(200, boost::json::object{{"items", std::move(items)}});
      },
      kSmall);

  // The team's agents get {"type":"support.note","conversation_id":..,"note":{..}}; the
  // customer never does.
  router.add(
      "POST", "/api/v1/support/conversations/{id}/notes",
      [&support, &hub](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto body = json::parse_object(req.body);
        if (!body.ok()) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"text"}); !r.ok()) return HttpResponse::error(r.error());
        auto text = json::required_string(*body, "text", kMaxMessageBytes + 1);
        if (!text.ok()) return HttpResponse::error(text.error());
        auto added = support.add_note(*req.subject, *id, std::move(*text));
        if (!added.ok()) return HttpResponse::error(added.error());
        const std::string event = json::serialize(
            boost::json::object{{"type", "support.note"}, {"conversation_id", *id}, {"note", note_json(added->note)}});
        hub.send_to_users(added->recipients, event);
        return ok_json(201, note_json(added->note));
      },
      kMessage);

  router.add(
      "GET", "/api/v1/admin/support/routes",
      [&support](HttpRequest& req) {
        auto routes = support.routes(*req.subject);
        if (!routes.ok()) return HttpResponse::error(routes.error());
        boost::json::array items;
        for (const auto& r : *routes)
          items.push_back(boost::json::object{{"scope", r.scope},
                                              {"team", boost::json::object{{"id", r.team_id}, {"name", r.team_name}}}});
        return ok_json(200, boost::json::object{{"items", std::move(items)}});
      },
      kSmall);

  router.add(
      "PUT", "/api/v1/admin/support/routes/{scope}",
      [&support](HttpRequest& req) {
        auto body = json::parse_object(req.body);
        if (!body.ok()) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"team_id"}); !r.ok()) return HttpResponse::error(r.error());
        auto team = required_id(*body, "team_id");
        if (!team.ok()) return HttpResponse::error(team.error());
        auto route = support.set_route(*req.subject, std::string(req.path_param("scope")), *team);
        if (!route.ok()) return HttpResponse::error(route.error());
        return ok_json(200, boost::json::object{
                                {"scope", route->scope},
                                {"team", boost::json::object{{"id", route->team_id}, {"name", route->team_name}}}});
      },
      kSmall);

  router.add(
      "DELETE", "/api/v1/admin/support/routes/{scope}",
      [&support](HttpRequest& req) {
        auto r = support.delete_route(*req.subject, std::string(req.path_param("scope")));
        if (!r.ok()) return HttpResponse::error(r.error());
        return HttpResponse::no_content();
      },
      kSmall);
}

}  // namespace meridian::chat
