// GET /api/v1/search (see search_service.hpp).
#pragma once

#include "chat/search_service.hpp"
#include "net/router.hpp"

namespace meridian::chat {

void add_search_routes(net::Router& router, SearchService& search);

}  // namespace meridian::chat
