// Availability's schema (versions 110-129 of the cross-country range 100-199): working hours
// per weekday, days off, a travel zone, and admin-managed holiday calendars. Dates are
// local calendar dates as 'YYYY-MM-DD' text; times of day are minutes after local midnight.
#include "storage/migrations/schema_parts.hpp"

namespace meridian::storage {
namespace {

const Migration kMigrations[] = {
    {110, "availability: weekly hours, days off, travel zone, holiday calendars", R"sql(
CREATE TABLE availability_settings (
  user_id BIGINT PRIMARY KEY REFERENCES users(id),
  travel_time_zone TEXT,
  travel_from TEXT,
  travel_until TEXT,
  holiday_subdivision TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL
);
CREATE TABLE availability_hours (
  user_id BIGINT NOT NULL REFERENCES users(id),
  weekday BIGINT NOT NULL,
  start_minute BIGINT NOT NULL,
  end_minute BIGINT NOT NULL,
  PRIMARY KEY (user_id, weekday)
);
CREATE TABLE availability_days_off (
  user_id BIGINT NOT NULL REFERENCES users(id),
  day TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (user_id, day)
);
CREATE TABLE holiday_calendars (
  id {{ID}},
  country TEXT NOT NULL,
  subdivision TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL,
  source TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX holiday_calendars_country ON holiday_calendars(country, subdivision);
CREATE TABLE holidays (
  calendar_id BIGINT NOT NULL REFERENCES holiday_calendars(id),
  day TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (calendar_id, day)
);
)sql"},
    // Today's one band for all working days becomes a band on each of those weekdays; a
    // settings row marks the weekly rows as the person's own (an account made later, with
    // no row, works its identity band until it saves its own hours).
    {111, "availability: the single working-hours band becomes per-weekday hours", R"sql(
INSERT INTO availability_hours (user_id, weekday, start_minute, end_minute)
  SELECT u.id, d.n, u.work_start_minute, u.work_end_minute
  FROM users u CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
                           UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7) d
  WHERE ',' || u.work_days || ',' LIKE '%,' || CAST(d.n AS TEXT) || ',%';
INSERT INTO availability_settings (user_id, updated_at) SELECT id, created_at FROM users;
)sql"},
};

}  // namespace

std::span<const Migration> availability_migrations() { return kMigrations; }

}  // namespace meridian::storage
