#include "files/files_repository.hpp"
#include "storage/row_columns.hpp"

#include <algorithm>
#include <utility>

namespace meridian::files {
namespace {

using storage::Params;
using storage::Row;
using storage::Rows;
using storage::Value;

constexpr const char* kSpaceColumns =
    "id, kind, name, owner_user_id, team_id, region, quota_bytes, used_bytes, conversation_id";
constexpr const char* kNodeColumns =
    "n.id, n.space_id, n.parent_id, n.kind, n.name, n.created_by, n.created_at, n.updated_at, n.locked_by, "
    "n.lock_expires_at, v.number, v.size, v.content_type, b.sha256";
constexpr const char* kNodeFrom =
    " FROM file_nodes n LEFT JOIN file_versions v ON v.id = n.current_version_id LEFT JOIN file_blobs b ON b.id = "
    "v.blob_id ";
constexpr const char* kVersionColumns = "v.number, v.size, v.content_type, b.sha256, v.created_by, v.created_at";
constexpr const char* kGrantColumns = "id, space_id, node_id, grantee_kind, grantee_id, role, created_by, created_at";

Space space_from(const Row& r) {
  Space s;
  storage::read_columns(r, s.id, storage::text_as([&](const std::string& t) { parse_space_kind(t, s.kind); }), s.name,
                        s.owner_user_id, s.team_id, s.region, s.quota_bytes, s.used_bytes, s.conversation_id);
  return s;
}

Node node_from(const Row& r) {
  Node n;
  storage::read_columns(r, n.id, n.space_id, n.parent_id,
                        storage::text_as([&](const std::string& t) { n.is_folder = t == "folder"; }), n.name,
                        n.created_by, n.created_at, n.updated_at, n.locked_by, n.lock_expires_at, n.version, n.size,
                        n.content_type, n.sha256);
  return n;
}

Version version_from(const Row& r) {
  Version v;
  storage::read_columns(r, v.number, v.size, v.content_type, v.sha256, v.created_by, v.created_at);
  return v;
}

VersionRef version_ref_from(const Row& r) { return VersionRef{r.integer(0), r.integer(1), r.integer(2), r.text(3)}; }

Grant grant_from(const Row& r) {
  Grant g;
  storage::read_columns(r, g.id, g.space_id, g.node_id, g.grantee_kind, g.grantee_id,
                        storage::text_as([&](const std::string& t) { parse_file_role(t, g.role); }), g.created_by,
                        g.created_at);
  return g;
}

Value id_or_null(std::int64_t id) { return id ? Value(id) : Value(nullptr); }

template <typename T, typename F>
Result<std::optional<T>> first(Result<Rows> rows, F&& from) {
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<T>{};
  return std::optional<T>(from(rows->front()));
}

Result<std::optional<std::int64_t>> first_integer(Result<Rows> rows) {
  return first<std::int64_t>(std::move(rows), [](const Row& r) { return r.integer(0); });
}

Result<std::vector<std::int64_t>> integers(Result<Rows> rows) {
  if (!rows) return rows.error();
  std::vector<std::int64_t> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(r.integer(0));
  return out;
}

Result<bool> any(Result<Rows> rows) {
  if (!rows) return rows.error();
  return !rows->empty();
}

Result<void> done(Result<std::int64_t> changed) {
  if (!changed) return changed.error();
  return {};
}

Result<std::int64_t> inserted_id(Result<Rows> rows) {
  if (!rows) return rows.error();
  if (rows->empty()) return make_error(ErrorCode::internal, "insert returned no id");
  return rows->front().integer(0);
}

}  // namespace

// ---- spaces

Result<std::optional<Space>> FilesRepository::space(S& s, std::int64_t id) {
  return first<Space>(s.query(std::string("SELECT ") + kSpaceColumns + " FROM file_spaces WHERE id = ?", {id}),
                      space_from);
}

Result<std::optional<Space>> FilesRepository::conversation_space(S& s, std::int64_t conversation_id) {
  return first<Space>(s.query(std::string("SELECT ") + kSpaceColumns + " FROM file_spaces WHERE conversation_id = ?",
                              {conversation_id}),
                      space_from);
}

Result<std::optional<std::int64_t>> FilesRepository::personal_space_id(S& s, std::int64_t user_id) {
  return first_integer(s.query("SELECT id FROM file_spaces WHERE kind = 'personal' AND owner_user_id = ?", {user_id}));
}

Result<std::optional<std::int64_t>> FilesRepository::space_creator(S& s, std::int64_t space_id) {
  return first_integer(s.query("SELECT created_by FROM file_spaces WHERE id = ?", {space_id}));
}

Result<std::int64_t> FilesRepository::insert_space(S& s, const Space& space, std::int64_t created_by, UnixMillis now) {
  return inserted_id(s.query(
      "INSERT INTO file_spaces (kind, name, owner_user_id, team_id, conversation_id, region, quota_bytes, "
      "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {std::string(space_kind_name(space.kind)), space.name, id_or_null(space.owner_user_id), id_or_null(space.team_id),
       id_or_null(space.conversation_id), space.region, space.quota_bytes, created_by, now}));
}

