#include "availability/overlap.hpp"

namespace meridian::availability {

std::vector<OverlapDay> overlap(const std::vector<Schedule>& people, const std::string& viewer_zone, Day from,
                                int days) {
  std::vector<OverlapDay> out;
  out.reserve(static_cast<std::size_t>(std::max(days, 0)));
  for (Day d = from; d < from + days; ++d) {
    OverlapDay day;
    day.date = d;
    day.bounds = {local_instant(viewer_zone, d, 0), local_instant(viewer_zone, d + 1, 0)};
    Intervals common{day.bounds};
    for (const auto& p : people) {
      PersonDay pd;
      pd.user_id = p.user_id;
      pd.working = working_intervals(p, day.bounds.start, day.bounds.end);
      pd.absences = absences_between(p, day.bounds.start, day.bounds.end);
      common = intersect(common, pd.working);
      day.people.push_back(std::move(pd));
    }
    if (!people.empty()) day.windows = std::move(common);
    out.push_back(std::move(day));
  }
  return out;
}

}  // namespace meridian::availability
