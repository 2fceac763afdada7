#include "files/files_service.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "core/random.hpp"
#include "files/grant_detail.hpp"
#include "files/names.hpp"

namespace meridian::files {
namespace {

using storage::Session;

Error not_found() { return make_error(ErrorCode::not_found, "no such file or folder"); }
Error no_space() { return make_error(ErrorCode::not_found, "no such space"); }
Error attachment_fixed() {
  return make_error(ErrorCode::conflict, "a chat attachment can not be renamed, moved, locked or overwritten");
}

bool is_staff(const Subject& s) { return s.kind == UserKind::employee || s.kind == UserKind::agent; }
bool is_admin(const Subject& s) { return s.has_role(Role::admin); }

Result<void> check_lock(const Node& node, const Subject& who, UnixMillis now) {
  if (node.locked_by != 0 && node.locked_by != who.user_id && node.lock_expires_at > now)
    return make_error(ErrorCode::conflict, "the file is locked by another user");
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

}  // namespace

Result<Space> FilesService::load_space(Session& s, std::int64_t space_id) {
  auto space = repo_.space(s, space_id);
  if (!space) return space.error();
  if (!*space) return no_space();
  return std::move(**space);
}

Result<Node> FilesService::load_node(Session& s, std::int64_t node_id) {
  auto node = repo_.node(s, node_id);
  if (!node) return node.error();
  if (!*node) return not_found();
  return std::move(**node);
}

Result<void> FilesService::check_folder(Session& s, std::int64_t space_id, std::int64_t folder_id) {
  if (folder_id == 0) return {};
  auto folder = load_node(s, folder_id);
  if (!folder) return folder.error();
  if (folder->space_id != space_id || !folder->is_folder) return not_found();
  return {};
}

// Lock order (docs/architecture.md): a write that changes a space's nodes, versions or
// usage first takes the space row, then the blobs it touches (BlobStore::lock). On
// PostgreSQL two uploads then can not both pass the quota check, and an upload into a
// folder sees the folder's delete (SQLite writes one transaction at a time anyway).
Result<Space> FilesService::lock_space(Session& s, std::int64_t space_id) {
  auto locked = storage::lock_row(s, "file_spaces", space_id);
  if (!locked) return locked.error().code == ErrorCode::not_found ? no_space() : locked.error();
  return load_space(s, space_id);
}

// The node's space locked as above, then the node as it is under that lock.
Result<Node> FilesService::load_node_locking_space(Session& s, std::int64_t node_id) {
  auto space_id = repo_.space_of_node(s, node_id);
  if (!space_id) return space_id.error();
  if (!*space_id) return not_found();
  auto space = lock_space(s, **space_id);
  if (!space) return space.error();
  return load_node(s, node_id);
}

// node, its parent, ..., up to the root; 0 (the space) last.
Result<std::vector<std::int64_t>> FilesService::ancestry(Session& s, std::int64_t node_id) {
  std::vector<std::int64_t> out;
  std::int64_t id = node_id;
  while (id != 0 && out.size() < 256) {
    out.push_back(id);
    auto parent = repo_.parent_of(s, id);
    if (!parent) return parent.error();
    if (!*parent) return not_found();
    id = **parent;
  }
  out.push_back(0);
  return out;
}

Result<void> FilesService::log_activity(Session& s, const Caller& caller, std::int64_t space_id, std::int64_t node_id,
                                        std::string_view action, std::string detail, UnixMillis at) {
  Activity entry;
  entry.space_id = space_id;
  entry.node_id = node_id;
  entry.actor_user_id = caller.subject.user_id;
  entry.action = std::string(action);
  entry.detail = std::move(detail);
  entry.ip = caller.ip;
  entry.country = caller.country;
  entry.at = at;
  return repo_.insert_activity(s, entry);
}

// The node's next version, made current and counted in the space's usage; then only the
// last `keep_versions` are kept. The blobs involved are locked and referenced already.
Result<void> FilesService::add_version(Session& s, std::int64_t space_id, std::int64_t node_id, std::int64_t blob_id,
                                       std::int64_t size, const std::string& content_type, std::int64_t created_by,
                                       UnixMillis now, std::vector<std::string>& dead) {
  auto number = repo_.next_version_number(s, node_id);
  if (!number) return number.error();
  auto version_id = repo_.insert_version(s, node_id, *number, blob_id, size, content_type, created_by, now);
  if (!version_id) return version_id.error();
  MERIDIAN_TRY(repo_.set_current_version(s, node_id, *version_id, now));
  MERIDIAN_TRY(repo_.add_used_bytes(s, space_id, size));
  auto versions = repo_.versions_newest_first(s, node_id);
  if (!versions) return versions.error();
  std::vector<std::int64_t> prune;
  for (std::size_t i = static_cast<std::size_t>(std::max(options_.keep_versions, 1)); i < versions->size(); ++i)
    prune.push_back((*versions)[i].id);
  return drop_versions(s, space_id, prune, dead);
}

// Deletes the given versions, adjusting the space's usage; collects objects to remove.
Result<void> FilesService::drop_versions(Session& s, std::int64_t space_id,
                                         const std::vector<std::int64_t>& version_ids, std::vector<std::string>& dead) {
  for (auto vid : version_ids) {
    auto version = repo_.version(s, vid);
    if (!version) return version.error();
    if (!*version) continue;
    MERIDIAN_TRY(repo_.delete_version(s, vid));
    MERIDIAN_TRY(repo_.add_used_bytes(s, space_id, -(*version)->size));
    auto key = blobs_.release(s, (*version)->blob_id);
    if (!key) return key.error();
    if (*key) dead.push_back(std::move(**key));
  }
  return {};
}

Result<void> FilesService::delete_tree(Session& s, std::int64_t space_id, std::int64_t node_id,
                                       std::vector<std::string>& dead) {
  auto children = repo_.child_ids(s, space_id, node_id);
  if (!children) return children.error();
  for (auto child : *children) MERIDIAN_TRY(delete_tree(s, space_id, child, dead));
  auto versions = repo_.versions_newest_first(s, node_id);
  if (!versions) return versions.error();
  std::vector<std::int64_t> ids;
  for (const auto& v : *versions) ids.push_back(v.id);
  MERIDIAN_TRY(repo_.clear_current_version(s, node_id));
  MERIDIAN_TRY(drop_versions(s, space_id, ids, dead));
  return repo_.delete_node(s, space_id, node_id);
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
      auto member = repo_.is_team_member(s, space.team_id, who.user_id);
      return member && *member ? FileRole::editor : FileRole::none;
    }
    case SpaceKind::conversation: {
      // Membership now, asked at every check: a removed member reads nothing from then on.
      if (!conversations_) return FileRole::none;
      auto access = conversations_->access(s, space.conversation_id, who);
      return access && *access ? (*access)->role : FileRole::none;
    }
  }
  return FileRole::none;
}

