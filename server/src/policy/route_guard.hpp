// Wraps a route handler so that it runs only when the policy permits the action;
// otherwise the caller gets 403 with the policy's explanation.
#pragma once

#include <utility>

#include "net/router.hpp"
#include "policy/policy.hpp"

namespace meridian::policy {

inline net::Handler guarded(const Policy& policy, Action action, net::Handler handler) {
  return [&policy, action, handler = std::move(handler)](net::HttpRequest& req) {
    if (auto r = policy.require(*req.subject, action); !r.ok()) return net::HttpResponse::error(r.error());
    return handler(req);
  };
}

}  // namespace meridian::policy
