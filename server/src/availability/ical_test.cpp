#include "availability/ical.hpp"

#include <gtest/gtest.h>
#include <libical/ical.h>

namespace meridian::availability {
namespace {

Day date(const char* text) { return *parse_date(text); }

constexpr const char* kCalendar =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:1@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20261208\r\n"
    "SUMMARY:Imaculada Concei\xc3\xa7\xc3\xa3o\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:2@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20200101\r\n"
    "RRULE:FREQ=YEARLY\r\nEXDATE;VALUE=DATE:20270101\r\nSUMMARY:New Year\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:3@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20261224\r\n"
    "DTEND;VALUE=DATE:20261227\r\nSUMMARY:Christmas\\, days off\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:4@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:19990101\r\n"
    "SUMMARY:Long ago\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n";

TEST(Ical, ImportsAllDayEventsSpansAndYearlyRulesInsideTheWindow) {
  auto r = parse_holidays(kCalendar, date("2026-01-01"), date("2028-12-31"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::vector<std::string> got;
  for (const auto& h : r->holidays) got.push_back(format_date(h.day) + " " + h.name);
  EXPECT_EQ(got, (std::vector<std::string>{"2026-01-01 New Year", "2026-12-08 Imaculada Conceição",
                                           "2026-12-24 Christmas, days off", "2026-12-25 Christmas, days off",
                                           "2026-12-26 Christmas, days off", "2028-01-01 New Year"}));
  EXPECT_EQ(r->skipped, 1);  // 1999
}

TEST(Ical, RefusesWhatIsNotACalendar) {
  EXPECT_EQ(parse_holidays("hello", 0, 100000).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(parse_holidays("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", 0, 100000).error().code,
            ErrorCode::invalid_argument);
}

TEST(Ical, ExportsAVavailabilityThatLibicalReadsBack) {
  Schedule s;
  s.user_id = 7;
  s.time_zone = "Europe/Lisbon";
  s.weekly = WeeklyHours::office();
  s.weekly.days[4] = Band{9 * 60, 13 * 60};
  s.absences[date("2026-12-08")] = {date("2026-12-08"), AbsenceKind::holiday, "Imaculada Conceição"};
  s.absences[date("2026-12-10")] = {date("2026-12-10"), AbsenceKind::day_off, "moving house"};
  AvailabilityExport how;
  how.display_name = "Ana; Lisbon";
  how.now = static_cast<UnixMillis>(date("2026-12-07")) * kDayMs;
  how.absences_until = date("2027-12-31");
  const auto text = export_availability(s, how);
  EXPECT_NE(text.find("BEGIN:VAVAILABILITY\r\n"), std::string::npos);
  EXPECT_NE(text.find("BEGIN:VTIMEZONE"), std::string::npos);
  EXPECT_NE(text.find("DTSTART;TZID=Europe/Lisbon:20261207T090000\r\n"), std::string::npos);
  EXPECT_NE(text.find("DTEND;TZID=Europe/Lisbon:20261211T130000\r\n"), std::string::npos);
  EXPECT_NE(text.find("RRULE:FREQ=WEEKLY;BYDAY=FR"), std::string::npos);
  EXPECT_NE(text.find("SUMMARY:Working hours of Ana\\; Lisbon"), std::string::npos);

  icalcomponent* cal = icalparser_parse_string(text.c_str());
  ASSERT_NE(cal, nullptr);
  icalcomponent* avail = icalcomponent_get_first_component(cal, ICAL_VAVAILABILITY_COMPONENT);
  ASSERT_NE(avail, nullptr);
  int blocks = 0;
  for (icalcomponent* a = icalcomponent_get_first_component(avail, ICAL_XAVAILABLE_COMPONENT); a;
       a = icalcomponent_get_next_component(avail, ICAL_XAVAILABLE_COMPONENT))
    ++blocks;
  EXPECT_EQ(blocks, 5);
  int events = 0;
  for (icalcomponent* e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e;
       e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
    ++events;
  EXPECT_EQ(events, 2);
  icalcomponent_free(cal);
}

}  // namespace
}  // namespace meridian::availability
