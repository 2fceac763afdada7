#include "files/share_links.hpp"

#include <cctype>

#include "core/random.hpp"
#include "storage/row_columns.hpp"

namespace meridian::files {
namespace {

using storage::Session;

// Throttle keys: wrong passwords for one link, and from one address for any link.
std::string link_key(std::int64_t link_id) { return "link:" + std::to_string(link_id); }
std::string address_key(const std::string& ip) { return "link-ip:" + ip; }

// One answer for unknown, revoked and expired links: a visitor learns nothing more.
Error gone() { return make_error(ErrorCode::not_found, "this link does not exist or has expired"); }

constexpr const char* kLinkColumns =
    "id, node_id, created_by, password_hash, expires_at, max_downloads, download_count, revoked_at, created_at, "
    "space_id, creator_country";

struct Row {
  Link link;
  std::string password_hash;
  std::int64_t space_id = 0;
  std::string creator_country;
};

Row row_from(const storage::Row& r) {
  Row out;
  storage::read_columns(r, out.link.id, out.link.node_id, out.link.created_by, out.password_hash, out.link.expires_at,
                        out.link.max_downloads, out.link.download_count, out.link.revoked_at, out.link.created_at,
                        out.space_id, out.creator_country);
  out.link.has_password = !out.password_hash.empty();
  return out;
}

Result<void> log_link(Session& s, std::int64_t space_id, std::int64_t node_id, std::int64_t actor, std::int64_t link,
                      std::string_view action, std::string detail, const std::string& ip, const std::string& country,
                      UnixMillis at) {
  return storage::exec(
      s,
      "INSERT INTO file_activity (space_id, node_id, actor_user_id, link_id, action, detail, ip, country, at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {space_id, node_id, actor, link, std::string(action), std::move(detail), ip, country, at});
}

}  // namespace

struct ShareLinks::Checked {
  Row row;
};

ShareLinks::ShareLinks(storage::Database& db, FilesService& files, region::FeatureToggles& toggles,
                       const identity::PasswordHasher& hasher, const Clock& clock, ShareLinkOptions options)
    : db_(db),
      files_(files),
      toggles_(toggles),
      hasher_(hasher),
      clock_(clock),
      options_(options),
      throttle_(clock, options.times) {}

Result<Link> ShareLinks::create(const Caller& caller, std::int64_t node_id, const NewLink& spec) {
  auto node = files_.get_node(caller.subject, node_id);
  if (!node) return node.error();
  if (node->is_folder) return make_error(ErrorCode::invalid_argument, "links are for files, not folders");
  if (node->role < FileRole::manager) return make_error(ErrorCode::forbidden, "only managers may share links");
  MERIDIAN_TRY(toggles_.require(kExternalLinksFeature, caller.subject.country));
  const auto now = clock_.now_ms();
  if (spec.expires_at != 0 && spec.expires_at <= now)
    return make_error(ErrorCode::invalid_argument, "expires_at must be in the future");
  if (spec.max_downloads < 0) return make_error(ErrorCode::invalid_argument, "max_downloads must be 0 or more");
  std::string password_hash;
  if (spec.password) {
    std::string why;
    if (!identity::password_acceptable(*spec.password, why)) return make_error(ErrorCode::invalid_argument, why);
    password_hash = hasher_.hash(*spec.password);
  }
  Link link;
  link.token = random_token(32);
  return storage::write_value<Link>(db_, [&](Session& s) -> Result<Link> {
    // The space first, as every writer of its nodes (files_service.cpp, lock_space): a
    // delete of the file then either ran before (no link for a file that is gone) or
    // waits and takes this link with it.
    MERIDIAN_TRY(storage::lock_row(s, "file_spaces", node->space_id));
    auto still = s.query("SELECT 1 FROM file_nodes WHERE id = ?", {node_id});
    if (!still) return still.error();
    if (still->empty()) return make_error(ErrorCode::not_found, "no such file");
    auto rows = s.query(
        "INSERT INTO file_links (token_hash, space_id, node_id, created_by, creator_country, password_hash, "
        "expires_at, "
        "max_downloads, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {sha256_hex(link.token), node->space_id, node_id, caller.subject.user_id, caller.subject.country, password_hash,
         spec.expires_at, spec.max_downloads, now});
    if (!rows) return rows.error();
    link.id = rows->front().integer(0);
    link.node_id = node_id;
    link.created_by = caller.subject.user_id;
    link.has_password = !password_hash.empty();
    link.expires_at = spec.expires_at;
    link.max_downloads = spec.max_downloads;
    link.created_at = now;
    std::string detail = "link " + std::to_string(link.id);
    if (link.has_password) detail += ", password";
    if (link.expires_at) detail += ", expires";
    if (link.max_downloads) detail += ", max " + std::to_string(link.max_downloads);
    MERIDIAN_TRY(log_link(s, node->space_id, node_id, caller.subject.user_id, link.id, "link_create", detail, caller.ip,
                          caller.country, now));
    return link;
  });
}

Result<std::vector<Link>> ShareLinks::list(const Subject& who, std::int64_t node_id) {
  auto node = files_.get_node(who, node_id);
  if (!node) return node.error();
  if (node->role < FileRole::manager) return make_error(ErrorCode::forbidden, "only managers see links");
  return storage::read_value<std::vector<Link>>(db_, [&](Session& s) -> Result<std::vector<Link>> {
    auto rows =
        s.query(std::string("SELECT ") + kLinkColumns + " FROM file_links WHERE node_id = ? ORDER BY id", {node_id});
    if (!rows) return rows.error();
    std::vector<Link> out;
    for (const auto& r : *rows) out.push_back(row_from(r).link);
    return out;
  });
}

Result<void> ShareLinks::revoke(const Caller& caller, std::int64_t link_id) {
  auto found = storage::read_value<std::int64_t>(db_, [&](Session& s) -> Result<std::int64_t> {
    auto rows = s.query("SELECT node_id FROM file_links WHERE id = ?", {link_id});
    if (!rows) return rows.error();
    if (rows->empty()) return make_error(ErrorCode::not_found, "no such link");
    return rows->front().integer(0);
  });
  if (!found) return found.error();
  auto node = files_.get_node(caller.subject, *found);
  if (!node) return make_error(ErrorCode::not_found, "no such link");
  if (node->role < FileRole::manager) return make_error(ErrorCode::forbidden, "only managers may revoke links");
  const auto now = clock_.now_ms();
  return db_.write([&](Session& s) -> Result<void> {
    MERIDIAN_TRY(
        storage::exec(s, "UPDATE file_links SET revoked_at = ? WHERE id = ? AND revoked_at = 0", {now, link_id}));
    return log_link(s, node->space_id, node->id, caller.subject.user_id, link_id, "link_revoke", "", caller.ip,
                    caller.country, now);
  });
}

Result<ShareLinks::Checked> ShareLinks::check(std::string_view token, std::string_view password,
                                              const std::string& ip) {
  if (token.empty() || token.size() > 100) return gone();
  auto row = storage::read_value<std::optional<Row>>(db_, [&](Session& s) -> Result<std::optional<Row>> {
    auto rows =
        s.query(std::string("SELECT ") + kLinkColumns + " FROM file_links WHERE token_hash = ?", {sha256_hex(token)});
    if (!rows) return rows.error();
    if (rows->empty()) return std::optional<Row>{};
    return std::optional<Row>(row_from(rows->front()));
  });
  if (!row) return row.error();
  if (!*row) return gone();
  const auto now = clock_.now_ms();
  const Row& r = **row;
  if (r.link.revoked_at != 0 || (r.link.expires_at != 0 && r.link.expires_at <= now)) return gone();
  if (r.link.max_downloads != 0 && r.link.download_count >= r.link.max_downloads)
    return make_error(ErrorCode::forbidden, "this link's download limit is reached");
  // The creator's country rules the link: "... is not available in DE" names it.
  MERIDIAN_TRY(toggles_.require(kExternalLinksFeature, r.creator_country));
  Checked checked{**row};
  MERIDIAN_TRY(check_password(checked, password, ip));
  return checked;
}

// Like a sign-in: a locked link or address is refused before the password is checked,
// a wrong password counts for both, the right one forgets the link's failures.
Result<void> ShareLinks::check_password(const Checked& link, std::string_view password, const std::string& ip) {
  const Row& r = link.row;
  if (r.password_hash.empty()) return {};
  if (password.empty()) return make_error(ErrorCode::unauthenticated, "this link needs a password");
  const std::string by_link = link_key(r.link.id);
  const std::string by_address = address_key(ip);
  bool had_failures = false;
  MERIDIAN_TRY(db_.read([&](Session& s) -> Result<void> {
    MERIDIAN_TRY(throttle_.require_unlocked(s, {by_link, by_address}, "too many wrong passwords for this link"));
    MERIDIAN_ASSIGN_OR_RETURN(auto failures, throttle_.failures(s, by_link));
    had_failures = failures.failures > 0;
    return {};
  }));
  if (hasher_.verify(r.password_hash, password)) {
    if (had_failures) MERIDIAN_TRY(db_.write([&](Session& s) { return throttle_.clear(s, by_link); }));
    return {};
  }
  MERIDIAN_TRY(db_.write([&](Session& s) -> Result<void> {
    MERIDIAN_TRY(throttle_.record_failure(s, by_link, options_.per_link));
    return throttle_.record_failure(s, by_address, options_.per_address);
  }));
  return make_error(ErrorCode::forbidden, "wrong password");
}

Result<LinkPreview> ShareLinks::preview(std::string_view token, std::string_view password, const std::string& ip) {
  auto checked = check(token, password, ip);
  if (!checked) {
    // Before the password: say that one is needed, and nothing else.
    if (checked.error().code == ErrorCode::unauthenticated) {
      LinkPreview p;
      p.needs_password = true;
      return p;
    }
    return checked.error();
  }
  auto d = files_.open_current(checked->row.link.node_id);
  if (!d) return gone();
  LinkPreview p;
  p.name = d->node.name;
  p.size = d->version.size;
  p.content_type = d->version.content_type;
  p.needs_password = checked->row.link.has_password;
  return p;
}

Result<Download> ShareLinks::open(std::string_view token, std::string_view password, const std::string& ip,
                                  bool counts) {
  auto checked = check(token, password, ip);
  if (!checked) return checked.error();
  const Row& r = checked->row;
  const auto now = clock_.now_ms();
  auto used = db_.write([&](Session& s) -> Result<void> {
    if (counts) {
      // Atomic: two visitors racing for the last download do not both get it.
      auto upd = s.execute(
          "UPDATE file_links SET download_count = download_count + 1 WHERE id = ? AND revoked_at = 0 AND "
          "(max_downloads = 0 OR download_count < max_downloads)",
          {r.link.id});
      if (!upd) return upd.error();
      if (*upd == 0) return make_error(ErrorCode::forbidden, "this link's download limit is reached");
    }
    return log_link(s, r.space_id, r.link.node_id, 0, r.link.id, "link_use", counts ? "download" : "range", ip, "",
                    now);
  });
  if (!used) return used.error();
  auto d = files_.open_current(r.link.node_id);
  if (!d) return gone();
  return d;
}

}  // namespace meridian::files
