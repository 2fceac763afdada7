// Support's JSON: what a customer and what an agent sees of a support conversation, notes,
// teams and routing rules (REST bodies and the support.* WebSocket events).
#pragma once

#include <boost/json/object.hpp>

#include "chat/conversation.hpp"
#include "chat/support.hpp"
#include "core/subject.hpp"

namespace meridian::chat {

// What the customer sees: the conversation and the name of the agent on it, nothing else
// about the company (no team, no emails, no ids of agents).
boost::json::object customer_json(const SupportConversation& c);
// The full record: team, customer (country, region) and assignee.
boost::json::object agent_json(const SupportConversation& c);
// The customer's view for a customer (not an admin), the agent's for everyone else.
boost::json::object view_for(const Subject& who, const SupportConversation& c);

boost::json::object to_json(const SupportNote& n);
boost::json::object to_json(const SupportTeam& t);
boost::json::object to_json(const SupportRoute& r);
// The message that opened a support conversation (new, so never edited nor deleted).
boost::json::object opening_message_json(const Message& m);

}  // namespace meridian::chat
