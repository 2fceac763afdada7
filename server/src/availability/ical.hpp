// iCalendar (RFC 5545) in and out, through libical: holiday calendars imported from .ics
// files, and a person's availability exported as a VAVAILABILITY (RFC 7953) with one
// AVAILABLE block per working weekday (wall-clock time + IANA zone, weekly RRULE) and their
// days off and holidays as all-day busy events.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "availability/holidays.hpp"
#include "availability/schedule.hpp"
#include "core/result.hpp"

namespace meridian::availability {

inline constexpr std::size_t kMaxImportedHolidays = 5000;

struct ImportedHolidays {
  std::vector<Holiday> holidays;  // sorted by date, one per date
  int skipped = 0;                // events without a usable start, or outside the window
};

// Every VEVENT's dates (all-day or timed: its start date; DTEND makes a span of days; a
// RRULE is expanded, EXDATEs respected) inside [window_from, window_until]. Not iCalendar,
// or no VEVENT at all: invalid_argument naming what is wrong.
Result<ImportedHolidays> parse_holidays(std::string_view ics, Day window_from, Day window_until);

struct AvailabilityExport {
  std::string uid_domain = "meridian.invalid";
  std::string display_name;
  UnixMillis now = 0;
  Day absences_until = 0;  // absences from now's date until this one
};
// text/calendar; lines folded at 75 octets and CRLF-terminated.
std::string export_availability(const Schedule& s, const AvailabilityExport& how);

}  // namespace meridian::availability
