// REST routes of availability (working hours, overlap, holiday calendars) and scheduling.
#pragma once

#include "availability/availability_service.hpp"
#include "availability/scheduling_service.hpp"
#include "net/router.hpp"

namespace meridian::availability {

void add_availability_routes(net::Router& router, AvailabilityService& availability, const Clock& clock);
void add_scheduling_routes(net::Router& router, SchedulingService& scheduling);

}  // namespace meridian::availability
