// Users and teams as the identity module stores and returns them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/subject.hpp"

namespace meridian::identity {

struct WorkingHours {
  int start_minute = 9 * 60;  // local time in the user's zone
  int end_minute = 17 * 60;
  std::vector<int> days{1, 2, 3, 4, 5};  // ISO weekdays, 1 = Monday
};

struct GdprFlags {
  bool restrict_processing = false;
  bool exclude_from_ai = false;
};

struct TeamRef {
  std::int64_t id = 0;
  std::string name;
  bool lead = false;  // a team lead: may send alerts to this team (policy: send_alert_to_team)
};

struct User {
  std::int64_t id = 0;
  std::string email;
  std::string display_name;
  UserKind kind = UserKind::employee;
  std::string country;
  std::string region;
  std::string time_zone;
  WorkingHours working_hours;
  std::vector<Role> roles;
  std::vector<TeamRef> teams;
  bool active = true;
  GdprFlags gdpr;
  UnixMillis created_at = 0;
};

struct Team {
  std::int64_t id = 0;
  std::string name;
  std::string region;
  std::int64_t member_count = 0;
  std::vector<std::int64_t> lead_ids;  // members whose role in the team is lead
};

// "09:00" <-> 540
std::string format_minute(int minute_of_day);
bool parse_minute(std::string_view hhmm, int& out);

}  // namespace meridian::identity
