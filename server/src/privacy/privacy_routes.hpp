// REST for the GDPR rights: erasure requests and erasures with their receipts.
#pragma once

#include "net/router.hpp"
#include "privacy/erasure_service.hpp"

namespace meridian::privacy {

void add_privacy_routes(net::Router& router, ErasureService& erasures);

}  // namespace meridian::privacy
