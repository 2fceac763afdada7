// Files: spaces (personal, team, customer), folders, files and their versions, grants
// inherited from folders, quotas, content deduplicated by hash per region with
// reference counts, and the append-only activity log. Bytes live in an ObjectStore;
// this service decides who may move them and records what happened.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "files/blob_store.hpp"
#include "files/file_listener.hpp"
#include "files/files_repository.hpp"
#include "files/records.hpp"
#include "objectstore/object_store.hpp"
#include "storage/database.hpp"

namespace meridian::files {

// Who acts and from where, for permissions and the activity log.
struct Caller {
  Subject subject;
  std::string ip;
  std::string country;
};

struct FilesOptions {
  std::int64_t personal_quota_bytes = 10LL * 1024 * 1024 * 1024;
  std::int64_t space_quota_bytes = 100LL * 1024 * 1024 * 1024;
  std::int64_t max_file_bytes = 50LL * 1024 * 1024 * 1024;
  int keep_versions = 10;
};

struct NewSpace {
  SpaceKind kind = SpaceKind::team;
  std::string name;
  std::int64_t team_id = 0;           // team spaces
  std::int64_t customer_user_id = 0;  // customer spaces
  std::int64_t quota_bytes = 0;       // 0: the default
};

// An accepted upload, decided before any byte is read.
struct UploadTicket {
  std::int64_t space_id = 0;
  std::int64_t parent_id = 0;
  std::string name;
  std::string region;
  std::string object_key;
  std::int64_t declared_bytes = -1;  // -1: unknown (chunked)
  std::int64_t max_bytes = 0;        // refuse the body past this
};

// A file as it is attached to a chat message (copied into the message's record).
struct AttachedFile {
  std::int64_t file_id = 0;
  std::string name;
  std::int64_t size = 0;
  std::string content_type;
};

// What chat says about a person in a conversation: their role on its files (editor:
// may post; viewer: reads only; none: not a member now) and the conversation's region.
// nullopt: no such conversation.
struct ConversationAccess {
  FileRole role = FileRole::none;
  std::string region;
};
// Chat answers it (attachments/ connects the two modules).
class ConversationDirectory {
 public:
  virtual ~ConversationDirectory() = default;
  virtual Result<std::optional<ConversationAccess>> access(storage::Session& s, std::int64_t conversation_id,
                                                           const Subject& who) const = 0;
};

struct Download {
  Node node;
  Version version;
  std::string object_key;
};

class FilesService final {
 public:
  // `conversations`: who is in a chat conversation; without it nobody has a role in a
  // conversation's space. `listeners` hear of new content and deletions after each commit.
  FilesService(storage::Database& db, objectstore::ObjectStore& store, const Clock& clock, FilesOptions options = {},
               const ConversationDirectory* conversations = nullptr, std::vector<FileListener*> listeners = {});

  const FilesOptions& options() const { return options_; }
  objectstore::ObjectStore& store() { return store_; }

  // Spaces the caller may see; the personal space is made on first call.
  Result<std::vector<Space>> list_spaces(const Subject& who);
  Result<Space> get_space(const Subject& who, std::int64_t space_id);
  Result<Space> create_space(const Caller& caller, const NewSpace& space);

  Result<std::vector<Node>> list_children(const Subject& who, std::int64_t space_id, std::int64_t parent_id);
  Result<Node> get_node(const Subject& who, std::int64_t node_id);
  Result<Node> create_folder(const Caller& caller, std::int64_t space_id, std::int64_t parent_id,
                             std::string_view name);

  // Checks permission, name, lock, size and quota against the declared length; a new
  // file or, when the name exists, its next version.
  Result<UploadTicket> begin_upload(const Caller& caller, std::int64_t space_id, std::int64_t parent_id,
                                    std::string_view name, std::int64_t declared_bytes);
  // The next version of an existing file.
  Result<UploadTicket> begin_new_version(const Caller& caller, std::int64_t node_id, std::int64_t declared_bytes);
  // The object is committed: record it (deduplicated), or remove it and say why.
  Result<Node> complete_upload(const Caller& caller, const UploadTicket& ticket, const objectstore::ObjectInfo& info,
                               const std::string& content_type);
  // The upload ended without an object (cut, refused): forget the key.
  void abandon_upload(const UploadTicket& ticket);

  // For GET .../content: the version (current when 0) and its object; logs download or preview.
  Result<Download> open_download(const Caller& caller, std::int64_t node_id, std::int64_t version, bool preview);

  // The current version for a share link (the link was checked by ShareLinks; no
  // subject, no activity entry here).
  Result<Download> open_current(std::int64_t node_id);

  // Every stored file with content, by id after `after_id`, at most `limit`, and how many
  // there are after `after_id`: for the AI index's backfill (a system walk, no subject; reading a file
  // stays checked for whoever asks).
  Result<std::vector<std::int64_t>> file_ids_after(std::int64_t after_id, std::int64_t limit);
  Result<std::int64_t> count_files_after(std::int64_t after_id);
  Result<std::vector<Version>> list_versions(const Subject& who, std::int64_t node_id);
  Result<Node> restore_version(const Caller& caller, std::int64_t node_id, std::int64_t number);
  Result<Node> rename_or_move(const Caller& caller, std::int64_t node_id, std::optional<std::string> name,
                              std::optional<std::int64_t> parent_id);
  // A file with every version, or a folder with everything in it.
  Result<void> remove(const Caller& caller, std::int64_t node_id);

  Result<Node> lock(const Caller& caller, std::int64_t node_id, std::int64_t seconds);
  Result<Node> unlock(const Caller& caller, std::int64_t node_id);

