#include "remote_support/remote_support_module.hpp"

#include "remote_support/remote_support_config.hpp"
#include "remote_support/remote_support_routes.hpp"

namespace meridian::remote_support {

RemoteSupportModule::RemoteSupportModule(const platform::ModuleContext& ctx, identity::IdentityService& identity,
                                         chat::SupportService& support, const meetings::MeetingsService& meetings,
                                         region::FeatureToggles& toggles)
    : service_(ctx.db, ctx.policy, ctx.clock, load_remote_support_options(ctx.settings.config_file), identity, &support,
               &toggles, &ctx.audit),
      personal_data_(ctx.db) {
  add_remote_support_routes(ctx.router, ctx.hub, service_);
  add_remote_support_socket_routes(ctx.hub, service_, meetings);
}

}  // namespace meridian::remote_support