Result<std::vector<Space>> FilesRepository::spaces_visible_to(S& s, std::int64_t user_id, bool staff, bool admin) {
  std::string sql = std::string("SELECT ") + kSpaceColumns +
                    " FROM file_spaces WHERE (kind = 'personal' AND owner_user_id = ?)"
                    " OR (kind = 'customer' AND owner_user_id = ?)"
                    " OR id IN (SELECT space_id FROM file_grants WHERE grantee_kind = 'user' AND grantee_id = ?)";
  Params params{user_id, user_id, user_id};
  if (staff) {
    sql +=
        " OR (kind = 'customer' AND created_by = ?)"
        " OR (kind = 'team' AND team_id IN (SELECT team_id FROM team_members WHERE user_id = ?))"
        " OR id IN (SELECT space_id FROM file_grants WHERE grantee_kind = 'team' AND grantee_id IN"
        " (SELECT team_id FROM team_members WHERE user_id = ?))";
    params.insert(params.end(), {user_id, user_id, user_id});
    if (admin) sql += " OR kind IN ('team', 'customer')";
  }
  sql += " ORDER BY CASE WHEN kind = 'personal' AND owner_user_id = ? THEN 0 ELSE 1 END, id";
  params.emplace_back(user_id);
  auto rows = s.query(sql, params);
  if (!rows) return rows.error();
  std::vector<Space> out;
  for (const auto& r : *rows) out.push_back(space_from(r));
  return out;
}

Result<void> FilesRepository::add_used_bytes(S& s, std::int64_t space_id, std::int64_t delta) {
  return done(s.execute("UPDATE file_spaces SET used_bytes = used_bytes + ? WHERE id = ?", {delta, space_id}));
}

// ---- people

Result<std::string> FilesRepository::name_of(S& s, std::string_view kind, std::int64_t id) {
  if (id == 0) return std::string();
  auto rows = kind == "team" ? s.query("SELECT name FROM teams WHERE id = ?", {id})
                             : s.query("SELECT display_name FROM users WHERE id = ?", {id});
  if (!rows) return rows.error();
  if (rows->empty()) return std::string();
  return rows->front().text(0);
}

Result<std::optional<AccountRef>> FilesRepository::active_account(S& s, std::int64_t user_id) {
  return first<AccountRef>(s.query("SELECT kind, region FROM users WHERE id = ? AND active = 1", {user_id}),
                           [](const Row& r) {
                             return AccountRef{r.text(0), r.text(1)};
                           });
}

Result<std::optional<std::string>> FilesRepository::team_region(S& s, std::int64_t team_id) {
  return first<std::string>(s.query("SELECT region FROM teams WHERE id = ?", {team_id}),
                            [](const Row& r) { return r.text(0); });
}

Result<bool> FilesRepository::is_team_member(S& s, std::int64_t team_id, std::int64_t user_id) {
  return any(s.query("SELECT 1 FROM team_members WHERE team_id = ? AND user_id = ?", {team_id, user_id}));
}

// ---- nodes

Result<std::optional<Node>> FilesRepository::node(S& s, std::int64_t id) {
  return first<Node>(s.query(std::string("SELECT ") + kNodeColumns + kNodeFrom + "WHERE n.id = ?", {id}), node_from);
}

Result<std::optional<std::int64_t>> FilesRepository::space_of_node(S& s, std::int64_t node_id) {
  return first_integer(s.query("SELECT space_id FROM file_nodes WHERE id = ?", {node_id}));
}

