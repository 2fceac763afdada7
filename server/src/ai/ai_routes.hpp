#pragma once

#include "ai/ai_service.hpp"
#include "ai/answer_streams.hpp"
#include "ai/index_queue.hpp"
#include "net/router.hpp"

namespace meridian::ai {

void add_ai_routes(net::Router& router, AiService& ai, const IndexQueue& queue);
// Streamed answers: POST/GET /api/v1/ai/answers..., and ai.answer.subscribe / unsubscribe over /ws.
void add_answer_routes(net::Router& router, net::RealtimeHub& hub, AnswerStreams& answers);

}  // namespace meridian::ai
