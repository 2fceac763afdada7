#include "availability/availability_service.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "core/log.hpp"
#include "core/text_rules.hpp"
#include "region/countries.hpp"

namespace meridian::availability {
namespace {

using policy::Action;

std::string calendar_target(std::int64_t id) { return "holiday_calendar:" + std::to_string(id); }

// Builds the schedule from the person's settings and the holidays of their calendars.
Schedule schedule_of(const Person& p, const std::vector<Holiday>& holidays) {
  Schedule s;
  s.user_id = p.id;
  s.time_zone = p.time_zone;
  s.weekly = p.settings.weekly;
  s.travel = p.settings.travel;
  for (const auto& h : holidays) s.absences[h.day] = Absence{h.day, AbsenceKind::holiday, h.name};
  for (const auto& d : p.settings.days_off) s.absences[d.day] = Absence{d.day, AbsenceKind::day_off, d.note};
  return s;
}

}  // namespace

Result<void> validate(const Settings& s) {
  for (const auto& band : s.weekly.days)
    if (band)
      if (auto why = invalid_band(*band)) return make_error(ErrorCode::invalid_argument, *why);
  if (s.days_off.size() > kMaxDaysOff)
    return make_error(ErrorCode::invalid_argument, "at most " + std::to_string(kMaxDaysOff) + " days off");
  std::set<Day> seen;
  for (const auto& d : s.days_off) {
    if (!seen.insert(d.day).second)
      return make_error(ErrorCode::invalid_argument, "day off " + format_date(d.day) + " is listed twice");
    if (d.note.size() > 200)
      return make_error(ErrorCode::invalid_argument, "a day off's note is at most 200 characters");
    MERIDIAN_TRY(text::check(d.note, "a day off's note", text::Lines::single));
  }
  if (s.travel) {
    if (!region::is_time_zone(s.travel->time_zone))
      return make_error(ErrorCode::invalid_argument,
                        "travel time_zone '" + s.travel->time_zone + "' is not an IANA time zone (e.g. Asia/Tokyo)");
    if (s.travel->until < s.travel->from)
      return make_error(ErrorCode::invalid_argument, "travel 'until' is before 'from'");
    if (s.travel->until - s.travel->from > 366)
      return make_error(ErrorCode::invalid_argument, "a trip lasts at most a year");
  }
  if (s.holiday_subdivision.size() > 6)
    return make_error(ErrorCode::invalid_argument,
                      "holiday_subdivision is an ISO 3166-2 subdivision code (e.g. US-NY, DE-BY) or empty");
  return {};
}

Result<std::vector<PersonSchedule>> AvailabilityService::load(storage::Session& s, const std::vector<std::int64_t>& ids,
                                                              Day from, Day until) {
  MERIDIAN_ASSIGN_OR_RETURN(auto people, repo_.people(s, ids));
  std::vector<std::string> countries;
  for (const auto& p : people)
    if (std::find(countries.begin(), countries.end(), p.country) == countries.end()) countries.push_back(p.country);
  // Two days of margin: a viewer's date can be the person's day before or after.
  MERIDIAN_ASSIGN_OR_RETURN(auto holidays, repo_.holidays_of(s, countries, from - 2, until + 2));
  std::vector<PersonSchedule> out;
  out.reserve(people.size());
  for (auto& p : people) {
    auto schedule = schedule_of(p, holidays_for(holidays, p.country, p.settings.holiday_subdivision));
    out.push_back({std::move(p), std::move(schedule)});
  }
  return out;
}

std::optional<std::vector<PersonSchedule>> AvailabilityService::known(const std::vector<std::int64_t>& ids, Day from,
                                                                      Day until) {
  auto people =
      read_value<std::vector<PersonSchedule>>(db_, [&](storage::Session& s) { return load(s, ids, from, until); });
  if (!people.ok()) {
    log::warn("availability.working_time_failed", {{"message", people.error().message}});
    return std::nullopt;
  }
  // Someone without a valid zone has no working time to tell.
  std::erase_if(*people, [](const PersonSchedule& p) { return !region::is_time_zone(p.schedule.time_zone); });
  return std::move(*people);
}

std::optional<bool> AvailabilityService::working_at(std::int64_t user_id, std::int64_t unix_ms) {
  auto found = working_at(std::vector<std::int64_t>{user_id}, unix_ms);
  if (auto it = found.find(user_id); it != found.end()) return it->second;
  return std::nullopt;
}

std::map<std::int64_t, bool> AvailabilityService::working_at(const std::vector<std::int64_t>& user_ids,
                                                             std::int64_t unix_ms) {
  std::map<std::int64_t, bool> out;
  std::vector<std::int64_t> ids;
  for (auto id : user_ids)
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  if (ids.empty()) return out;
  const Day around = static_cast<Day>(unix_ms / kDayMs);
  auto people = known(ids, around - 1, around + 1);
  if (!people) return out;
  for (const auto& p : *people) out[p.person.id] = availability::working_at(p.schedule, unix_ms);
  return out;
}

std::optional<platform::WorkingTime::NextStart> AvailabilityService::next_working_start(std::int64_t user_id,
                                                                                        std::int64_t unix_ms,
                                                                                        std::int64_t within_ms) {
  within_ms = std::clamp<std::int64_t>(within_ms, 0, kMaxNextStartDays * kDayMs);
  const Day first = static_cast<Day>(unix_ms / kDayMs);
  auto people = known({user_id}, first - 1, static_cast<Day>((unix_ms + within_ms) / kDayMs) + 1);
  if (!people || people->empty()) return std::nullopt;
  // Clipped to the range, so an interval running at unix_ms starts at unix_ms itself.
  const auto intervals = working_intervals(people->front().schedule, unix_ms, unix_ms + within_ms);
  NextStart next;
  if (!intervals.empty()) next.at = intervals.front().start;
  return next;
}

Result<std::vector<PersonSchedule>> AvailabilityService::people(const Subject& viewer,
                                                                const std::vector<std::int64_t>& asked, Day from,
                                                                Day until) {
  std::vector<std::int64_t> ids;
  for (auto id : asked)
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  if (ids.empty()) return make_error(ErrorCode::invalid_argument, "user_ids must name at least one person");
  if (ids.size() > kMaxPeople)
    return make_error(ErrorCode::invalid_argument, "user_ids names at most " + std::to_string(kMaxPeople) + " people");
  MERIDIAN_ASSIGN_OR_RETURN(auto people, read_value<std::vector<PersonSchedule>>(
                                             db_, [&](storage::Session& s) { return load(s, ids, from, until); }));
  if (people.size() != ids.size()) return make_error(ErrorCode::not_found, "no such user");
  for (const auto& p : people) {
    policy::Resource r{p.person.id, "",
                       p.person.id == viewer.user_id ? policy::Relationship::owner : policy::Relationship::none};
    // Someone whose account is closed is not shown to anyone else (as if absent).
    if (!p.person.active && p.person.id != viewer.user_id) return make_error(ErrorCode::not_found, "no such user");
    // Whose hours one may not see is answered like someone who does not exist.
    if (!policy_.permits(viewer, Action::read_availability, r)) return make_error(ErrorCode::not_found, "no such user");
    if (!region::is_time_zone(p.schedule.time_zone))
      return make_error(ErrorCode::conflict, "user " + std::to_string(p.person.id) + " has no valid time zone");
  }
  return people;
}

Day AvailabilityService::today_in(const std::string& zone) const { return local_clock(zone, clock_.now_ms()).day; }

Result<std::string> AvailabilityService::viewer_zone(const Subject& viewer, const std::optional<std::string>& asked) {
  if (asked) {
    if (!region::is_time_zone(*asked))
      return make_error(ErrorCode::invalid_argument,
                        "tz '" + *asked + "' is not an IANA time zone (e.g. Europe/Lisbon)");
    return *asked;
  }
  const Day today = static_cast<Day>(clock_.now_ms() / kDayMs);
  MERIDIAN_ASSIGN_OR_RETURN(auto me, read_value<std::vector<PersonSchedule>>(db_, [&](storage::Session& s) {
                              return load(s, {viewer.user_id}, today - 1, today + 1);
                            }));
  if (me.empty() || !region::is_time_zone(me.front().schedule.time_zone)) return std::string("UTC");
  const auto& s = me.front().schedule;
  return zone_on(s, local_clock(s.time_zone, clock_.now_ms()).day);
}

Result<OverlapView> AvailabilityService::overlap(const Subject& viewer, const std::vector<std::int64_t>& ids,
                                                 std::optional<Day> from, int days,
                                                 const std::optional<std::string>& tz) {
  if (days < 1 || days > kMaxDays)
    return make_error(ErrorCode::invalid_argument, "days must be between 1 and " + std::to_string(kMaxDays));
  OverlapView out;
  MERIDIAN_ASSIGN_OR_RETURN(out.time_zone, viewer_zone(viewer, tz));
  const Day first = from ? *from : today_in(out.time_zone);
  MERIDIAN_ASSIGN_OR_RETURN(out.people, people(viewer, ids, first, first + days));
  std::vector<Schedule> schedules;
  for (const auto& p : out.people) schedules.push_back(p.schedule);
  out.days = availability::overlap(schedules, out.time_zone, first, days);
  return out;
}

Result<PersonSchedule> AvailabilityService::mine(const Subject& who) {
  const Day today = static_cast<Day>(clock_.now_ms() / kDayMs);
  MERIDIAN_ASSIGN_OR_RETURN(auto me, people(who, {who.user_id}, today - 1, today + 366));
  return me.front();
}

Result<PersonSchedule> AvailabilityService::save(const Subject& who, Settings settings, const std::string& ip) {
  MERIDIAN_TRY(validate(settings));
  std::sort(settings.days_off.begin(), settings.days_off.end(),
            [](const DayOff& a, const DayOff& b) { return a.day < b.day; });
  MERIDIAN_TRY(db_.write([&](storage::Session& s) -> Result<void> {
    MERIDIAN_TRY(storage::lock_row(s, "users", who.user_id));
    MERIDIAN_TRY(repo_.save_settings(s, who.user_id, settings, clock_.now_ms()));
    return audit_.record(s, audit::Actor::from(who, ip), "availability.update", "user:" + std::to_string(who.user_id),
                         "ok");
  }));
  return mine(who);
}

Result<std::string> AvailabilityService::ical(const Subject& viewer, std::int64_t user_id) {
  const Day today = static_cast<Day>(clock_.now_ms() / kDayMs);
  MERIDIAN_ASSIGN_OR_RETURN(auto people, people(viewer, {user_id}, today - 1, today + 366));
  AvailabilityExport how;
  how.display_name = people.front().person.display_name;
  how.now = clock_.now_ms();
  how.absences_until = today + 366;
  return export_availability(people.front().schedule, how);
}

Result<std::vector<HolidayCalendar>> AvailabilityService::calendars(const Subject& who) {
  MERIDIAN_TRY(policy_.require(who, Action::manage_holidays));
  return read_value<std::vector<HolidayCalendar>>(db_, [&](storage::Session& s) { return repo_.calendars(s); });
}

Result<HolidayCalendar> AvailabilityService::create_calendar(const Subject& who, HolidayCalendar c,
                                                             const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, Action::manage_holidays));
  if (!region::is_country_code(c.country))
    return make_error(ErrorCode::invalid_argument,
                      "'" + c.country + "' is not an ISO 3166-1 alpha-2 country code (e.g. PT, US, JP)");
  if (!c.subdivision.empty() && (c.subdivision.size() > 6 || c.subdivision.rfind(c.country + "-", 0) != 0))
    return make_error(ErrorCode::invalid_argument,
                      "subdivision is an ISO 3166-2 code of the country (e.g. " + c.country + "-XX) or empty");
  if (c.name.empty() || c.name.size() > 120)
    return make_error(ErrorCode::invalid_argument, "name must be 1 to 120 characters");
  if (c.source.size() > 500) return make_error(ErrorCode::invalid_argument, "source is at most 500 characters");
  MERIDIAN_TRY(text::check(c.name, "the calendar's name", text::Lines::single));
  MERIDIAN_TRY(text::check(c.source, "the calendar's source", text::Lines::single));
  return write_value<HolidayCalendar>(db_, [&](storage::Session& s) -> Result<HolidayCalendar> {
    MERIDIAN_ASSIGN_OR_RETURN(auto made, repo_.create_calendar(s, c, clock_.now_ms()));
    MERIDIAN_TRY(
        audit_.record(s, audit::Actor::from(who, ip), "admin.holidays.create", calendar_target(made.id), "ok"));
    return made;
  });
}

