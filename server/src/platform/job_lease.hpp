// Background work that one node at a time does (retention's purge): a named lease in the
// store, so it holds with any bus, the in-process one included. The node that claims a free
// or run-out lease holds it until `now + held_for` and renews it each turn; the others are
// refused while it holds it; a node that dies loses it when it runs out.
#pragma once

#include <chrono>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace meridian::platform {

// True when `holder` holds `name` after the call (claimed, renewed, or taken over).
Result<bool> claim_job_lease(storage::Database& db, std::string_view name, std::string_view holder, UnixMillis now,
                             std::chrono::milliseconds held_for);

}  // namespace meridian::platform