Result<std::optional<std::int64_t>> FilesRepository::parent_of(S& s, std::int64_t node_id) {
  return first_integer(s.query("SELECT parent_id FROM file_nodes WHERE id = ?", {node_id}));
}

Result<std::optional<Node>> FilesRepository::child(S& s, std::int64_t space_id, std::int64_t parent_id,
                                                   const std::string& name) {
  return first<Node>(s.query(std::string("SELECT ") + kNodeColumns + kNodeFrom +
                                 "WHERE n.space_id = ? AND n.parent_id = ? AND n.name = ?",
                             {space_id, parent_id, name}),
                     node_from);
}

Result<std::vector<Node>> FilesRepository::children(S& s, std::int64_t space_id, std::int64_t parent_id) {
  auto rows = s.query(std::string("SELECT ") + kNodeColumns + kNodeFrom +
                          "WHERE n.space_id = ? AND n.parent_id = ? ORDER BY n.kind DESC, n.name",
                      {space_id, parent_id});
  if (!rows) return rows.error();
  std::vector<Node> out;
  for (const auto& r : *rows) out.push_back(node_from(r));
  return out;
}

Result<std::vector<std::int64_t>> FilesRepository::child_ids(S& s, std::int64_t space_id, std::int64_t parent_id) {
  return integers(s.query("SELECT id FROM file_nodes WHERE parent_id = ? AND space_id = ?", {parent_id, space_id}));
}

Result<std::vector<std::int64_t>> FilesRepository::file_ids_after(S& s, std::int64_t after_id, std::int64_t limit) {
  return integers(
      s.query("SELECT id FROM file_nodes WHERE kind = 'file' AND current_version_id IS NOT NULL AND id > ? "
              "ORDER BY id LIMIT ?",
              {after_id, limit}));
}

Result<std::int64_t> FilesRepository::count_files_after(S& s, std::int64_t after_id) {
  return storage::query_integer(
      s, "SELECT COUNT(*) FROM file_nodes WHERE kind = 'file' AND current_version_id IS NOT NULL AND id > ?",
      {after_id});
}

Result<std::int64_t> FilesRepository::insert_node(S& s, std::int64_t space_id, std::int64_t parent_id, bool is_folder,
                                                  const std::string& name, std::int64_t created_by, UnixMillis now) {
  return inserted_id(
      s.query("INSERT INTO file_nodes (space_id, parent_id, kind, name, created_by, created_at, updated_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
              {space_id, parent_id, std::string(is_folder ? "folder" : "file"), name, created_by, now, now}));
}

Result<void> FilesRepository::move_node(S& s, std::int64_t node_id, std::int64_t parent_id, UnixMillis now) {
  return done(s.execute("UPDATE file_nodes SET parent_id = ?, updated_at = ? WHERE id = ?", {parent_id, now, node_id}));
}

Result<void> FilesRepository::rename_node(S& s, std::int64_t node_id, const std::string& name, UnixMillis now) {
  return done(s.execute("UPDATE file_nodes SET name = ?, updated_at = ? WHERE id = ?", {name, now, node_id}));
}

Result<void> FilesRepository::set_lock(S& s, std::int64_t node_id, std::int64_t user_id, UnixMillis expires_at) {
  return done(s.execute("UPDATE file_nodes SET locked_by = ?, lock_expires_at = ? WHERE id = ?",
                        {user_id, expires_at, node_id}));
}

Result<void> FilesRepository::clear_lock(S& s, std::int64_t node_id) {
  return done(s.execute("UPDATE file_nodes SET locked_by = NULL, lock_expires_at = NULL WHERE id = ?", {node_id}));
}

Result<void> FilesRepository::set_current_version(S& s, std::int64_t node_id, std::int64_t version_id, UnixMillis now) {
  return done(s.execute("UPDATE file_nodes SET current_version_id = ?, updated_at = ? WHERE id = ?",
                        {version_id, now, node_id}));
}

Result<void> FilesRepository::clear_current_version(S& s, std::int64_t node_id) {
  return done(s.execute("UPDATE file_nodes SET current_version_id = NULL WHERE id = ?", {node_id}));
}

