// Ports one module answers for others, so that neither links the other.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/result.hpp"

namespace meridian::platform {

// Is this person connected now, on any node (presence answers; chat asks for @here).
class OnlineCheck {
 public:
  virtual ~OnlineCheck() = default;
  virtual bool online(std::int64_t user_id) const = 0;
};

// Is this person working at instant T: inside their working hours for that weekday, in the
// zone they are in that day, and not on a public holiday or day off (availability answers;
// presence, alerts' quiet hours and scheduling ask). nullopt: no such person.
class WorkingTime {
 public:
  virtual ~WorkingTime() = default;
  virtual std::optional<bool> working_at(std::int64_t user_id, std::int64_t unix_ms) = 0;
};

// When people are already busy in Meridian meetings (meetings answers; scheduling asks).
struct BusyPeriod {
  std::int64_t user_id = 0;
  std::int64_t start = 0;  // Unix ms
  std::int64_t end = 0;
};
class BusyTimes {
 public:
  virtual ~BusyTimes() = default;
  // The meetings these people host or are invited to that overlap [from, to), not cancelled.
  virtual Result<std::vector<BusyPeriod>> busy(const std::vector<std::int64_t>& user_ids, std::int64_t from,
                                               std::int64_t to) = 0;
};

}  // namespace meridian::platform
