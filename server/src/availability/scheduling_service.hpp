// Scheduling: slot suggestions for a set of people (working hours, holidays and days off
// from availability; clashes with their Meridian meetings through platform::BusyTimes) and a
// fair weekly rotation. Each slot is also given in every person's local time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "availability/availability_service.hpp"
#include "availability/slots.hpp"
#include "platform/ports.hpp"

namespace meridian::availability {

struct SuggestionQuery {
  std::vector<std::int64_t> user_ids;
  int duration_minutes = 30;
  std::optional<Day> from;                 // a date of the viewer's zone; nullopt: today
  std::optional<UnixMillis> from_instant;  // or an instant
  int days = 7;
  std::optional<std::string> time_zone;  // the viewer's zone unless given
  int limit = 10;
  int weeks = 13;  // rotation only
};

struct LocalStart {
  std::int64_t user_id = 0;
  std::string time_zone;
  std::string local_start;  // "2026-03-10T09:00", as the meetings API writes it
};

struct SuggestedSlot {
  Slot slot;
  std::vector<LocalStart> local;
};

struct Suggestions {
  std::string time_zone;
  std::vector<SuggestedSlot> items;
};

struct RotationPlan {
  std::string time_zone;
  std::vector<std::optional<SuggestedSlot>> weeks;
  std::map<std::int64_t, int> inconvenienced;
};

class SchedulingService final {
 public:
  SchedulingService(AvailabilityService& availability, platform::BusyTimes& busy, const Clock& clock)
      : availability_(availability), busy_(busy), clock_(clock) {}

  Result<Suggestions> suggest(const Subject& viewer, const SuggestionQuery& q);
  Result<RotationPlan> rotation(const Subject& viewer, const SuggestionQuery& q);

 private:
  struct Prepared {
    std::string zone;
    std::vector<PersonSchedule> people;
    SlotQuery slots;
    Day first = 0;
  };
  Result<Prepared> prepare(const Subject& viewer, const SuggestionQuery& q, int days);
  SuggestedSlot localised(const Prepared& p, const Slot& slot) const;

  AvailabilityService& availability_;
  platform::BusyTimes& busy_;
  const Clock& clock_;
};

}  // namespace meridian::availability
