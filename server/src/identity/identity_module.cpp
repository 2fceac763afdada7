#include "identity/identity_module.hpp"

#include "identity/identity_routes.hpp"

namespace meridian::identity {

IdentityModule::IdentityModule(const platform::ModuleContext& ctx, const IdentityModuleOptions& options,
                               const region::RegionMap& regions, region::FeatureToggles& toggles,
                               platform::WorkingTime* working_time)
    : hasher_(options.password_cost),
      identity_(ctx.db, ctx.audit, regions, hasher_, ctx.clock, options.service),
      personal_data_(ctx.db, ctx.clock) {
  // Sign-out, deactivation and password resets close the person's sockets on every node.
  add_identity_routes(ctx.router, {identity_, toggles, ctx.policy, ctx.hub, ctx.clock, &ctx.relay, working_time});
}

}  // namespace meridian::identity
