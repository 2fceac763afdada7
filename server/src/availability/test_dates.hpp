// Dates and instants for availability's tests: date("2026-03-29"), utc("2026-03-02", 14, 30).
#pragma once

#include "availability/schedule.hpp"

namespace meridian::availability::test_dates {

inline constexpr UnixMillis kHour = 3'600'000;

inline Day date(const char* text) { return *parse_date(text); }
inline UnixMillis utc(const char* day, int hour, int minute = 0) {
  return static_cast<UnixMillis>(date(day)) * kDayMs + hour * kHour + minute * kMinuteMs;
}

}  // namespace meridian::availability::test_dates
