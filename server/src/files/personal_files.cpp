// Erasure of a person's personal space (FilesService::erase_personal_files).
#include <string>
#include <vector>

#include "files/files_service.hpp"
#include "platform/personal_data.hpp"

namespace meridian::files {

using storage::Session;

Result<FilesService::PersonalFilesErased> FilesService::erase_personal_files(std::int64_t user_id) {
  PersonalFilesErased out;
  std::vector<std::string> dead;
  auto r = db_.write([&](Session& s) -> Result<void> {
    out = PersonalFilesErased{};
    dead.clear();
    MERIDIAN_ASSIGN_OR_RETURN(auto space_id, repo_.personal_space_id(s, user_id));
    if (!space_id) return {};
    // The space first (docs/architecture.md "Lock order"), then the holds, then the blobs.
    MERIDIAN_ASSIGN_OR_RETURN(auto space, lock_space(s, *space_id));
    MERIDIAN_ASSIGN_OR_RETURN(out.holds, platform::holds_on_person(s, user_id));
    if (!out.holds.empty()) {
      MERIDIAN_ASSIGN_OR_RETURN(
          out.held_files, storage::query_integer(
                              s, "SELECT COUNT(*) FROM file_nodes WHERE space_id = ? AND kind = 'file'", {space.id}));
      return {};
    }
    MERIDIAN_ASSIGN_OR_RETURN(
        out.files,
        storage::query_integer(s, "SELECT COUNT(*) FROM file_nodes WHERE space_id = ? AND kind = 'file'", {space.id}));
    MERIDIAN_ASSIGN_OR_RETURN(
        out.folders,
        storage::query_integer(s, "SELECT COUNT(*) FROM file_nodes WHERE space_id = ? AND kind <> 'file'", {space.id}));
    MERIDIAN_ASSIGN_OR_RETURN(out.versions,
                              storage::query_integer(s,
                                                     "SELECT COUNT(*) FROM file_versions v JOIN file_nodes n ON "
                                                     "n.id = v.node_id WHERE n.space_id = ?",
                                                     {space.id}));
    MERIDIAN_ASSIGN_OR_RETURN(auto roots, repo_.child_ids(s, space.id, 0));
    std::vector<std::int64_t> blobs;
    for (auto root : roots) {
      MERIDIAN_ASSIGN_OR_RETURN(auto touched, blobs_.touched_by_tree(s, space.id, root));
      blobs.insert(blobs.end(), touched.begin(), touched.end());
    }
    MERIDIAN_TRY(blobs_.lock(s, std::move(blobs)));
    for (auto root : roots) MERIDIAN_TRY(delete_tree(s, space.id, root, dead));
    // Links and grants on the space's files went with them; its log named the files.
    MERIDIAN_TRY(storage::exec(s, "DELETE FROM file_links WHERE space_id = ?", {space.id}));
    MERIDIAN_TRY(storage::exec(s, "DELETE FROM file_grants WHERE space_id = ?", {space.id}));
    MERIDIAN_ASSIGN_OR_RETURN(out.activity, s.execute("DELETE FROM file_activity WHERE space_id = ?", {space.id}));
    return {};
  });
  if (!r) return r.error();
  blobs_.remove_objects(dead);
  return out;
}

}  // namespace meridian::files
