#include "files/files_service.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "core/log.hpp"
#include "core/random.hpp"
#include "files/names.hpp"

namespace meridian::files {
namespace {

using storage::Params;
using storage::Row;
using storage::Session;

constexpr const char* kSpaceColumns =
    "id, kind, name, owner_user_id, team_id, region, quota_bytes, used_bytes, conversation_id";
constexpr const char* kNodeColumns =
    "n.id, n.space_id, n.parent_id, n.kind, n.name, n.created_by, n.created_at, n.updated_at, n.locked_by, "
    "n.lock_expires_at, v.number, v.size, v.content_type, b.sha256";
constexpr const char* kNodeFrom =
    " FROM file_nodes n LEFT JOIN file_versions v ON v.id = n.current_version_id LEFT JOIN file_blobs b ON b.id = "
    "v.blob_id ";

Error not_found() { return make_error(ErrorCode::not_found, "no such file or folder"); }
Error no_space() { return make_error(ErrorCode::not_found, "no such space"); }
Error attachment_fixed() {
  return make_error(ErrorCode::conflict, "a chat attachment can not be renamed, moved, locked or overwritten");
}
constexpr std::size_t kMaxAttachments = 10;

bool is_staff(const Subject& s) { return s.kind == UserKind::employee || s.kind == UserKind::agent; }
bool is_admin(const Subject& s) { return s.has_role(Role::admin); }

Space space_from(const Row& r) {
  Space s;
  s.id = r.integer(0);
  parse_space_kind(r.text(1), s.kind);
  s.name = r.text(2);
  s.owner_user_id = r.integer(3);
  s.team_id = r.integer(4);
  s.region = r.text(5);
  s.quota_bytes = r.integer(6);
  s.used_bytes = r.integer(7);
  s.conversation_id = r.integer(8);
  return s;
}

Node node_from(const Row& r) {
  Node n;
  n.id = r.integer(0);
  n.space_id = r.integer(1);
  n.parent_id = r.integer(2);
  n.is_folder = r.text(3) == "folder";
  n.name = r.text(4);
  n.created_by = r.integer(5);
  n.created_at = r.integer(6);
  n.updated_at = r.integer(7);
  n.locked_by = r.integer(8);
  n.lock_expires_at = r.integer(9);
  n.version = r.integer(10);
  n.size = r.integer(11);
  n.content_type = r.text(12);
  n.sha256 = r.text(13);
  return n;
}

// Display names for listings: a user's or a team's; empty when gone.
Result<std::string> name_of(Session& s, std::string_view kind, std::int64_t id) {
  if (id == 0) return std::string();
  auto rows = kind == "team" ? s.query("SELECT name FROM teams WHERE id = ?", {id})
                             : s.query("SELECT display_name FROM users WHERE id = ?", {id});
  if (!rows) return rows.error();
  if (rows->empty()) return std::string();
  return rows->front().text(0);
}

Result<void> add_owner_name(Session& s, Space& space) {
  if (space.kind == SpaceKind::team) return {};
  auto name = name_of(s, "user", space.owner_user_id);
  if (!name) return name.error();
  space.owner_name = std::move(*name);
  return {};
}

Result<Space> load_space(Session& s, std::int64_t id) {
  auto rows = s.query(std::string("SELECT ") + kSpaceColumns + " FROM file_spaces WHERE id = ?", {id});
  if (!rows) return rows.error();
  if (rows->empty()) return no_space();
  return space_from(rows->front());
}

Result<Node> load_node(Session& s, std::int64_t id) {
  auto rows = s.query(std::string("SELECT ") + kNodeColumns + kNodeFrom + "WHERE n.id = ?", {id});
  if (!rows) return rows.error();
  if (rows->empty()) return not_found();
  return node_from(rows->front());
}

// Lock order (docs/architecture.md): a write that changes a space's nodes, versions or
// usage first takes the space row. On PostgreSQL two uploads then can not both pass the
// quota check, and an upload into a folder sees the folder's delete (SQLite writes one
// transaction at a time anyway).
Result<Space> lock_space(Session& s, std::int64_t space_id) {
  auto locked = storage::lock_row(s, "file_spaces", space_id);
  if (!locked) return locked.error().code == ErrorCode::not_found ? no_space() : locked.error();
  return load_space(s, space_id);
}

// Blob rows are shared by every space of a region, so the space locks do not order them:
// a write that changes reference counts first locks every blob it will touch, ascending
// (two uploads in two spaces, each pruning the blob the other deduplicates onto, locked
// them in opposite orders and one was a deadlock victim). A blob gone meanwhile is skipped.
Result<void> lock_blobs(Session& s, std::vector<std::int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (auto id : ids) {
    auto locked = storage::lock_row(s, "file_blobs", id);
    if (!locked && locked.error().code != ErrorCode::not_found) return locked.error();
  }
  return {};
}

// The blobs a new version of node_id touches: the one with the same content (it is
// deduplicated onto) and those of the versions it prunes (all but the newest keep - 1).
Result<std::vector<std::int64_t>> blobs_of_new_version(Session& s, std::int64_t node_id, int keep,
                                                       std::optional<std::int64_t> same_content) {
  std::vector<std::int64_t> out;
  if (same_content) out.push_back(*same_content);
  if (node_id == 0) return out;
  auto rows = s.query("SELECT blob_id FROM file_versions WHERE node_id = ? ORDER BY number DESC", {node_id});
  if (!rows) return rows.error();
  for (std::size_t i = static_cast<std::size_t>(std::max(keep, 1) - 1); i < rows->size(); ++i)
    out.push_back((*rows)[i].integer(0));
  return out;
}

// The blobs of every version in the tree below (and of) node_id.
Result<std::vector<std::int64_t>> blobs_of_tree(Session& s, std::int64_t space_id, std::int64_t node_id) {
  auto rows = s.query(
      "WITH RECURSIVE tree(id) AS (SELECT id FROM file_nodes WHERE id = ? UNION ALL "
      "SELECT n.id FROM file_nodes n JOIN tree t ON n.parent_id = t.id WHERE n.space_id = ?) "
      "SELECT DISTINCT v.blob_id FROM file_versions v JOIN tree t ON v.node_id = t.id",
      {node_id, space_id});
  if (!rows) return rows.error();
  std::vector<std::int64_t> out;
  for (const auto& r : *rows) out.push_back(r.integer(0));
  return out;
}

// The node's space locked as above, then the node as it is under that lock.
Result<Node> load_node_locking_space(Session& s, std::int64_t node_id) {
  auto rows = s.query("SELECT space_id FROM file_nodes WHERE id = ?", {node_id});
  if (!rows) return rows.error();
  if (rows->empty()) return not_found();
  auto space = lock_space(s, rows->front().integer(0));
  if (!space) return space.error();
  return load_node(s, node_id);
}

Result<std::optional<Node>> find_child(Session& s, std::int64_t space_id, std::int64_t parent_id,
                                       const std::string& name) {
  auto rows = s.query(
      std::string("SELECT ") + kNodeColumns + kNodeFrom + "WHERE n.space_id = ? AND n.parent_id = ? AND n.name = ?",
      {space_id, parent_id, name});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Node>{};
  return std::optional<Node>(node_from(rows->front()));
}

Result<std::int64_t> space_creator(Session& s, std::int64_t space_id) {
  auto rows = s.query("SELECT created_by FROM file_spaces WHERE id = ?", {space_id});
  if (!rows) return rows.error();
  if (rows->empty()) return no_space();
  return rows->front().integer(0);
}

// node, its parent, ..., up to the root; 0 (the space) last.
Result<std::vector<std::int64_t>> ancestry(Session& s, std::int64_t node_id) {
  std::vector<std::int64_t> out;
  std::int64_t id = node_id;
  while (id != 0 && out.size() < 256) {
    out.push_back(id);
    auto rows = s.query("SELECT parent_id FROM file_nodes WHERE id = ?", {id});
    if (!rows) return rows.error();
    if (rows->empty()) return not_found();
    id = rows->front().integer(0);
  }
  out.push_back(0);
  return out;
}

Result<void> log_activity(Session& s, const Caller& caller, std::int64_t space_id, std::int64_t node_id,
                          std::string_view action, std::string detail, UnixMillis at) {
  auto r = s.execute(
      "INSERT INTO file_activity (space_id, node_id, actor_user_id, action, detail, ip, country, at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {space_id, node_id, caller.subject.user_id, std::string(action), std::move(detail), caller.ip, caller.country,
       at});
  if (!r) return r.error();
  return {};
}

Result<void> check_lock(const Node& node, const Subject& who, UnixMillis now) {
  if (node.locked_by != 0 && node.locked_by != who.user_id && node.lock_expires_at > now)
    return make_error(ErrorCode::conflict, "the file is locked by another user");
  return {};
}

// Drops one reference to a blob; returns its object key when it was the last one.
Result<std::optional<std::string>> release_blob(Session& s, std::int64_t blob_id) {
  auto upd = s.execute("UPDATE file_blobs SET ref_count = ref_count - 1 WHERE id = ?", {blob_id});
  if (!upd) return upd.error();
  auto rows = s.query("SELECT ref_count, object_key FROM file_blobs WHERE id = ?", {blob_id});
  if (!rows) return rows.error();
  if (rows->empty() || rows->front().integer(0) > 0) return std::optional<std::string>{};
  std::string key = rows->front().text(1);
  auto del = s.execute("DELETE FROM file_blobs WHERE id = ?", {blob_id});
  if (!del) return del.error();
  return std::optional<std::string>(std::move(key));
}

// Deletes the given versions, adjusting the space's usage; returns objects to remove.
Result<void> drop_versions(Session& s, std::int64_t space_id, const std::vector<std::int64_t>& version_ids,
                           std::vector<std::string>& dead_keys) {
  for (auto vid : version_ids) {
    auto rows = s.query("SELECT blob_id, size FROM file_versions WHERE id = ?", {vid});
    if (!rows) return rows.error();
    if (rows->empty()) continue;
    const auto blob = rows->front().integer(0);
    const auto size = rows->front().integer(1);
    auto del = s.execute("DELETE FROM file_versions WHERE id = ?", {vid});
    if (!del) return del.error();
    auto used = s.execute("UPDATE file_spaces SET used_bytes = used_bytes - ? WHERE id = ?", {size, space_id});
    if (!used) return used.error();
    auto key = release_blob(s, blob);
    if (!key) return key.error();
    if (*key) dead_keys.push_back(std::move(**key));
  }
  return {};
}

Result<void> delete_tree(Session& s, std::int64_t space_id, std::int64_t node_id, std::vector<std::string>& dead) {
  auto children = s.query("SELECT id FROM file_nodes WHERE parent_id = ? AND space_id = ?", {node_id, space_id});
  if (!children) return children.error();
  for (const auto& c : *children) MERIDIAN_TRY(delete_tree(s, space_id, c.integer(0), dead));
  auto versions = s.query("SELECT id FROM file_versions WHERE node_id = ?", {node_id});
  if (!versions) return versions.error();
  std::vector<std::int64_t> ids;
  for (const auto& v : *versions) ids.push_back(v.integer(0));
  auto unset = s.execute("UPDATE file_nodes SET current_version_id = NULL WHERE id = ?", {node_id});
  if (!unset) return unset.error();
  MERIDIAN_TRY(drop_versions(s, space_id, ids, dead));
  auto grants = s.execute("DELETE FROM file_grants WHERE node_id = ? AND space_id = ?", {node_id, space_id});
  if (!grants) return grants.error();
  // Its share links go too (they reference the node; the activity log keeps their ids).
  auto links = s.execute("DELETE FROM file_links WHERE node_id = ?", {node_id});
  if (!links) return links.error();
  auto del = s.execute("DELETE FROM file_nodes WHERE id = ?", {node_id});
  if (!del) return del.error();
  return {};
}

// A file of a conversation space: not attached yet, attached to a message, or released
// (its message was deleted or purged; the file is removed next).
enum class Attachment { none, attached, released };

Result<Attachment> attachment_state(Session& s, std::int64_t node_id) {
  auto rows = s.query("SELECT message_id FROM message_attachments WHERE file_id = ?", {node_id});
  if (!rows) return rows.error();
  if (rows->empty()) return Attachment::none;
  return rows->front().is_null(0) ? Attachment::released : Attachment::attached;
}

Result<void> forget_release(Session& s, std::int64_t node_id) {
  auto r = s.execute("DELETE FROM message_attachments WHERE file_id = ? AND message_id IS NULL", {node_id});
  if (!r) return r.error();
  return {};
}

// "report.pdf" -> "report (2).pdf": a chat upload never becomes a version of another.
std::string numbered_name(const std::string& name, int n) {
  const auto dot = name.rfind('.');
  const bool has_ext = dot != std::string::npos && dot > 0;
  const std::string stem = has_ext ? name.substr(0, dot) : name;
  const std::string ext = has_ext ? name.substr(dot) : "";
  return stem + " (" + std::to_string(n) + ")" + ext;
}

std::string random_object_name() {
  std::string token = random_token(18);
  for (auto& c : token)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = 'x';
  return token;
}

Result<std::int64_t> insert_id(Session& s, std::string_view sql, const Params& params) {
  auto rows = s.query(sql, params);
  if (!rows) return rows.error();
  if (rows->empty()) return make_error(ErrorCode::internal, "insert returned no id");
  return rows->front().integer(0);
}

}  // namespace

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

