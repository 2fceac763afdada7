// Overlap hours: for a set of people and the days of a viewer's zone, each person's working
// intervals and absences that day and the windows where all of them work.
#pragma once

#include <string>
#include <vector>

#include "availability/schedule.hpp"

namespace meridian::availability {

struct PersonDay {
  std::int64_t user_id = 0;
  Intervals working;
  std::vector<AbsencePeriod> absences;
};

struct OverlapDay {
  Day date = 0;     // a date of the viewer's zone
  Interval bounds;  // its local midnight to the next (23 or 25 hours on a DST day)
  Intervals windows;
  std::vector<PersonDay> people;  // in the order given
};

// `days` dates from `from`, in `viewer_zone`. With nobody given there are no windows.
std::vector<OverlapDay> overlap(const std::vector<Schedule>& people, const std::string& viewer_zone, Day from,
                                int days);

}  // namespace meridian::availability
