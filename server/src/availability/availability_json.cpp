#include "availability/availability_json.hpp"

#include <boost/json/array.hpp>

#include "core/json_fields.hpp"
#include "identity/user.hpp"

namespace meridian::availability {
namespace {

boost::json::array intervals_json(const Intervals& v) {
  boost::json::array out;
  for (const auto& i : v) out.push_back(boost::json::object{{"start", i.start}, {"end", i.end}});
  return out;
}

Result<int> clock_field(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  int minute = 0;
  if (!v || !v->is_string() || !identity::parse_minute(std::string_view(v->as_string()), minute))
    return make_error(ErrorCode::invalid_argument,
                      "field '" + std::string(key) + "' must be a time like \"09:00\" (00:00 to 24:00)");
  return minute;
}

Result<Day> date_field(const boost::json::value* v, std::string_view key) {
  if (!v || !v->is_string())
    return make_error(ErrorCode::invalid_argument,
                      "field '" + std::string(key) + "' must be a date like \"2026-03-30\"");
  auto d = parse_date(std::string_view(v->as_string()));
  if (!d)
    return make_error(ErrorCode::invalid_argument,
                      "field '" + std::string(key) + "' must be a date like \"2026-03-30\"");
  return *d;
}

Result<std::vector<std::int64_t>> ids_field(const boost::json::object& body, std::string_view key) {
  const auto* v = body.if_contains(key);
  const std::string bad = "field '" + std::string(key) + "' must be an array of user ids";
  if (!v || !v->is_array()) return make_error(ErrorCode::invalid_argument, bad);
  std::vector<std::int64_t> out;
  for (const auto& x : v->as_array()) {
    if (!x.is_int64() || x.as_int64() <= 0) return make_error(ErrorCode::invalid_argument, bad);
    out.push_back(x.as_int64());
  }
  return out;
}

boost::json::array local_json(const std::vector<LocalStart>& local) {
  boost::json::array out;
  for (const auto& l : local)
    out.push_back(
        boost::json::object{{"user_id", l.user_id}, {"time_zone", l.time_zone}, {"local_start", l.local_start}});
  return out;
}

boost::json::object slot_json(const SuggestedSlot& s) {
  boost::json::array outside;
  for (auto id : s.slot.outside) outside.push_back(id);
  return {{"start", s.slot.at.start},
          {"end", s.slot.at.end},
          {"score", s.slot.score},
          {"outside_working_hours", std::move(outside)},
          {"local", local_json(s.local)}};
}

}  // namespace

boost::json::object person_json(const PersonSchedule& p, UnixMillis now, Day holidays_from, Day holidays_until) {
  const auto& s = p.schedule;
  boost::json::array weekly;
  for (std::size_t i = 0; i < s.weekly.days.size(); ++i)
    if (const auto& b = s.weekly.days[i])
      weekly.push_back(boost::json::object{{"weekday", static_cast<std::int64_t>(i + 1)},
                                           {"start", identity::format_minute(b->start_minute)},
                                           {"end", identity::format_minute(b->end_minute)}});
  boost::json::array days_off, holidays;
  for (const auto& d : p.person.settings.days_off)
    days_off.push_back(boost::json::object{{"date", format_date(d.day)}, {"note", d.note}});
  for (const auto& [day, a] : s.absences)
    if (a.kind == AbsenceKind::holiday && day >= holidays_from && day <= holidays_until)
      holidays.push_back(boost::json::object{{"date", format_date(day)}, {"name", a.name}});
  boost::json::value travel = nullptr;
  if (s.travel)
    travel = boost::json::object{{"time_zone", s.travel->time_zone},
                                 {"from", format_date(s.travel->from)},
                                 {"until", format_date(s.travel->until)}};
  const auto today = local_clock(s.time_zone, now).day;
  const auto& zone_now = zone_on(s, today);
  const auto here = local_clock(zone_now, now);
  char clock[32];
  std::snprintf(clock, sizeof clock, "%02d:%02d", here.minute / 60, here.minute % 60);
  return {{"user_id", p.person.id},
          {"display_name", p.person.display_name},
          {"country", p.person.country},
          {"time_zone", s.time_zone},
          {"current_time_zone", zone_now},
          {"local_time", format_date(here.day) + "T" + clock},
          {"working_now", working_at(s, now)},
          {"weekly", std::move(weekly)},
          {"days_off", std::move(days_off)},
          {"travel", std::move(travel)},
          {"holiday_subdivision", p.person.settings.holiday_subdivision},
          {"holidays", std::move(holidays)}};
}

Result<Settings> settings_from(const boost::json::object& body) {
  MERIDIAN_TRY(json::reject_unknown_fields(body, {"weekly", "days_off", "travel", "holiday_subdivision"}));
  Settings out;
  const auto* weekly = body.if_contains("weekly");
  if (!weekly || !weekly->is_array())
    return make_error(ErrorCode::invalid_argument,
                      "field 'weekly' must be an array like [{\"weekday\":1,\"start\":\"09:00\",\"end\":\"17:00\"}]");
  for (const auto& v : weekly->as_array()) {
    if (!v.is_object()) return make_error(ErrorCode::invalid_argument, "each of 'weekly' must be an object");
    const auto& o = v.as_object();
    MERIDIAN_TRY(json::reject_unknown_fields(o, {"weekday", "start", "end"}));
    const auto* wd = o.if_contains("weekday");
    if (!wd || !wd->is_int64() || wd->as_int64() < 1 || wd->as_int64() > 7)
      return make_error(ErrorCode::invalid_argument, "weekday is an ISO weekday, 1 (Monday) to 7 (Sunday)");
    auto& slot = out.weekly.days[static_cast<std::size_t>(wd->as_int64() - 1)];
    if (slot)
      return make_error(ErrorCode::invalid_argument, "weekday " + std::to_string(wd->as_int64()) + " is listed twice");
    MERIDIAN_ASSIGN_OR_RETURN(int start, clock_field(o, "start"));
    MERIDIAN_ASSIGN_OR_RETURN(int end, clock_field(o, "end"));
    slot = Band{start, end};
  }
  if (const auto* off = body.if_contains("days_off"); off && !off->is_null()) {
    if (!off->is_array()) return make_error(ErrorCode::invalid_argument, "field 'days_off' must be an array");
    for (const auto& v : off->as_array()) {
      if (!v.is_object()) return make_error(ErrorCode::invalid_argument, "each of 'days_off' must be an object");
      const auto& o = v.as_object();
      MERIDIAN_TRY(json::reject_unknown_fields(o, {"date", "note"}));
      MERIDIAN_ASSIGN_OR_RETURN(Day d, date_field(o.if_contains("date"), "date"));
      MERIDIAN_ASSIGN_OR_RETURN(auto note, json::optional_string(o, "note", 200));
      out.days_off.push_back({d, note.value_or("")});
    }
  }
  if (const auto* t = body.if_contains("travel"); t && !t->is_null()) {
    if (!t->is_object()) return make_error(ErrorCode::invalid_argument, "field 'travel' must be an object or null");
    const auto& o = t->as_object();
    MERIDIAN_TRY(json::reject_unknown_fields(o, {"time_zone", "from", "until"}));
    Travel travel;
    MERIDIAN_ASSIGN_OR_RETURN(travel.time_zone, json::required_string(o, "time_zone", 64));
    MERIDIAN_ASSIGN_OR_RETURN(travel.from, date_field(o.if_contains("from"), "from"));
    MERIDIAN_ASSIGN_OR_RETURN(travel.until, date_field(o.if_contains("until"), "until"));
    out.travel = std::move(travel);
  }
  MERIDIAN_ASSIGN_OR_RETURN(auto sub, json::optional_string(body, "holiday_subdivision", 6));
  out.holiday_subdivision = sub.value_or("");
  return out;
}

boost::json::object overlap_json(const OverlapView& v, UnixMillis now) {
  boost::json::array people;
  const Day first = v.days.empty() ? 0 : v.days.front().date;
  const Day last = v.days.empty() ? 0 : v.days.back().date;
  for (const auto& p : v.people) people.push_back(person_json(p, now, first - 1, last + 1));
  boost::json::array days;
  for (const auto& d : v.days) {
    boost::json::array who;
    for (const auto& pd : d.people) {
      boost::json::array absences;
      for (const auto& a : pd.absences)
        absences.push_back(boost::json::object{{"kind", absence_kind_name(a.absence.kind)},
                                               {"date", format_date(a.absence.day)},
                                               {"name", a.absence.name},
                                               {"start", a.at.start},
                                               {"end", a.at.end}});
      who.push_back(boost::json::object{
          {"user_id", pd.user_id}, {"working", intervals_json(pd.working)}, {"absences", std::move(absences)}});
    }
    UnixMillis total = 0;
    for (const auto& w : d.windows) total += w.end - w.start;
    days.push_back(boost::json::object{{"date", format_date(d.date)},
                                       {"start", d.bounds.start},
                                       {"end", d.bounds.end},
                                       {"windows", intervals_json(d.windows)},
                                       {"overlap_minutes", total / kMinuteMs},
                                       {"people", std::move(who)}});
  }
  return {{"time_zone", v.time_zone}, {"people", std::move(people)}, {"days", std::move(days)}};
}

boost::json::object suggestions_json(const Suggestions& s) {
  boost::json::array items;
  for (const auto& i : s.items) items.push_back(slot_json(i));
  return {{"time_zone", s.time_zone}, {"items", std::move(items)}};
}

boost::json::object rotation_json(const RotationPlan& r) {
  boost::json::array weeks;
  for (const auto& w : r.weeks) weeks.push_back(w ? boost::json::value(slot_json(*w)) : boost::json::value(nullptr));
  boost::json::array counts;
  for (const auto& [user, n] : r.inconvenienced) counts.push_back(boost::json::object{{"user_id", user}, {"count", n}});
  return {{"time_zone", r.time_zone}, {"items", std::move(weeks)}, {"inconvenienced", std::move(counts)}};
}

Result<SuggestionQuery> suggestion_query_from(const boost::json::object& body) {
  SuggestionQuery q;
  MERIDIAN_ASSIGN_OR_RETURN(q.user_ids, ids_field(body, "user_ids"));
  const auto* duration = body.if_contains("duration_minutes");
  if (!duration || !duration->is_int64())
    return make_error(ErrorCode::invalid_argument, "field 'duration_minutes' must be a whole number of minutes");
  q.duration_minutes = static_cast<int>(std::clamp<std::int64_t>(duration->as_int64(), -1, 100000));
  if (const auto* from = body.if_contains("from"); from && !from->is_null()) {
    if (from->is_int64()) {
      q.from_instant = from->as_int64();
    } else {
      MERIDIAN_ASSIGN_OR_RETURN(q.from, date_field(from, "from"));
    }
  }
  for (auto [key, field, fallback] :
       {std::tuple{"days", &q.days, 7}, std::tuple{"limit", &q.limit, 10}, std::tuple{"weeks", &q.weeks, 13}}) {
    const auto* v = body.if_contains(key);
    if (!v || v->is_null()) continue;
    if (!v->is_int64())
      return make_error(ErrorCode::invalid_argument, "field '" + std::string(key) + "' must be a whole number");
    *field = static_cast<int>(std::clamp<std::int64_t>(v->as_int64(), -1, 100000));
    (void)fallback;
  }
  MERIDIAN_ASSIGN_OR_RETURN(q.time_zone, json::optional_string(body, "time_zone", 64));
  return q;
}

boost::json::object calendar_json(const HolidayCalendar& c) {
  return {{"id", c.id},
          {"country", c.country},
          {"subdivision", c.subdivision},
          {"name", c.name},
          {"source", c.source},
          {"holiday_count", c.holiday_count},
          {"created_at", c.created_at},
          {"updated_at", c.updated_at}};
}

boost::json::object import_json(const ImportResult& r) {
  return {{"calendar", calendar_json(r.calendar)}, {"added", r.added}, {"updated", r.updated}, {"skipped", r.skipped}};
}

boost::json::object holiday_json(const Holiday& h) { return {{"date", format_date(h.day)}, {"name", h.name}}; }

Result<Holiday> holiday_from(const boost::json::object& body) {
  Holiday h;
  MERIDIAN_ASSIGN_OR_RETURN(h.day, date_field(body.if_contains("date"), "date"));
  MERIDIAN_ASSIGN_OR_RETURN(h.name, json::required_string(body, "name", 200));
  return h;
}

}  // namespace meridian::availability
