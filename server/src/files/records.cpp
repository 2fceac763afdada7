#include "files/records.hpp"

namespace meridian::files {

const char* space_kind_name(SpaceKind kind) {
  switch (kind) {
    case SpaceKind::personal:
      return "personal";
    case SpaceKind::team:
      return "team";
    case SpaceKind::customer:
      return "customer";
    case SpaceKind::conversation:
      return "conversation";
  }
  return "personal";
}

bool parse_space_kind(std::string_view text, SpaceKind& out) {
  if (text == "personal")
    out = SpaceKind::personal;
  else if (text == "team")
    out = SpaceKind::team;
  else if (text == "customer")
    out = SpaceKind::customer;
  else if (text == "conversation")
    out = SpaceKind::conversation;
  else
    return false;
  return true;
}

const char* file_role_name(FileRole role) {
  switch (role) {
    case FileRole::none:
      return "none";
    case FileRole::viewer:
      return "viewer";
    case FileRole::editor:
      return "editor";
    case FileRole::manager:
      return "manager";
  }
  return "none";
}

bool parse_file_role(std::string_view text, FileRole& out) {
  if (text == "viewer")
    out = FileRole::viewer;
  else if (text == "editor")
    out = FileRole::editor;
  else if (text == "manager")
    out = FileRole::manager;
  else
    return false;
  return true;
}

}  // namespace meridian::files
