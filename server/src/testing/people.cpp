#include "testing/people.hpp"

#include <gtest/gtest.h>

#include <utility>

namespace meridian::testing {

std::string usual_time_zone(const std::string& country) {
  if (country == "PT") return "Europe/Lisbon";
  if (country == "DE") return "Europe/Berlin";
  if (country == "US") return "America/New_York";
  if (country == "IN") return "Asia/Kolkata";
  return "UTC";
}

identity::NewUser new_user(const std::string& name, UserKind kind, const std::string& country,
                           const std::string& time_zone, std::optional<std::vector<Role>> roles) {
  identity::NewUser u;
  u.email = name + "@example.test";
  u.display_name = name;
  u.password = "a good password";
  u.kind = kind;
  u.country = country;
  u.time_zone = time_zone.empty() ? usual_time_zone(country) : time_zone;
  u.roles = std::move(roles);
  return u;
}

Subject subject_of(const identity::User& user) {
  Subject s;
  s.user_id = user.id;
  s.kind = user.kind;
  s.roles = user.roles;
  s.region = user.region;
  s.country = user.country;
  return s;
}

Subject create_person(identity::IdentityService& identity, identity::NewUser user) {
  auto created = identity.create_user(audit::Actor{}, std::move(user));
  EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
  return created.ok() ? subject_of(*created) : Subject{};
}

files::Caller caller_of(Subject subject, const std::string& ip) {
  files::Caller c;
  c.subject = std::move(subject);
  c.ip = ip;
  c.country = "PT";
  return c;
}

}  // namespace meridian::testing
