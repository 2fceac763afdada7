#include "region/countries.hpp"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <chrono>

namespace meridian::region {
namespace {

// ISO 3166-1 alpha-2, as shipped by Debian's iso-codes (249 assigned codes).
constexpr std::string_view kCountries =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW "
    "BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI "
    "FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN "
    "IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME "
    "MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF "
    "PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV "
    "SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE "
    "YT ZA ZM ZW";

// Default data regions: Europe (EU/EEA, UK, CH and neighbours), the Americas, Asia-Pacific;
// every other country is Middle East & Africa.
constexpr std::string_view kEurope =
    "AD AL AM AT AX AZ BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GE GG GI GR HR HU IE IM IS IT JE LI LT LU "
    "LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA";
constexpr std::string_view kAmericas =
    "AG AI AR AW BB BL BM BO BQ BR BS BZ CA CL CO CR CU CW DM DO EC FK GD GF GL GP GS GT GY HN HT JM KN KY LC "
    "MF MQ MS MX NI PA PE PM PR PY SR SV SX TC TT UM US UY VC VE VG VI";
constexpr std::string_view kAsiaPacific =
    "AQ AS AU BD BN BT CC CK CN CX FJ FM GU HK HM ID IN IO JP KG KH KI KP KR KZ LA LK MH MM MN MO MP MV MY NC "
    "NF NP NR NU NZ PF PG PH PK PN PW SB SG TF TH TJ TK TL TM TO TV TW UZ VN VU WF WS";

bool in_list(std::string_view list, std::string_view code) {
  if (code.size() != 2) return false;
  for (std::size_t i = 0; i + 2 <= list.size(); i += 3)
    if (list.substr(i, 2) == code) return true;
  return false;
}

}  // namespace

bool is_country_code(std::string_view code) { return in_list(kCountries, code); }

bool is_time_zone(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  try {
    return date::locate_zone(name) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

Result<LocalTime> local_time(std::string_view time_zone, std::int64_t unix_ms) {
  try {
    const date::time_zone* tz = date::locate_zone(time_zone);
    auto sys = date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(unix_ms));
    auto local = tz->to_local(sys);
    auto day = date::floor<date::days>(local);
    date::hh_mm_ss<std::chrono::milliseconds> hms(local - day);
    date::year_month_day ymd(day);
    LocalTime out;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()));
    out.iso = buf;
    out.weekday = static_cast<int>(date::weekday(day).iso_encoding());
    out.minute_of_day = static_cast<int>(hms.hours().count() * 60 + hms.minutes().count());
    return out;
  } catch (const std::exception&) {
    return make_error(ErrorCode::invalid_argument, "unknown time zone '" + std::string(time_zone) + "'");
  }
}

RegionMap::RegionMap() = default;

void RegionMap::set(std::string country, std::string region) { overrides_[std::move(country)] = std::move(region); }

std::string RegionMap::region_of(std::string_view country) const {
  if (auto it = overrides_.find(country); it != overrides_.end()) return it->second;
  if (in_list(kEurope, country)) return "EU";
  if (in_list(kAmericas, country)) return "AMER";
  if (in_list(kAsiaPacific, country)) return "APAC";
  return "MEA";
}

std::vector<std::string> RegionMap::known_regions() const {
  std::vector<std::string> out{"AMER", "APAC", "EU", "MEA"};
  for (const auto& [country, region] : overrides_)
    if (std::find(out.begin(), out.end(), region) == out.end()) out.push_back(region);
  std::sort(out.begin(), out.end());
  return out;
}

bool RegionMap::is_region(std::string_view region) const {
  const auto known = known_regions();
  return std::find(known.begin(), known.end(), region) != known.end();
}

}  // namespace meridian::region
