#include "privacy/privacy_module.hpp"

#include <algorithm>

#include "cluster/relay.hpp"
#include "net/realtime.hpp"
#include "privacy/privacy_routes.hpp"

namespace meridian::privacy {
namespace {

ErasureHooks hooks_for(const platform::ModuleContext& ctx, identity::IdentityService& identity) {
  ErasureHooks h;
  h.is_active_admin = [&identity](std::int64_t user_id) -> Result<bool> {
    MERIDIAN_ASSIGN_OR_RETURN(auto user, identity.user(user_id));
    return user.active && std::find(user.roles.begin(), user.roles.end(), Role::admin) != user.roles.end();
  };
  // On every node: the sockets close as for a deactivated account; presence forgets the
  // person when their last socket goes.
  h.disconnect = [&ctx, &identity](std::int64_t user_id) -> std::int64_t {
    const bool here = ctx.hub.user_connected(user_id);
    ctx.relay.close_user(user_id, 1008, "account erased");
    identity.forget_cached_sessions(user_id);
    return here ? 1 : 0;
  };
  return h;
}

}  // namespace

PrivacyModule::PrivacyModule(const platform::ModuleContext& ctx, std::vector<platform::PersonalDataPort*> ports,
                             identity::IdentityService& identity)
    : erasures_(ctx.db, ctx.policy, ctx.clock, ctx.audit, std::move(ports), hooks_for(ctx, identity)) {
  add_privacy_routes(ctx.router, erasures_);
}

}  // namespace meridian::privacy
