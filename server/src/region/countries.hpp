// Countries (ISO 3166-1 alpha-2), IANA time zones and the country -> region mapping.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace meridian::region {

bool is_country_code(std::string_view code);  // upper-case alpha-2, assigned
bool is_time_zone(std::string_view name);     // known to the system tz database

struct LocalTime {
  std::string iso;         // "2026-11-24T22:14"
  int weekday = 1;         // ISO: 1 = Monday
  int minute_of_day = 0;
};
Result<LocalTime> local_time(std::string_view time_zone, std::int64_t unix_ms);

// Country -> data region (EU, AMER, APAC, MEA by default; overridable from config).
class RegionMap final {
 public:
  RegionMap();  // the shipped default
  void set(std::string country, std::string region);
  std::string region_of(std::string_view country) const;
  // Every region a country maps to: the shipped four and any the overrides add.
  std::vector<std::string> known_regions() const;
  bool is_region(std::string_view region) const;
  const std::map<std::string, std::string, std::less<>>& overrides() const { return overrides_; }

 private:
  std::map<std::string, std::string, std::less<>> overrides_;
};

}  // namespace meridian::region