Result<void> FilesRepository::delete_node(S& s, std::int64_t space_id, std::int64_t node_id) {
  MERIDIAN_TRY(done(s.execute("DELETE FROM file_grants WHERE node_id = ? AND space_id = ?", {node_id, space_id})));
  MERIDIAN_TRY(done(s.execute("DELETE FROM file_links WHERE node_id = ?", {node_id})));
  return done(s.execute("DELETE FROM file_nodes WHERE id = ?", {node_id}));
}

// ---- versions

Result<std::vector<VersionRef>> FilesRepository::versions_newest_first(S& s, std::int64_t node_id) {
  auto rows = s.query(
      "SELECT id, blob_id, size, content_type FROM file_versions WHERE node_id = ? ORDER BY number DESC", {node_id});
  if (!rows) return rows.error();
  std::vector<VersionRef> out;
  for (const auto& r : *rows) out.push_back(version_ref_from(r));
  return out;
}

Result<std::optional<VersionRef>> FilesRepository::version(S& s, std::int64_t version_id) {
  return first<VersionRef>(
      s.query("SELECT id, blob_id, size, content_type FROM file_versions WHERE id = ?", {version_id}),
      version_ref_from);
}

Result<std::optional<VersionRef>> FilesRepository::version_by_number(S& s, std::int64_t node_id, std::int64_t number) {
  return first<VersionRef>(
      s.query("SELECT id, blob_id, size, content_type FROM file_versions WHERE node_id = ? AND number = ?",
              {node_id, number}),
      version_ref_from);
}

Result<std::int64_t> FilesRepository::next_version_number(S& s, std::int64_t node_id) {
  return inserted_id(s.query("SELECT COALESCE(MAX(number), 0) + 1 FROM file_versions WHERE node_id = ?", {node_id}));
}

Result<std::int64_t> FilesRepository::insert_version(S& s, std::int64_t node_id, std::int64_t number,
                                                     std::int64_t blob_id, std::int64_t size,
                                                     const std::string& content_type, std::int64_t created_by,
                                                     UnixMillis now) {
  return inserted_id(
      s.query("INSERT INTO file_versions (node_id, number, blob_id, size, content_type, created_by, created_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
              {node_id, number, blob_id, size, content_type, created_by, now}));
}

Result<void> FilesRepository::delete_version(S& s, std::int64_t version_id) {
  return done(s.execute("DELETE FROM file_versions WHERE id = ?", {version_id}));
}

Result<std::vector<Version>> FilesRepository::versions(S& s, std::int64_t node_id) {
  auto rows = s.query(std::string("SELECT ") + kVersionColumns +
                          " FROM file_versions v JOIN file_blobs b ON b.id = v.blob_id WHERE v.node_id = ? "
                          "ORDER BY v.number DESC",
                      {node_id});
  if (!rows) return rows.error();
  std::vector<Version> out;
  for (const auto& r : *rows) out.push_back(version_from(r));
  return out;
}

Result<std::optional<StoredVersion>> FilesRepository::stored_version(S& s, std::int64_t node_id, std::int64_t number) {
  return first<StoredVersion>(s.query(std::string("SELECT ") + kVersionColumns +
                                          ", b.object_key FROM file_versions v JOIN file_blobs b ON b.id = v.blob_id "
                                          "WHERE v.node_id = ? AND v.number = ?",
                                      {node_id, number}),
                              [](const Row& r) {
                                return StoredVersion{version_from(r), r.text(6)};
                              });
}

Result<std::optional<StoredVersion>> FilesRepository::current_stored_version(S& s, std::int64_t node_id) {
  return first<StoredVersion>(
      s.query(std::string("SELECT ") + kVersionColumns +
                  ", b.object_key FROM file_nodes n JOIN file_versions v ON v.id = n.current_version_id "
                  "JOIN file_blobs b ON b.id = v.blob_id WHERE n.id = ?",
              {node_id}),
      [](const Row& r) {
        return StoredVersion{version_from(r), r.text(6)};
      });
}

// ---- blobs

Result<std::optional<std::int64_t>> FilesRepository::blob_by_content(S& s, const std::string& region,
                                                                     const std::string& sha256) {
  return first_integer(s.query("SELECT id FROM file_blobs WHERE region = ? AND sha256 = ?", {region, sha256}));
}

