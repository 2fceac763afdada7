#include "availability/availability_personal_data.hpp"

namespace meridian::availability {
namespace {

using platform::PersonalRecordCount;

constexpr const char* kTables[][2] = {{"availability.weekly_hours", "availability_hours"},
                                      {"availability.days_off", "availability_days_off"},
                                      {"availability.settings", "availability_settings"}};

Result<std::vector<PersonalRecordCount>> counts(storage::Session& s, std::int64_t user_id) {
  std::vector<PersonalRecordCount> out;
  for (const auto& [kind, table] : kTables) {
    MERIDIAN_ASSIGN_OR_RETURN(
        auto n,
        storage::query_integer(s, std::string("SELECT COUNT(*) FROM ") + table + " WHERE user_id = ?", {user_id}));
    out.push_back({kind, n});
  }
  return out;
}

}  // namespace

AvailabilityPersonalData::AvailabilityPersonalData(storage::Database& db)
    : StoredPersonalData(
          db, {"availability", counts,
               [](storage::Session& s, std::int64_t user_id) {
                 return platform::export_queries(
                     s, user_id,
                     {{"weekly_hours",
                       "SELECT weekday, start_minute, end_minute FROM availability_hours WHERE user_id = ? ORDER BY "
                       "weekday",
                       {"weekday", "start_minute", "end_minute"}},
                      {"days_off",
                       "SELECT day, note FROM availability_days_off WHERE user_id = ? ORDER BY day",
                       {"date", "note"}},
                      {"settings",
                       "SELECT travel_time_zone, travel_from, travel_until, holiday_subdivision, updated_at "
                       "FROM availability_settings WHERE user_id = ?",
                       {"travel_time_zone", "travel_from", "travel_until", "holiday_subdivision", "updated_at"}}});
               },
               [](storage::Session& s, std::int64_t user_id, platform::ErasureReport& report) -> Result<void> {
                 for (const auto& [kind, table] : kTables) {
                   MERIDIAN_ASSIGN_OR_RETURN(
                       auto n, s.execute(std::string("DELETE FROM ") + table + " WHERE user_id = ?", {user_id}));
                   report.erased.push_back({kind, n});
                 }
                 return {};
               },
               {"availability_hours", "availability_days_off", "availability_settings"}}) {}

}  // namespace meridian::availability
