// Who is making a request, as established by authentication. Shared by the transport
// (which authenticates) and every module (which asks the policy about it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace meridian {

enum class UserKind { employee, agent, customer, guest };

enum class Role { admin, employee, agent, customer, guest };

struct Subject {
  std::int64_t user_id = 0;
  std::int64_t session_id = 0;
  UserKind kind = UserKind::guest;
  std::vector<Role> roles;
  std::string country;  // ISO 3166-1 alpha-2
  std::string region;   // e.g. EU, US, APAC
  std::string email;
  // Empty for a full session. A scoped token (e.g. a meeting guest's, "meeting:12") is
  // accepted only by routes and WebSocket types registered as accepting scoped tokens,
  // which then check the scope themselves.
  std::string scope;
  // When the session or scoped token ends (Unix ms); 0: not known. A WebSocket opened with it
  // is closed then (1008 "session expired"), as a new request would be refused.
  std::int64_t expires_at = 0;

  bool has_role(Role r) const {
    for (Role x : roles)
      if (x == r) return true;
    return false;
  }
};

const char* user_kind_name(UserKind kind);
bool parse_user_kind(std::string_view text, UserKind& out);
const char* role_name(Role role);
bool parse_role(std::string_view text, Role& out);

}  // namespace meridian
