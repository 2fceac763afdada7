#include "alerts/alerts_module.hpp"

#include "alerts/alerts_config.hpp"
#include "alerts/alerts_routes.hpp"
#include "core/log.hpp"

namespace meridian::alerts {

AlertsModule::AlertsModule(const platform::ModuleContext& ctx, platform::WorkingTime* working,
                           platform::FeatureGate* features)
    : alerts_(ctx.db, ctx.policy, ctx.clock, &ctx.audit, features),
      sink_(ctx.relay),
      escalation_(alerts_, sink_, load_scheduler_options(ctx.settings.config_file)),
      personal_data_(ctx.db) {
  alerts_.use_working_time(working);
  add_alerts_routes(ctx.router, ctx.hub, ctx.relay, alerts_);
}

void AlertsModule::start() {
  log::info("alerts.escalation_started", {{"node", escalation_.node_id()}});
  escalation_.start();
}

void AlertsModule::stop() { escalation_.stop(); }

}  // namespace meridian::alerts