std::string region_prefix(std::string_view region) {
  std::string out;
  for (char c : region) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out.empty() ? "default" : out;
}

// The role a subject has on the space itself, before grants.
FileRole FilesService::implicit_role(Session& s, const Subject& who, const Space& space, std::int64_t created_by) {
  switch (space.kind) {
    case SpaceKind::personal:
      return space.owner_user_id == who.user_id ? FileRole::manager : FileRole::none;
    case SpaceKind::customer:
      if (space.owner_user_id == who.user_id) return FileRole::editor;
      if (who.kind == UserKind::customer || who.kind == UserKind::guest) return FileRole::none;
      if (is_admin(who) || created_by == who.user_id) return FileRole::manager;
      return FileRole::none;
    case SpaceKind::team: {
      if (who.kind == UserKind::customer || who.kind == UserKind::guest) return FileRole::none;
      if (is_admin(who) || created_by == who.user_id) return FileRole::manager;
      auto rows = s.query("SELECT 1 FROM team_members WHERE team_id = ? AND user_id = ?", {space.team_id, who.user_id});
      return rows && !rows->empty() ? FileRole::editor : FileRole::none;
    }
    case SpaceKind::conversation: {
      // Membership now, asked at every check: a removed member reads nothing from then on.
      if (!conversation_access_) return FileRole::none;
      auto access = conversation_access_(s, space.conversation_id, who);
      return access && *access ? (*access)->role : FileRole::none;
    }
  }
  return FileRole::none;
}

Result<FileRole> FilesService::role_in(Session& s, const Subject& who, const Space& space, std::int64_t node_id) {
  auto creator = space_creator(s, space.id);
  if (!creator) return creator.error();
  FileRole best = implicit_role(s, who, space, *creator);
  if (best == FileRole::manager) return best;
  auto path = ancestry(s, node_id);
  if (!path) return path.error();
  std::string in;
  Params params{space.id};
  for (auto id : *path) {
    in += in.empty() ? "?" : ", ?";
    params.emplace_back(id);
  }
  params.emplace_back(who.user_id);
  std::string sql = "SELECT role FROM file_grants WHERE space_id = ? AND node_id IN (" + in +
                    ") AND ((grantee_kind = 'user' AND grantee_id = ?)";
  // Customers and guests are never team members; team grants reach staff only.
  if (who.kind != UserKind::customer && who.kind != UserKind::guest) {
    sql += " OR (grantee_kind = 'team' AND grantee_id IN (SELECT team_id FROM team_members WHERE user_id = ?))";
    params.emplace_back(who.user_id);
  }
  sql += ")";
  auto rows = s.query(sql, params);
  if (!rows) return rows.error();
  for (const auto& r : *rows) {
    FileRole role = FileRole::none;
    parse_file_role(r.text(0), role);
    best = std::max(best, role);
  }
  return best;
}

