// Availability's SQL: people's weekly hours, days off and travel zone, and the holiday
// calendars. People's identity fields (kind, country, home zone, the band identity keeps
// for accounts that never saved weekly hours) are read from users, as presence reads them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "availability/holidays.hpp"
#include "availability/schedule.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "storage/database.hpp"

namespace meridian::availability {

struct DayOff {
  Day day = 0;
  std::string note;
};

// A person's own settings (what PUT /me/availability replaces).
struct Settings {
  WeeklyHours weekly;
  std::vector<DayOff> days_off;
  std::optional<Travel> travel;
  std::string holiday_subdivision;  // ISO 3166-2 code of the region whose calendar applies, or ""
};

struct Person {
  std::int64_t id = 0;
  std::string display_name;
  UserKind kind = UserKind::employee;
  std::string country;
  std::string time_zone;
  bool active = true;
  Settings settings;
};

struct HolidayCalendar {
  std::int64_t id = 0;
  std::string country;
  std::string subdivision;
  std::string name;
  std::string source;
  std::int64_t holiday_count = 0;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
};

// A holiday with the country and subdivision ("" for the whole country) of its calendar.
struct CalendarHoliday {
  std::string country;
  std::string subdivision;
  Holiday holiday;
};

// The holidays of these calendar entries that apply to a person of this country and
// subdivision: the country's national calendars and their subdivision's, one per date
// (the first name in byte order when calendars disagree), sorted by date.
std::vector<Holiday> holidays_for(const std::vector<CalendarHoliday>& all, const std::string& country,
                                  const std::string& subdivision);

class AvailabilityRepository final {
 public:
  // The people with these ids (absent: no such user), in the order asked.
  Result<std::vector<Person>> people(storage::Session& s, const std::vector<std::int64_t>& ids);
  Result<void> save_settings(storage::Session& s, std::int64_t user_id, const Settings& settings, UnixMillis now);

  // Every holiday between two dates of the calendars of these countries (national and
  // subdivision calendars alike), in one query whatever the number of people asking.
  Result<std::vector<CalendarHoliday>> holidays_of(storage::Session& s, const std::vector<std::string>& countries,
                                                   Day from, Day until);

  Result<std::vector<HolidayCalendar>> calendars(storage::Session& s);
  Result<std::optional<HolidayCalendar>> calendar(storage::Session& s, std::int64_t id);
  Result<HolidayCalendar> create_calendar(storage::Session& s, const HolidayCalendar& c, UnixMillis now);
  Result<void> delete_calendar(storage::Session& s, std::int64_t id);
  // Adds or renames the calendar's holidays on these dates; answers how many were new.
  Result<std::int64_t> put_holidays(storage::Session& s, std::int64_t calendar_id, const std::vector<Holiday>& hs,
                                    UnixMillis now);
  Result<bool> delete_holiday(storage::Session& s, std::int64_t calendar_id, Day day);
  Result<std::vector<Holiday>> calendar_holidays(storage::Session& s, std::int64_t calendar_id, Day from, Day until);
};

}  // namespace meridian::availability