  Result<std::vector<Grant>> list_grants(const Subject& who, std::int64_t space_id, std::int64_t node_id);
  Result<Grant> add_grant(const Caller& caller, std::int64_t space_id, std::int64_t node_id,
                          const std::string& grantee_kind, std::int64_t grantee_id, FileRole role);
  Result<void> remove_grant(const Caller& caller, std::int64_t grant_id);

  // Per space (node_id 0) or per file/folder; managers of the space or node only (a
  // conversation space has none: admins read its log).
  Result<std::vector<Activity>> activity(const Subject& who, std::int64_t space_id, std::int64_t node_id,
                                         const ActivityFilter& filter);

  // Removes stored objects that no blob row names (a crash between commit and record);
  // objects of uploads in flight are kept. Returns how many were removed.
  Result<std::size_t> collect_garbage();

  // The caller's role on a node (0: on the space root).
  Result<FileRole> role_on(const Subject& who, std::int64_t space_id, std::int64_t node_id);

  // Chat attachments.
  // The conversation's space, made on first use in the conversation's region.
  Result<Space> conversation_space(const Caller& caller, std::int64_t conversation_id);
  // Inside chat's write transaction for a new message: the files must be the author's
  // own uploads in the conversation's space, not attached elsewhere. Logs "attach".
  Result<std::vector<AttachedFile>> files_to_attach(storage::Session& s, const Caller& author,
                                                    std::int64_t conversation_id,
                                                    const std::vector<std::int64_t>& file_ids);
  // After a message went (deleted, purged): removes these files of conversation spaces
  // with their objects, unless they are attached again. Logs "delete" as `actor`.
  Result<std::size_t> remove_detached(const std::vector<std::int64_t>& file_ids, std::int64_t actor,
                                      std::string_view why);
  // Files of conversation spaces that no message holds: released ones (their message was
  // deleted or purged) and uploads never attached, made
  // more than `pending_ms` ago. Removed with their objects.
  static constexpr std::int64_t kPendingAttachmentMs = 24LL * 3600 * 1000;
  Result<std::size_t> sweep_conversation_files(std::int64_t pending_ms = kPendingAttachmentMs);

  // Erasure (the personal data port, files_personal_data.hpp): every file and folder of
  // the person's personal space with all versions, their objects removed once nothing
  // else holds them, and the space's activity log. A legal hold on the person keeps them
  // all (the answer says which holds). Idempotent.
  struct PersonalFilesErased {
    std::int64_t files = 0, folders = 0, versions = 0, activity = 0;
    std::vector<std::string> holds;  // "legal hold 'user:7': reason"; nothing erased then
    std::int64_t held_files = 0;
  };
  Result<PersonalFilesErased> erase_personal_files(std::int64_t user_id);

 private:
  Result<Space> load_space(storage::Session& s, std::int64_t space_id);
  Result<Node> load_node(storage::Session& s, std::int64_t node_id);
  // The root (0) or a folder of this space; not_found for anything else (a file, another
  // space's folder, no such node).
  Result<void> check_folder(storage::Session& s, std::int64_t space_id, std::int64_t folder_id);
  Result<Space> lock_space(storage::Session& s, std::int64_t space_id);
  Result<Node> load_node_locking_space(storage::Session& s, std::int64_t node_id);
  // What most node operations start from: the node, its space and the caller's role on it,
  // refused as require_role refuses. A write takes the space's lock first (lock order).
  struct NodeAccess {
    Node node;
    Space space;
    FileRole role = FileRole::none;
  };
  enum class SpaceLock { none, take };
  Result<NodeAccess> access_node(storage::Session& s, const Subject& who, std::int64_t node_id, FileRole needed,
                                 SpaceLock lock);
  // The node as it stands after a write, carrying the caller's role (what the write answers).
  Result<Node> reload_node(storage::Session& s, std::int64_t node_id, FileRole role);
  Result<std::vector<std::int64_t>> ancestry(storage::Session& s, std::int64_t node_id);
  Result<void> log_activity(storage::Session& s, const Caller& caller, std::int64_t space_id, std::int64_t node_id,
                            std::string_view action, std::string detail, UnixMillis at);
  Result<void> add_version(storage::Session& s, std::int64_t space_id, std::int64_t node_id, std::int64_t blob_id,
                           std::int64_t size, const std::string& content_type, std::int64_t created_by, UnixMillis now,
                           std::vector<std::string>& dead);
  Result<void> drop_versions(storage::Session& s, std::int64_t space_id, const std::vector<std::int64_t>& version_ids,
                             std::vector<std::string>& dead);
  Result<void> delete_tree(storage::Session& s, std::int64_t space_id, std::int64_t node_id,
                           std::vector<std::string>& dead);
  FileRole implicit_role(storage::Session& s, const Subject& who, const Space& space, std::int64_t created_by);
  Result<FileRole> role_in(storage::Session& s, const Subject& who, const Space& space, std::int64_t node_id);
  Result<FileRole> require_role(storage::Session& s, const Subject& who, const Space& space, std::int64_t node_id,
                                FileRole needed);

  storage::Database& db_;
  objectstore::ObjectStore& store_;
  const Clock& clock_;
  FilesOptions options_;
  FilesRepository repo_;
  BlobStore blobs_;
  const ConversationDirectory* conversations_;
  std::vector<FileListener*> listeners_;
  void stored(const Result<Node>& node) const;
  void removed(const std::vector<std::int64_t>& node_ids) const;
};

// Object keys are "<region>/objects/<random>": residency is the key prefix.
std::string region_prefix(std::string_view region);

}  // namespace meridian::files
