// Admin REST for retention policies, legal holds and a manual run; and the policy in
// force for one conversation, for its members.
#pragma once

#include "chat/chat_service.hpp"
#include "net/router.hpp"
#include "retention/retention_service.hpp"

namespace meridian::retention {

struct RetentionRouteOptions {
  bool allow_run_as_of = false;  // POST /admin/retention/run may judge expiry at another time (tests)
};

void add_retention_routes(net::Router& router, RetentionService& retention, chat::ChatService& chat,
                          RetentionRouteOptions options = {});

}  // namespace meridian::retention
