#include "files/files_personal_data.hpp"

#include <boost/json/object.hpp>
#include <functional>
#include <utility>
#include <vector>

namespace meridian::files {
namespace {

using platform::PersonalRecordCount;

constexpr const char* kPersonalSpace = "SELECT id FROM file_spaces WHERE kind = 'personal' AND owner_user_id = ?";

// Each count takes the person's id once.
constexpr const char* kCountFiles =
    "SELECT COUNT(*) FROM file_nodes WHERE kind = 'file' AND space_id IN (SELECT id FROM file_spaces WHERE "
    "kind = 'personal' AND owner_user_id = ?)";
constexpr const char* kCountGrants = "SELECT COUNT(*) FROM file_grants WHERE grantee_kind = 'user' AND grantee_id = ?";
constexpr const char* kCountLinks = "SELECT COUNT(*) FROM file_links WHERE created_by = ?";
constexpr const char* kCountLocks = "SELECT COUNT(*) FROM file_nodes WHERE locked_by = ?";
constexpr const char* kCountActivity = "SELECT COUNT(*) FROM file_activity WHERE actor_user_id = ?";
constexpr const char* kCountUploads = "SELECT COUNT(*) FROM file_uploads WHERE user_id = ?";
// Versions the person uploaded into spaces not their own (a team's, a customer's, a
// conversation's for chat attachments): theirs as uploaded, whoever owns the file.
constexpr const char* kUploadedElsewhere =
    "SELECT n.id, v.number, sp.id, sp.kind, n.name, v.size, v.content_type, v.created_at FROM file_versions v JOIN "
    "file_nodes n ON n.id = v.node_id JOIN file_spaces sp ON sp.id = n.space_id WHERE v.created_by = ? AND NOT "
    "(sp.kind = 'personal' AND sp.owner_user_id = v.created_by) ORDER BY n.id, v.number";
constexpr const char* kCountUploadedElsewhere =
    "SELECT COUNT(*) FROM file_versions v JOIN file_nodes n ON n.id = v.node_id JOIN file_spaces sp ON sp.id = "
    "n.space_id WHERE v.created_by = ? AND NOT (sp.kind = 'personal' AND sp.owner_user_id = v.created_by)";

// The spaces an erasure changes (the person's id three times), ascending.
constexpr const char* kTouchedSpaces =
    "SELECT space_id FROM file_grants WHERE grantee_kind = 'user' AND grantee_id = ? "
    "UNION SELECT space_id FROM file_links WHERE created_by = ? AND revoked_at = 0 "
    "UNION SELECT space_id FROM file_nodes WHERE locked_by = ? ORDER BY 1";

constexpr const char* kUploadsExpire = "files: unfinished uploads expire and are removed by the files maintenance job";

Result<std::vector<PersonalRecordCount>> count_records(storage::Session& s, std::int64_t user_id) {
  std::vector<PersonalRecordCount> out;
  for (auto [kind, sql] : {std::pair{"files.files", kCountFiles}, std::pair{"files.grants", kCountGrants},
                           std::pair{"files.share_links", kCountLinks}, std::pair{"files.locks", kCountLocks},
                           std::pair{"files.activity", kCountActivity}, std::pair{"files.uploads", kCountUploads}}) {
    MERIDIAN_ASSIGN_OR_RETURN(auto n, storage::query_integer(s, sql, {user_id}));
    out.push_back(PersonalRecordCount{kind, n});
  }
  MERIDIAN_ASSIGN_OR_RETURN(auto elsewhere, storage::query_integer(s, kCountUploadedElsewhere, {user_id}));
  out.push_back(PersonalRecordCount{"files.versions_uploaded_elsewhere", elsewhere});
  return out;
}

// Metadata only: the contents are the files themselves, downloaded from the space.
// Link token and password hashes are the links' secrets: left out.
Result<boost::json::object> collect(storage::Session& s, std::int64_t user_id) {
  return platform::export_queries(
      s, user_id,
      {{"personal_files",
        "SELECT n.id, n.parent_id, n.kind, n.name, n.created_at, n.updated_at, (SELECT COUNT(*) FROM "
        "file_versions v WHERE v.node_id = n.id) FROM file_nodes n JOIN file_spaces sp ON sp.id = n.space_id "
        "WHERE sp.kind = 'personal' AND sp.owner_user_id = ? ORDER BY n.id",
        {"id", "parent_id", "kind", "name", "created_at", "updated_at", "versions"}},
       {"uploaded_elsewhere",
        kUploadedElsewhere,
        {"file_id", "version", "space_id", "space_kind", "name", "size", "content_type", "uploaded_at"}},
       {"grants",
        "SELECT space_id, node_id, role, created_at FROM file_grants WHERE grantee_kind = 'user' AND "
        "grantee_id = ? ORDER BY id",
        {"space_id", "node_id", "role", "created_at"}},
       {"share_links",
        "SELECT id, node_id, created_at, expires_at, max_downloads, download_count, revoked_at FROM file_links "
        "WHERE created_by = ? ORDER BY id",
        {"id", "node_id", "created_at", "expires_at", "max_downloads", "download_count", "revoked_at"}},
       {"activity",
        "SELECT space_id, node_id, action, detail, ip, country, at FROM file_activity WHERE actor_user_id = ? "
        "ORDER BY id",
        {"space_id", "node_id", "action", "detail", "ip", "country", "at"}},
       {"uploads",
        "SELECT space_id, name, length, upload_offset, created_at, expires_at FROM file_uploads WHERE "
        "user_id = ? ORDER BY id",
        {"space_id", "name", "length", "offset", "created_at", "expires_at"}}});
}

Result<void> erase_records(const Clock& clock, storage::Session& s, std::int64_t user_id,
                           platform::ErasureReport& report) {
  const UnixMillis now = clock.now_ms();
  // Every space whose rows change, locked first in ascending id: revoking a link and
  // changing a node are space writes (docs/architecture.md "Lock order").
  MERIDIAN_ASSIGN_OR_RETURN(auto spaces, storage::query_integers(s, kTouchedSpaces, {user_id, user_id, user_id}));
  for (std::int64_t id : spaces) MERIDIAN_TRY(storage::lock_row(s, "file_spaces", id));

  MERIDIAN_ASSIGN_OR_RETURN(
      auto grants, s.execute("DELETE FROM file_grants WHERE grantee_kind = 'user' AND grantee_id = ?", {user_id}));
  report.erased.push_back(PersonalRecordCount{"files.grants", grants});
  MERIDIAN_ASSIGN_OR_RETURN(
      auto locks,
      s.execute("UPDATE file_nodes SET locked_by = NULL, lock_expires_at = NULL WHERE locked_by = ?", {user_id}));
  report.erased.push_back(PersonalRecordCount{"files.locks", locks});
  MERIDIAN_TRY(
      s.execute("UPDATE file_links SET revoked_at = ? WHERE created_by = ? AND revoked_at = 0", {now, user_id}));
  MERIDIAN_TRY(
      s.execute("UPDATE file_activity SET ip = '', country = '' WHERE actor_user_id = ? AND "
                "(ip <> '' OR country <> '')",
                {user_id}));

  for (auto [kind, sql] : {std::pair{"files.share_links", kCountLinks}, std::pair{"files.activity", kCountActivity}}) {
    MERIDIAN_ASSIGN_OR_RETURN(auto n, storage::query_integer(s, sql, {user_id}));
    report.pseudonymised.push_back(PersonalRecordCount{kind, n});
  }
  MERIDIAN_ASSIGN_OR_RETURN(auto uploads, storage::query_integer(s, kCountUploads, {user_id}));
  if (uploads > 0) {
    report.kept.push_back(PersonalRecordCount{"files.uploads", uploads});
    report.reasons_kept.emplace_back(kUploadsExpire);
  }
  return {};
}

}  // namespace

FilesPersonalData::FilesPersonalData(storage::Database& db, const Clock& clock, FilesService& files)
    : db_(db),
      files_(files),
      rows_(db, {"files",
                 count_records,
                 collect,
                 std::bind_front(erase_records, std::cref(clock)),
                 {"file_spaces", "file_nodes", "file_versions", "file_grants", "file_links", "file_activity",
                  "file_uploads"}}) {}

Result<platform::ErasureReport> FilesPersonalData::erase_personal_data(std::int64_t user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto space, files_.erase_personal_files(user_id));
  MERIDIAN_ASSIGN_OR_RETURN(auto report, rows_.erase_personal_data(user_id));
  report.erased.insert(report.erased.begin(), {PersonalRecordCount{"files.files", space.files},
                                               PersonalRecordCount{"files.folders", space.folders},
                                               PersonalRecordCount{"files.versions", space.versions},
                                               PersonalRecordCount{"files.space_activity", space.activity}});
  if (!space.holds.empty()) {
    report.kept.insert(report.kept.begin(), PersonalRecordCount{"files.files", space.held_files});
    report.reasons_kept.insert(report.reasons_kept.begin(), space.holds.begin(), space.holds.end());
  }
  return report;
}

Result<std::vector<platform::PersonalObject>> FilesPersonalData::personal_objects(std::int64_t user_id) {
  return storage::read_value<std::vector<platform::PersonalObject>>(db_, [&](storage::Session& s) {
    return storage::query_rows(
        s,
        "SELECT n.id, v.number, n.name, b.object_key, v.size FROM file_versions v JOIN file_nodes n ON n.id = "
        "v.node_id JOIN file_spaces sp ON sp.id = n.space_id JOIN file_blobs b ON b.id = v.blob_id WHERE (sp.kind = "
        "'personal' AND sp.owner_user_id = ?) OR (v.created_by = ? AND NOT (sp.kind = 'personal' AND "
        "sp.owner_user_id = v.created_by)) ORDER BY n.id, v.number",
        {user_id, user_id}, [](const storage::Row& r) {
          return platform::PersonalObject{"files/" + std::to_string(r.integer(0)) + "/v" + std::to_string(r.integer(1)),
                                          r.text(2), r.text(3), r.integer(4)};
        });
  });
}

}  // namespace meridian::files
