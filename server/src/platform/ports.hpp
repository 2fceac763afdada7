// Ports one module answers for others, so that neither links the other.
#pragma once

#include <cstdint>
#include <map>
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
// presence, alerts' quiet hours and scheduling ask). Each call is one store read.
class WorkingTime {
 public:
  // When a person is next at work, seen from instant T: T itself when working at T;
  // nullopt when not working at any time within the horizon asked (a long absence).
  struct NextStart {
    std::optional<std::int64_t> at;
  };

  virtual ~WorkingTime() = default;
  // nullopt: no such person (or no valid time zone).
  virtual std::optional<bool> working_at(std::int64_t user_id, std::int64_t unix_ms) = 0;
  // Many people at one instant (presence asks for up to 200 at once): the answer of every
  // person it knows; people it does not know are absent from the map.
  virtual std::map<std::int64_t, bool> working_at(const std::vector<std::int64_t>& user_ids, std::int64_t unix_ms) = 0;
  // The first instant in [unix_ms, unix_ms + within_ms) at which the person is working.
  // nullopt: no such person (or no valid time zone).
  virtual std::optional<NextStart> next_working_start(std::int64_t user_id, std::int64_t unix_ms,
                                                      std::int64_t within_ms) = 0;
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
