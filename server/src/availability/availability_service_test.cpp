// Availability and scheduling on both stores: settings, visibility, holiday calendars, the
// working-time port, meetings as busy times, and the personal data port.
#include "availability/availability_service.hpp"

#include <gtest/gtest.h>

#include "availability/test_dates.hpp"

#include "availability/availability_personal_data.hpp"
#include "availability/scheduling_service.hpp"
#include "meetings/meeting_busy_times.hpp"
#include "storage/migrations.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"
#include "testing/personal_data_checks.hpp"

namespace meridian::availability {
namespace {

using test_dates::date;
using test_dates::kHour;
using test_dates::utc;

constexpr UnixMillis kWeek = 7 * kDayMs;

class AvailabilityServiceTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    clock_.set_ms(utc("2026-03-01", 12));
    service_ = std::make_unique<AvailabilityService>(*db_, policy_, clock_, *audit_);
    busy_ = std::make_unique<meetings::MeetingBusyTimes>(*db_);
    scheduling_ = std::make_unique<SchedulingService>(*service_, *busy_, clock_);
    admin_ = person("root", UserKind::employee, "PT", "Europe/Lisbon", std::vector<Role>{Role::admin});
    ana_ = person("ana", UserKind::employee, "PT", "Europe/Lisbon");
    bob_ = person("bob", UserKind::employee, "US", "America/New_York");
    kei_ = person("kei", UserKind::agent, "JP", "Asia/Tokyo");
    carl_ = person("carl", UserKind::customer, "DE", "Europe/Berlin");
  }

  Settings weekdays(Band band = {}) {
    Settings s;
    s.weekly = WeeklyHours::office(band);
    return s;
  }

  std::unique_ptr<AvailabilityService> service_;
  std::unique_ptr<meetings::MeetingBusyTimes> busy_;
  std::unique_ptr<SchedulingService> scheduling_;
  Subject admin_, ana_, bob_, kei_, carl_;
};

TEST_P(AvailabilityServiceTest, AnAccountWorksIdentitysBandUntilItSavesHoursPerWeekday) {
  auto mine = service_->mine(ana_);
  ASSERT_TRUE(mine.ok()) << mine.error().message;
  EXPECT_EQ(mine->schedule.weekly, WeeklyHours::office());
  Settings s = weekdays();
  s.weekly.days[4] = Band{9 * 60, 13 * 60};  // Friday mornings only
  s.weekly.days[0].reset();                  // no Mondays
  s.days_off.push_back({date("2026-03-04"), "dentist"});
  s.travel = Travel{"Asia/Tokyo", date("2026-03-10"), date("2026-03-12")};
  auto saved = service_->save(ana_, s);
  ASSERT_TRUE(saved.ok()) << saved.error().message;
  EXPECT_EQ(saved->schedule.weekly, s.weekly);
  EXPECT_EQ(saved->person.settings.days_off.size(), 1u);
  EXPECT_EQ(service_->working_at(ana_.user_id, utc("2026-03-02", 10)), false);  // Monday
  EXPECT_EQ(service_->working_at(ana_.user_id, utc("2026-03-03", 10)), true);
  EXPECT_EQ(service_->working_at(ana_.user_id, utc("2026-03-04", 10)), false);  // day off
  EXPECT_EQ(service_->working_at(ana_.user_id, utc("2026-03-06", 14)), false);  // Friday afternoon
  EXPECT_EQ(service_->working_at(ana_.user_id, utc("2026-03-11", 1)), true);    // in Tokyo
  EXPECT_EQ(service_->working_at(999999, utc("2026-03-03", 10)), std::nullopt);
}

