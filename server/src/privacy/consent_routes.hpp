// GET /api/v1/me/consents, PUT /api/v1/me/consents/{purpose}, GET /api/v1/admin/users/{id}/consents.
#pragma once

#include "net/router.hpp"
#include "privacy/consent_service.hpp"

namespace meridian::privacy {
void add_consent_routes(net::Router& router, ConsentService& consents);
}
