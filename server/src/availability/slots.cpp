#include "availability/slots.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <tuple>

namespace meridian::availability {
namespace {

constexpr double kFadeMs = 6.0 * 60 * kMinuteMs;

// What each person's day looks like over the query's range, computed once.
struct Prepared {
  std::int64_t user_id = 0;
  Intervals working;
  Intervals blocked;  // absences (whole local dates) and meetings
};

std::vector<Prepared> prepare(const SlotQuery& q, Interval range) {
  std::vector<Prepared> out;
  out.reserve(q.people.size());
  // A day of margin so that the distance to the nearest working hours is right at the edges.
  const Interval wide{range.start - kDayMs, range.end + kDayMs};
  for (const auto& s : q.people) {
    Prepared p;
    p.user_id = s.user_id;
    p.working = working_intervals(s, wide.start, wide.end);
    Intervals blocked;
    for (const auto& a : absences_between(s, range.start, range.end)) blocked.push_back(a.at);
    if (auto it = q.busy.find(s.user_id); it != q.busy.end())
      blocked.insert(blocked.end(), it->second.begin(), it->second.end());
    p.blocked = normalised(std::move(blocked));
    out.push_back(std::move(p));
  }
  return out;
}

// The slot's score and who is outside, or nullopt when someone cannot come at all.
std::optional<Slot> evaluate(const std::vector<Prepared>& people, Interval at) {
  Slot slot{at, 0, {}};
  const double length = static_cast<double>(at.end - at.start);
  double total = 0, worst = 1;
  for (const auto& p : people) {
    if (overlaps(p.blocked, at)) return std::nullopt;
    const double inside = static_cast<double>(covered(p.working, at)) / length;
    double c = inside;
    if (inside < 1.0) {
      slot.outside.push_back(p.user_id);
      double away = inside > 0 ? 0.0 : static_cast<double>(distance_to(p.working, at).value_or(kDayMs));
      c += (1.0 - inside) * 0.5 * std::max(0.0, 1.0 - away / kFadeMs);
    }
    total += c;
    worst = std::min(worst, c);
  }
  if (people.empty()) return slot;
  const double mean = total / static_cast<double>(people.size());
  slot.score = std::round((mean + worst) / 2 * 1000.0) / 1000.0;
  return slot;
}

std::vector<Slot> candidates(const SlotQuery& q, Interval range) {
  std::vector<Slot> out;
  const UnixMillis length = static_cast<UnixMillis>(q.duration_minutes) * kMinuteMs;
  const UnixMillis step = static_cast<UnixMillis>(std::max(q.step_minutes, 1)) * kMinuteMs;
  if (length <= 0 || range.end - range.start < length) return out;
  const auto people = prepare(q, range);
  UnixMillis start = std::max(range.start, q.not_before);
  start = (start + step - 1) / step * step;
  for (; start + length <= range.end; start += step)
    if (auto slot = evaluate(people, {start, start + length}); slot && slot->score > 0) out.push_back(*slot);
  return out;
}

bool clashes(const std::vector<Slot>& chosen, Interval at) {
  for (const auto& c : chosen)
    if (c.at.start < at.end && at.start < c.at.end) return true;
  return false;
}

}  // namespace

std::vector<Slot> suggest_slots(const SlotQuery& q) {
  auto all = candidates(q, q.range);
  std::stable_sort(all.begin(), all.end(), [](const Slot& a, const Slot& b) { return a.score > b.score; });
  std::vector<Slot> out;
  for (auto& s : all) {
    if (static_cast<int>(out.size()) >= q.limit) break;
    if (!clashes(out, s.at)) out.push_back(std::move(s));
  }
  return out;
}

Rotation rotate_slots(const RotationQuery& q) {
  Rotation out;
  for (const auto& p : q.slots.people) out.inconvenienced[p.user_id] = 0;
  for (int w = 0; w < q.weeks; ++w) {
    const Day first = q.first_day + 7 * w;
    const Interval week{local_instant(q.viewer_zone, first, 0), local_instant(q.viewer_zone, first + 7, 0)};
    std::optional<Slot> best;
    std::tuple<int, std::size_t, double, UnixMillis> best_key{};
    for (auto& s : candidates(q.slots, week)) {
      // The sum of squared counts: giving the next one to whoever has had fewest costs least.
      int spread = 0;
      for (const auto& [user, n] : out.inconvenienced) {
        bool now = std::find(s.outside.begin(), s.outside.end(), user) != s.outside.end();
        spread += (n + (now ? 1 : 0)) * (n + (now ? 1 : 0));
      }
      std::tuple<int, std::size_t, double, UnixMillis> key{spread, s.outside.size(), -s.score, s.at.start};
      if (!best || key < best_key) {
        best = s;
        best_key = key;
      }
    }
    if (best)
      for (auto user : best->outside) ++out.inconvenienced[user];
    out.occurrences.push_back(std::move(best));
  }
  return out;
}

}  // namespace meridian::availability
