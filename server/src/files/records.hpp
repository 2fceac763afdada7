// What the files module stores: spaces, their files and folders (nodes), versions,
// grants and the activity log, as the service, its repository and its routes see them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace meridian::files {

// conversation: a chat conversation's attachments (made on first use; members read).
enum class SpaceKind { personal, team, customer, conversation };
const char* space_kind_name(SpaceKind kind);
bool parse_space_kind(std::string_view text, SpaceKind& out);

// Ordered: a higher role may do everything a lower one may.
enum class FileRole { none = 0, viewer = 1, editor = 2, manager = 3 };
const char* file_role_name(FileRole role);
bool parse_file_role(std::string_view text, FileRole& out);

struct Space {
  std::int64_t id = 0;
  SpaceKind kind = SpaceKind::personal;
  std::string name;
  std::int64_t owner_user_id = 0;  // personal: the owner; customer: the customer
  std::int64_t team_id = 0;
  std::int64_t conversation_id = 0;  // conversation spaces
  std::string region;
  std::int64_t quota_bytes = 0;
  std::int64_t used_bytes = 0;
  FileRole role = FileRole::none;  // the caller's
  std::string owner_name;          // personal and customer spaces: the owner's display name
};

struct Node {
  std::int64_t id = 0;
  std::int64_t space_id = 0;
  std::int64_t parent_id = 0;  // 0: the space's root
  bool is_folder = false;
  std::string name;
  std::int64_t size = 0;
  std::string content_type;
  std::string sha256;
  std::int64_t version = 0;  // current version number
  std::int64_t created_by = 0;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
  std::int64_t locked_by = 0;
  UnixMillis lock_expires_at = 0;
  FileRole role = FileRole::none;
};

struct Version {
  std::int64_t number = 0;
  std::int64_t size = 0;
  std::string content_type;
  std::string sha256;
  std::int64_t created_by = 0;
  UnixMillis created_at = 0;
  bool current = false;
};

struct Grant {
  std::int64_t id = 0;
  std::int64_t space_id = 0;
  std::int64_t node_id = 0;  // 0: the whole space
  std::string grantee_kind;  // "user" | "team"
  std::int64_t grantee_id = 0;
  FileRole role = FileRole::viewer;
  std::int64_t created_by = 0;
  UnixMillis created_at = 0;
  std::string grantee_name;  // the user's display name or the team's name (listings)
};

struct Activity {
  std::int64_t id = 0;
  std::int64_t space_id = 0;
  std::int64_t node_id = 0;
  std::int64_t actor_user_id = 0;
  std::int64_t link_id = 0;
  std::string action;  // upload, download, preview, rename, move, delete, restore, grant, ungrant, lock, unlock, folder
  std::string detail;
  std::string ip;
  std::string country;
  UnixMillis at = 0;
  std::string actor_name;  // display name of actor_user_id, empty for link visitors
  std::string node_name;   // the file or folder's current name, empty once deleted
  // grant / ungrant: whom the file was shared with (read from detail "user 6 viewer"); the
  // name is looked up when the log is read, so it follows a rename or an erasure.
  std::string target_kind;  // "user" | "team"; empty for other actions
  std::int64_t target_id = 0;
  std::string target_name;  // empty when that account or team no longer exists
  std::string role;         // the role granted ("viewer"); empty for ungrant
};

struct ActivityFilter {
  std::string action;      // empty: every action
  std::int64_t actor = 0;  // 0: everyone
  UnixMillis since = 0;
  UnixMillis until = 0;  // 0: no upper bound
  int limit = 200;
};

}  // namespace meridian::files
