// The AI module's JSON: what its REST routes read and answer.
#pragma once

#include <boost/json/object.hpp>

#include "ai/ai_service.hpp"
#include "core/result.hpp"

namespace meridian::ai {

// {conversation_id, thread_root_id?, since?, until?, unread_only?} (times in Unix ms)
Result<ConversationScope> scope_from(const boost::json::object& body);
boost::json::object summary_json(const SummaryAnswer& a);
boost::json::object status_json(const AiStatus& s);

}  // namespace meridian::ai
