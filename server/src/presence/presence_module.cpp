#include "presence/presence_module.hpp"

#include "net/realtime.hpp"
#include "presence/presence_routes.hpp"

namespace meridian::presence {

PresenceModule::PresenceModule(const platform::ModuleContext& ctx, platform::WorkingTime* working_time)
    : directory_(ctx.db),
      service_(
          directory_,
          [&hub = ctx.hub](std::uint64_t connection_id, const std::string& text) {
            hub.send_to_connection(connection_id, text);
          },
          {}, &changes_),
      cluster_(ctx.bus, service_, changes_) {
  add_presence_routes(ctx.router, ctx.hub, service_, {working_time, &ctx.clock});
}

void PresenceModule::start() {
  service_.start();
  // Other nodes' connections count in the aggregate; @here counts people connected anywhere.
  cluster_.start();
}

void PresenceModule::stop() {
  cluster_.stop();
  service_.stop();
}

}  // namespace meridian::presence
