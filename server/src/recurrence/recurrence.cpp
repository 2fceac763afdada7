#include "recurrence/recurrence.hpp"

#include <libical/ical.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <mutex>

#include <date/tz.h>

namespace meridian::recurrence {
namespace {

// Far enough for any calendar use; a guard against rules that never produce a time.
constexpr int kMaxOccurrencesScanned = 200'000;
constexpr int kLastYear = 2200;

const date::time_zone* zone_named(std::string_view zone) {
  try {
    return date::locate_zone(zone);
  } catch (const std::exception&) {
    return nullptr;
  }
}

bool valid_date(int y, int m, int d) { return date::year_month_day{date::year{y}, date::month(m), date::day(d)}.ok(); }

icaltimetype floating(const LocalDateTime& t) {
  icaltimetype out = icaltime_null_time();
  out.year = t.year;
  out.month = t.month;
  out.day = t.day;
  out.hour = t.hour;
  out.minute = t.minute;
  out.second = t.second;
  out.is_date = 0;
  out.zone = nullptr;
  return out;
}

bool list_used(const short* values) { return values[0] != ICAL_RECURRENCE_ARRAY_MAX; }

std::once_flag quiet_errors;

// libical's parse of the rule (its errors are values, never fatal).
Result<icalrecurrencetype> parse_rule(std::string_view rrule) {
  std::call_once(quiet_errors, [] { icalerror_set_errors_are_fatal(0); });
  const std::string text(rrule);
  for (char c : text)
    if (!(std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '=' ||
          c == ';' || c == ',' || c == '-' || c == '+'))
      return make_error(ErrorCode::invalid_argument,
                        "rrule: only FREQ, INTERVAL, BYDAY, BYMONTHDAY, COUNT and UNTIL in RFC 5545 form");
  icalerror_clear_errno();
  icalrecurrencetype r = icalrecurrencetype_from_string(text.c_str());
  if (r.freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR) {
    icalerror_clear_errno();
    return make_error(ErrorCode::invalid_argument, "rrule: '" + text + "' is not an RFC 5545 rule");
  }
  return r;
}

}  // namespace

Result<LocalDateTime> parse_local(std::string_view text) {
  LocalDateTime t;
  char extra = 0;
  const std::string s(text);
  const int n = std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &t.year, &t.month, &t.day, &t.hour, &t.minute,
                            &t.second, &extra);
  bool digits = true;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 && !std::isdigit(static_cast<unsigned char>(s[i])))
      digits = false;
  const bool shape = digits && ((n == 5 && s.size() == 16) || (n == 6 && s.size() == 19));
  if (!shape || !valid_date(t.year, t.month, t.day) || t.year < 1970 || t.year > kLastYear || t.hour > 23 ||
      t.minute > 59 || t.hour < 0 || t.minute < 0 || t.second < 0 || t.second > 59)
    return make_error(ErrorCode::invalid_argument, "'" + s + "' is not a local date and time like 2026-03-29T09:00");
  return t;
}

std::string format_local(const LocalDateTime& t) {
  char out[32];
  if (t.second)
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d", t.year, t.month, t.day, t.hour, t.minute, t.second);
  else
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d", t.year, t.month, t.day, t.hour, t.minute);
  return out;
}

bool known_zone(std::string_view zone) { return !zone.empty() && zone_named(zone) != nullptr; }

Result<UnixMillis> to_instant(const LocalDateTime& t, std::string_view zone) {
  const date::time_zone* tz = zone_named(zone);
  if (!tz) return make_error(ErrorCode::invalid_argument, "'" + std::string(zone) + "' is not an IANA time zone");
  if (!valid_date(t.year, t.month, t.day)) return make_error(ErrorCode::invalid_argument, "not a calendar date");
  const date::local_seconds local = date::local_days{date::year{t.year} / t.month / t.day} +
                                    std::chrono::hours{t.hour} + std::chrono::minutes{t.minute} +
                                    std::chrono::seconds{t.second};
  const date::local_info info = tz->get_info(local);
  // unique: its offset. nonexistent (a spring-forward gap): the offset before the gap,
  // which lands the same distance after the change (02:30 -> 03:30). ambiguous (a
  // fall-back): the first of the two, whose offset is also `first`.
  const auto sys = date::sys_seconds{local.time_since_epoch()} - info.first.offset;
  return std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count();
}

Result<LocalDateTime> to_local(UnixMillis at, std::string_view zone) {
  const date::time_zone* tz = zone_named(zone);
  if (!tz) return make_error(ErrorCode::invalid_argument, "'" + std::string(zone) + "' is not an IANA time zone");
  const auto sys =
      date::floor<std::chrono::seconds>(date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{at}});
  const auto local = tz->to_local(sys);
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::seconds> time{local - day};
  return LocalDateTime{static_cast<int>(ymd.year()),
                       static_cast<int>(static_cast<unsigned>(ymd.month())),
                       static_cast<int>(static_cast<unsigned>(ymd.day())),
                       static_cast<int>(time.hours().count()),
                       static_cast<int>(time.minutes().count()),
                       static_cast<int>(time.seconds().count())};
}