Result<BlobRow> FilesRepository::upsert_blob(S& s, const std::string& region, const std::string& sha256,
                                             std::int64_t size, const std::string& object_key, UnixMillis now) {
  auto rows = s.query(
      "INSERT INTO file_blobs (region, sha256, size, object_key, ref_count, created_at) VALUES (?, ?, ?, ?, 1, ?) "
      "ON CONFLICT (region, sha256) DO UPDATE SET ref_count = file_blobs.ref_count + 1 "
      "RETURNING id, object_key, ref_count",
      {region, sha256, size, object_key, now});
  if (!rows) return rows.error();
  if (rows->empty()) return make_error(ErrorCode::internal, "insert returned no blob");
  const auto& r = rows->front();
  return BlobRow{r.integer(0), r.text(1), r.integer(2)};
}

Result<void> FilesRepository::add_blob_references(S& s, std::int64_t blob_id, std::int64_t delta) {
  return done(s.execute("UPDATE file_blobs SET ref_count = ref_count + ? WHERE id = ?", {delta, blob_id}));
}

Result<std::optional<BlobRow>> FilesRepository::blob(S& s, std::int64_t blob_id) {
  return first<BlobRow>(s.query("SELECT id, object_key, ref_count FROM file_blobs WHERE id = ?", {blob_id}),
                        [](const Row& r) {
                          return BlobRow{r.integer(0), r.text(1), r.integer(2)};
                        });
}

Result<void> FilesRepository::delete_blob(S& s, std::int64_t blob_id) {
  return done(s.execute("DELETE FROM file_blobs WHERE id = ?", {blob_id}));
}

Result<std::vector<std::int64_t>> FilesRepository::blob_ids_of_tree(S& s, std::int64_t space_id, std::int64_t node_id) {
  return integers(
      s.query("WITH RECURSIVE tree(id) AS (SELECT id FROM file_nodes WHERE id = ? UNION ALL "
              "SELECT n.id FROM file_nodes n JOIN tree t ON n.parent_id = t.id WHERE n.space_id = ?) "
              "SELECT DISTINCT v.blob_id FROM file_versions v JOIN tree t ON v.node_id = t.id",
              {node_id, space_id}));
}

Result<std::set<std::string>> FilesRepository::blob_object_keys(S& s) {
  auto rows = s.query("SELECT object_key FROM file_blobs");
  if (!rows) return rows.error();
  std::set<std::string> keys;
  for (const auto& r : *rows) keys.insert(r.text(0));
  return keys;
}

// ---- grants

Result<std::vector<FileRole>> FilesRepository::grant_roles(S& s, std::int64_t space_id,
                                                           const std::vector<std::int64_t>& node_ids,
                                                           std::int64_t user_id, bool via_teams) {
  std::vector<FileRole> out;
  if (node_ids.empty()) return out;
  std::string in;
  Params params{space_id};
  for (auto id : node_ids) {
    in += in.empty() ? "?" : ", ?";
    params.emplace_back(id);
  }
  params.emplace_back(user_id);
  std::string sql = "SELECT role FROM file_grants WHERE space_id = ? AND node_id IN (" + in +
                    ") AND ((grantee_kind = 'user' AND grantee_id = ?)";
  if (via_teams) {
    sql += " OR (grantee_kind = 'team' AND grantee_id IN (SELECT team_id FROM team_members WHERE user_id = ?))";
    params.emplace_back(user_id);
  }
  sql += ")";
  auto rows = s.query(sql, params);
  if (!rows) return rows.error();
  for (const auto& r : *rows) {
    FileRole role = FileRole::none;
    parse_file_role(r.text(0), role);
    out.push_back(role);
  }
  return out;
}

Result<bool> FilesRepository::has_user_grant_in(S& s, std::int64_t space_id, std::int64_t user_id) {
  return any(s.query("SELECT 1 FROM file_grants WHERE space_id = ? AND grantee_kind = 'user' AND grantee_id = ?",
                     {space_id, user_id}));
}

Result<std::vector<Grant>> FilesRepository::grants(S& s, std::int64_t space_id, std::int64_t node_id) {
  auto rows = s.query(
      std::string("SELECT ") + kGrantColumns + " FROM file_grants WHERE space_id = ? AND node_id = ? ORDER BY id",
      {space_id, node_id});
  if (!rows) return rows.error();
  std::vector<Grant> out;
  for (const auto& r : *rows) out.push_back(grant_from(r));
  return out;
}