// Not found rather than forbidden when the caller may not even see it.
Result<FileRole> FilesService::require_role(Session& s, const Subject& who, const Space& space, std::int64_t node_id,
                                            FileRole needed) {
  auto role = role_in(s, who, space, node_id);
  if (!role) return role.error();
  if (*role == FileRole::none) return node_id ? not_found() : no_space();
  if (*role < needed) {
    return make_error(ErrorCode::forbidden, std::string("this needs the ") + file_role_name(needed) +
                                                " role; you are " + file_role_name(*role));
  }
  return *role;
}

FilesService::FilesService(storage::Database& db, objectstore::ObjectStore& store, const Clock& clock,
                           FilesOptions options)
    : db_(db), store_(store), clock_(clock), options_(options) {}

Result<std::vector<Space>> FilesService::list_spaces(const Subject& who) {
  const auto now = clock_.now_ms();
  if (is_staff(who)) {
    // The personal space, made once (the unique index settles a race). Customers and
    // guests have none: they see their customer space and what is shared with them.
    auto made = db_.write([&](Session& s) -> Result<void> {
      auto rows = s.query("SELECT id FROM file_spaces WHERE kind = 'personal' AND owner_user_id = ?", {who.user_id});
      if (!rows) return rows.error();
      if (!rows->empty()) return {};
      auto ins = s.execute(
          "INSERT INTO file_spaces (kind, name, owner_user_id, region, quota_bytes, created_by, created_at) "
          "VALUES ('personal', 'My files', ?, ?, ?, ?, ?)",
          {who.user_id, who.region, options_.personal_quota_bytes, who.user_id, now});
      if (!ins) return ins.error();
      return {};
    });
    if (!made && made.error().code != ErrorCode::conflict) return made.error();
  }
  return storage::read_value<std::vector<Space>>(db_, [&](Session& s) -> Result<std::vector<Space>> {
    const bool staff = who.kind != UserKind::customer && who.kind != UserKind::guest;
    std::string sql = std::string("SELECT ") + kSpaceColumns +
                      " FROM file_spaces WHERE (kind = 'personal' AND owner_user_id = ?)"
                      " OR (kind = 'customer' AND owner_user_id = ?)"
                      " OR id IN (SELECT space_id FROM file_grants WHERE grantee_kind = 'user' AND grantee_id = ?)";
    Params params{who.user_id, who.user_id, who.user_id};
    if (staff) {
      sql +=
          " OR (kind = 'customer' AND created_by = ?)"
          " OR (kind = 'team' AND team_id IN (SELECT team_id FROM team_members WHERE user_id = ?))"
          " OR id IN (SELECT space_id FROM file_grants WHERE grantee_kind = 'team' AND grantee_id IN"
          " (SELECT team_id FROM team_members WHERE user_id = ?))";
      params.insert(params.end(), {who.user_id, who.user_id, who.user_id});
      if (is_admin(who)) sql += " OR kind IN ('team', 'customer')";
    }
    // The caller's own personal space first, then by age.
    sql += " ORDER BY CASE WHEN kind = 'personal' AND owner_user_id = ? THEN 0 ELSE 1 END, id";
    params.emplace_back(who.user_id);
    auto rows = s.query(sql, params);
    if (!rows) return rows.error();
    std::vector<Space> out;
    for (const auto& r : *rows) {
      Space space = space_from(r);
      auto role = role_in(s, who, space, 0);
      if (!role) return role.error();
      space.role = *role;
      MERIDIAN_TRY(add_owner_name(s, space));
      out.push_back(std::move(space));
    }
    return out;
  });
}

Result<Space> FilesService::get_space(const Subject& who, std::int64_t space_id) {
  return storage::read_value<Space>(db_, [&](Session& s) -> Result<Space> {
    auto space = load_space(s, space_id);
    if (!space) return space.error();
    auto role = role_in(s, who, *space, 0);
    if (!role) return role.error();
    // Someone with a grant on a folder inside may see the space exists.
    if (*role == FileRole::none) {
      auto any = s.query("SELECT 1 FROM file_grants WHERE space_id = ? AND grantee_kind = 'user' AND grantee_id = ?",
                         {space_id, who.user_id});
      if (!any) return any.error();
      if (any->empty()) return no_space();
    }
    space->role = *role;
    MERIDIAN_TRY(add_owner_name(s, *space));
    return space;
  });
}

Result<Space> FilesService::create_space(const Caller& caller, const NewSpace& ns) {
  const Subject& who = caller.subject;
  if (!is_staff(who) && !is_admin(who))
    return make_error(ErrorCode::forbidden, "only staff may create team or customer spaces");
  auto name = sanitize_name(ns.name);
  if (!name) return name.error();
  const auto now = clock_.now_ms();
  const std::int64_t quota = ns.quota_bytes > 0 ? ns.quota_bytes : options_.space_quota_bytes;
  return storage::write_value<Space>(db_, [&](Session& s) -> Result<Space> {
    std::string region;
    Params params;
    std::int64_t space_id = 0;
    if (ns.kind == SpaceKind::team) {
      auto team = s.query("SELECT region FROM teams WHERE id = ?", {ns.team_id});
      if (!team) return team.error();
      if (team->empty()) return make_error(ErrorCode::not_found, "no such team");
      auto member = s.query("SELECT 1 FROM team_members WHERE team_id = ? AND user_id = ?", {ns.team_id, who.user_id});
      if (!member) return member.error();
      if (member->empty() && !is_admin(who))
        return make_error(ErrorCode::forbidden, "only members of the team may create its space");
      region = team->front().text(0);
      auto id = insert_id(s,
                          "INSERT INTO file_spaces (kind, name, team_id, region, quota_bytes, created_by, created_at) "
                          "VALUES ('team', ?, ?, ?, ?, ?, ?) RETURNING id",
                          {*name, ns.team_id, region, quota, who.user_id, now});
      if (!id) return id.error();
      space_id = *id;
    } else if (ns.kind == SpaceKind::customer) {
      auto user = s.query("SELECT kind, region FROM users WHERE id = ? AND active = 1", {ns.customer_user_id});
      if (!user) return user.error();
      if (user->empty() || user->front().text(0) != "customer")
        return make_error(ErrorCode::invalid_argument, "customer_user_id must name an active customer");
      region = user->front().text(1);
      auto id = insert_id(s,
                          "INSERT INTO file_spaces (kind, name, owner_user_id, region, quota_bytes, created_by, "
                          "created_at) VALUES ('customer', ?, ?, ?, ?, ?, ?) RETURNING id",
                          {*name, ns.customer_user_id, region, quota, who.user_id, now});
      if (!id) {
        if (id.error().code == ErrorCode::conflict)
          return make_error(ErrorCode::conflict, "that customer already has a space");
        return id.error();
      }
      space_id = *id;
    } else {
      return make_error(ErrorCode::invalid_argument, "kind must be team or customer");
    }
    MERIDIAN_TRY(log_activity(s, caller, space_id, 0, "space", *name, now));
    auto space = load_space(s, space_id);
    if (space) space->role = FileRole::manager;
    return space;
  });
}

