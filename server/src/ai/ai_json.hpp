// The AI module's JSON: what its REST routes read and answer.
#pragma once

#include <boost/json/object.hpp>

#include "ai/ai_service.hpp"
#include "ai/index_backfill.hpp"
#include "core/result.hpp"

namespace meridian::ai {

// {conversation_id, thread_root_id?, since?, until?, unread_only?, after_seq?} (times in Unix ms)
Result<ConversationScope> scope_from(const boost::json::object& body);
boost::json::object summary_json(const SummaryAnswer& a);
// {provider, conversations: [{conversation_id, name, unread, summary: summary_json}], left_out}
boost::json::object catch_up_json(const CatchUpAnswer& a);
boost::json::object status_json(const AiStatus& s);
// {question, scope: {file_id | folder_id | space_id | all: true}}
Result<std::pair<std::string, FileScope>> question_from(const boost::json::object& body);
boost::json::object answer_json(const AskAnswer& a);
// A file's index state; `waiting`: queued or being indexed now.
// A stored answer: {id, status, scope, question, provider, text, result (answer_json) | null, error | null, ...}.
boost::json::object stored_answer_json(const StoredAnswer& a);
// {state: pending|running|done|off, handled, indexed, failed, remaining, total, after_file_id,
//  started_at, finished_at, updated_at, working, documents: {status: count}}
boost::json::object backfill_json(const BackfillProgress& p);
boost::json::object index_state_json(std::int64_t file_id, const std::optional<DocumentRecord>& d, bool waiting);

}  // namespace meridian::ai