Result<std::optional<Grant>> FilesRepository::grant(S& s, std::int64_t grant_id) {
  return first<Grant>(s.query(std::string("SELECT ") + kGrantColumns + " FROM file_grants WHERE id = ?", {grant_id}),
                      grant_from);
}

Result<std::int64_t> FilesRepository::replace_grant(S& s, const Grant& g) {
  MERIDIAN_TRY(done(
      s.execute("DELETE FROM file_grants WHERE space_id = ? AND node_id = ? AND grantee_kind = ? AND grantee_id = ?",
                {g.space_id, g.node_id, g.grantee_kind, g.grantee_id})));
  return inserted_id(
      s.query("INSERT INTO file_grants (space_id, node_id, grantee_kind, grantee_id, role, created_by, created_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
              {g.space_id, g.node_id, g.grantee_kind, g.grantee_id, std::string(file_role_name(g.role)), g.created_by,
               g.created_at}));
}

Result<void> FilesRepository::delete_grant(S& s, std::int64_t grant_id) {
  return done(s.execute("DELETE FROM file_grants WHERE id = ?", {grant_id}));
}

// ---- activity

Result<void> FilesRepository::insert_activity(S& s, const Activity& a) {
  return done(s.execute(
      "INSERT INTO file_activity (space_id, node_id, actor_user_id, link_id, action, detail, ip, country, at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {a.space_id, a.node_id, a.actor_user_id, a.link_id, a.action, a.detail, a.ip, a.country, a.at}));
}

Result<std::vector<Activity>> FilesRepository::activity(S& s, std::int64_t space_id, std::int64_t node_id,
                                                        const ActivityFilter& f) {
  std::string sql =
      "SELECT a.id, a.space_id, a.node_id, a.actor_user_id, a.link_id, a.action, a.detail, a.ip, a.country, a.at, "
      "u.display_name, n.name FROM file_activity a LEFT JOIN users u ON u.id = a.actor_user_id "
      "LEFT JOIN file_nodes n ON n.id = a.node_id WHERE a.space_id = ?";
  Params params{space_id};
  if (node_id) {
    sql += " AND a.node_id = ?";
    params.emplace_back(node_id);
  }
  if (!f.action.empty()) {
    sql += " AND a.action = ?";
    params.emplace_back(f.action);
  }
  if (f.actor) {
    sql += " AND a.actor_user_id = ?";
    params.emplace_back(f.actor);
  }
  if (f.since) {
    sql += " AND a.at >= ?";
    params.emplace_back(f.since);
  }
  if (f.until) {
    sql += " AND a.at < ?";
    params.emplace_back(f.until);
  }
  sql += " ORDER BY a.id DESC LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(std::clamp(f.limit, 1, 10000)));
  return storage::query_rows(s, sql, params, [](const Row& r) {
    Activity a;
    storage::read_columns(r, a.id, a.space_id, a.node_id, a.actor_user_id, a.link_id, a.action, a.detail, a.ip,
                          a.country, a.at, a.actor_name, a.node_name);
    return a;
  });
}

// ---- chat attachments

Result<AttachmentState> FilesRepository::attachment_state(S& s, std::int64_t node_id) {
  auto rows = s.query("SELECT message_id FROM message_attachments WHERE file_id = ?", {node_id});
  if (!rows) return rows.error();
  if (rows->empty()) return AttachmentState::none;
  return rows->front().is_null(0) ? AttachmentState::released : AttachmentState::attached;
}

Result<void> FilesRepository::forget_release(S& s, std::int64_t node_id) {
  return done(s.execute("DELETE FROM message_attachments WHERE file_id = ? AND message_id IS NULL", {node_id}));
}

Result<std::vector<std::int64_t>> FilesRepository::detached_conversation_files(S& s, UnixMillis older_than, int limit) {
  return integers(s.query(
      "SELECT n.id FROM file_nodes n JOIN file_spaces sp ON sp.id = n.space_id WHERE sp.kind = 'conversation' "
      "AND NOT EXISTS (SELECT 1 FROM message_attachments a WHERE a.file_id = n.id AND a.message_id IS NOT NULL) "
      "AND (n.created_at < ? OR EXISTS (SELECT 1 FROM message_attachments a WHERE a.file_id = n.id)) "
      "ORDER BY n.id LIMIT ?",
      {older_than, static_cast<std::int64_t>(limit)}));
}

}  // namespace meridian::files
