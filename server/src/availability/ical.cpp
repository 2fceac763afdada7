#include "availability/ical.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>

namespace meridian::availability {
namespace {

struct ComponentFree {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using Component = std::unique_ptr<icalcomponent, ComponentFree>;

Day day_from(const icaltimetype& t) {
  return day_of(t.year, static_cast<unsigned>(t.month), static_cast<unsigned>(t.day));
}

// TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 3.3.11).
std::string escape_text(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == ';' || c == ',') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\r') continue;
    out += c;
  }
  return out;
}

// Folds a content line at 75 octets without splitting a UTF-8 sequence.
void line(std::string& out, std::string_view text) {
  std::size_t width = 75;
  while (text.size() > width) {
    std::size_t cut = width;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    out.append(text.substr(0, cut));
    out += "\r\n ";
    text.remove_prefix(cut);
    width = 74;
  }
  out.append(text);
  out += "\r\n";
}

std::string stamp(UnixMillis ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string compact_date(Day d) {
  auto s = format_date(d);
  s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
  return s;
}

constexpr const char* kByDay[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

}  // namespace

Result<ImportedHolidays> parse_holidays(std::string_view ics, Day window_from, Day window_until) {
  std::string text(ics);
  if (text.find("BEGIN:VCALENDAR") == std::string::npos)
    return make_error(ErrorCode::invalid_argument, "the file is not iCalendar: it has no BEGIN:VCALENDAR");
  Component root(icalparser_parse_string(text.c_str()));
  if (!root) return make_error(ErrorCode::invalid_argument, "the iCalendar file could not be read");
  icalcomponent* cal = root.get();
  if (icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT)
    cal = icalcomponent_get_first_component(root.get(), ICAL_VCALENDAR_COMPONENT);
  if (!cal) return make_error(ErrorCode::invalid_argument, "the iCalendar file has no VCALENDAR");

  std::map<Day, std::string> days;
  ImportedHolidays out;
  int events = 0;
  for (icalcomponent* ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
       ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
    ++events;
    icaltimetype start = icalcomponent_get_dtstart(ev);
    if (icaltime_is_null_time(start) || !icaltime_is_valid_time(start) || start.year < 1970 || start.year > 2200) {
      ++out.skipped;
      continue;
    }
    const char* summary = icalcomponent_get_summary(ev);
    std::string name = summary ? summary : "Holiday";
    if (name.size() > 200) name.resize(200);
    int span = 1;
    if (icalproperty* end_prop = icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY)) {
      icaltimetype end = icalproperty_get_dtend(end_prop);
      if (!icaltime_is_null_time(end) && icaltime_is_valid_time(end) && end.year >= 1970 && end.year <= 2200)
        span = std::clamp(static_cast<int>(day_from(end) - day_from(start)), 1, 31);
    }
    std::set<Day> excluded;
    for (icalproperty* ex = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY); ex;
         ex = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY))
      excluded.insert(day_from(icalproperty_get_exdate(ex)));

    std::vector<Day> starts;
    if (icalproperty* rrule = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY)) {
      struct icalrecurrencetype recur = icalproperty_get_rrule(rrule);
      icalrecur_iterator* it = icalrecur_iterator_new(recur, start);
      if (!it) {
        ++out.skipped;
        continue;
      }
      for (icaltimetype t = icalrecur_iterator_next(it); !icaltime_is_null_time(t); t = icalrecur_iterator_next(it)) {
        Day d = day_from(t);
        if (d > window_until || starts.size() > kMaxImportedHolidays) break;
        starts.push_back(d);
      }
      icalrecur_iterator_free(it);
    } else {
      starts.push_back(day_from(start));
    }
    bool used = false;
    for (Day first : starts) {
      if (excluded.count(first)) continue;
      for (int i = 0; i < span; ++i) {
        Day d = first + i;
        if (d < window_from || d > window_until) continue;
        days.emplace(d, name);
        used = true;
      }
    }
    if (!used) ++out.skipped;
    if (days.size() > kMaxImportedHolidays)
      return make_error(ErrorCode::invalid_argument,
                        "the file holds more than " + std::to_string(kMaxImportedHolidays) + " holidays");
  }
  if (events == 0) return make_error(ErrorCode::invalid_argument, "the iCalendar file has no VEVENT");
  for (auto& [d, n] : days) out.holidays.push_back({d, std::move(n)});
  return out;
}

