#pragma once

#include "ai/ai_service.hpp"
#include "ai/index_queue.hpp"
#include "net/router.hpp"

namespace meridian::ai {

void add_ai_routes(net::Router& router, AiService& ai, const IndexQueue& queue);

}  // namespace meridian::ai
