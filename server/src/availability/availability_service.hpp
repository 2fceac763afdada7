// Availability: people's weekly working hours, days off and travel zone, the admins'
// holiday calendars, overlap hours, iCalendar in and out, and the one working-time answer
// ("is this person working at T") that presence, alerts and scheduling take as
// platform::WorkingTime.
//
// Who may see whose hours: the policy's read_availability, shaped like read_user_profile:
// staff (employees, agents, admins) see anyone's; customers and guests only their own. An
// id the viewer may not see is answered 404 like an id that does not exist.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "availability/availability_repository.hpp"
#include "availability/ical.hpp"
#include "availability/overlap.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "platform/ports.hpp"
#include "policy/policy.hpp"
#include "storage/database.hpp"

namespace meridian::availability {

inline constexpr std::size_t kMaxPeople = 100;
inline constexpr int kMaxDays = 31;
inline constexpr std::size_t kMaxDaysOff = 400;
// How far ahead next_working_start looks at most (a longer horizon asked is cut to this).
inline constexpr int kMaxNextStartDays = 62;

// A person with their schedule filled in for a range of dates (holidays and days off).
struct PersonSchedule {
  Person person;
  Schedule schedule;
};

struct OverlapView {
  std::string time_zone;  // the viewer's (or the one asked for)
  std::vector<PersonSchedule> people;
  std::vector<OverlapDay> days;
};

struct ImportResult {
  HolidayCalendar calendar;
  std::int64_t added = 0;
  std::int64_t updated = 0;
  int skipped = 0;
};

class AvailabilityService final : public platform::WorkingTime {
 public:
  AvailabilityService(storage::Database& db, const policy::Policy& policy, const Clock& clock, audit::AuditLog& audit)
      : db_(db), policy_(policy), clock_(clock), audit_(audit) {}

  std::optional<bool> working_at(std::int64_t user_id, std::int64_t unix_ms) override;
  std::map<std::int64_t, bool> working_at(const std::vector<std::int64_t>& user_ids, std::int64_t unix_ms) override;
  std::optional<NextStart> next_working_start(std::int64_t user_id, std::int64_t unix_ms,
                                              std::int64_t within_ms) override;

  // The people (each at most once, in the order given), their schedules covering the dates
  // from..until. Any id the viewer may not see: not_found naming no one.
  Result<std::vector<PersonSchedule>> people(const Subject& viewer, const std::vector<std::int64_t>& ids, Day from,
                                             Day until);
  // The zone asked for (validated), else the zone the viewer lives in today.
  Result<std::string> viewer_zone(const Subject& viewer, const std::optional<std::string>& asked);
  // "today" in that zone.
  Day today_in(const std::string& zone) const;

  Result<OverlapView> overlap(const Subject& viewer, const std::vector<std::int64_t>& ids, std::optional<Day> from,
                              int days, const std::optional<std::string>& tz);

  Result<PersonSchedule> mine(const Subject& who);
  Result<PersonSchedule> save(const Subject& who, Settings settings, const std::string& ip = "");
  // text/calendar of a person's weekly hours and their absences over the next year.
  Result<std::string> ical(const Subject& viewer, std::int64_t user_id);

  // Holiday calendars (admins).
  Result<std::vector<HolidayCalendar>> calendars(const Subject& who);
  Result<HolidayCalendar> create_calendar(const Subject& who, HolidayCalendar c, const std::string& ip = "");
  Result<void> delete_calendar(const Subject& who, std::int64_t id, const std::string& ip = "");
  Result<ImportResult> import_ical(const Subject& who, std::int64_t id, std::string_view ics,
                                   const std::string& ip = "");
  // A calendar of the built-in default holidays of a country (holidays.hpp) for these years.
  Result<ImportResult> install_defaults(const Subject& who, const std::string& country, int first_year, int years,
                                        const std::string& ip = "");
  Result<std::vector<Holiday>> calendar_holidays(const Subject& who, std::int64_t id, int year);
  Result<ImportResult> add_holidays(const Subject& who, std::int64_t id, std::vector<Holiday> holidays,
                                    const std::string& ip = "");
  Result<void> delete_holiday(const Subject& who, std::int64_t id, Day day, const std::string& ip = "");

 private:
  Result<std::vector<PersonSchedule>> load(storage::Session& s, const std::vector<std::int64_t>& ids, Day from,
                                           Day until);
  // The working-time port's read: these people's schedules (those with a valid zone), or
  // nullopt when the store failed (logged).
  std::optional<std::vector<PersonSchedule>> known(const std::vector<std::int64_t>& ids, Day from, Day until);
  Result<ImportResult> put(const Subject& who, std::int64_t id, const std::vector<Holiday>& holidays, int skipped,
                           std::string_view action, const std::string& ip);

  storage::Database& db_;
  const policy::Policy& policy_;
  const Clock& clock_;
  audit::AuditLog& audit_;
  AvailabilityRepository repo_;
};

// The checks of a person's settings: bands, zones, dates, sizes.
Result<void> validate(const Settings& s);

}  // namespace meridian::availability
