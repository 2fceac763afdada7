// Public holidays: the entries of a holiday calendar, and a small default set computed from
// the law that defines them, for the countries Meridian's people are in today:
//   PT  Código do Trabalho, art. 234.º (national holidays; Good Friday, Easter, Corpus Christi)
//   US  5 U.S.C. 6103(a) federal holidays, observed on the Friday/Monday per 6103(b) and
//       Executive Order 11582 when they fall on a Saturday/Sunday
//   DE  the holidays observed in every German state (Einigungsvertrag art. 2 for 3 October;
//       state holiday laws for the rest); state-only ones are left to imported calendars
//   JP  国民の祝日に関する法律 (Act on National Holidays), with the equinoxes by the usual
//       astronomical approximation (1980-2099) and the substitute holiday (振替休日) rule;
//       the rare "citizens' holiday" between two holidays is not computed
// Any other country, or a region's own holidays, come from an admin's iCalendar import.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "availability/schedule.hpp"

namespace meridian::availability {

struct Holiday {
  Day day = 0;
  std::string name;
};

// The default holidays of a country in a year, sorted; empty for a country without a default.
std::vector<Holiday> default_holidays(std::string_view country, int year);
bool has_default_holidays(std::string_view country);
std::vector<std::string> default_holiday_countries();

// Easter Sunday (Gregorian) of a year.
Day easter_sunday(int year);

}  // namespace meridian::availability