// The batch answer is each person's own answer (per weekday, zone, travel, days off and the
// holidays of their own country and subdivision), read once for everyone; unknown ids are absent.
TEST_P(AvailabilityServiceTest, ManyPeopleAtOnceAnswerAsEachAlone) {
  ASSERT_TRUE(service_->install_defaults(admin_, "PT", 2026, 1).ok());
  ASSERT_TRUE(service_->install_defaults(admin_, "US", 2026, 1).ok());
  HolidayCalendar ny;
  ny.country = "US";
  ny.subdivision = "US-NY";
  ny.name = "New York State";
  auto made = service_->create_calendar(admin_, ny);
  ASSERT_TRUE(made.ok()) << made.error().message;
  ASSERT_TRUE(service_->add_holidays(admin_, made->id, {Holiday{date("2026-06-10"), "A New York day"}}).ok());
  Settings off = weekdays();
  off.days_off.push_back({date("2026-06-10"), "dentist"});
  ASSERT_TRUE(service_->save(kei_, off).ok());
  std::vector<std::int64_t> ids{ana_.user_id, bob_.user_id, kei_.user_id, carl_.user_id, 999999};
  // Forty more New Yorkers, every second one keeping New York's calendar.
  for (int i = 0; i < 40; ++i) {
    auto p = person("ny" + std::to_string(i), UserKind::employee, "US", "America/New_York");
    if (i % 2 == 0) {
      Settings s = weekdays(Band{8 * 60, 20 * 60});
      s.holiday_subdivision = "US-NY";
      ASSERT_TRUE(service_->save(p, s).ok());
    }
    ids.push_back(p.user_id);
  }
  // 10 June 2026 (a Wednesday): Portugal's day, New York's made-up day, Kei's day off.
  for (UnixMillis at : {utc("2026-06-10", 1), utc("2026-06-10", 10), utc("2026-06-10", 14), utc("2026-06-10", 19),
                        utc("2026-06-11", 14), utc("2026-06-13", 14)}) {
    auto all = service_->working_at(ids, at);
    EXPECT_EQ(all.size(), ids.size() - 1) << "every id but the unknown one";
    EXPECT_EQ(all.count(999999), 0u);
    for (auto id : ids) {
      auto alone = service_->working_at(id, at);
      if (!alone) continue;
      ASSERT_EQ(all.count(id), 1u);
      EXPECT_EQ(all.at(id), *alone) << "user " << id << " at " << at;
    }
  }
  auto wednesday = service_->working_at(ids, utc("2026-06-10", 14));
  EXPECT_FALSE(wednesday.at(ana_.user_id)) << "Dia de Portugal";
  EXPECT_TRUE(wednesday.at(bob_.user_id)) << "not a federal holiday, and Bob is not under New York's calendar";
  EXPECT_FALSE(wednesday.at(ids[5])) << "a New Yorker under the state calendar";
  EXPECT_TRUE(wednesday.at(ids[6])) << "a New Yorker without it";
  EXPECT_FALSE(service_->working_at(ids, utc("2026-06-10", 3)).at(kei_.user_id)) << "Kei's day off in Tokyo";
  EXPECT_TRUE(service_->working_at(ids, utc("2026-06-11", 3)).at(kei_.user_id));
  EXPECT_TRUE(service_->working_at(std::vector<std::int64_t>{}, utc("2026-06-10", 14)).empty());
}

// When work next begins: now when working; else the next band, skipping days off, holidays
// and weekends, in the zone of the day (a trip), across a DST change; none within the horizon
// says so; an unknown person is unknown.
TEST_P(AvailabilityServiceTest, NextWorkingStartSkipsAbsencesAndFollowsTheZoneOfTheDay) {
  Settings s = weekdays();
  s.days_off.push_back({date("2026-03-02"), "Monday off"});
  s.travel = Travel{"Asia/Tokyo", date("2026-03-04"), date("2026-03-04")};
  ASSERT_TRUE(service_->save(ana_, s).ok());
  auto next = [&](std::int64_t id, UnixMillis at, UnixMillis within = kWeek) -> std::optional<UnixMillis> {
    auto n = service_->next_working_start(id, at, within);
    EXPECT_TRUE(n.has_value());
    return n ? n->at : std::nullopt;
  };
  // Saturday 28 February: Monday is off, so Tuesday 09:00 Lisbon (WET = UTC).
  EXPECT_EQ(next(ana_.user_id, utc("2026-02-28", 12)), utc("2026-03-03", 9));
  // Inside Tuesday's hours: now.
  EXPECT_EQ(next(ana_.user_id, utc("2026-03-03", 10, 17)), utc("2026-03-03", 10, 17));
  // Tuesday evening: Wednesday is lived in Tokyo, 09:00 JST is 00:00 UTC.
  EXPECT_EQ(next(ana_.user_id, utc("2026-03-03", 18)), utc("2026-03-04", 0));
  // Bob on Friday 6 March evening: Monday 9 March 09:00 EDT (13:00 UTC), the day after the US switch.
  EXPECT_EQ(next(bob_.user_id, utc("2026-03-06", 23)), utc("2026-03-09", 13));
  // Nothing within a day from Saturday noon.
  auto none = service_->next_working_start(ana_.user_id, utc("2026-03-07", 12), kDayMs);
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(none->at, std::nullopt);
  EXPECT_FALSE(service_->next_working_start(999999, utc("2026-03-03", 10), kWeek).has_value());
}