Result<void> AvailabilityService::delete_calendar(const Subject& who, std::int64_t id, const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, Action::manage_holidays));
  return db_.write([&](storage::Session& s) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(auto found, repo_.calendar(s, id));
    if (!found) return make_error(ErrorCode::not_found, "no holiday calendar " + std::to_string(id));
    MERIDIAN_TRY(repo_.delete_calendar(s, id));
    return audit_.record(s, audit::Actor::from(who, ip), "admin.holidays.delete", calendar_target(id), "ok");
  });
}

Result<ImportResult> AvailabilityService::put(const Subject& who, std::int64_t id, const std::vector<Holiday>& holidays,
                                              int skipped, std::string_view action, const std::string& ip) {
  return write_value<ImportResult>(db_, [&](storage::Session& s) -> Result<ImportResult> {
    MERIDIAN_ASSIGN_OR_RETURN(auto found, repo_.calendar(s, id));
    if (!found) return make_error(ErrorCode::not_found, "no holiday calendar " + std::to_string(id));
    ImportResult out;
    MERIDIAN_ASSIGN_OR_RETURN(out.added, repo_.put_holidays(s, id, holidays, clock_.now_ms()));
    out.updated = static_cast<std::int64_t>(holidays.size()) - out.added;
    out.skipped = skipped;
    MERIDIAN_ASSIGN_OR_RETURN(auto after, repo_.calendar(s, id));
    out.calendar = *after;
    MERIDIAN_TRY(
        audit_.record(s, audit::Actor::from(who, ip), action, calendar_target(id), "ok",
                      "{\"added\":" + std::to_string(out.added) + ",\"updated\":" + std::to_string(out.updated) + "}"));
    return out;
  });
}

