#include "core/subject.hpp"

#include <string_view>

#include "core/names.hpp"

namespace meridian {
namespace {

constexpr const char* kKinds[] = {"employee", "agent", "customer", "guest"};

constexpr const char* kRoles[] = {"admin", "employee", "agent", "customer", "guest"};

}  // namespace

const char* user_kind_name(UserKind kind) { return name_in(kKinds, kind, "guest"); }
bool parse_user_kind(std::string_view text, UserKind& out) { return parse_in(kKinds, text, out); }

const char* role_name(Role role) { return name_in(kRoles, role, "guest"); }
bool parse_role(std::string_view text, Role& out) { return parse_in(kRoles, text, out); }

}  // namespace meridian
