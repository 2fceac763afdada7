// The files module's storage port: spaces, nodes, versions, blobs, grants and the
// activity log as portable SQL. Functions take the caller's Session so that checks and
// writes share a transaction; locking and every rule stay with the callers.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "files/records.hpp"
#include "storage/database.hpp"

namespace meridian::files {

// A version as its file names it, for pruning, deleting and restoring.
struct VersionRef {
  std::int64_t id = 0;
  std::int64_t blob_id = 0;
  std::int64_t size = 0;
  std::string content_type;
};

// A version with the object that holds its bytes.
struct StoredVersion {
  Version version;
  std::string object_key;
};

struct BlobRow {
  std::int64_t id = 0;
  std::string object_key;
  std::int64_t ref_count = 0;
};

// An active account as files sees it: "employee", "agent", "customer" or "guest".
struct AccountRef {
  std::string kind;
  std::string region;
};

// A file of a conversation space: not attached yet, attached to a message, or released
// (its message was deleted or purged; the file is removed next).
enum class AttachmentState { none, attached, released };

class FilesRepository final {
 public:
  using S = storage::Session;

  // Spaces. insert_space stores kind, name, owner_user_id, team_id, conversation_id,
  // region and quota_bytes of `space` (ids of 0 as NULL); conflict when the owner or the
  // conversation already has one.
  Result<std::optional<Space>> space(S& s, std::int64_t id);
  Result<std::optional<Space>> conversation_space(S& s, std::int64_t conversation_id);
  Result<std::optional<std::int64_t>> personal_space_id(S& s, std::int64_t user_id);
  Result<std::optional<std::int64_t>> space_creator(S& s, std::int64_t space_id);
  Result<std::int64_t> insert_space(S& s, const Space& space, std::int64_t created_by, UnixMillis now);
  // The user's personal and customer spaces, those granted to them and, for staff, those
  // of their teams and customer spaces they made (admins: every team and customer space);
  // the user's personal space first, then by age.
  Result<std::vector<Space>> spaces_visible_to(S& s, std::int64_t user_id, bool staff, bool admin);
  Result<void> add_used_bytes(S& s, std::int64_t space_id, std::int64_t delta);

  // Other modules' people, read for permissions and listings.
  // A user's display name or a team's name ("user" / "team"); empty when gone or 0.
  Result<std::string> name_of(S& s, std::string_view kind, std::int64_t id);
  Result<std::optional<AccountRef>> active_account(S& s, std::int64_t user_id);
  Result<std::optional<std::string>> team_region(S& s, std::int64_t team_id);
  Result<bool> is_team_member(S& s, std::int64_t team_id, std::int64_t user_id);

  // Nodes (files and folders). Node rows carry the current version's number, size, type
  // and hash.
  Result<std::optional<Node>> node(S& s, std::int64_t id);
  Result<std::optional<std::int64_t>> space_of_node(S& s, std::int64_t node_id);
  Result<std::optional<std::int64_t>> parent_of(S& s, std::int64_t node_id);
  Result<std::optional<Node>> child(S& s, std::int64_t space_id, std::int64_t parent_id, const std::string& name);
  // Folders first, then by name.
  Result<std::vector<Node>> children(S& s, std::int64_t space_id, std::int64_t parent_id);
  Result<std::vector<std::int64_t>> child_ids(S& s, std::int64_t space_id, std::int64_t parent_id);
  // Files with content, by id after `after_id` (the AI index's backfill walks them), and how many.
  Result<std::vector<std::int64_t>> file_ids_after(S& s, std::int64_t after_id, std::int64_t limit);
  Result<std::int64_t> count_files_after(S& s, std::int64_t after_id);
  // conflict when the name is taken in that folder.
  Result<std::int64_t> insert_node(S& s, std::int64_t space_id, std::int64_t parent_id, bool is_folder,
                                   const std::string& name, std::int64_t created_by, UnixMillis now);
  Result<void> move_node(S& s, std::int64_t node_id, std::int64_t parent_id, UnixMillis now);
  Result<void> rename_node(S& s, std::int64_t node_id, const std::string& name, UnixMillis now);
  Result<void> set_lock(S& s, std::int64_t node_id, std::int64_t user_id, UnixMillis expires_at);
  Result<void> clear_lock(S& s, std::int64_t node_id);
  Result<void> set_current_version(S& s, std::int64_t node_id, std::int64_t version_id, UnixMillis now);
  // Before the node's versions are deleted.
  Result<void> clear_current_version(S& s, std::int64_t node_id);
  // The node row with its grants and share links (the activity log keeps their ids); its
  // versions must be gone.
  Result<void> delete_node(S& s, std::int64_t space_id, std::int64_t node_id);

