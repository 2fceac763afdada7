#include "availability/availability_repository.hpp"

#include <algorithm>
#include <map>

namespace meridian::availability {
namespace {

std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

std::vector<int> split_days(std::string_view text) {
  std::vector<int> out;
  for (char c : text)
    if (c >= '1' && c <= '7') out.push_back(c - '0');
  return out;
}

HolidayCalendar calendar_from(const storage::Row& r) {
  return {r.integer(0), r.text(1), r.text(2), r.text(3), r.text(4), r.integer(5), r.integer(6), r.integer(7)};
}

constexpr const char* kCalendarColumns =
    "c.id, c.country, c.subdivision, c.name, c.source, "
    "(SELECT COUNT(*) FROM holidays h WHERE h.calendar_id = c.id), c.created_at, c.updated_at";

}  // namespace

Result<std::vector<Person>> AvailabilityRepository::people(storage::Session& s, const std::vector<std::int64_t>& ids) {
  std::vector<Person> out;
  if (ids.empty()) return out;
  storage::Params params(ids.begin(), ids.end());
  const std::string in = "(" + placeholders(ids.size()) + ")";
  MERIDIAN_ASSIGN_OR_RETURN(
      auto rows,
      s.query("SELECT u.id, u.display_name, u.kind, u.country, u.time_zone, u.active, u.work_start_minute, "
              "u.work_end_minute, u.work_days, a.user_id, a.travel_time_zone, a.travel_from, a.travel_until, "
              "a.holiday_subdivision FROM users u LEFT JOIN availability_settings a ON a.user_id = u.id "
              "WHERE u.id IN " +
                  in,
              params));
  std::map<std::int64_t, Person> found;
  for (const auto& r : rows) {
    Person p;
    p.id = r.integer(0);
    p.display_name = r.text(1);
    parse_user_kind(r.text(2), p.kind);
    p.country = r.text(3);
    p.time_zone = r.text(4);
    p.active = r.integer(5) != 0;
    if (r.is_null(9)) {
      // Never saved weekly hours: identity's one band on its working days.
      p.settings.weekly =
          WeeklyHours::office({static_cast<int>(r.integer(6)), static_cast<int>(r.integer(7))}, split_days(r.text(8)));
    }
    if (auto tz = r.optional_text(10); tz && !tz->empty()) {
      auto from = parse_date(r.text(11));
      auto until = parse_date(r.text(12));
      if (from && until) p.settings.travel = Travel{*tz, *from, *until};
    }
    p.settings.holiday_subdivision = r.text(13);
    found.emplace(p.id, std::move(p));
  }
  MERIDIAN_ASSIGN_OR_RETURN(
      auto hours,
      s.query("SELECT user_id, weekday, start_minute, end_minute FROM availability_hours WHERE user_id IN " + in +
                  " ORDER BY user_id, weekday",
              params));
  for (const auto& r : hours) {
    auto it = found.find(r.integer(0));
    const auto weekday = r.integer(1);
    if (it == found.end() || weekday < 1 || weekday > 7) continue;
    it->second.settings.weekly.days[static_cast<std::size_t>(weekday - 1)] =
        Band{static_cast<int>(r.integer(2)), static_cast<int>(r.integer(3))};
  }
  MERIDIAN_ASSIGN_OR_RETURN(auto off, s.query("SELECT user_id, day, note FROM availability_days_off WHERE user_id IN " +
                                                  in + " ORDER BY user_id, day",
                                              params));
  for (const auto& r : off) {
    auto it = found.find(r.integer(0));
    auto day = parse_date(r.text(1));
    if (it != found.end() && day) it->second.settings.days_off.push_back({*day, r.text(2)});
  }
  for (auto id : ids)
    if (auto it = found.find(id); it != found.end()) out.push_back(it->second);
  return out;
}

Result<void> AvailabilityRepository::save_settings(storage::Session& s, std::int64_t user_id, const Settings& st,
                                                   UnixMillis now) {
  MERIDIAN_TRY(storage::exec(s, "DELETE FROM availability_hours WHERE user_id = ?", {user_id}));
  MERIDIAN_TRY(storage::exec(s, "DELETE FROM availability_days_off WHERE user_id = ?", {user_id}));
  MERIDIAN_TRY(storage::exec(s, "DELETE FROM availability_settings WHERE user_id = ?", {user_id}));
  storage::Value tz = nullptr, from = nullptr, until = nullptr;
  if (st.travel) {
    tz = st.travel->time_zone;
    from = format_date(st.travel->from);
    until = format_date(st.travel->until);
  }
  MERIDIAN_TRY(storage::exec(s,
                             "INSERT INTO availability_settings (user_id, travel_time_zone, travel_from, travel_until, "
                             "holiday_subdivision, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                             {user_id, tz, from, until, st.holiday_subdivision, now}));
  for (std::size_t i = 0; i < st.weekly.days.size(); ++i) {
    const auto& band = st.weekly.days[i];
    if (!band) continue;
    MERIDIAN_TRY(storage::exec(
        s, "INSERT INTO availability_hours (user_id, weekday, start_minute, end_minute) VALUES (?, ?, ?, ?)",
        {user_id, static_cast<std::int64_t>(i + 1), std::int64_t{band->start_minute}, std::int64_t{band->end_minute}}));
  }
  for (const auto& d : st.days_off)
    MERIDIAN_TRY(storage::exec(s, "INSERT INTO availability_days_off (user_id, day, note) VALUES (?, ?, ?)",
                               {user_id, format_date(d.day), d.note}));
  return {};
}

std::vector<Holiday> holidays_for(const std::vector<CalendarHoliday>& all, const std::string& country,
                                  const std::string& subdivision) {
  std::map<Day, std::string> days;
  for (const auto& h : all) {
    if (h.country != country || !(h.subdivision.empty() || h.subdivision == subdivision)) continue;
    auto [it, added] = days.emplace(h.holiday.day, h.holiday.name);
    if (!added && h.holiday.name < it->second) it->second = h.holiday.name;
  }
  std::vector<Holiday> out;
  out.reserve(days.size());
  for (auto& [day, name] : days) out.push_back({day, std::move(name)});
  return out;
}

Result<std::vector<CalendarHoliday>> AvailabilityRepository::holidays_of(storage::Session& s,
                                                                         const std::vector<std::string>& countries,
                                                                         Day from, Day until) {
  if (countries.empty()) return std::vector<CalendarHoliday>{};
  storage::Params params(countries.begin(), countries.end());
  params.push_back(format_date(from));
  params.push_back(format_date(until));
  return storage::query_rows(
      s,
      "SELECT c.country, c.subdivision, h.day, h.name FROM holidays h JOIN holiday_calendars c ON c.id = "
      "h.calendar_id WHERE c.country IN (" +
          placeholders(countries.size()) + ") AND h.day >= ? AND h.day <= ?",
      params, [](const storage::Row& r) {
        return CalendarHoliday{r.text(0), r.text(1), Holiday{parse_date(r.text(2)).value_or(0), r.text(3)}};
      });
}

Result<std::vector<HolidayCalendar>> AvailabilityRepository::calendars(storage::Session& s) {
  return storage::query_rows(
      s,
      std::string("SELECT ") + kCalendarColumns + " FROM holiday_calendars c ORDER BY c.country, c.subdivision, c.id",
      {}, calendar_from);
}

Result<std::optional<HolidayCalendar>> AvailabilityRepository::calendar(storage::Session& s, std::int64_t id) {
  return storage::query_row(s, std::string("SELECT ") + kCalendarColumns + " FROM holiday_calendars c WHERE c.id = ?",
                            {id}, calendar_from);
}

Result<HolidayCalendar> AvailabilityRepository::create_calendar(storage::Session& s, const HolidayCalendar& c,
                                                                UnixMillis now) {
  MERIDIAN_ASSIGN_OR_RETURN(
      auto rows, s.query("INSERT INTO holiday_calendars (country, subdivision, name, source, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                         {c.country, c.subdivision, c.name, c.source, now, now}));
  HolidayCalendar out = c;
  out.id = rows.front().integer(0);
  out.holiday_count = 0;
  out.created_at = out.updated_at = now;
  return out;
}

Result<void> AvailabilityRepository::delete_calendar(storage::Session& s, std::int64_t id) {
  MERIDIAN_TRY(storage::exec(s, "DELETE FROM holidays WHERE calendar_id = ?", {id}));
  return storage::exec(s, "DELETE FROM holiday_calendars WHERE id = ?", {id});
}

Result<std::int64_t> AvailabilityRepository::put_holidays(storage::Session& s, std::int64_t calendar_id,
                                                          const std::vector<Holiday>& hs, UnixMillis now) {
  std::int64_t added = 0;
  for (const auto& h : hs) {
    MERIDIAN_ASSIGN_OR_RETURN(bool renamed,
                              storage::exec_changed(s, "UPDATE holidays SET name = ? WHERE calendar_id = ? AND day = ?",
                                                    {h.name, calendar_id, format_date(h.day)}));
    if (renamed) continue;
    MERIDIAN_TRY(storage::exec(s, "INSERT INTO holidays (calendar_id, day, name) VALUES (?, ?, ?)",
                               {calendar_id, format_date(h.day), h.name}));
    ++added;
  }
  MERIDIAN_TRY(storage::exec(s, "UPDATE holiday_calendars SET updated_at = ? WHERE id = ?", {now, calendar_id}));
  return added;
}

Result<bool> AvailabilityRepository::delete_holiday(storage::Session& s, std::int64_t calendar_id, Day day) {
  return storage::exec_changed(s, "DELETE FROM holidays WHERE calendar_id = ? AND day = ?",
                               {calendar_id, format_date(day)});
}

Result<std::vector<Holiday>> AvailabilityRepository::calendar_holidays(storage::Session& s, std::int64_t calendar_id,
                                                                       Day from, Day until) {
  return storage::query_rows(
      s, "SELECT day, name FROM holidays WHERE calendar_id = ? AND day >= ? AND day <= ? ORDER BY day",
      {calendar_id, format_date(from), format_date(until)}, [](const storage::Row& r) {
        return Holiday{parse_date(r.text(0)).value_or(0), r.text(1)};
      });
}

}  // namespace meridian::availability
