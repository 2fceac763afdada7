#include "availability/holidays.hpp"

#include <algorithm>
#include <cmath>

namespace meridian::availability {
namespace {

// The n-th (1-based) ISO weekday of a month; n = -1: the last one.
Day nth_weekday(int year, unsigned month, int iso_day, int n) {
  if (n > 0) {
    Day d = day_of(year, month, 1);
    while (iso_weekday(d) != iso_day) ++d;
    return d + 7 * (n - 1);
  }
  Day d = (month == 12 ? day_of(year + 1, 1, 1) : day_of(year, month + 1, 1)) - 1;
  while (iso_weekday(d) != iso_day) --d;
  return d;
}

std::vector<Holiday> portugal(int y) {
  const Day easter = easter_sunday(y);
  return {{day_of(y, 1, 1), "Ano Novo"},
          {easter - 2, "Sexta-feira Santa"},
          {easter, "Domingo de Páscoa"},
          {day_of(y, 4, 25), "Dia da Liberdade"},
          {day_of(y, 5, 1), "Dia do Trabalhador"},
          {easter + 60, "Corpo de Deus"},
          {day_of(y, 6, 10), "Dia de Portugal"},
          {day_of(y, 8, 15), "Assunção de Nossa Senhora"},
          {day_of(y, 10, 5), "Implantação da República"},
          {day_of(y, 11, 1), "Dia de Todos os Santos"},
          {day_of(y, 12, 1), "Restauração da Independência"},
          {day_of(y, 12, 8), "Imaculada Conceição"},
          {day_of(y, 12, 25), "Natal"}};
}

// A fixed-date federal holiday on a weekend is observed on the Friday before or Monday after.
Day observed(Day d) {
  if (iso_weekday(d) == 6) return d - 1;
  if (iso_weekday(d) == 7) return d + 1;
  return d;
}

std::vector<Holiday> united_states(int y) {
  return {{observed(day_of(y, 1, 1)), "New Year's Day"},
          {nth_weekday(y, 1, 1, 3), "Birthday of Martin Luther King, Jr."},
          {nth_weekday(y, 2, 1, 3), "Washington's Birthday"},
          {nth_weekday(y, 5, 1, -1), "Memorial Day"},
          {observed(day_of(y, 6, 19)), "Juneteenth National Independence Day"},
          {observed(day_of(y, 7, 4)), "Independence Day"},
          {nth_weekday(y, 9, 1, 1), "Labor Day"},
          {nth_weekday(y, 10, 1, 2), "Columbus Day"},
          {observed(day_of(y, 11, 11)), "Veterans Day"},
          {nth_weekday(y, 11, 4, 4), "Thanksgiving Day"},
          {observed(day_of(y, 12, 25)), "Christmas Day"}};
}

std::vector<Holiday> germany(int y) {
  const Day easter = easter_sunday(y);
  return {{day_of(y, 1, 1), "Neujahr"},
          {easter - 2, "Karfreitag"},
          {easter + 1, "Ostermontag"},
          {day_of(y, 5, 1), "Tag der Arbeit"},
          {easter + 39, "Christi Himmelfahrt"},
          {easter + 50, "Pfingstmontag"},
          {day_of(y, 10, 3), "Tag der Deutschen Einheit"},
          {day_of(y, 12, 25), "1. Weihnachtstag"},
          {day_of(y, 12, 26), "2. Weihnachtstag"}};
}

std::vector<Holiday> japan(int y) {
  const double k = 0.242194 * (y - 1980) - std::floor((y - 1980) / 4.0);
  const auto vernal = static_cast<unsigned>(std::floor(20.8431 + k));
  const auto autumnal = static_cast<unsigned>(std::floor(23.2488 + k));
  std::vector<Holiday> out{{day_of(y, 1, 1), "元日"},
                           {nth_weekday(y, 1, 1, 2), "成人の日"},
                           {day_of(y, 2, 11), "建国記念の日"},
                           {day_of(y, 2, 23), "天皇誕生日"},
                           {day_of(y, 3, vernal), "春分の日"},
                           {day_of(y, 4, 29), "昭和の日"},
                           {day_of(y, 5, 3), "憲法記念日"},
                           {day_of(y, 5, 4), "みどりの日"},
                           {day_of(y, 5, 5), "こどもの日"},
                           {nth_weekday(y, 7, 1, 3), "海の日"},
                           {day_of(y, 8, 11), "山の日"},
                           {nth_weekday(y, 9, 1, 3), "敬老の日"},
                           {day_of(y, 9, autumnal), "秋分の日"},
                           {nth_weekday(y, 10, 1, 2), "スポーツの日"},
                           {day_of(y, 11, 3), "文化の日"},
                           {day_of(y, 11, 23), "勤労感謝の日"}};
  // A holiday on a Sunday moves the day off to the next day that is not a holiday.
  std::vector<Holiday> substitutes;
  auto is_holiday = [&](Day d) {
    return std::any_of(out.begin(), out.end(), [d](const Holiday& h) { return h.day == d; });
  };
  for (const auto& h : out) {
    if (iso_weekday(h.day) != 7) continue;
    Day d = h.day + 1;
    while (is_holiday(d)) ++d;
    substitutes.push_back({d, "振替休日"});
  }
  out.insert(out.end(), substitutes.begin(), substitutes.end());
  return out;
}

}  // namespace

Day easter_sunday(int y) {
  // The anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
  int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  int m = (a + 11 * h + 22 * l) / 451;
  int month = (h + l - 7 * m + 114) / 31, day = ((h + l - 7 * m + 114) % 31) + 1;
  return day_of(y, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

std::vector<Holiday> default_holidays(std::string_view country, int year) {
  std::vector<Holiday> out;
  if (country == "PT") out = portugal(year);
  if (country == "US") out = united_states(year);
  if (country == "DE") out = germany(year);
  if (country == "JP") out = japan(year);
  std::sort(out.begin(), out.end(), [](const Holiday& a, const Holiday& b) { return a.day < b.day; });
  return out;
}

bool has_default_holidays(std::string_view country) {
  return country == "PT" || country == "US" || country == "DE" || country == "JP";
}

std::vector<std::string> default_holiday_countries() { return {"DE", "JP", "PT", "US"}; }

}  // namespace meridian::availability
