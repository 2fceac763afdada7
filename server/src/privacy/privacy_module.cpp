#include "privacy/privacy_module.hpp"

#include <algorithm>
#include <chrono>

#include "cluster/relay.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "files/files_service.hpp"
#include "net/realtime.hpp"
#include "privacy/consent_routes.hpp"
#include "privacy/export_routes.hpp"
#include "privacy/privacy_routes.hpp"
#include "privacy/restriction_routes.hpp"

namespace meridian::privacy {
namespace {

// How often the builder looks for exports queued on other nodes and archives past their time.
constexpr auto kPoll = std::chrono::seconds(5);

ErasureHooks hooks_for(const platform::ModuleContext& ctx, identity::IdentityService& identity,
                       ExportService& exports) {
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
  h.erase_exports = [&exports](std::int64_t user_id) { return exports.erase_of(user_id); };
  return h;
}

ExportHooks export_hooks(identity::IdentityService& identity) {
  ExportHooks h;
  // The archive is kept where the person's data lives: their region's prefix.
  h.archive_prefix = [&identity](std::int64_t user_id) -> Result<std::string> {
    MERIDIAN_ASSIGN_OR_RETURN(auto user, identity.user(user_id));
    return files::region_prefix(user.region);
  };
  return h;
}

// Every module's ports with privacy's own (consents) before identity's, which stays last.
std::vector<platform::PersonalDataPort*> with_consents(std::vector<platform::PersonalDataPort*> ports,
                                                       platform::PersonalDataPort* consents) {
  ports.insert(ports.empty() ? ports.end() : ports.end() - 1, consents);
  return ports;
}

}  // namespace

PrivacyModule::PrivacyModule(const platform::ModuleContext& ctx, std::vector<platform::PersonalDataPort*> ports,
                             identity::IdentityService& identity, objectstore::ObjectStore& store,
                             const std::string& link_secret)
    : consent_port_(ctx.db),
      links_(ctx.clock, link_secret, 10 * 60 * 1000),
      exports_(ctx.db, ctx.policy, ctx.clock, ctx.audit, with_consents(ports, &consent_port_), store, links_,
               export_hooks(identity), ExportOptions{.node_id = random_token(6)}),
      erasures_(ctx.db, ctx.policy, ctx.clock, ctx.audit, with_consents(std::move(ports), &consent_port_),
                hooks_for(ctx, identity, exports_)),
      consents_(ctx.db, ctx.policy, ctx.clock, ctx.audit),
      restrictions_(ctx.db, ctx.policy, ctx.audit, identity) {
  exports_.on_queued([this] { wake(); });
  add_privacy_routes(ctx.router, erasures_);
  add_export_routes(ctx.router, exports_);
  add_consent_routes(ctx.router, consents_);
  add_restriction_routes(ctx.router, restrictions_);
}

void PrivacyModule::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

void PrivacyModule::start() {
  if (builder_.joinable()) return;
  stopping_ = false;
  builder_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      woken_ = false;
      lock.unlock();
      for (;;) {
        auto built = exports_.build_next();
        if (!built.ok()) log::error("privacy.export_build_failed", {{"message", built.error().message}});
        if (!built.ok() || !*built) break;
        std::lock_guard stop_check(mutex_);
        if (stopping_) break;
      }
      if (auto swept = exports_.sweep(); !swept.ok())
        log::error("privacy.export_sweep_failed", {{"message", swept.error().message}});
      lock.lock();
      cv_.wait_for(lock, kPoll, [this] { return stopping_ || woken_; });
    }
  });
}

void PrivacyModule::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (builder_.joinable()) builder_.join();
}

}  // namespace meridian::privacy
