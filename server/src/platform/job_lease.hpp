// Background work that one node at a time does (retention's purge): a named lease in the
// store, so it holds with any bus, the in-process one included. The node that claims a free
// or run-out lease holds it until `now + held_for` and renews it each turn; the others are
// refused while it holds it; a node that dies loses it when it runs out.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace meridian::platform {

// True when `holder` holds `name` after the call (claimed, renewed, or taken over).
Result<bool> claim_job_lease(storage::Database& db, std::string_view name, std::string_view holder, UnixMillis now,
                             std::chrono::milliseconds held_for);

// Who holds `name` at `now` (nobody when it ran out).
Result<std::optional<std::string>> job_lease_holder(storage::Database& db, std::string_view name, UnixMillis now);

// Gives `name` up if `holder` holds it (a node that stops lets another take over at once).
Result<void> release_job_lease(storage::Database& db, std::string_view name, std::string_view holder);

}  // namespace meridian::platform
