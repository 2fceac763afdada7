// GET /api/v1/admin/audit: filtered, cursor-paginated, admins only.
#pragma once

#include "audit/audit_log.hpp"
#include "net/router.hpp"
#include "policy/policy.hpp"

namespace meridian::audit {

void add_audit_routes(net::Router& router, AuditLog& log, const policy::Policy& policy);

}  // namespace meridian::audit
