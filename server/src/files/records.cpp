#include "files/records.hpp"

#include "core/names.hpp"

namespace meridian::files {

namespace {

constexpr const char* kSpaceKinds[] = {"personal", "team", "customer", "conversation"};

constexpr const char* kFileRoles[] = {"none", "viewer", "editor", "manager"};

}  // namespace

const char* space_kind_name(SpaceKind kind) { return name_in(kSpaceKinds, kind, "personal"); }
bool parse_space_kind(std::string_view text, SpaceKind& out) { return parse_in(kSpaceKinds, text, out); }

const char* file_role_name(FileRole role) { return name_in(kFileRoles, role, "none"); }

// "none" is a role one can hold but not grant.
bool parse_file_role(std::string_view text, FileRole& out) { return text != "none" && parse_in(kFileRoles, text, out); }

}  // namespace meridian::files
