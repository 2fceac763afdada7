#include "audit/audit_module.hpp"

#include "audit/audit_routes.hpp"

namespace meridian::audit {

AuditModule::AuditModule(const platform::ModuleContext& ctx) : personal_data_(ctx.db) {
  add_audit_routes(ctx.router, ctx.audit, ctx.policy);
}

}  // namespace meridian::audit
