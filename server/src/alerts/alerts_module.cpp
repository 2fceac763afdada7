#include "alerts/alerts_module.hpp"

#include "alerts/alerts_routes.hpp"

namespace meridian::alerts {

AlertsModule::AlertsModule(const platform::ModuleContext& ctx) : alerts_(ctx.db, ctx.policy, ctx.clock, &ctx.audit) {
  add_alerts_routes(ctx.router, ctx.hub, ctx.relay, alerts_);
}

}  // namespace meridian::alerts
