#include "privacy/export_repository.hpp"

#include "core/names.hpp"

namespace meridian::privacy {
namespace {

constexpr const char* kColumns =
    "SELECT id, user_id, requested_by, state, parts_done, parts_total, bytes, created_at, finished_at, expires_at, "
    "error, object_key, admin_downloaded_at FROM privacy_exports ";

Export export_from(const storage::Row& r) {
  Export e;
  e.id = r.integer(0);
  e.user_id = r.integer(1);
  e.requested_by = r.integer(2);
  parse_export_state(r.text(3), e.state);
  e.parts_done = r.integer(4);
  e.parts_total = r.integer(5);
  e.bytes = r.integer(6);
  e.created_at = r.integer(7);
  e.finished_at = r.optional_integer(8);
  e.expires_at = r.optional_integer(9);
  e.error = r.text(10);
  e.object_key = r.text(11);
  e.admin_downloaded_at = r.optional_integer(12);
  return e;
}

constexpr const char* kExportStates[] = {"queued", "running", "ready", "downloaded", "expired", "failed"};

}  // namespace

const char* export_state_name(ExportState state) { return name_in(kExportStates, state, "queued"); }

bool parse_export_state(std::string_view text, ExportState& out) { return parse_in(kExportStates, text, out); }

Result<std::int64_t> ExportRepository::insert(S& s, std::int64_t user_id, std::int64_t requested_by, UnixMillis now) {
  return storage::query_integer(
      s,
      "INSERT INTO privacy_exports (user_id, requested_by, state, created_at) VALUES (?, ?, 'queued', ?) RETURNING id",
      {user_id, requested_by, now});
}

Result<std::optional<Export>> ExportRepository::find(S& s, std::int64_t id) {
  return storage::query_row(s, std::string(kColumns) + "WHERE id = ?", {id}, export_from);
}

Result<std::optional<std::int64_t>> ExportRepository::open_of(S& s, std::int64_t user_id) {
  return storage::query_row(
      s, "SELECT id FROM privacy_exports WHERE user_id = ? AND state IN ('queued', 'running') ORDER BY id LIMIT 1",
      {user_id}, [](const storage::Row& r) { return r.integer(0); });
}

Result<std::vector<Export>> ExportRepository::list(S& s, std::optional<std::int64_t> user_id, int limit) {
  if (user_id)
    return storage::query_rows(s, std::string(kColumns) + "WHERE user_id = ? ORDER BY id DESC LIMIT ?",
                               {*user_id, std::int64_t{limit}}, export_from);
  return storage::query_rows(s, std::string(kColumns) + "ORDER BY id DESC LIMIT ?", {std::int64_t{limit}}, export_from);
}

Result<std::optional<Export>> ExportRepository::claim(S& s, const std::string& node, UnixMillis now,
                                                      UnixMillis lease_until) {
  constexpr const char* kDue = "(state = 'queued' OR (state = 'running' AND lease_until < ?))";
  MERIDIAN_ASSIGN_OR_RETURN(
      auto id,
      storage::query_row(s, std::string("SELECT id FROM privacy_exports WHERE ") + kDue + " ORDER BY id LIMIT 1", {now},
                         [](const storage::Row& r) { return r.integer(0); }));
  if (!id) return std::optional<Export>{};
  MERIDIAN_ASSIGN_OR_RETURN(
      auto n, s.execute(std::string("UPDATE privacy_exports SET state = 'running', claimed_by = ?, lease_until = ?, "
                                    "parts_done = 0, bytes = 0 WHERE id = ? AND ") +
                            kDue,
                        {node, lease_until, *id, now}));
  if (n == 0) return std::optional<Export>{};  // another node was first
  return find(s, *id);
}

Result<bool> ExportRepository::progress(S& s, std::int64_t id, const std::string& node, std::int64_t done,
                                        std::int64_t total, std::int64_t bytes, UnixMillis lease_until) {
  MERIDIAN_ASSIGN_OR_RETURN(auto n, s.execute("UPDATE privacy_exports SET parts_done = ?, parts_total = ?, bytes = ?, "
                                              "lease_until = ? WHERE id = ? AND state = 'running' AND claimed_by = ?",
                                              {done, total, bytes, lease_until, id, node}));
  return n == 1;
}

Result<bool> ExportRepository::ready(S& s, std::int64_t id, const std::string& node, const std::string& object_key,
                                     std::int64_t bytes, UnixMillis now, UnixMillis expires_at) {
  MERIDIAN_ASSIGN_OR_RETURN(
      auto n, s.execute("UPDATE privacy_exports SET state = 'ready', object_key = ?, bytes = ?, parts_done = "
                        "parts_total, finished_at = ?, expires_at = ? WHERE id = ? AND state = 'running' AND "
                        "claimed_by = ?",
                        {object_key, bytes, now, expires_at, id, node}));
  return n == 1;
}

Result<void> ExportRepository::fail(S& s, std::int64_t id, const std::string& node, const std::string& error,
                                    UnixMillis now) {
  return storage::exec(s,
                       "UPDATE privacy_exports SET state = 'failed', error = ?, finished_at = ? WHERE id = ? AND "
                       "state = 'running' AND claimed_by = ?",
                       {error, now, id, node});
}

Result<bool> ExportRepository::mark_downloaded(S& s, std::int64_t id, UnixMillis now) {
  MERIDIAN_ASSIGN_OR_RETURN(auto n, s.execute("UPDATE privacy_exports SET state = 'downloaded', downloaded_at = ? "
                                              "WHERE id = ? AND state = 'ready' AND expires_at > ?",
                                              {now, id, now}));
  return n == 1;
}

Result<bool> ExportRepository::mark_admin_downloaded(S& s, std::int64_t id, UnixMillis now) {
  MERIDIAN_ASSIGN_OR_RETURN(auto n, s.execute("UPDATE privacy_exports SET admin_downloaded_at = ? WHERE id = ? AND "
                                              "admin_downloaded_at IS NULL AND object_key <> '' AND state IN "
                                              "('ready', 'downloaded') AND expires_at > ?",
                                              {now, id, now}));
  return n == 1;
}

Result<std::vector<Export>> ExportRepository::stale(S& s, UnixMillis now, UnixMillis downloaded_before) {
  return storage::query_rows(s,
                             std::string(kColumns) +
                                 "WHERE object_key <> '' AND ((state = 'ready' AND expires_at <= ?) OR "
                                 "(state = 'downloaded' AND downloaded_at <= ?)) ORDER BY id",
                             {now, downloaded_before}, export_from);
}

Result<void> ExportRepository::forget_archive(S& s, std::int64_t id) {
  return storage::exec(s,
                       "UPDATE privacy_exports SET object_key = '', state = CASE WHEN state = 'ready' THEN 'expired' "
                       "ELSE state END WHERE id = ?",
                       {id});
}

Result<std::vector<std::string>> ExportRepository::keys_of(S& s, std::int64_t user_id) {
  return storage::query_rows(s, "SELECT object_key FROM privacy_exports WHERE user_id = ? AND object_key <> ''",
                             {user_id}, [](const storage::Row& r) { return r.text(0); });
}

Result<std::int64_t> ExportRepository::erase_of(S& s, std::int64_t user_id) {
  return s.execute("DELETE FROM privacy_exports WHERE user_id = ?", {user_id});
}

}  // namespace meridian::privacy