  // Versions.
  Result<std::vector<VersionRef>> versions_newest_first(S& s, std::int64_t node_id);
  Result<std::optional<VersionRef>> version(S& s, std::int64_t version_id);
  Result<std::optional<VersionRef>> version_by_number(S& s, std::int64_t node_id, std::int64_t number);
  Result<std::int64_t> next_version_number(S& s, std::int64_t node_id);
  Result<std::int64_t> insert_version(S& s, std::int64_t node_id, std::int64_t number, std::int64_t blob_id,
                                      std::int64_t size, const std::string& content_type, std::int64_t created_by,
                                      UnixMillis now);
  Result<void> delete_version(S& s, std::int64_t version_id);
  // Newest first; `current` is left for the caller.
  Result<std::vector<Version>> versions(S& s, std::int64_t node_id);
  Result<std::optional<StoredVersion>> stored_version(S& s, std::int64_t node_id, std::int64_t number);
  Result<std::optional<StoredVersion>> current_stored_version(S& s, std::int64_t node_id);

  // Blobs: content stored once per region and hash (rules in blob_store.hpp).
  Result<std::optional<std::int64_t>> blob_by_content(S& s, const std::string& region, const std::string& sha256);
  // A new blob with one reference, or one more reference to the blob of that content.
  Result<BlobRow> upsert_blob(S& s, const std::string& region, const std::string& sha256, std::int64_t size,
                              const std::string& object_key, UnixMillis now);
  Result<void> add_blob_references(S& s, std::int64_t blob_id, std::int64_t delta);
  Result<std::optional<BlobRow>> blob(S& s, std::int64_t blob_id);
  Result<void> delete_blob(S& s, std::int64_t blob_id);
  // The blobs of every version in the tree below (and of) node_id.
  Result<std::vector<std::int64_t>> blob_ids_of_tree(S& s, std::int64_t space_id, std::int64_t node_id);
  Result<std::set<std::string>> blob_object_keys(S& s);

  // Grants. grant_roles: the roles granted on any of node_ids to the user (and, with
  // `via_teams`, to their teams).
  Result<std::vector<FileRole>> grant_roles(S& s, std::int64_t space_id, const std::vector<std::int64_t>& node_ids,
                                            std::int64_t user_id, bool via_teams);
  Result<bool> has_user_grant_in(S& s, std::int64_t space_id, std::int64_t user_id);
  // Without grantee names.
  Result<std::vector<Grant>> grants(S& s, std::int64_t space_id, std::int64_t node_id);
  Result<std::optional<Grant>> grant(S& s, std::int64_t grant_id);
  // Replaces the grantee's grant on that node, if any; returns the new id.
  Result<std::int64_t> replace_grant(S& s, const Grant& grant);
  Result<void> delete_grant(S& s, std::int64_t grant_id);

  // The activity log (id, actor_name and node_name of `entry` are not stored).
  Result<void> insert_activity(S& s, const Activity& entry);
  Result<std::vector<Activity>> activity(S& s, std::int64_t space_id, std::int64_t node_id,
                                         const ActivityFilter& filter);

  // Chat attachments (message_attachments is written by chat).
  Result<AttachmentState> attachment_state(S& s, std::int64_t node_id);
  // Forgets that the node's message went (before the node itself goes).
  Result<void> forget_release(S& s, std::int64_t node_id);
  // Files of conversation spaces held by no message: released ones and uploads never
  // attached made before `older_than`; ascending.
  Result<std::vector<std::int64_t>> detached_conversation_files(S& s, UnixMillis older_than, int limit);
};

}  // namespace meridian::files