Result<ImportResult> AvailabilityService::import_ical(const Subject& who, std::int64_t id, std::string_view ics,
                                                      const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, Action::manage_holidays));
  const int year = year_of(static_cast<Day>(clock_.now_ms() / kDayMs));
  // Past years matter for nothing here; recurring entries are expanded five years ahead.
  MERIDIAN_ASSIGN_OR_RETURN(auto parsed, parse_holidays(ics, day_of(year - 1, 1, 1), day_of(year + 5, 12, 31)));
  // A name breaking the rules of typed text refuses the whole file: nothing is stored.
  for (const auto& h : parsed.holidays)
    MERIDIAN_TRY(text::check(h.name, "the name of the holiday on " + format_date(h.day), text::Lines::single));
  return put(who, id, parsed.holidays, parsed.skipped, "admin.holidays.import", ip);
}

Result<ImportResult> AvailabilityService::install_defaults(const Subject& who, const std::string& country,
                                                           int first_year, int years, const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, Action::manage_holidays));
  if (!has_default_holidays(country))
    return make_error(ErrorCode::invalid_argument, "no default holidays for '" + country +
                                                       "': defaults exist for DE, JP, PT and US; import an iCalendar "
                                                       "file for any other country");
  if (first_year < 1980 || first_year > 2099 || years < 1 || years > 10 || first_year + years - 1 > 2099)
    return make_error(ErrorCode::invalid_argument, "years must be 1 to 10 years between 1980 and 2099");
  std::vector<Holiday> all;
  for (int y = first_year; y < first_year + years; ++y) {
    auto hs = default_holidays(country, y);
    all.insert(all.end(), hs.begin(), hs.end());
  }
  // One calendar per country for the defaults: installing again adds the years asked for.
  MERIDIAN_ASSIGN_OR_RETURN(auto existing, calendars(who));
  std::int64_t id = 0;
  for (const auto& c : existing)
    if (c.country == country && c.subdivision.empty() && c.source.rfind("meridian-default:", 0) == 0) id = c.id;
  if (!id) {
    HolidayCalendar c;
    c.country = country;
    c.name = "Public holidays " + country;
    c.source = "meridian-default:" + country + " (rules in server/src/availability/holidays.hpp)";
    MERIDIAN_ASSIGN_OR_RETURN(auto made, create_calendar(who, c, ip));
    id = made.id;
  }
  return put(who, id, all, 0, "admin.holidays.defaults", ip);
}

