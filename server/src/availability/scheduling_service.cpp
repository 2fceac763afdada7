#include "availability/scheduling_service.hpp"

#include <cstdio>

namespace meridian::availability {
namespace {

std::string local_iso(const std::string& zone, UnixMillis at) {
  auto c = local_clock(zone, at);
  char buf[24];
  std::snprintf(buf, sizeof buf, "T%02d:%02d", c.minute / 60, c.minute % 60);
  return format_date(c.day) + buf;
}

}  // namespace

Result<SchedulingService::Prepared> SchedulingService::prepare(const Subject& viewer, const SuggestionQuery& q,
                                                               int days) {
  if (q.duration_minutes < 5 || q.duration_minutes > 8 * 60)
    return make_error(ErrorCode::invalid_argument, "duration_minutes must be between 5 and 480");
  if (q.limit < 1 || q.limit > 50) return make_error(ErrorCode::invalid_argument, "limit must be between 1 and 50");
  Prepared p;
  MERIDIAN_ASSIGN_OR_RETURN(p.zone, availability_.viewer_zone(viewer, q.time_zone));
  p.first = q.from           ? *q.from
            : q.from_instant ? local_clock(p.zone, *q.from_instant).day
                             : availability_.today_in(p.zone);
  MERIDIAN_ASSIGN_OR_RETURN(p.people, availability_.people(viewer, q.user_ids, p.first, p.first + days));
  p.slots.duration_minutes = q.duration_minutes;
  p.slots.limit = q.limit;
  p.slots.not_before = clock_.now_ms();
  p.slots.range = {q.from_instant ? *q.from_instant : local_instant(p.zone, p.first, 0),
                   local_instant(p.zone, p.first + days, 0)};
  std::vector<std::int64_t> ids;
  for (const auto& person : p.people) {
    p.slots.people.push_back(person.schedule);
    ids.push_back(person.person.id);
  }
  MERIDIAN_ASSIGN_OR_RETURN(auto busy, busy_.busy(ids, p.slots.range.start, p.slots.range.end));
  for (const auto& b : busy) p.slots.busy[b.user_id].push_back({b.start, b.end});
  for (auto& [user, intervals] : p.slots.busy) intervals = normalised(std::move(intervals));
  return p;
}

SuggestedSlot SchedulingService::localised(const Prepared& p, const Slot& slot) const {
  SuggestedSlot out{slot, {}};
  for (const auto& person : p.people) {
    const auto& s = person.schedule;
    // The zone they are in that day (a traveller's second zone inside the trip).
    const auto& zone = zone_on(s, local_clock(s.time_zone, slot.at.start).day);
    out.local.push_back({person.person.id, zone, local_iso(zone, slot.at.start)});
  }
  return out;
}

Result<Suggestions> SchedulingService::suggest(const Subject& viewer, const SuggestionQuery& q) {
  if (q.days < 1 || q.days > kMaxDays)
    return make_error(ErrorCode::invalid_argument, "days must be between 1 and " + std::to_string(kMaxDays));
  MERIDIAN_ASSIGN_OR_RETURN(auto p, prepare(viewer, q, q.days));
  Suggestions out;
  out.time_zone = p.zone;
  for (const auto& slot : suggest_slots(p.slots)) out.items.push_back(localised(p, slot));
  return out;
}

Result<RotationPlan> SchedulingService::rotation(const Subject& viewer, const SuggestionQuery& q) {
  if (q.weeks < 1 || q.weeks > 26) return make_error(ErrorCode::invalid_argument, "weeks must be between 1 and 26");
  MERIDIAN_ASSIGN_OR_RETURN(auto p, prepare(viewer, q, q.weeks * 7));
  RotationQuery rq{p.slots, p.zone, p.first, q.weeks};
  auto plan = rotate_slots(rq);
  RotationPlan out;
  out.time_zone = p.zone;
  out.inconvenienced = plan.inconvenienced;
  for (const auto& w : plan.occurrences)
    out.weeks.push_back(w ? std::optional<SuggestedSlot>(localised(p, *w)) : std::nullopt);
  return out;
}

}  // namespace meridian::availability
