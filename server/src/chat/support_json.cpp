#include "chat/support_json.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

namespace meridian::chat {
namespace {

bool sees_as_customer(const Subject& who) { return who.kind == UserKind::customer && !who.has_role(Role::admin); }

}  // namespace

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

boost::json::object to_json(const SupportNote& n) {
  return boost::json::object{{"id", n.id},
                             {"conversation_id", n.conversation_id},
                             {"author", boost::json::object{{"id", n.author_id}, {"display_name", n.author_name}}},
                             {"text", n.text},
                             {"created_at", n.created_at}};
}

boost::json::object to_json(const SupportTeam& t) {
  boost::json::array agents;
  for (const auto& a : t.agents) agents.push_back(boost::json::object{{"id", a.id}, {"display_name", a.display_name}});
  return boost::json::object{{"id", t.id}, {"name", t.name}, {"agents", std::move(agents)}};
}

boost::json::object to_json(const SupportRoute& r) {
  return boost::json::object{{"scope", r.scope},
                             {"team", boost::json::object{{"id", r.team_id}, {"name", r.team_name}}}};
}

boost::json::object opening_message_json(const Message& m) {
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

}  // namespace meridian::chat