Result<std::vector<Node>> FilesService::list_children(const Subject& who, std::int64_t space_id,
                                                      std::int64_t parent_id) {
  return storage::read_value<std::vector<Node>>(db_, [&](Session& s) -> Result<std::vector<Node>> {
    auto space = load_space(s, space_id);
    if (!space) return space.error();
    if (parent_id != 0) {
      auto parent = load_node(s, parent_id);
      if (!parent) return parent.error();
      if (parent->space_id != space_id || !parent->is_folder) return not_found();
    }
    auto parent_role = role_in(s, who, *space, parent_id);
    if (!parent_role) return parent_role.error();
    auto rows = s.query(std::string("SELECT ") + kNodeColumns + kNodeFrom +
                            "WHERE n.space_id = ? AND n.parent_id = ? ORDER BY n.kind DESC, n.name",
                        {space_id, parent_id});
    if (!rows) return rows.error();
    std::vector<Node> out;
    for (const auto& r : *rows) {
      Node n = node_from(r);
      // Children inherit the parent's role; a grant further down may add to it.
      FileRole role = *parent_role;
      if (role < FileRole::manager) {
        auto own = role_in(s, who, *space, n.id);
        if (!own) return own.error();
        role = std::max(role, *own);
      }
      if (role == FileRole::none) continue;
      n.role = role;
      out.push_back(std::move(n));
    }
    if (out.empty() && *parent_role == FileRole::none) {
      // Nothing visible and no role here: the folder does not exist for this caller.
      auto any = s.query("SELECT 1 FROM file_grants WHERE space_id = ? AND grantee_kind = 'user' AND grantee_id = ?",
                         {space_id, who.user_id});
      if (!any) return any.error();
      if (any->empty()) return parent_id ? not_found() : no_space();
    }
    return out;
  });
}

Result<Node> FilesService::get_node(const Subject& who, std::int64_t node_id) {
  return storage::read_value<Node>(db_, [&](Session& s) -> Result<Node> {
    auto node = load_node(s, node_id);
    if (!node) return node.error();
    auto space = load_space(s, node->space_id);
    if (!space) return space.error();
    auto role = require_role(s, who, *space, node_id, FileRole::viewer);
    if (!role) return role.error();
    node->role = *role;
    return node;
  });
}

Result<Node> FilesService::create_folder(const Caller& caller, std::int64_t space_id, std::int64_t parent_id,
                                         std::string_view raw_name) {
  auto name = sanitize_name(raw_name);
  if (!name) return name.error();
  const auto now = clock_.now_ms();
  return storage::write_value<Node>(db_, [&](Session& s) -> Result<Node> {
    auto space = lock_space(s, space_id);
    if (!space) return space.error();
    if (parent_id != 0) {
      auto parent = load_node(s, parent_id);
      if (!parent) return parent.error();
      if (parent->space_id != space_id || !parent->is_folder) return not_found();
    }
    auto role = require_role(s, caller.subject, *space, parent_id, FileRole::editor);
    if (!role) return role.error();
    if (space->kind == SpaceKind::conversation)
      return make_error(ErrorCode::conflict, "a conversation's files have no folders");
    auto id = insert_id(s,
                        "INSERT INTO file_nodes (space_id, parent_id, kind, name, created_by, created_at, updated_at) "
                        "VALUES (?, ?, 'folder', ?, ?, ?, ?) RETURNING id",
                        {space_id, parent_id, *name, caller.subject.user_id, now, now});
    if (!id) {
      if (id.error().code == ErrorCode::conflict)
        return make_error(ErrorCode::conflict, "a file or folder with that name exists here");
      return id.error();
    }
    MERIDIAN_TRY(log_activity(s, caller, space_id, *id, "folder", *name, now));
    auto node = load_node(s, *id);
    if (node) node->role = *role;
    return node;
  });
}

Result<UploadTicket> FilesService::begin_upload(const Caller& caller, std::int64_t space_id, std::int64_t parent_id,
                                                std::string_view raw_name, std::int64_t declared) {
  auto name = sanitize_name(raw_name);
  if (!name) return name.error();
  if (declared > options_.max_file_bytes)
    return make_error(ErrorCode::too_large,
                      "the file is larger than the " + std::to_string(options_.max_file_bytes) + "-byte limit");
  const auto now = clock_.now_ms();
  auto ticket = storage::read_value<UploadTicket>(db_, [&](Session& s) -> Result<UploadTicket> {
    auto space = load_space(s, space_id);
    if (!space) return space.error();
    if (parent_id != 0) {
      auto parent = load_node(s, parent_id);
      if (!parent) return parent.error();
      if (parent->space_id != space_id || !parent->is_folder) return not_found();
    }
    auto existing = find_child(s, space_id, parent_id, *name);
    if (!existing) return existing.error();
    // In a conversation every upload is a file of its own (named apart at completion).
    if (space->kind == SpaceKind::conversation) *existing = std::nullopt;
    const std::int64_t target = *existing ? (*existing)->id : parent_id;
    auto role = require_role(s, caller.subject, *space, target, FileRole::editor);
    if (!role) return role.error();
    if (*existing) {
      if ((*existing)->is_folder) return make_error(ErrorCode::conflict, "a folder with that name exists here");
      MERIDIAN_TRY(check_lock(**existing, caller.subject, now));
    }
    const std::int64_t free_bytes = space->quota_bytes - space->used_bytes;
    if (declared > free_bytes)
      return make_error(ErrorCode::too_large, "quota exceeded: " + std::to_string(free_bytes) +
                                                  " bytes free in this space, the file has " +
                                                  std::to_string(declared));
    UploadTicket t;
    t.space_id = space_id;
    t.parent_id = parent_id;
    t.name = *name;
    t.region = space->region;
    t.object_key = region_prefix(space->region) + "/objects/" + random_object_name();
    t.declared_bytes = declared;
    t.max_bytes = std::min(options_.max_file_bytes, std::max<std::int64_t>(free_bytes, 0));
    return t;
  });
  if (ticket) {
    std::lock_guard lock(in_flight_mutex_);
    in_flight_.insert(ticket->object_key);
  }
  return ticket;
}

Result<UploadTicket> FilesService::begin_new_version(const Caller& caller, std::int64_t node_id,
                                                     std::int64_t declared) {
  auto node = get_node(caller.subject, node_id);
  if (!node) return node.error();
  if (node->is_folder) return make_error(ErrorCode::invalid_argument, "a folder has no content");
  auto kind = storage::read_value<SpaceKind>(db_, [&](Session& s) -> Result<SpaceKind> {
    auto space = load_space(s, node->space_id);
    if (!space) return space.error();
    return space->kind;
  });
  if (!kind) return kind.error();
  if (*kind == SpaceKind::conversation) return attachment_fixed();
  return begin_upload(caller, node->space_id, node->parent_id, node->name, declared);
}

void FilesService::abandon_upload(const UploadTicket& ticket) {
  std::lock_guard lock(in_flight_mutex_);
  in_flight_.erase(ticket.object_key);
}

void FilesService::remove_objects(const std::vector<std::string>& keys) {
  for (const auto& key : keys) {
    auto r = store_.remove(key);
    // Left for collect_garbage() when the store is unreachable now.
    if (!r)
      log::warn("files.object_remove_failed",
                {{"key", std::string_view(key)}, {"error", std::string_view(r.error().message)}});
  }
}

