#pragma once

#include "net/router.hpp"
#include "privacy/restriction_service.hpp"

namespace meridian::privacy {

// GET/PUT /api/v1/me/restriction, GET/PUT /api/v1/admin/users/{id}/restriction.
void add_restriction_routes(net::Router& router, RestrictionService& restrictions);

}  // namespace meridian::privacy
