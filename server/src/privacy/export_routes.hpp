// REST for the right of access: exports asked for by the person or an administrator,
// their progress, and the archive behind a short-lived link.
#pragma once

#include "net/router.hpp"
#include "privacy/export_service.hpp"

namespace meridian::privacy {

void add_export_routes(net::Router& router, ExportService& exports);

}  // namespace meridian::privacy