Result<Node> FilesService::complete_upload(const Caller& caller, const UploadTicket& t,
                                           const objectstore::ObjectInfo& info, const std::string& content_type) {
  const auto now = clock_.now_ms();
  const auto size = static_cast<std::int64_t>(info.size);
  std::vector<std::string> dead;  // objects to remove once the transaction committed
  Result<Node> result = not_found();
  // Two tries: a concurrent upload of the same name may create the node first.
  for (int attempt = 0; attempt < 2; ++attempt) {
    dead.clear();
    result = storage::write_value<Node>(db_, [&](Session& s) -> Result<Node> {
      auto space = lock_space(s, t.space_id);
      if (!space) return space.error();
      if (space->used_bytes + size > space->quota_bytes)
        return make_error(ErrorCode::too_large, "quota exceeded while uploading");
      if (t.parent_id != 0) {  // the folder may have gone while the bytes came in
        auto parent = load_node(s, t.parent_id);
        if (!parent)
          return parent.error().code == ErrorCode::not_found
                     ? make_error(ErrorCode::not_found, "the folder was deleted during the upload")
                     : parent.error();
      }
      auto existing = find_child(s, t.space_id, t.parent_id, t.name);
      if (!existing) return existing.error();
      std::string name = t.name;
      for (int n = 2; *existing && space->kind == SpaceKind::conversation; ++n) {
        if (n > 1000) return make_error(ErrorCode::conflict, "too many files with that name in this conversation");
        name = numbered_name(t.name, n);
        existing = find_child(s, t.space_id, t.parent_id, name);
        if (!existing) return existing.error();
      }
      std::int64_t node_id = 0;
      if (*existing) {
        if ((*existing)->is_folder) return make_error(ErrorCode::conflict, "a folder with that name exists here");
        MERIDIAN_TRY(check_lock(**existing, caller.subject, now));
        auto role = require_role(s, caller.subject, *space, (*existing)->id, FileRole::editor);
        if (!role) return role.error();
        node_id = (*existing)->id;
      } else {
        auto role = require_role(s, caller.subject, *space, t.parent_id, FileRole::editor);
        if (!role) return role.error();
        auto id = insert_id(s,
                            "INSERT INTO file_nodes (space_id, parent_id, kind, name, created_by, created_at, "
                            "updated_at) VALUES (?, ?, 'file', ?, ?, ?, ?) RETURNING id",
                            {t.space_id, t.parent_id, name, caller.subject.user_id, now, now});
        if (!id) return id.error();
        node_id = *id;
      }
      auto same = s.query("SELECT id FROM file_blobs WHERE region = ? AND sha256 = ?", {t.region, info.sha256_hex});
      if (!same) return same.error();
      auto touched = blobs_of_new_version(s, *existing ? node_id : 0, options_.keep_versions,
                                          same->empty() ? std::nullopt : std::optional(same->front().integer(0)));
      if (!touched) return touched.error();
      MERIDIAN_TRY(lock_blobs(s, std::move(*touched)));
      // Deduplicate by content within the region: one object per hash.
      auto blob = s.query(
          "INSERT INTO file_blobs (region, sha256, size, object_key, ref_count, created_at) VALUES (?, ?, ?, ?, 1, ?) "
          "ON CONFLICT (region, sha256) DO UPDATE SET ref_count = file_blobs.ref_count + 1 "
          "RETURNING id, object_key",
          {t.region, info.sha256_hex, size, t.object_key, now});
      if (!blob) return blob.error();
      const auto blob_id = blob->front().integer(0);
      if (blob->front().text(1) != t.object_key) dead.push_back(t.object_key);
      auto number = s.query("SELECT COALESCE(MAX(number), 0) + 1 FROM file_versions WHERE node_id = ?", {node_id});
      if (!number) return number.error();
      auto version_id =
          insert_id(s,
                    "INSERT INTO file_versions (node_id, number, blob_id, size, content_type, "
                    "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    {node_id, number->front().integer(0), blob_id, size, content_type, caller.subject.user_id, now});
      if (!version_id) return version_id.error();
      auto upd = s.execute("UPDATE file_nodes SET current_version_id = ?, updated_at = ? WHERE id = ?",
                           {*version_id, now, node_id});
      if (!upd) return upd.error();
      auto used = s.execute("UPDATE file_spaces SET used_bytes = used_bytes + ? WHERE id = ?", {size, t.space_id});
      if (!used) return used.error();
      // Keep the last N versions.
      auto old = s.query("SELECT id FROM file_versions WHERE node_id = ? ORDER BY number DESC", {node_id});
      if (!old) return old.error();
      std::vector<std::int64_t> prune;
      for (std::size_t i = static_cast<std::size_t>(std::max(options_.keep_versions, 1)); i < old->size(); ++i)
        prune.push_back((*old)[i].integer(0));
      MERIDIAN_TRY(drop_versions(s, t.space_id, prune, dead));
      MERIDIAN_TRY(
          log_activity(s, caller, t.space_id, node_id, "upload", name + " (" + std::to_string(size) + " bytes)", now));
      auto node = load_node(s, node_id);
      if (node) node->role = FileRole::editor;
      return node;
    });
    if (result || result.error().code != ErrorCode::conflict || attempt == 1) break;
  }
  if (!result) dead.push_back(t.object_key);  // nothing refers to it
  abandon_upload(t);
  remove_objects(dead);
  return result;
}

Result<Download> FilesService::open_download(const Caller& caller, std::int64_t node_id, std::int64_t version,
                                             bool preview) {
  const auto now = clock_.now_ms();
  return storage::write_value<Download>(db_, [&](Session& s) -> Result<Download> {
    auto node = load_node(s, node_id);
    if (!node) return node.error();
    if (node->is_folder) return make_error(ErrorCode::invalid_argument, "a folder has no content");
    auto space = load_space(s, node->space_id);
    if (!space) return space.error();
    auto role = require_role(s, caller.subject, *space, node_id, FileRole::viewer);
    if (!role) return role.error();
    const std::int64_t number = version > 0 ? version : node->version;
    auto rows = s.query(
        "SELECT v.number, v.size, v.content_type, b.sha256, v.created_by, v.created_at, b.object_key "
        "FROM file_versions v JOIN file_blobs b ON b.id = v.blob_id WHERE v.node_id = ? AND v.number = ?",
        {node_id, number});
    if (!rows) return rows.error();
    if (rows->empty()) return make_error(ErrorCode::not_found, "no such version");
    const auto& r = rows->front();
    Download d;
    d.node = *node;
    d.node.role = *role;
    d.version.number = r.integer(0);
    d.version.size = r.integer(1);
    d.version.content_type = r.text(2);
    d.version.sha256 = r.text(3);
    d.version.created_by = r.integer(4);
    d.version.created_at = r.integer(5);
    d.version.current = d.version.number == node->version;
    d.object_key = r.text(6);
    MERIDIAN_TRY(log_activity(s, caller, node->space_id, node_id, preview ? "preview" : "download",
                              "version " + std::to_string(number), now));
    return d;
  });
}

Result<Download> FilesService::open_current(std::int64_t node_id) {
  return storage::read_value<Download>(db_, [&](Session& s) -> Result<Download> {
    auto node = load_node(s, node_id);
    if (!node) return node.error();
    if (node->is_folder) return make_error(ErrorCode::invalid_argument, "a folder has no content");
    auto rows = s.query(
        "SELECT v.number, v.size, v.content_type, b.sha256, v.created_by, v.created_at, b.object_key "
        "FROM file_nodes n JOIN file_versions v ON v.id = n.current_version_id JOIN file_blobs b ON b.id = v.blob_id "
        "WHERE n.id = ?",
        {node_id});
    if (!rows) return rows.error();
    if (rows->empty()) return not_found();
    const auto& r = rows->front();
    Download d;
    d.node = *node;
    d.version.number = r.integer(0);
    d.version.size = r.integer(1);
    d.version.content_type = r.text(2);
    d.version.sha256 = r.text(3);
    d.version.created_by = r.integer(4);
    d.version.created_at = r.integer(5);
    d.version.current = true;
    d.object_key = r.text(6);
    return d;
  });
}

Result<std::vector<Version>> FilesService::list_versions(const Subject& who, std::int64_t node_id) {
  auto node = get_node(who, node_id);
  if (!node) return node.error();
  return storage::read_value<std::vector<Version>>(db_, [&](Session& s) -> Result<std::vector<Version>> {
    auto rows = s.query(
        "SELECT v.number, v.size, v.content_type, b.sha256, v.created_by, v.created_at FROM file_versions v "
        "JOIN file_blobs b ON b.id = v.blob_id WHERE v.node_id = ? ORDER BY v.number DESC",
        {node_id});
    if (!rows) return rows.error();
    std::vector<Version> out;
    for (const auto& r : *rows) {
      Version v;
      v.number = r.integer(0);
      v.size = r.integer(1);
      v.content_type = r.text(2);
      v.sha256 = r.text(3);
      v.created_by = r.integer(4);
      v.created_at = r.integer(5);
      v.current = v.number == node->version;
      out.push_back(std::move(v));
    }
    return out;
  });
}

Result<Node> FilesService::restore_version(const Caller& caller, std::int64_t node_id, std::int64_t number) {
  const auto now = clock_.now_ms();
  std::vector<std::string> dead;
  auto result = storage::write_value<Node>(db_, [&](Session& s) -> Result<Node> {
    auto node = load_node_locking_space(s, node_id);
    if (!node) return node.error();
    auto space = load_space(s, node->space_id);
    if (!space) return space.error();
    auto role = require_role(s, caller.subject, *space, node_id, FileRole::editor);
    if (!role) return role.error();
    MERIDIAN_TRY(check_lock(*node, caller.subject, now));
    auto rows = s.query("SELECT blob_id, size, content_type FROM file_versions WHERE node_id = ? AND number = ?",
                        {node_id, number});
    if (!rows) return rows.error();
    if (rows->empty()) return make_error(ErrorCode::not_found, "no such version");
    const auto blob_id = rows->front().integer(0);
    const auto size = rows->front().integer(1);
    if (space->used_bytes + size > space->quota_bytes)
      return make_error(ErrorCode::too_large, "quota exceeded: restoring makes a new version");
    auto touched = blobs_of_new_version(s, node_id, options_.keep_versions, blob_id);
    if (!touched) return touched.error();
    MERIDIAN_TRY(lock_blobs(s, std::move(*touched)));
    // Restoring makes a new version with the old content (history stays linear).
    auto ref = s.execute("UPDATE file_blobs SET ref_count = ref_count + 1 WHERE id = ?", {blob_id});
    if (!ref) return ref.error();
    auto next = s.query("SELECT MAX(number) + 1 FROM file_versions WHERE node_id = ?", {node_id});
    if (!next) return next.error();
    auto vid = insert_id(
        s,
        "INSERT INTO file_versions (node_id, number, blob_id, size, content_type, created_by, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {node_id, next->front().integer(0), blob_id, size, rows->front().text(2), caller.subject.user_id, now});
    if (!vid) return vid.error();
    auto upd =
        s.execute("UPDATE file_nodes SET current_version_id = ?, updated_at = ? WHERE id = ?", {*vid, now, node_id});
    if (!upd) return upd.error();
    auto used = s.execute("UPDATE file_spaces SET used_bytes = used_bytes + ? WHERE id = ?", {size, node->space_id});
    if (!used) return used.error();
    auto old = s.query("SELECT id FROM file_versions WHERE node_id = ? ORDER BY number DESC", {node_id});
    if (!old) return old.error();
    std::vector<std::int64_t> prune;
    for (std::size_t i = static_cast<std::size_t>(std::max(options_.keep_versions, 1)); i < old->size(); ++i)
      prune.push_back((*old)[i].integer(0));
    MERIDIAN_TRY(drop_versions(s, node->space_id, prune, dead));
    MERIDIAN_TRY(log_activity(s, caller, node->space_id, node_id, "restore", "version " + std::to_string(number), now));
    auto out = load_node(s, node_id);
    if (out) out->role = *role;
    return out;
  });
  remove_objects(dead);
  return result;
}

Result<Node> FilesService::rename_or_move(const Caller& caller, std::int64_t node_id,
                                          std::optional<std::string> raw_name, std::optional<std::int64_t> new_parent) {
  std::optional<std::string> name;
  if (raw_name) {
    auto clean = sanitize_name(*raw_name);
    if (!clean) return clean.error();
    name = *clean;
  }
  const auto now = clock_.now_ms();
  return storage::write_value<Node>(db_, [&](Session& s) -> Result<Node> {
    auto node = load_node_locking_space(s, node_id);
    if (!node) return node.error();
    auto space = load_space(s, node->space_id);
    if (!space) return space.error();
    auto role = require_role(s, caller.subject, *space, node_id, FileRole::editor);
    if (!role) return role.error();
    if (space->kind == SpaceKind::conversation) return attachment_fixed();
    MERIDIAN_TRY(check_lock(*node, caller.subject, now));
    if (new_parent && *new_parent != node->parent_id) {
      if (*new_parent != 0) {
        auto parent = load_node(s, *new_parent);
        if (!parent) return parent.error();
        if (parent->space_id != node->space_id || !parent->is_folder) return not_found();
        // Never into itself or below itself.
        auto path = ancestry(s, *new_parent);
        if (!path) return path.error();
        if (std::find(path->begin(), path->end(), node_id) != path->end())
          return make_error(ErrorCode::invalid_argument, "a folder can not move into itself");
      }
      MERIDIAN_TRY(require_role(s, caller.subject, *space, *new_parent, FileRole::editor));
      auto upd =
          s.execute("UPDATE file_nodes SET parent_id = ?, updated_at = ? WHERE id = ?", {*new_parent, now, node_id});
      if (!upd) {
        if (upd.error().code == ErrorCode::conflict)
          return make_error(ErrorCode::conflict, "a file or folder with that name exists there");
        return upd.error();
      }
      MERIDIAN_TRY(log_activity(s, caller, node->space_id, node_id, "move",
                                std::to_string(node->parent_id) + " -> " + std::to_string(*new_parent), now));
    }
    if (name && *name != node->name) {
      auto upd = s.execute("UPDATE file_nodes SET name = ?, updated_at = ? WHERE id = ?", {*name, now, node_id});
      if (!upd) {
        if (upd.error().code == ErrorCode::conflict)
          return make_error(ErrorCode::conflict, "a file or folder with that name exists here");
        return upd.error();
      }
      MERIDIAN_TRY(log_activity(s, caller, node->space_id, node_id, "rename", node->name + " -> " + *name, now));
    }
    auto out = load_node(s, node_id);
    if (out) out->role = *role;
    return out;
  });
}

Result<void> FilesService::remove(const Caller& caller, std::int64_t node_id) {
  const auto now = clock_.now_ms();
  std::vector<std::string> dead;
  auto r = db_.write([&](Session& s) -> Result<void> {
    dead.clear();
    auto node = load_node_locking_space(s, node_id);
    if (!node) return node.error();
    auto space = load_space(s, node->space_id);
    if (!space) return space.error();
    MERIDIAN_TRY(require_role(s, caller.subject, *space, node_id, FileRole::editor));
    if (space->kind == SpaceKind::conversation) {
      // An attachment goes with its message; an upload not attached yet, by its uploader.
      auto state = attachment_state(s, node_id);
      if (!state) return state.error();
      if (*state == Attachment::attached)
        return make_error(ErrorCode::conflict, "delete the message to remove its attachment");
      if (node->created_by != caller.subject.user_id)
        return make_error(ErrorCode::forbidden, "only the uploader may remove a file not attached yet");
      MERIDIAN_TRY(forget_release(s, node_id));
    }
    MERIDIAN_TRY(check_lock(*node, caller.subject, now));
    auto touched = blobs_of_tree(s, node->space_id, node_id);
    if (!touched) return touched.error();
    MERIDIAN_TRY(lock_blobs(s, std::move(*touched)));
    MERIDIAN_TRY(delete_tree(s, node->space_id, node_id, dead));
    return log_activity(s, caller, node->space_id, node_id, "delete", node->name, now);
  });
  if (!r) return r;
  remove_objects(dead);
  return {};
}

Result<Node> FilesService::lock(const Caller& caller, std::int64_t node_id, std::int64_t seconds) {
  if (seconds <= 0 || seconds > 7 * 24 * 3600)
    return make_error(ErrorCode::invalid_argument, "a lock lasts between 1 second and 7 days");
  const auto now = clock_.now_ms();
  return storage::write_value<Node>(db_, [&](Session& s) -> Result<Node> {
    auto node = load_node_locking_space(s, node_id);
    if (!node) return node.error();
    if (node->is_folder) return make_error(ErrorCode::invalid_argument, "only files can be locked");
    auto space = load_space(s, node->space_id);
    if (!space) return space.error();
    auto role = require_role(s, caller.subject, *space, node_id, FileRole::editor);
    if (!role) return role.error();
    if (space->kind == SpaceKind::conversation) return attachment_fixed();
    MERIDIAN_TRY(check_lock(*node, caller.subject, now));
    auto upd = s.execute("UPDATE file_nodes SET locked_by = ?, lock_expires_at = ? WHERE id = ?",
                         {caller.subject.user_id, now + seconds * 1000, node_id});
    if (!upd) return upd.error();
    MERIDIAN_TRY(log_activity(s, caller, node->space_id, node_id, "lock", std::to_string(seconds) + " s", now));
    auto out = load_node(s, node_id);
    if (out) out->role = *role;
    return out;
  });
}

Result<Node> FilesService::unlock(const Caller& caller, std::int64_t node_id) {
  const auto now = clock_.now_ms();
  return storage::write_value<Node>(db_, [&](Session& s) -> Result<Node> {
    auto node = load_node_locking_space(s, node_id);
    if (!node) return node.error();
    auto space = load_space(s, node->space_id);
    if (!space) return space.error();
    auto role = require_role(s, caller.subject, *space, node_id, FileRole::editor);
    if (!role) return role.error();
    // The holder, or a manager breaking someone else's lock.
    if (node->locked_by != caller.subject.user_id && node->lock_expires_at > now && *role < FileRole::manager)
      return make_error(ErrorCode::conflict, "the file is locked by another user");
    auto upd = s.execute("UPDATE file_nodes SET locked_by = NULL, lock_expires_at = NULL WHERE id = ?", {node_id});
    if (!upd) return upd.error();
    MERIDIAN_TRY(log_activity(s, caller, node->space_id, node_id, "unlock", "", now));
    auto out = load_node(s, node_id);
    if (out) out->role = *role;
    return out;
  });
}

Result<std::vector<Grant>> FilesService::list_grants(const Subject& who, std::int64_t space_id, std::int64_t node_id) {
  return storage::read_value<std::vector<Grant>>(db_, [&](Session& s) -> Result<std::vector<Grant>> {
    auto space = load_space(s, space_id);
    if (!space) return space.error();
    MERIDIAN_TRY(require_role(s, who, *space, node_id, FileRole::manager));
    auto rows = s.query(
        "SELECT id, space_id, node_id, grantee_kind, grantee_id, role, created_by, created_at FROM file_grants "
        "WHERE space_id = ? AND node_id = ? ORDER BY id",
        {space_id, node_id});
    if (!rows) return rows.error();
    std::vector<Grant> out;
    for (const auto& r : *rows) {
      Grant g;
      g.id = r.integer(0);
      g.space_id = r.integer(1);
      g.node_id = r.integer(2);
      g.grantee_kind = r.text(3);
      g.grantee_id = r.integer(4);
      parse_file_role(r.text(5), g.role);
      g.created_by = r.integer(6);
      g.created_at = r.integer(7);
      auto name = name_of(s, g.grantee_kind, g.grantee_id);
      if (!name) return name.error();
      g.grantee_name = std::move(*name);
      out.push_back(std::move(g));
    }
    return out;
  });
}

Result<Grant> FilesService::add_grant(const Caller& caller, std::int64_t space_id, std::int64_t node_id,
                                      const std::string& grantee_kind, std::int64_t grantee_id, FileRole role) {
  if (grantee_kind != "user" && grantee_kind != "team")
    return make_error(ErrorCode::invalid_argument, "grantee_kind must be user or team");
  if (role == FileRole::none) return make_error(ErrorCode::invalid_argument, "role must be viewer, editor or manager");
  const auto now = clock_.now_ms();
  return storage::write_value<Grant>(db_, [&](Session& s) -> Result<Grant> {
    auto space = load_space(s, space_id);
    if (!space) return space.error();
    if (node_id != 0) {
      auto node = load_node(s, node_id);
      if (!node) return node.error();
      if (node->space_id != space_id) return not_found();
    }
    MERIDIAN_TRY(require_role(s, caller.subject, *space, node_id, FileRole::manager));
    if (grantee_kind == "user") {
      auto user = s.query("SELECT kind FROM users WHERE id = ? AND active = 1", {grantee_id});
      if (!user) return user.error();
      if (user->empty()) return make_error(ErrorCode::not_found, "no such user");
      // A customer may view or edit what is shared with them, never re-share it.
      if ((user->front().text(0) == "customer" || user->front().text(0) == "guest") && role == FileRole::manager)
        return make_error(ErrorCode::invalid_argument, "customers and guests can not be managers");
    } else {
      auto team = s.query("SELECT 1 FROM teams WHERE id = ?", {grantee_id});
      if (!team) return team.error();
      if (team->empty()) return make_error(ErrorCode::not_found, "no such team");
    }
    auto del =
        s.execute("DELETE FROM file_grants WHERE space_id = ? AND node_id = ? AND grantee_kind = ? AND grantee_id = ?",
                  {space_id, node_id, grantee_kind, grantee_id});
    if (!del) return del.error();
    auto id = insert_id(
        s,
        "INSERT INTO file_grants (space_id, node_id, grantee_kind, grantee_id, role, created_by, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {space_id, node_id, grantee_kind, grantee_id, std::string(file_role_name(role)), caller.subject.user_id, now});
    if (!id) return id.error();
    MERIDIAN_TRY(log_activity(s, caller, space_id, node_id, "grant",
                              grantee_kind + " " + std::to_string(grantee_id) + " " + file_role_name(role), now));
    Grant g;
    g.id = *id;
    g.space_id = space_id;
    g.node_id = node_id;
    g.grantee_kind = grantee_kind;
    g.grantee_id = grantee_id;
    g.role = role;
    g.created_by = caller.subject.user_id;
    g.created_at = now;
    return g;
  });
}

Result<void> FilesService::remove_grant(const Caller& caller, std::int64_t grant_id) {
  const auto now = clock_.now_ms();
  return db_.write([&](Session& s) -> Result<void> {
    auto rows = s.query("SELECT space_id, node_id, grantee_kind, grantee_id FROM file_grants WHERE id = ?", {grant_id});
    if (!rows) return rows.error();
    if (rows->empty()) return make_error(ErrorCode::not_found, "no such grant");
    const auto space_id = rows->front().integer(0);
    const auto node_id = rows->front().integer(1);
    auto space = load_space(s, space_id);
    if (!space) return space.error();
    MERIDIAN_TRY(require_role(s, caller.subject, *space, node_id, FileRole::manager));
    auto del = s.execute("DELETE FROM file_grants WHERE id = ?", {grant_id});
    if (!del) return del.error();
    return log_activity(s, caller, space_id, node_id, "ungrant",
                        rows->front().text(2) + " " + std::to_string(rows->front().integer(3)), now);
  });
}

Result<std::vector<Activity>> FilesService::activity(const Subject& who, std::int64_t space_id, std::int64_t node_id,
                                                     const ActivityFilter& f) {
  return storage::read_value<std::vector<Activity>>(db_, [&](Session& s) -> Result<std::vector<Activity>> {
    auto space = load_space(s, space_id);
    if (!space) return space.error();
    // Nobody manages a conversation's files; admins audit who uploaded and downloaded
    // them (the log, not the content).
    if (!(space->kind == SpaceKind::conversation && is_admin(who)))
      MERIDIAN_TRY(require_role(s, who, *space, node_id, FileRole::manager));
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
    auto rows = s.query(sql, params);
    if (!rows) return rows.error();
    std::vector<Activity> out;
    for (const auto& r : *rows) {
      Activity a;
      a.id = r.integer(0);
      a.space_id = r.integer(1);
      a.node_id = r.integer(2);
      a.actor_user_id = r.integer(3);
      a.link_id = r.integer(4);
      a.action = r.text(5);
      a.detail = r.text(6);
      a.ip = r.text(7);
      a.country = r.text(8);
      a.at = r.integer(9);
      a.actor_name = r.is_null(10) ? std::string() : r.text(10);
      a.node_name = r.is_null(11) ? std::string() : r.text(11);
      out.push_back(std::move(a));
    }
    return out;
  });
}

Result<std::size_t> FilesService::collect_garbage() {
  auto listed = store_.list("");
  if (!listed) return listed.error();
  auto known = storage::read_value<std::set<std::string>>(db_, [&](Session& s) -> Result<std::set<std::string>> {
    auto rows = s.query("SELECT object_key FROM file_blobs");
    if (!rows) return rows.error();
    std::set<std::string> keys;
    for (const auto& r : *rows) keys.insert(r.text(0));
    return keys;
  });
  if (!known) return known.error();
  std::size_t removed = 0;
  for (const auto& key : *listed) {
    if (key.find("/objects/") == std::string::npos || known->count(key)) continue;
    {
      std::lock_guard lock(in_flight_mutex_);
      if (in_flight_.count(key)) continue;
    }
    if (store_.remove(key)) ++removed;
  }
  return removed;
}

Result<FileRole> FilesService::role_on(const Subject& who, std::int64_t space_id, std::int64_t node_id) {
  return storage::read_value<FileRole>(db_, [&](Session& s) -> Result<FileRole> {
    auto space = load_space(s, space_id);
    if (!space) return space.error();
    return role_in(s, who, *space, node_id);
  });
}

Result<Space> FilesService::conversation_space(const Caller& caller, std::int64_t conversation_id) {
  const auto now = clock_.now_ms();
  auto no_conversation = [] { return make_error(ErrorCode::not_found, "no such conversation"); };
  // Two tries: a concurrent first use may create the space first (unique index).
  Result<Space> out = no_conversation();
  for (int attempt = 0; attempt < 2; ++attempt) {
    out = storage::write_value<Space>(db_, [&](Session& s) -> Result<Space> {
      if (!conversation_access_) return no_conversation();
      auto access = conversation_access_(s, conversation_id, caller.subject);
      if (!access) return access.error();
      if (!*access || (*access)->role == FileRole::none) return no_conversation();
      auto rows = s.query(std::string("SELECT ") + kSpaceColumns + " FROM file_spaces WHERE conversation_id = ?",
                          {conversation_id});
      if (!rows) return rows.error();
      std::int64_t space_id = 0;
      if (!rows->empty()) {
        space_id = rows->front().integer(0);
      } else {
        auto id =
            insert_id(s,
                      "INSERT INTO file_spaces (kind, name, conversation_id, region, quota_bytes, created_by, "
                      "created_at) VALUES ('conversation', 'Conversation files', ?, ?, ?, ?, ?) RETURNING id",
                      {conversation_id, (*access)->region, options_.space_quota_bytes, caller.subject.user_id, now});
        if (!id) return id.error();
        space_id = *id;
        MERIDIAN_TRY(
            log_activity(s, caller, space_id, 0, "space", "conversation " + std::to_string(conversation_id), now));
      }
      auto space = load_space(s, space_id);
      if (space) space->role = (*access)->role;
      return space;
    });
    if (out || out.error().code != ErrorCode::conflict) break;
  }
  return out;
}

Result<std::vector<AttachedFile>> FilesService::files_to_attach(Session& s, const Caller& author,
                                                                std::int64_t conversation_id,
                                                                const std::vector<std::int64_t>& file_ids) {
  std::vector<AttachedFile> out;
  if (file_ids.empty()) return out;
  if (file_ids.size() > kMaxAttachments)
    return make_error(ErrorCode::invalid_argument,
                      "a message carries at most " + std::to_string(kMaxAttachments) + " attachments");
  auto rows = s.query(std::string("SELECT ") + kSpaceColumns + " FROM file_spaces WHERE conversation_id = ?",
                      {conversation_id});
  if (!rows) return rows.error();
  auto not_here = [](std::int64_t id) {
    return make_error(ErrorCode::invalid_argument,
                      "file " + std::to_string(id) + " is not an upload of yours in this conversation");
  };
  if (rows->empty()) return not_here(file_ids.front());
  // After the conversation (the caller holds it), before the files: a sweep removing an
  // upload not attached yet holds the same space lock, so it never deletes a file this
  // message is attaching.
  auto locked = lock_space(s, rows->front().integer(0));
  if (!locked) return locked.error();
  const Space space = *locked;
  const auto now = clock_.now_ms();
  for (std::size_t i = 0; i < file_ids.size(); ++i) {
    const auto id = file_ids[i];
    if (std::find(file_ids.begin(), file_ids.begin() + static_cast<std::ptrdiff_t>(i), id) !=
        file_ids.begin() + static_cast<std::ptrdiff_t>(i))
      return make_error(ErrorCode::invalid_argument, "file " + std::to_string(id) + " is listed twice");
    auto node = load_node(s, id);
    if (!node) {
      if (node.error().code == ErrorCode::not_found) return not_here(id);
      return node.error();
    }
    if (node->space_id != space.id || node->is_folder || node->created_by != author.subject.user_id)
      return not_here(id);
    auto state = attachment_state(s, id);
    if (!state) return state.error();
    if (*state != Attachment::none)
      return make_error(ErrorCode::conflict, "file " + std::to_string(id) + " is already attached to a message");
    MERIDIAN_TRY(log_activity(s, author, space.id, id, "attach", node->name, now));
    AttachedFile f;
    f.file_id = id;
    f.name = node->name;
    f.size = node->size;
    f.content_type = node->content_type;
    out.push_back(std::move(f));
  }
  return out;
}

Result<std::size_t> FilesService::remove_detached(const std::vector<std::int64_t>& file_ids, std::int64_t actor,
                                                  std::string_view why) {
  if (file_ids.empty()) return std::size_t{0};
  const auto now = clock_.now_ms();
  std::vector<std::string> dead;
  std::size_t removed = 0;
  auto r = db_.write([&](Session& s) -> Result<void> {
    dead.clear();
    removed = 0;
    for (auto id : file_ids) {
      auto node = load_node_locking_space(s, id);
      if (!node) {
        if (node.error().code == ErrorCode::not_found) continue;  // gone already
        return node.error();
      }
      auto space = load_space(s, node->space_id);
      if (!space) return space.error();
      if (space->kind != SpaceKind::conversation) continue;
      auto state = attachment_state(s, id);
      if (!state) return state.error();
      if (*state == Attachment::attached) continue;
      MERIDIAN_TRY(forget_release(s, id));
      auto touched = blobs_of_tree(s, node->space_id, id);
      if (!touched) return touched.error();
      MERIDIAN_TRY(lock_blobs(s, std::move(*touched)));
      MERIDIAN_TRY(delete_tree(s, node->space_id, id, dead));
      Caller system;
      system.subject.user_id = actor;
      MERIDIAN_TRY(log_activity(s, system, node->space_id, id, "delete", node->name + ": " + std::string(why), now));
      ++removed;
    }
    return {};
  });
  if (!r) return r.error();
  remove_objects(dead);
  return removed;
}

Result<std::size_t> FilesService::sweep_conversation_files(std::int64_t pending_ms) {
  const UnixMillis older_than = clock_.now_ms() - pending_ms;
  auto ids = storage::read_value<std::vector<std::int64_t>>(db_, [&](Session& s) -> Result<std::vector<std::int64_t>> {
    auto rows = s.query(
        "SELECT n.id FROM file_nodes n JOIN file_spaces sp ON sp.id = n.space_id WHERE sp.kind = 'conversation' "
        "AND NOT EXISTS (SELECT 1 FROM message_attachments a WHERE a.file_id = n.id AND a.message_id IS NOT NULL) "
        "AND (n.created_at < ? OR EXISTS (SELECT 1 FROM message_attachments a WHERE a.file_id = n.id)) "
        "ORDER BY n.id LIMIT 1000",
        {older_than});
    if (!rows) return rows.error();
    std::vector<std::int64_t> out;
    for (const auto& r : *rows) out.push_back(r.integer(0));
    return out;
  });
  if (!ids) return ids.error();
  return remove_detached(*ids, 0, "not attached to any message");
}

}  // namespace meridian::files