TEST_P(AvailabilityServiceTest, BadSettingsAreRefusedNamingTheProblem) {
  Settings s = weekdays(Band{9 * 60, 9 * 60});
  EXPECT_EQ(service_->save(ana_, s).error().code, ErrorCode::invalid_argument);
  s = weekdays();
  s.travel = Travel{"Mars/Olympus", date("2026-03-10"), date("2026-03-12")};
  EXPECT_NE(service_->save(ana_, s).error().message.find("Mars/Olympus"), std::string::npos);
  s.travel = Travel{"Asia/Tokyo", date("2026-03-12"), date("2026-03-10")};
  EXPECT_EQ(service_->save(ana_, s).error().code, ErrorCode::invalid_argument);
  s.travel.reset();
  s.days_off = {{date("2026-03-04"), ""}, {date("2026-03-04"), ""}};
  EXPECT_EQ(service_->save(ana_, s).error().code, ErrorCode::invalid_argument);
}

TEST_P(AvailabilityServiceTest, StaffSeeEachOthersHoursCustomersOnlyTheirOwn) {
  EXPECT_TRUE(
      service_->overlap(ana_, {ana_.user_id, bob_.user_id, kei_.user_id}, date("2026-03-02"), 1, std::nullopt).ok());
  // A customer asking for staff hours learns nothing: 404, as for an id that does not exist.
  EXPECT_EQ(service_->overlap(carl_, {carl_.user_id, ana_.user_id}, date("2026-03-02"), 1, std::nullopt).error().code,
            ErrorCode::not_found);
  EXPECT_EQ(service_->ical(carl_, bob_.user_id).error().code, ErrorCode::not_found);
  EXPECT_TRUE(service_->overlap(carl_, {carl_.user_id}, date("2026-03-02"), 1, std::nullopt).ok());
  EXPECT_EQ(service_->overlap(ana_, {ana_.user_id, 424242}, date("2026-03-02"), 1, std::nullopt).error().code,
            ErrorCode::not_found);
  ASSERT_TRUE(identity_->deactivate_user(audit::Actor{}, bob_.user_id).ok());
  EXPECT_EQ(service_->overlap(ana_, {bob_.user_id}, date("2026-03-02"), 1, std::nullopt).error().code,
            ErrorCode::not_found);
}

TEST_P(AvailabilityServiceTest, OverlapIsInTheViewersZoneUnlessAnotherIsAsked) {
  auto v = service_->overlap(ana_, {ana_.user_id, bob_.user_id}, date("2026-03-09"), 1, std::nullopt);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->time_zone, "Europe/Lisbon");
  EXPECT_EQ(v->days[0].windows, (Intervals{{utc("2026-03-09", 13), utc("2026-03-09", 17)}}));
  auto tokyo = service_->overlap(ana_, {ana_.user_id, bob_.user_id}, date("2026-03-09"), 1, std::string("Asia/Tokyo"));
  ASSERT_TRUE(tokyo.ok());
  EXPECT_EQ(tokyo->days[0].bounds.start, utc("2026-03-08", 15));
  EXPECT_EQ(service_->overlap(ana_, {ana_.user_id}, std::nullopt, 1, std::string("Nowhere/City")).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(service_->overlap(ana_, {ana_.user_id}, std::nullopt, 40, std::nullopt).error().code,
            ErrorCode::invalid_argument);
}

