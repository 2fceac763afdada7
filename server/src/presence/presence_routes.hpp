// The WebSocket and REST surface of presence, and its hooks into the realtime hub:
// a connection opening or closing changes its user's presence.
#pragma once

#include "net/realtime.hpp"
#include "core/clock.hpp"
#include "net/router.hpp"
#include "platform/ports.hpp"
#include "presence/presence_service.hpp"

namespace meridian::presence {

// Whether each person is working now, for GET /presence's working_now (availability's
// answer: hours per weekday, the zone they are in that day, holidays, days off). Unset: left out.
struct WorkingNow {
  platform::WorkingTime* working_time = nullptr;
  const Clock* clock = nullptr;
};

void add_presence_routes(net::Router& router, net::RealtimeHub& hub, PresenceService& presence,
                         WorkingNow working_now = {});

}  // namespace meridian::presence
