#pragma once

#include "ai/ai_service.hpp"
#include "ai/answer_streams.hpp"
#include "ai/index_backfill.hpp"
#include "ai/index_queue.hpp"
#include "net/router.hpp"

namespace meridian::ai {

void add_ai_routes(net::Router& router, AiService& ai, const IndexQueue& queue);
// GET /api/v1/ai/index/backfill: how far indexing every stored file got (admins: manage_ai).
void add_backfill_routes(net::Router& router, const policy::Policy& policy, IndexBackfill& backfill, bool indexing_on);
// Streamed answers: POST/GET /api/v1/ai/answers..., and ai.answer.subscribe / unsubscribe over /ws.
void add_answer_routes(net::Router& router, net::RealtimeHub& hub, AnswerStreams& answers);

}  // namespace meridian::ai
