#include "remote_support/remote_support_module.hpp"

#include <chrono>

#include "core/log.hpp"
#include "remote_support/queue_events.hpp"
#include "remote_support/remote_support_config.hpp"
#include "remote_support/remote_support_routes.hpp"

namespace meridian::remote_support {

RemoteSupportModule::RemoteSupportModule(const platform::ModuleContext& ctx, identity::IdentityService& identity,
                                         chat::SupportService& support, const meetings::MeetingsService& meetings,
                                         region::FeatureToggles& toggles)
    : relay_(ctx.relay),
      service_(ctx.db, ctx.policy, ctx.clock, load_remote_support_options(ctx.settings.config_file), identity, &support,
               &toggles, &ctx.audit),
      personal_data_(ctx.db),
      queue_check_(std::chrono::milliseconds(service_.options().queue_check_ms), [this] { check_queue(); }) {
  add_remote_support_routes(ctx.router, ctx.hub, ctx.relay, service_);
  add_remote_support_socket_routes(ctx.hub, ctx.relay, service_, meetings);
}

void RemoteSupportModule::start() { queue_check_.start(); }

void RemoteSupportModule::stop() { queue_check_.stop(); }

// Every node checks; the store's conditional updates let exactly one announce each change.
void RemoteSupportModule::check_queue() {
  auto sweep = service_.sweep_queue();
  if (!sweep.ok()) {
    log::warn("remote_support.queue_check_failed", {{"error", sweep.error().message}});
    return;
  }
  for (const auto& q : sweep->expired) {
    log::info("remote_support.request_expired", {{"request_id", q.id}});
    announce_queue_change(relay_, service_, QueueChange::expired, q);
  }
  for (const auto& q : sweep->overdue) {
    log::info("remote_support.request_overdue", {{"request_id", q.id}, {"waited_ms", service_.now() - q.created_at}});
    announce_queue_change(relay_, service_, QueueChange::overdue, q);
  }
}

}  // namespace meridian::remote_support
