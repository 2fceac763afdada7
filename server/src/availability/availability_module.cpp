#include "availability/availability_module.hpp"

#include "availability/availability_routes.hpp"

namespace meridian::availability {

AvailabilityModule::AvailabilityModule(const platform::ModuleContext& ctx)
    : availability_(ctx.db, ctx.policy, ctx.clock, ctx.audit), personal_data_(ctx.db) {
  add_availability_routes(ctx.router, availability_, ctx.clock);
}

SchedulingModule::SchedulingModule(const platform::ModuleContext& ctx, AvailabilityService& availability,
                                   platform::BusyTimes& busy)
    : scheduling_(availability, busy, ctx.clock) {
  add_scheduling_routes(ctx.router, scheduling_);
}

}  // namespace meridian::availability
