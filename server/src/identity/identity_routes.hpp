// REST routes of identity: sign-in, /me, the directory, and the admin API for users,
// roles and teams. Handlers parse, ask the policy, call the service and answer.
#pragma once

#include "cluster/relay.hpp"
#include "identity/identity_service.hpp"
#include "net/realtime.hpp"
#include "net/router.hpp"
#include "platform/ports.hpp"
#include "policy/policy.hpp"
#include "region/feature_toggles.hpp"

namespace meridian::identity {

struct IdentityRoutesDeps {
  IdentityService& identity;
  region::FeatureToggles& toggles;
  const policy::Policy& policy;
  net::RealtimeHub& hub;  // sessions of deactivated users are closed
  const Clock& clock;
  // When set, sign-out, deactivation and password resets close the sockets on every node
  // (through the bus); otherwise on this node only.
  cluster::Relay* relay = nullptr;
  // When set, /me's within_working_hours is its answer (availability: hours per weekday, the
  // zone one is in that day, holidays and days off); otherwise identity's one band.
  platform::WorkingTime* working_time = nullptr;
};

void add_identity_routes(net::Router& router, IdentityRoutesDeps deps);

}  // namespace meridian::identity