Result<std::vector<Holiday>> AvailabilityService::calendar_holidays(const Subject& who, std::int64_t id, int year) {
  MERIDIAN_TRY(policy_.require(who, Action::manage_holidays));
  if (year < 1970 || year > 2200) return make_error(ErrorCode::invalid_argument, "year must be between 1970 and 2200");
  return read_value<std::vector<Holiday>>(db_, [&](storage::Session& s) -> Result<std::vector<Holiday>> {
    MERIDIAN_ASSIGN_OR_RETURN(auto found, repo_.calendar(s, id));
    if (!found) return make_error(ErrorCode::not_found, "no holiday calendar " + std::to_string(id));
    return repo_.calendar_holidays(s, id, day_of(year, 1, 1), day_of(year, 12, 31));
  });
}

Result<ImportResult> AvailabilityService::add_holidays(const Subject& who, std::int64_t id,
                                                       std::vector<Holiday> holidays, const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, Action::manage_holidays));
  for (const auto& h : holidays) {
    if (h.name.empty() || h.name.size() > 200)
      return make_error(ErrorCode::invalid_argument, "a holiday's name must be 1 to 200 characters");
    MERIDIAN_TRY(text::check(h.name, "a holiday's name", text::Lines::single));
  }
  return put(who, id, holidays, 0, "admin.holidays.add", ip);
}

Result<void> AvailabilityService::delete_holiday(const Subject& who, std::int64_t id, Day day, const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, Action::manage_holidays));
  return db_.write([&](storage::Session& s) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(bool gone, repo_.delete_holiday(s, id, day));
    if (!gone)
      return make_error(ErrorCode::not_found,
                        "no holiday on " + format_date(day) + " in calendar " + std::to_string(id));
    return audit_.record(s, audit::Actor::from(who, ip), "admin.holidays.remove", calendar_target(id), "ok",
                         "{\"day\":\"" + format_date(day) + "\"}");
  });
}

}  // namespace meridian::availability
