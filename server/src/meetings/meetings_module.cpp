#include "meetings/meetings_module.hpp"

#include <memory>

#include "meetings/meetings_config.hpp"
#include "meetings/meetings_routes.hpp"

namespace meridian::meetings {

MeetingsModule::MeetingsModule(const platform::ModuleContext& ctx, identity::IdentityService& identity,
                               region::FeatureToggles& toggles, chat::ChatService& chat, chat::RoomGuests& room_guests)
    : webhooks_(ctx.db, ctx.clock, load_webhook_options(ctx.settings.config_file), std::make_unique<CurlPoster>()),
      meetings_(ctx.db, identity, ctx.policy, ctx.clock, load_meetings_options(ctx.settings.config_file), &toggles,
                &webhooks_, &chat, &room_guests),
      placement_(ctx.db, ctx.bus, ctx.hub, meetings_, ctx.clock),
      busy_times_(ctx.db),
      personal_data_(ctx.db) {
  forwarded_ = add_meetings_routes(ctx.router, ctx.hub, meetings_, ctx.policy, &webhooks_, placement_);
}

}  // namespace meridian::meetings