Result<FileRole> FilesService::role_in(Session& s, const Subject& who, const Space& space, std::int64_t node_id) {
  auto creator = repo_.space_creator(s, space.id);
  if (!creator) return creator.error();
  if (!*creator) return no_space();
  FileRole best = implicit_role(s, who, space, **creator);
  if (best == FileRole::manager) return best;
  auto path = ancestry(s, node_id);
  if (!path) return path.error();
  // Customers and guests are never team members; team grants reach staff only.
  const bool via_teams = who.kind != UserKind::customer && who.kind != UserKind::guest;
  auto granted = repo_.grant_roles(s, space.id, *path, who.user_id, via_teams);
  if (!granted) return granted.error();
  for (auto role : *granted) best = std::max(best, role);
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

Result<FilesService::NodeAccess> FilesService::access_node(Session& s, const Subject& who, std::int64_t node_id,
                                                           FileRole needed, SpaceLock lock) {
  auto node = lock == SpaceLock::take ? load_node_locking_space(s, node_id) : load_node(s, node_id);
  if (!node) return node.error();
  auto space = load_space(s, node->space_id);
  if (!space) return space.error();
  auto role = require_role(s, who, *space, node_id, needed);
  if (!role) return role.error();
  return NodeAccess{std::move(*node), std::move(*space), *role};
}

Result<Node> FilesService::reload_node(Session& s, std::int64_t node_id, FileRole role) {
  auto out = load_node(s, node_id);
  if (out) out->role = role;
  return out;
}

FilesService::FilesService(storage::Database& db, objectstore::ObjectStore& store, const Clock& clock,
                           FilesOptions options, const ConversationDirectory* conversations,
                           std::vector<FileListener*> listeners)
    : db_(db),
      store_(store),
      clock_(clock),
      options_(options),
      blobs_(db, store),
      conversations_(conversations),
      listeners_(std::move(listeners)) {}

void FilesService::stored(const Result<Node>& node) const {
  if (node)
    for (auto* l : listeners_) l->version_stored(node->id, node->version);
}

void FilesService::removed(const std::vector<std::int64_t>& node_ids) const {
  if (!node_ids.empty())
    for (auto* l : listeners_) l->removed(node_ids);
}

Result<std::vector<Space>> FilesService::list_spaces(const Subject& who) {
  const auto now = clock_.now_ms();
  if (is_staff(who)) {
    // The personal space, made once (the unique index settles a race). Customers and
    // guests have none: they see their customer space and what is shared with them.
    auto made = db_.write([&](Session& s) -> Result<void> {
      auto existing = repo_.personal_space_id(s, who.user_id);
      if (!existing) return existing.error();
      if (*existing) return {};
      Space space;
      space.kind = SpaceKind::personal;
      space.name = "My files";
      space.owner_user_id = who.user_id;
      space.region = who.region;
      space.quota_bytes = options_.personal_quota_bytes;
      auto id = repo_.insert_space(s, space, who.user_id, now);
      if (!id) return id.error();
      return {};
    });
    if (!made && made.error().code != ErrorCode::conflict) return made.error();
  }
  return storage::read_value<std::vector<Space>>(db_, [&](Session& s) -> Result<std::vector<Space>> {
    const bool staff = who.kind != UserKind::customer && who.kind != UserKind::guest;
    auto spaces = repo_.spaces_visible_to(s, who.user_id, staff, is_admin(who));
    if (!spaces) return spaces.error();
    for (auto& space : *spaces) {
      MERIDIAN_ASSIGN_OR_RETURN(space.role, role_in(s, who, space, 0));
      if (space.kind != SpaceKind::team) {
        MERIDIAN_ASSIGN_OR_RETURN(space.owner_name, repo_.name_of(s, "user", space.owner_user_id));
      }
    }
    return spaces;
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
      auto granted = repo_.has_user_grant_in(s, space_id, who.user_id);
      if (!granted) return granted.error();
      if (!*granted) return no_space();
    }
    space->role = *role;
    if (space->kind != SpaceKind::team) {
      MERIDIAN_ASSIGN_OR_RETURN(space->owner_name, repo_.name_of(s, "user", space->owner_user_id));
    }
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
  Space space;
  space.kind = ns.kind;
  space.name = *name;
  space.quota_bytes = ns.quota_bytes > 0 ? ns.quota_bytes : options_.space_quota_bytes;
  return storage::write_value<Space>(db_, [&](Session& s) -> Result<Space> {
    if (ns.kind == SpaceKind::team) {
      auto region = repo_.team_region(s, ns.team_id);
      if (!region) return region.error();
      if (!*region) return make_error(ErrorCode::not_found, "no such team");
      auto member = repo_.is_team_member(s, ns.team_id, who.user_id);
      if (!member) return member.error();
      if (!*member && !is_admin(who))
        return make_error(ErrorCode::forbidden, "only members of the team may create its space");
      space.team_id = ns.team_id;
      space.region = std::move(**region);
    } else if (ns.kind == SpaceKind::customer) {
      auto customer = repo_.active_account(s, ns.customer_user_id);
      if (!customer) return customer.error();
      if (!*customer || (*customer)->kind != "customer")
        return make_error(ErrorCode::invalid_argument, "customer_user_id must name an active customer");
      space.owner_user_id = ns.customer_user_id;
      space.region = (*customer)->region;
    } else {
      return make_error(ErrorCode::invalid_argument, "kind must be team or customer");
    }
    auto space_id = repo_.insert_space(s, space, who.user_id, now);
    if (!space_id) {
      if (space_id.error().code == ErrorCode::conflict && ns.kind == SpaceKind::customer)
        return make_error(ErrorCode::conflict, "that customer already has a space");
      return space_id.error();
    }
    MERIDIAN_TRY(log_activity(s, caller, *space_id, 0, "space", *name, now));
    auto made = load_space(s, *space_id);
    if (made) made->role = FileRole::manager;
    return made;
  });
}

Result<std::vector<Node>> FilesService::list_children(const Subject& who, std::int64_t space_id,
                                                      std::int64_t parent_id) {
  return storage::read_value<std::vector<Node>>(db_, [&](Session& s) -> Result<std::vector<Node>> {
    auto space = load_space(s, space_id);
    if (!space) return space.error();
    MERIDIAN_TRY(check_folder(s, space_id, parent_id));
    auto parent_role = role_in(s, who, *space, parent_id);
    if (!parent_role) return parent_role.error();
    auto children = repo_.children(s, space_id, parent_id);
    if (!children) return children.error();
    std::vector<Node> out;
    for (auto& n : *children) {
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
      auto granted = repo_.has_user_grant_in(s, space_id, who.user_id);
      if (!granted) return granted.error();
      if (!*granted) return parent_id ? not_found() : no_space();
    }
    return out;
  });
}

Result<Node> FilesService::get_node(const Subject& who, std::int64_t node_id) {
  return storage::read_value<Node>(db_, [&](Session& s) -> Result<Node> {
    auto access = access_node(s, who, node_id, FileRole::viewer, SpaceLock::none);
    if (!access) return access.error();
    auto& [node, space, role] = *access;
    node.role = role;
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
    MERIDIAN_TRY(check_folder(s, space_id, parent_id));
    auto role = require_role(s, caller.subject, *space, parent_id, FileRole::editor);
    if (!role) return role.error();
    if (space->kind == SpaceKind::conversation)
      return make_error(ErrorCode::conflict, "a conversation's files have no folders");
    auto id = repo_.insert_node(s, space_id, parent_id, true, *name, caller.subject.user_id, now);
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
    MERIDIAN_TRY(check_folder(s, space_id, parent_id));
    auto found = repo_.child(s, space_id, parent_id, *name);
    if (!found) return found.error();
    // In a conversation every upload is a file of its own (named apart at completion).
    const std::optional<Node> existing = space->kind == SpaceKind::conversation ? std::nullopt : std::move(*found);
    const std::int64_t target = existing ? existing->id : parent_id;
    auto role = require_role(s, caller.subject, *space, target, FileRole::editor);
    if (!role) return role.error();
    if (existing) {
      if (existing->is_folder) return make_error(ErrorCode::conflict, "a folder with that name exists here");
      MERIDIAN_TRY(check_lock(*existing, caller.subject, now));
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
  if (ticket) blobs_.track_upload(ticket->object_key);
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

void FilesService::abandon_upload(const UploadTicket& ticket) { blobs_.forget_upload(ticket.object_key); }

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
      auto existing = repo_.child(s, t.space_id, t.parent_id, t.name);
      if (!existing) return existing.error();
      std::string name = t.name;
      for (int n = 2; *existing && space->kind == SpaceKind::conversation; ++n) {
        if (n > 1000) return make_error(ErrorCode::conflict, "too many files with that name in this conversation");
        name = numbered_name(t.name, n);
        existing = repo_.child(s, t.space_id, t.parent_id, name);
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
        auto id = repo_.insert_node(s, t.space_id, t.parent_id, false, name, caller.subject.user_id, now);
        if (!id) return id.error();
        node_id = *id;
      }
      auto same = blobs_.find(s, t.region, info.sha256_hex);
      if (!same) return same.error();
      auto touched = blobs_.touched_by_new_version(s, *existing ? node_id : 0, options_.keep_versions, *same);
      if (!touched) return touched.error();
      MERIDIAN_TRY(blobs_.lock(s, std::move(*touched)));
      // Deduplicate by content within the region: one object per hash.
      auto blob = blobs_.add(s, t.region, info.sha256_hex, size, t.object_key, now);
      if (!blob) return blob.error();
      if (blob->object_key != t.object_key) dead.push_back(t.object_key);
      MERIDIAN_TRY(
          add_version(s, t.space_id, node_id, blob->id, size, content_type, caller.subject.user_id, now, dead));
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
  blobs_.remove_objects(dead);
  stored(result);
  return result;
}

Result<Download> FilesService::open_download(const Caller& caller, std::int64_t node_id, std::int64_t version,
                                             bool preview) {
  const auto now = clock_.now_ms();
  return storage::write_value<Download>(db_, [&](Session& s) -> Result<Download> {
    auto access = access_node(s, caller.subject, node_id, FileRole::viewer, SpaceLock::none);
    if (!access) return access.error();
    auto& [node, space, role] = *access;
    if (node.is_folder) return make_error(ErrorCode::invalid_argument, "a folder has no content");
    const std::int64_t number = version > 0 ? version : node.version;
    auto stored = repo_.stored_version(s, node_id, number);
    if (!stored) return stored.error();
    if (!*stored) return make_error(ErrorCode::not_found, "no such version");
    Download d;
    d.node = node;
    d.node.role = role;
    d.version = std::move((*stored)->version);
    d.version.current = d.version.number == node.version;
    d.object_key = std::move((*stored)->object_key);
    MERIDIAN_TRY(log_activity(s, caller, node.space_id, node_id, preview ? "preview" : "download",
                              "version " + std::to_string(number), now));
    return d;
  });
}

Result<Download> FilesService::open_current(std::int64_t node_id) {
  return storage::read_value<Download>(db_, [&](Session& s) -> Result<Download> {
    auto node = load_node(s, node_id);
    if (!node) return node.error();
    if (node->is_folder) return make_error(ErrorCode::invalid_argument, "a folder has no content");
    auto stored = repo_.current_stored_version(s, node_id);
    if (!stored) return stored.error();
    if (!*stored) return not_found();
    Download d;
    d.node = *node;
    d.version = std::move((*stored)->version);
    d.version.current = true;
    d.object_key = std::move((*stored)->object_key);
    return d;
  });
}

Result<std::vector<std::int64_t>> FilesService::file_ids_after(std::int64_t after_id, std::int64_t limit) {
  return storage::read_value<std::vector<std::int64_t>>(
      db_, [&](Session& s) { return repo_.file_ids_after(s, after_id, limit); });
}

Result<std::int64_t> FilesService::count_files_after(std::int64_t after_id) {
  return storage::read_value<std::int64_t>(db_, [&](Session& s) { return repo_.count_files_after(s, after_id); });
}

Result<std::vector<Version>> FilesService::list_versions(const Subject& who, std::int64_t node_id) {
  auto node = get_node(who, node_id);
  if (!node) return node.error();
  return storage::read_value<std::vector<Version>>(db_, [&](Session& s) -> Result<std::vector<Version>> {
    auto versions = repo_.versions(s, node_id);
    if (!versions) return versions.error();
    for (auto& v : *versions) v.current = v.number == node->version;
    return versions;
  });
}

Result<Node> FilesService::restore_version(const Caller& caller, std::int64_t node_id, std::int64_t number) {
  const auto now = clock_.now_ms();
  std::vector<std::string> dead;
  auto result = storage::write_value<Node>(db_, [&](Session& s) -> Result<Node> {
    auto access = access_node(s, caller.subject, node_id, FileRole::editor, SpaceLock::take);
    if (!access) return access.error();
    auto& [node, space, role] = *access;
    MERIDIAN_TRY(check_lock(node, caller.subject, now));
    auto old = repo_.version_by_number(s, node_id, number);
    if (!old) return old.error();
    if (!*old) return make_error(ErrorCode::not_found, "no such version");
    const VersionRef& v = **old;
    if (space.used_bytes + v.size > space.quota_bytes)
      return make_error(ErrorCode::too_large, "quota exceeded: restoring makes a new version");
    auto touched = blobs_.touched_by_new_version(s, node_id, options_.keep_versions, v.blob_id);
    if (!touched) return touched.error();
    MERIDIAN_TRY(blobs_.lock(s, std::move(*touched)));
    // Restoring makes a new version with the old content (history stays linear).
    MERIDIAN_TRY(blobs_.add_reference(s, v.blob_id));
    MERIDIAN_TRY(
        add_version(s, node.space_id, node_id, v.blob_id, v.size, v.content_type, caller.subject.user_id, now, dead));
    MERIDIAN_TRY(log_activity(s, caller, node.space_id, node_id, "restore", "version " + std::to_string(number), now));
    return reload_node(s, node_id, role);
  });
  blobs_.remove_objects(dead);
  stored(result);
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
    auto access = access_node(s, caller.subject, node_id, FileRole::editor, SpaceLock::take);
    if (!access) return access.error();
    auto& [node, space, role] = *access;
    if (space.kind == SpaceKind::conversation) return attachment_fixed();
    MERIDIAN_TRY(check_lock(node, caller.subject, now));
    if (new_parent && *new_parent != node.parent_id) {
      if (*new_parent != 0) {
        MERIDIAN_TRY(check_folder(s, node.space_id, *new_parent));
        // Never into itself or below itself.
        auto path = ancestry(s, *new_parent);
        if (!path) return path.error();
        if (std::find(path->begin(), path->end(), node_id) != path->end())
          return make_error(ErrorCode::invalid_argument, "a folder can not move into itself");
      }
      MERIDIAN_TRY(require_role(s, caller.subject, space, *new_parent, FileRole::editor));
      auto upd = repo_.move_node(s, node_id, *new_parent, now);
      if (!upd) {
        if (upd.error().code == ErrorCode::conflict)
          return make_error(ErrorCode::conflict, "a file or folder with that name exists there");
        return upd.error();
      }
      MERIDIAN_TRY(log_activity(s, caller, node.space_id, node_id, "move",
                                std::to_string(node.parent_id) + " -> " + std::to_string(*new_parent), now));
    }
    if (name && *name != node.name) {
      auto upd = repo_.rename_node(s, node_id, *name, now);
      if (!upd) {
        if (upd.error().code == ErrorCode::conflict)
          return make_error(ErrorCode::conflict, "a file or folder with that name exists here");
        return upd.error();
      }
      MERIDIAN_TRY(log_activity(s, caller, node.space_id, node_id, "rename", node.name + " -> " + *name, now));
    }
    return reload_node(s, node_id, role);
  });
}

Result<void> FilesService::remove(const Caller& caller, std::int64_t node_id) {
  const auto now = clock_.now_ms();
  std::vector<std::string> dead;
  auto r = db_.write([&](Session& s) -> Result<void> {
    dead.clear();
    auto access = access_node(s, caller.subject, node_id, FileRole::editor, SpaceLock::take);
    if (!access) return access.error();
    auto& [node, space, role] = *access;
    if (space.kind == SpaceKind::conversation) {
      // An attachment goes with its message; an upload not attached yet, by its uploader.
      auto state = repo_.attachment_state(s, node_id);
      if (!state) return state.error();
      if (*state == AttachmentState::attached)
        return make_error(ErrorCode::conflict, "delete the message to remove its attachment");
      if (node.created_by != caller.subject.user_id)
        return make_error(ErrorCode::forbidden, "only the uploader may remove a file not attached yet");
      MERIDIAN_TRY(repo_.forget_release(s, node_id));
    }
    MERIDIAN_TRY(check_lock(node, caller.subject, now));
    auto touched = blobs_.touched_by_tree(s, node.space_id, node_id);
    if (!touched) return touched.error();
    MERIDIAN_TRY(blobs_.lock(s, std::move(*touched)));
    MERIDIAN_TRY(delete_tree(s, node.space_id, node_id, dead));
    return log_activity(s, caller, node.space_id, node_id, "delete", node.name, now);
  });
  if (!r) return r;
  blobs_.remove_objects(dead);
  removed({node_id});
  return {};
}

Result<Node> FilesService::lock(const Caller& caller, std::int64_t node_id, std::int64_t seconds) {
  if (seconds <= 0 || seconds > 7 * 24 * 3600)
    return make_error(ErrorCode::invalid_argument, "a lock lasts between 1 second and 7 days");
  const auto now = clock_.now_ms();
  return storage::write_value<Node>(db_, [&](Session& s) -> Result<Node> {
    auto access = access_node(s, caller.subject, node_id, FileRole::editor, SpaceLock::take);
    if (!access) return access.error();
    auto& [node, space, role] = *access;
    if (node.is_folder) return make_error(ErrorCode::invalid_argument, "only files can be locked");
    if (space.kind == SpaceKind::conversation) return attachment_fixed();
    MERIDIAN_TRY(check_lock(node, caller.subject, now));
    MERIDIAN_TRY(repo_.set_lock(s, node_id, caller.subject.user_id, now + seconds * 1000));
    MERIDIAN_TRY(log_activity(s, caller, node.space_id, node_id, "lock", std::to_string(seconds) + " s", now));
    return reload_node(s, node_id, role);
  });
}

Result<Node> FilesService::unlock(const Caller& caller, std::int64_t node_id) {
  const auto now = clock_.now_ms();
  return storage::write_value<Node>(db_, [&](Session& s) -> Result<Node> {
    auto access = access_node(s, caller.subject, node_id, FileRole::editor, SpaceLock::take);
    if (!access) return access.error();
    auto& [node, space, role] = *access;
    // The holder, or a manager breaking someone else's lock.
    if (node.locked_by != caller.subject.user_id && node.lock_expires_at > now && role < FileRole::manager)
      return make_error(ErrorCode::conflict, "the file is locked by another user");
    MERIDIAN_TRY(repo_.clear_lock(s, node_id));
    MERIDIAN_TRY(log_activity(s, caller, node.space_id, node_id, "unlock", "", now));
    return reload_node(s, node_id, role);
  });
}

Result<std::vector<Grant>> FilesService::list_grants(const Subject& who, std::int64_t space_id, std::int64_t node_id) {
  return storage::read_value<std::vector<Grant>>(db_, [&](Session& s) -> Result<std::vector<Grant>> {
    auto space = load_space(s, space_id);
    if (!space) return space.error();
    MERIDIAN_TRY(require_role(s, who, *space, node_id, FileRole::manager));
    auto grants = repo_.grants(s, space_id, node_id);
    if (!grants) return grants.error();
    for (auto& g : *grants) {
      MERIDIAN_ASSIGN_OR_RETURN(g.grantee_name, repo_.name_of(s, g.grantee_kind, g.grantee_id));
    }
    return grants;
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
      auto user = repo_.active_account(s, grantee_id);
      if (!user) return user.error();
      if (!*user) return make_error(ErrorCode::not_found, "no such user");
      // A customer may view or edit what is shared with them, never re-share it.
      if (((*user)->kind == "customer" || (*user)->kind == "guest") && role == FileRole::manager)
        return make_error(ErrorCode::invalid_argument, "customers and guests can not be managers");
    } else {
      auto team = repo_.team_region(s, grantee_id);
      if (!team) return team.error();
      if (!*team) return make_error(ErrorCode::not_found, "no such team");
    }
    Grant g;
    g.space_id = space_id;
    g.node_id = node_id;
    g.grantee_kind = grantee_kind;
    g.grantee_id = grantee_id;
    g.role = role;
    g.created_by = caller.subject.user_id;
    g.created_at = now;
    MERIDIAN_ASSIGN_OR_RETURN(g.id, repo_.replace_grant(s, g));
    MERIDIAN_TRY(log_activity(s, caller, space_id, node_id, "grant",
                              grantee_kind + " " + std::to_string(grantee_id) + " " + file_role_name(role), now));
    return g;
  });
}

Result<void> FilesService::remove_grant(const Caller& caller, std::int64_t grant_id) {
  const auto now = clock_.now_ms();
  return db_.write([&](Session& s) -> Result<void> {
    auto grant = repo_.grant(s, grant_id);
    if (!grant) return grant.error();
    if (!*grant) return make_error(ErrorCode::not_found, "no such grant");
    const Grant& g = **grant;
    auto space = load_space(s, g.space_id);
    if (!space) return space.error();
    MERIDIAN_TRY(require_role(s, caller.subject, *space, g.node_id, FileRole::manager));
    MERIDIAN_TRY(repo_.delete_grant(s, grant_id));
    return log_activity(s, caller, g.space_id, g.node_id, "ungrant",
                        g.grantee_kind + " " + std::to_string(g.grantee_id), now);
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
    MERIDIAN_ASSIGN_OR_RETURN(auto entries, repo_.activity(s, space_id, node_id, f));
    // "shared with Ben Silva", not "user 6": the grantee's name as it is now.
    for (auto& entry : entries) {
      if (!read_grant_detail(entry)) continue;
      MERIDIAN_ASSIGN_OR_RETURN(entry.target_name, repo_.name_of(s, entry.target_kind, entry.target_id));
    }
    return entries;
  });
}

Result<std::size_t> FilesService::collect_garbage() { return blobs_.collect_garbage(); }

Result<FileRole> FilesService::role_on(const Subject& who, std::int64_t space_id, std::int64_t node_id) {
  return storage::read_value<FileRole>(db_, [&](Session& s) -> Result<FileRole> {
    auto space = load_space(s, space_id);
    if (!space) return space.error();
    return role_in(s, who, *space, node_id);
  });
}

}  // namespace meridian::files
