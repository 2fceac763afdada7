// Slot suggestion: the best start times for a meeting of several people over a range, and a
// fair rotation of the inconvenient time for a weekly meeting across time zones.
//
// A slot is never offered on anyone's public holiday or day off (any overlap with that local
// date), nor when it clashes with one of their meetings. Among the rest, each person's
// convenience is 1 when the slot lies inside their working hours; otherwise the part inside
// counts fully and the part outside counts half, fading to nothing at 6 hours from their
// working hours (07:00 beats 03:00). A slot's score (0..1) is half the mean convenience and
// half the least one, so one person at 03:00 weighs more than two people slightly early.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "availability/schedule.hpp"

namespace meridian::availability {

struct SlotQuery {
  std::vector<Schedule> people;
  std::map<std::int64_t, Intervals> busy;  // their meetings
  int duration_minutes = 30;
  Interval range;             // slots start and end inside it
  UnixMillis not_before = 0;  // now: nothing in the past
  int step_minutes = 15;      // starts on this grid (UTC multiples: fits :30 and :45 zones)
  int limit = 10;
};

struct Slot {
  Interval at;
  double score = 0;                   // 0..1, 1: everyone inside working hours
  std::vector<std::int64_t> outside;  // who is (partly) outside their working hours
};

// Best first (score, then earlier), never two overlapping; only slots with a score above 0.
std::vector<Slot> suggest_slots(const SlotQuery& q);

// A weekly meeting over `weeks` weeks from the viewer's date `first_day`: for each week the
// slot inside that week that spreads the inconvenienced counts most evenly (least sum of
// squares), then
// inconveniences the fewest, then scores best. So when no time suits everyone, the early
// or late slot passes from one person to the next instead of falling on the same one.
struct RotationQuery {
  SlotQuery slots;  // range is ignored; each week is its own range
  std::string viewer_zone;
  Day first_day = 0;
  int weeks = 13;
};
struct Rotation {
  std::vector<std::optional<Slot>> occurrences;  // nullopt: no possible slot that week
  std::map<std::int64_t, int> inconvenienced;    // times each person was outside their hours
};
Rotation rotate_slots(const RotationQuery& q);

}  // namespace meridian::availability