TEST_P(AvailabilityServiceTest, AdminsManageHolidayCalendarsAndTheyApplyByCountryAndSubdivision) {
  EXPECT_EQ(service_->install_defaults(ana_, "PT", 2026, 1).error().code, ErrorCode::forbidden);
  auto pt = service_->install_defaults(admin_, "PT", 2026, 2);
  ASSERT_TRUE(pt.ok()) << pt.error().message;
  EXPECT_EQ(pt->added, 26);
  // Installing again adds nothing new.
  EXPECT_EQ(service_->install_defaults(admin_, "PT", 2026, 1)->added, 0);
  EXPECT_EQ(service_->install_defaults(admin_, "FR", 2026, 1).error().code, ErrorCode::invalid_argument);
  // 10 June is Portugal's day: Ana is not working, and the overlap with Bob is empty.
  EXPECT_EQ(service_->working_at(ana_.user_id, utc("2026-06-10", 10)), false);
  auto v = service_->overlap(bob_, {ana_.user_id, bob_.user_id}, date("2026-06-10"), 1, std::string("Europe/Lisbon"));
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->days[0].windows.empty());
  ASSERT_EQ(v->days[0].people[0].absences.size(), 1u);
  EXPECT_EQ(v->days[0].people[0].absences[0].absence.name, "Dia de Portugal");

  // A New York calendar applies to people whose subdivision is US-NY only.
  HolidayCalendar ny;
  ny.country = "US";
  ny.subdivision = "US-NY";
  ny.name = "New York State";
  auto made = service_->create_calendar(admin_, ny);
  ASSERT_TRUE(made.ok()) << made.error().message;
  auto imported = service_->import_ical(admin_, made->id,
                                        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
                                        "UID:a@t\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260212\r\n"
                                        "SUMMARY:Lincoln's Birthday\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_EQ(imported->added, 1);
  EXPECT_EQ(service_->working_at(bob_.user_id, utc("2026-02-12", 16)), true);
  Settings s = weekdays();
  s.holiday_subdivision = "US-NY";
  ASSERT_TRUE(service_->save(bob_, s).ok());
  EXPECT_EQ(service_->working_at(bob_.user_id, utc("2026-02-12", 16)), false);
  EXPECT_EQ(service_->import_ical(admin_, made->id, "not a calendar").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(service_->import_ical(admin_, 999, "BEGIN:VCALENDAR").error().code, ErrorCode::invalid_argument);
  ASSERT_TRUE(service_->delete_holiday(admin_, made->id, date("2026-02-12")).ok());
  EXPECT_EQ(service_->working_at(bob_.user_id, utc("2026-02-12", 16)), true);
  EXPECT_EQ(service_->calendars(admin_)->size(), 2u);
  EXPECT_EQ(service_->calendars(kei_).error().code, ErrorCode::forbidden);
  HolidayCalendar bad;
  bad.country = "US";
  bad.subdivision = "DE-BY";
  bad.name = "x";
  EXPECT_EQ(service_->create_calendar(admin_, bad).error().code, ErrorCode::invalid_argument);
}

TEST_P(AvailabilityServiceTest, SuggestionsAvoidMeetingsAndGiveEachPersonsLocalStart) {
  // Bob hosts a meeting on Monday 9 March 13:00-17:00 UTC, the whole shared window that day.
  ASSERT_TRUE(db_->write([&](storage::Session& s) -> Result<void> {
                   return storage::exec(
                       s,
                       "INSERT INTO meetings (code, title, kind, host_id, starts_at, duration_minutes, "
                       "time_zone, lobby_for_external, guests_can_share_screen, created_at) VALUES "
                       "('abc-defg-hij', 'Busy', 'scheduled', ?, ?, 240, 'UTC', 0, 0, 0)",
                       {bob_.user_id, utc("2026-03-09", 13)});
                 })
                  .ok());
  SuggestionQuery q;
  q.user_ids = {ana_.user_id, bob_.user_id};
  q.duration_minutes = 60;
  q.from = date("2026-03-09");
  q.days = 2;
  q.limit = 20;
  auto s = scheduling_->suggest(ana_, q);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_FALSE(s->items.empty());
  for (const auto& i : s->items)
    EXPECT_FALSE(i.slot.at.start < utc("2026-03-09", 17) && i.slot.at.end > utc("2026-03-09", 13));
  const auto& best = s->items.front();
  EXPECT_EQ(best.slot.score, 1.0);
  EXPECT_EQ(best.slot.at.start, utc("2026-03-10", 13));  // Tuesday 13:00 Lisbon, 09:00 New York
  ASSERT_EQ(best.local.size(), 2u);
  EXPECT_EQ(best.local[0].local_start, "2026-03-10T13:00");
  EXPECT_EQ(best.local[1].local_start, "2026-03-10T09:00");
  EXPECT_EQ(best.local[1].time_zone, "America/New_York");
  // A customer may not plan with staff.
  EXPECT_EQ(scheduling_->suggest(carl_, q).error().code, ErrorCode::not_found);
  q.duration_minutes = 2;
  EXPECT_EQ(scheduling_->suggest(ana_, q).error().code, ErrorCode::invalid_argument);
}

TEST_P(AvailabilityServiceTest, ErasureRemovesTheirHoursDaysOffAndTrip) {
  Settings s = weekdays();
  s.days_off.push_back({date("2026-03-04"), "dentist"});
  s.travel = Travel{"Asia/Tokyo", date("2026-03-10"), date("2026-03-12")};
  ASSERT_TRUE(service_->save(ana_, s).ok());
  ASSERT_TRUE(service_->save(bob_, weekdays()).ok());
  AvailabilityPersonalData port(*db_);
  auto listed = port.list_personal_data(ana_.user_id);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(testing::count_of(listed->records, "availability.weekly_hours"), 5);
  EXPECT_EQ(testing::count_of(listed->records, "availability.days_off"), 1);
  auto exported = port.export_personal_data(ana_.user_id);
  ASSERT_TRUE(exported.ok());
  EXPECT_NE(exported->json.find("dentist"), std::string::npos);
  EXPECT_NE(exported->json.find("Asia/Tokyo"), std::string::npos);
  auto erased = port.erase_personal_data(ana_.user_id);
  ASSERT_TRUE(erased.ok());
  EXPECT_TRUE(rows("SELECT * FROM availability_hours WHERE user_id = ?", {ana_.user_id}).empty());
  EXPECT_TRUE(rows("SELECT * FROM availability_days_off WHERE user_id = ?", {ana_.user_id}).empty());
  EXPECT_TRUE(rows("SELECT * FROM availability_settings WHERE user_id = ?", {ana_.user_id}).empty());
  EXPECT_EQ(rows("SELECT * FROM availability_hours WHERE user_id = ?", {bob_.user_id}).size(), 5u);
  EXPECT_TRUE(testing::erase_again(port, ana_.user_id, [&] { return rows("SELECT * FROM availability_hours"); }));
}

INSTANTIATE_TEST_SUITE_P(Stores, AvailabilityServiceTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

// Migration 111 on a database that already has people: identity's one band becomes a band
// on each of their working weekdays (here a Tuesday-to-Saturday night shift).
class AvailabilityMigrationTest : public ::testing::TestWithParam<std::string> {};

TEST_P(AvailabilityMigrationTest, TheSingleBandBecomesHoursOnEachWorkingWeekday) {
  auto db = storage::testing::make_test_database(GetParam());
  std::vector<storage::Migration> before;
  for (const auto& m : storage::schema_migrations())
    if (m.version < 111) before.push_back(m);
  ASSERT_TRUE(storage::apply_migrations(*db, before).ok());
  ASSERT_TRUE(db->write([](storage::Session& s) -> Result<void> {
                  return storage::exec(s,
                                       "INSERT INTO users (email, display_name, kind, country, region, time_zone, "
                                       "work_start_minute, work_end_minute, work_days, password_hash, created_at, "
                                       "updated_at) VALUES ('n@example.test', 'Nia', 'employee', 'PT', 'EU', "
                                       "'Europe/Lisbon', 1320, 360, '2,3,4,5,6', '', 5, 5)");
                }).ok());
  auto applied = storage::apply_migrations(*db, storage::schema_migrations());
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  std::vector<std::string> got;
  ASSERT_TRUE(
      db->read([&](storage::Session& s) -> Result<void> {
          MERIDIAN_ASSIGN_OR_RETURN(
              auto rows, s.query("SELECT weekday, start_minute, end_minute FROM availability_hours ORDER BY weekday"));
          for (const auto& r : rows)
            got.push_back(std::to_string(r.integer(0)) + " " + std::to_string(r.integer(1)) + "-" +
                          std::to_string(r.integer(2)));
          MERIDIAN_ASSIGN_OR_RETURN(auto n, storage::query_integer(s, "SELECT COUNT(*) FROM availability_settings"));
          got.push_back("settings " + std::to_string(n));
          return {};
        }).ok());
  EXPECT_EQ(got, (std::vector<std::string>{"2 1320-360", "3 1320-360", "4 1320-360", "5 1320-360", "6 1320-360",
                                           "settings 1"}));
}

INSTANTIATE_TEST_SUITE_P(Stores, AvailabilityMigrationTest,
                         ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::availability
