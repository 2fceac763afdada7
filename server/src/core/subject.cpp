#include "core/subject.hpp"

#include <array>
#include <string_view>
#include <utility>

namespace meridian {
namespace {

constexpr std::array<std::pair<UserKind, std::string_view>, 4> kKinds{{
    {UserKind::employee, "employee"},
    {UserKind::agent, "agent"},
    {UserKind::customer, "customer"},
    {UserKind::guest, "guest"},
}};

constexpr std::array<std::pair<Role, std::string_view>, 5> kRoles{{
    {Role::admin, "admin"},
    {Role::employee, "employee"},
    {Role::agent, "agent"},
    {Role::customer, "customer"},
    {Role::guest, "guest"},
}};

}  // namespace

const char* user_kind_name(UserKind kind) {
  for (auto& [k, name] : kKinds)
    if (k == kind) return name.data();
  return "guest";
}

bool parse_user_kind(std::string_view text, UserKind& out) {
  for (auto& [k, name] : kKinds)
    if (name == text) {
      out = k;
      return true;
    }
  return false;
}

const char* role_name(Role role) {
  for (auto& [r, name] : kRoles)
    if (r == role) return name.data();
  return "guest";
}

bool parse_role(std::string_view text, Role& out) {
  for (auto& [r, name] : kRoles)
    if (name == text) {
      out = r;
      return true;
    }
  return false;
}

}  // namespace meridian
