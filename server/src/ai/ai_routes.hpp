#pragma once

#include "ai/ai_service.hpp"
#include "net/router.hpp"

namespace meridian::ai {

void add_ai_routes(net::Router& router, AiService& ai);

}  // namespace meridian::ai