LocalDateTime add_days(const LocalDateTime& t, int days) {
  const date::year_month_day ymd{date::sys_days{date::year{t.year} / t.month / t.day} + date::days{days}};
  LocalDateTime out = t;
  out.year = static_cast<int>(ymd.year());
  out.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  out.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  return out;
}

int iso_weekday(const LocalDateTime& t) {
  return static_cast<int>(date::weekday{date::sys_days{date::year{t.year} / t.month / t.day}}.iso_encoding());
}

Result<void> check_rule(std::string_view rrule) {
  MERIDIAN_ASSIGN_OR_RETURN(auto r, parse_rule(rrule));
  if (r.freq != ICAL_DAILY_RECURRENCE && r.freq != ICAL_WEEKLY_RECURRENCE && r.freq != ICAL_MONTHLY_RECURRENCE)
    return make_error(ErrorCode::invalid_argument, "rrule: FREQ must be DAILY, WEEKLY or MONTHLY");
  if (list_used(r.by_second) || list_used(r.by_minute) || list_used(r.by_hour) || list_used(r.by_year_day) ||
      list_used(r.by_week_no) || list_used(r.by_month) || list_used(r.by_set_pos))
    return make_error(ErrorCode::invalid_argument,
                      "rrule: only FREQ, INTERVAL, BYDAY (weekly), BYMONTHDAY (monthly), COUNT and UNTIL");
  if (list_used(r.by_day)) {
    if (r.freq != ICAL_WEEKLY_RECURRENCE)
      return make_error(ErrorCode::invalid_argument, "rrule: BYDAY goes with WEEKLY");
    for (int i = 0; i < ICAL_BY_DAY_SIZE && r.by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i)
      if (icalrecurrencetype_day_position(r.by_day[i]) != 0)
        return make_error(ErrorCode::invalid_argument, "rrule: BYDAY takes plain days (MO,WE), not positions");
  }
  if (list_used(r.by_month_day) && r.freq != ICAL_MONTHLY_RECURRENCE)
    return make_error(ErrorCode::invalid_argument, "rrule: BYMONTHDAY goes with MONTHLY");
  if (r.interval < 1 || r.interval > 1000)
    return make_error(ErrorCode::invalid_argument, "rrule: INTERVAL is 1 to 1000");
  if (r.count < 0 || r.count > 10'000) return make_error(ErrorCode::invalid_argument, "rrule: COUNT is 1 to 10000");
  return {};
}

Result<std::vector<UnixMillis>> next_occurrences(const Series& series, UnixMillis after, int count) {
  std::vector<UnixMillis> out;
  if (count < 1) return out;
  if (series.rrule.empty()) {
    MERIDIAN_ASSIGN_OR_RETURN(auto at, to_instant(series.start, series.zone));
    if (at > after) out.push_back(at);
    return out;
  }
  MERIDIAN_TRY(check_rule(series.rrule));
  MERIDIAN_ASSIGN_OR_RETURN(auto rule, parse_rule(series.rrule));
  if (!known_zone(series.zone))
    return make_error(ErrorCode::invalid_argument, "'" + series.zone + "' is not an IANA time zone");
  // UNTIL is applied here, as an instant: a UTC one as it is, a date or a floating time in
  // the series' zone (libical would compare it with our floating times as if in UTC).
  std::optional<UnixMillis> until;
  if (!icaltime_is_null_time(rule.until)) {
    LocalDateTime u{rule.until.year,
                    rule.until.month,
                    rule.until.day,
                    rule.until.is_date ? 23 : rule.until.hour,
                    rule.until.is_date ? 59 : rule.until.minute,
                    rule.until.is_date ? 59 : rule.until.second};
    if (icaltime_is_utc(rule.until)) {
      MERIDIAN_ASSIGN_OR_RETURN(until, to_instant(u, "UTC"));
    } else {
      MERIDIAN_ASSIGN_OR_RETURN(until, to_instant(u, series.zone));
    }
    rule.until = icaltime_null_time();
  }
  icalrecur_iterator* it = icalrecur_iterator_new(rule, floating(series.start));
  if (!it) return make_error(ErrorCode::invalid_argument, "rrule: libical cannot expand it");
  for (int scanned = 0; scanned < kMaxOccurrencesScanned && static_cast<int>(out.size()) < count; ++scanned) {
    const icaltimetype next = icalrecur_iterator_next(it);
    if (icaltime_is_null_time(next) || next.year > kLastYear) break;
    auto at =
        to_instant(LocalDateTime{next.year, next.month, next.day, next.hour, next.minute, next.second}, series.zone);
    if (!at.ok()) {
      icalrecur_iterator_free(it);
      return at.error();
    }
    if (until && *at > *until) break;
    if (*at > after) out.push_back(*at);
  }
  icalrecur_iterator_free(it);
  return out;
}

Result<std::optional<UnixMillis>> next_after(const Series& series, UnixMillis after) {
  MERIDIAN_ASSIGN_OR_RETURN(auto next, next_occurrences(series, after, 1));
  if (next.empty()) return std::optional<UnixMillis>{};
  return std::optional<UnixMillis>(next.front());
}

}  // namespace meridian::recurrence