std::string export_availability(const Schedule& s, const AvailabilityExport& how) {
  std::string out;
  const std::string now = stamp(how.now);
  const std::string uid = "availability-" + std::to_string(s.user_id) + "@" + how.uid_domain;
  line(out, "BEGIN:VCALENDAR");
  line(out, "VERSION:2.0");
  line(out, "PRODID:-//Meridian//Availability//EN");
  line(out, "CALSCALE:GREGORIAN");
  // Every TZID used needs its VTIMEZONE (RFC 5545 3.2.19); libical writes it from the
  // system's tz database.
  std::set<std::string> zones{s.time_zone};
  for (const auto& zone_name : zones) {
    icaltimezone* tz = icaltimezone_get_builtin_timezone(zone_name.c_str());
    if (!tz) continue;
    icalcomponent* vtz = icaltimezone_get_component(tz);
    if (!vtz) continue;
    char* text = icalcomponent_as_ical_string_r(vtz);
    if (text) {
      std::string t(text);
      std::free(text);
      // libical ends lines with CRLF already.
      out += t;
      if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
    }
  }
  line(out, "BEGIN:VAVAILABILITY");
  line(out, "UID:" + uid);
  line(out, "DTSTAMP:" + now);
  line(out, "SUMMARY:" + escape_text("Working hours of " + how.display_name));
  line(out, "BUSYTYPE:BUSY-UNAVAILABLE");
  const auto today = local_clock(s.time_zone, how.now).day;
  // Each weekday's band from its next occurrence on, weekly.
  for (int i = 0; i < 7; ++i) {
    const auto& band = s.weekly.days[static_cast<std::size_t>(i)];
    if (!band) continue;
    Day d = today;
    while (iso_weekday(d) != i + 1) ++d;
    Day end_day = band->end_minute > band->start_minute ? d : d + 1;
    int end_minute = band->end_minute;
    if (end_minute == 24 * 60) {
      end_day += 1;
      end_minute = 0;
    }
    char start[32], end[32];
    std::snprintf(start, sizeof start, "%sT%02d%02d00", compact_date(d).c_str(), band->start_minute / 60,
                  band->start_minute % 60);
    std::snprintf(end, sizeof end, "%sT%02d%02d00", compact_date(end_day).c_str(), end_minute / 60, end_minute % 60);
    line(out, "BEGIN:AVAILABLE");
    line(out, "UID:" + std::string(kByDay[i]) + "-" + uid);
    line(out, "DTSTAMP:" + now);
    line(out, "DTSTART;TZID=" + s.time_zone + ":" + start);
    line(out, "DTEND;TZID=" + s.time_zone + ":" + end);
    line(out, "RRULE:FREQ=WEEKLY;BYDAY=" + std::string(kByDay[i]));
    line(out, "SUMMARY:Working hours");
    line(out, "END:AVAILABLE");
  }
  line(out, "END:VAVAILABILITY");
  for (const auto& [day, absence] : s.absences) {
    if (day < today || day > how.absences_until) continue;
    line(out, "BEGIN:VEVENT");
    line(out, "UID:" + std::string(absence_kind_name(absence.kind)) + "-" + compact_date(day) + "-" + uid);
    line(out, "DTSTAMP:" + now);
    line(out, "DTSTART;VALUE=DATE:" + compact_date(day));
    line(out, "DTEND;VALUE=DATE:" + compact_date(day + 1));
    line(out, "SUMMARY:" + escape_text(absence.kind == AbsenceKind::holiday
                                           ? "Public holiday: " + absence.name
                                           : "Day off" + (absence.name.empty() ? std::string() : ": " + absence.name)));
    line(out, "TRANSP:OPAQUE");
    line(out, "END:VEVENT");
  }
  line(out, "END:VCALENDAR");
  return out;
}

}  // namespace meridian::availability
