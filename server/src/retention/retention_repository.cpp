#include "retention/retention_repository.hpp"

#include <algorithm>

namespace meridian::retention {
namespace {

std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

// Chat features add tables that point at messages (reactions, mentions, thread
// followers) and thread replies; the purge removes them with their messages when the
// schema has them, so retention keeps working whichever chat features are installed.
Result<bool> has_column(storage::Session& s, const std::string& table, const std::string& column) {
  auto rows = s.dialect() == storage::Dialect::sqlite
                  ? s.query("SELECT 1 FROM pragma_table_info(?) WHERE name = ?", {table, column})
                  : s.query(
                        "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
                        "AND table_name = ? AND column_name = ?",
                        {table, column});
  if (!rows.ok()) return rows.error();
  return !rows->empty();
}

struct Dependent {
  const char* table;
  const char* column;
};
constexpr Dependent kDependents[] = {
    {"message_reactions", "message_id"}, {"message_mentions", "message_id"}, {"thread_followers", "root_id"}};

constexpr const char* kNotHeldAuthor =
    " AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.kind = 'user' AND h.target_id = author_id)";

}  // namespace

Result<std::vector<RetentionPolicy>> RetentionRepository::policies(S& s) {
  return storage::query_rows(s, "SELECT scope, keep_days, updated_at FROM retention_policies ORDER BY scope", {},
                             [](const storage::Row& r) {
                               return RetentionPolicy{r.text(0), r.integer(1), r.integer(2)};
                             });
}

Result<void> RetentionRepository::set_policy(S& s, const std::string& scope, std::int64_t keep_days, UnixMillis now,
                                             std::int64_t by) {
  return storage::exec(
      s,
      "INSERT INTO retention_policies (scope, keep_days, updated_at, updated_by) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (scope) DO UPDATE SET keep_days = excluded.keep_days, updated_at = excluded.updated_at, "
      "updated_by = excluded.updated_by",
      {scope, keep_days, now, by});
}

Result<bool> RetentionRepository::delete_policy(S& s, const std::string& scope) {
  return storage::exec_changed(s, "DELETE FROM retention_policies WHERE scope = ?", {scope});
}

Result<std::vector<LegalHold>> RetentionRepository::holds(S& s) {
  return storage::query_rows(s, "SELECT scope, reason, created_by, created_at FROM legal_holds ORDER BY scope", {},
                             [](const storage::Row& r) {
                               return LegalHold{r.text(0), r.text(1), r.integer(2), r.integer(3)};
                             });
}

Result<void> RetentionRepository::lock_hold_target(S& s, const std::string& kind, std::int64_t target_id) {
  if (kind == "conversation") return storage::lock_row(s, "conversations", target_id);
  auto rows = s.query("SELECT conversation_id FROM conversation_members WHERE user_id = ? ORDER BY conversation_id",
                      {target_id});
  if (!rows.ok()) return rows.error();
  for (const auto& r : *rows) MERIDIAN_TRY(storage::lock_row(s, "conversations", r.integer(0)));
  return {};
}

Result<void> RetentionRepository::set_hold(S& s, const std::string& scope, const std::string& kind,
                                           std::int64_t target_id, const std::string& reason, std::int64_t by,
                                           UnixMillis now) {
  return storage::exec(
      s,
      "INSERT INTO legal_holds (scope, kind, target_id, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (scope) DO UPDATE SET reason = excluded.reason",
      {scope, kind, target_id, reason, by, now});
}

Result<bool> RetentionRepository::delete_hold(S& s, const std::string& scope) {
  return storage::exec_changed(s, "DELETE FROM legal_holds WHERE scope = ?", {scope});
}

Result<bool> RetentionRepository::target_exists(S& s, const std::string& kind, std::int64_t id) {
  auto rows =
      s.query(kind == "user" ? "SELECT 1 FROM users WHERE id = ?" : "SELECT 1 FROM conversations WHERE id = ?", {id});
  if (!rows.ok()) return rows.error();
  return !rows->empty();
}

Result<std::vector<ConversationFacts>> RetentionRepository::conversations(S& s, std::int64_t after_id, int limit) {
  return storage::query_rows(
      s,
      "SELECT c.id, c.kind, sc.customer_country, sc.customer_region FROM conversations c "
      "LEFT JOIN support_conversations sc ON sc.conversation_id = c.id WHERE c.id > ? ORDER BY c.id LIMIT ?",
      {after_id, std::int64_t{limit}}, [](const storage::Row& r) {
        return ConversationFacts{r.integer(0), r.text(1), r.text(2), r.text(3)};
      });
}

Result<std::optional<ConversationFacts>> RetentionRepository::conversation(S& s, std::int64_t id) {
  auto rows = s.query(
      "SELECT c.id, c.kind, sc.customer_country, sc.customer_region FROM conversations c "
      "LEFT JOIN support_conversations sc ON sc.conversation_id = c.id WHERE c.id = ?",
      {id});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<ConversationFacts>{};
  const auto& r = rows->front();
  return std::optional<ConversationFacts>(ConversationFacts{r.integer(0), r.text(1), r.text(2), r.text(3)});
}

Result<bool> RetentionRepository::held(S& s, std::int64_t conversation_id) {
  return storage::query_exists(
      s,
      "SELECT 1 FROM legal_holds WHERE kind = 'conversation' AND target_id = ? "
      "UNION ALL SELECT 1 FROM conversation_members cm JOIN legal_holds h ON h.kind = 'user' AND "
      "h.target_id = cm.user_id WHERE cm.conversation_id = ? LIMIT 1",
      {conversation_id, conversation_id});
}

Result<BatchDeleted> RetentionRepository::delete_expired_messages(S& s, std::int64_t conversation_id, UnixMillis cutoff,
                                                                  int limit, UnixMillis now) {
  auto expired = [&] {
    return s.query(std::string("SELECT id FROM messages WHERE conversation_id = ? AND created_at < ?") +
                       kNotHeldAuthor + " ORDER BY created_at, id LIMIT ?",
                   {conversation_id, cutoff, std::int64_t{limit}});
  };
  auto rows = expired();
  if (!rows.ok()) return rows.error();
  BatchDeleted out;
  if (rows->empty()) return out;
  // Chat's writers lock the conversation before its messages; so does the purge, or an
  // edit holding a message while it waits for the conversation deadlocks with it. What to
  // delete is read again under the lock: a concurrent purge may have taken it.
  MERIDIAN_TRY(storage::lock_row(s, "conversations", conversation_id));
  // A hold placed since the caller checked took this lock first (lock_hold_target).
  auto now_held = held(s, conversation_id);
  if (!now_held.ok()) return now_held.error();
  if (*now_held) {
    out.held = true;
    return out;
  }
  rows = expired();
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return out;
  storage::Params ids;
  for (const auto& r : *rows) ids.emplace_back(r.integer(0));
  // A thread goes with its root: replies of an expired root are deleted with it.
  auto threads = has_column(s, "messages", "thread_root_id");
  if (!threads.ok()) return threads.error();
  if (*threads) {
    auto replies = s.query(
        "SELECT id FROM messages WHERE thread_root_id IN (" + placeholders(ids.size()) + ")" + kNotHeldAuthor, ids);
    if (!replies.ok()) return replies.error();
    for (const auto& r : *replies) {
      storage::Value id = r.integer(0);
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
  }
  const std::string in = " IN (" + placeholders(ids.size()) + ")";
  // Roots that stay while some of their replies go: their count and last reply change.
  std::vector<std::int64_t> surviving_roots;
  if (*threads) {
    auto roots = s.query("SELECT DISTINCT thread_root_id FROM messages WHERE thread_root_id IS NOT NULL AND id" + in +
                             " ORDER BY thread_root_id",
                         ids);
    if (!roots.ok()) return roots.error();
    for (const auto& r : *roots) {
      storage::Value root = r.integer(0);
      if (std::find(ids.begin(), ids.end(), root) == ids.end()) surviving_roots.push_back(r.integer(0));
    }
  }
  // Dependents first: the schema's foreign keys point at messages. The search index
  // follows by itself (triggers on SQLite, an expression index on PostgreSQL).
  for (const auto& d : kDependents) {
    auto present = has_column(s, d.table, d.column);
    if (!present.ok()) return present.error();
    if (!*present) continue;
    MERIDIAN_TRY(storage::exec(s, std::string("DELETE FROM ") + d.table + " WHERE " + d.column + in, ids));
  }
  // Attachments are released, not deleted: files removes them with their objects.
  auto attachments = has_column(s, "message_attachments", "message_id");
  if (!attachments.ok()) return attachments.error();
  if (*attachments) {
    MERIDIAN_TRY(storage::exec(s, "UPDATE message_attachments SET message_id = NULL WHERE message_id" + in, ids));
  }
  auto versions = s.execute("DELETE FROM message_versions WHERE message_id" + in, ids);
  if (!versions.ok()) return versions.error();
  out.versions = *versions;
  auto messages = s.execute("DELETE FROM messages WHERE id" + in, ids);
  if (!messages.ok()) return messages.error();
  out.messages = *messages;
  for (const auto& id : ids) out.message_ids.push_back(std::get<std::int64_t>(id));
  auto take_seq = [&]() -> Result<std::int64_t> {
    auto seq =
        s.query("UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq", {conversation_id});
    if (!seq.ok()) return seq.error();
    if (seq->empty()) return make_error(ErrorCode::not_found, "no such conversation");
    return seq->front().integer(0);
  };
  // The purge itself takes a change number and keeps the ids (chat's chat_purges), so a
  // client that was away drops them when it resumes (sync, /changes).
  auto purge_seq = take_seq();
  if (!purge_seq.ok()) return purge_seq.error();
  out.purge_seq = *purge_seq;
  std::string id_list;
  for (auto id : out.message_ids) id_list += (id_list.empty() ? "" : ",") + std::to_string(id);
  auto recorded =
      s.execute("INSERT INTO chat_purges (conversation_id, change_seq, message_ids, purged_at) VALUES (?, ?, ?, ?)",
                {conversation_id, *purge_seq, id_list, now});
  if (!recorded.ok()) return recorded.error();
  // Each changed root takes the next change number, so /changes and `sync` carry it.
  for (std::int64_t root : surviving_roots) {
    auto seq = take_seq();
    if (!seq.ok()) return seq.error();
    MERIDIAN_TRY(storage::exec(
        s,
        "UPDATE messages SET reply_count = (SELECT COUNT(*) FROM messages r WHERE r.thread_root_id = ?), "
        "last_reply_at = (SELECT MAX(r.created_at) FROM messages r WHERE r.thread_root_id = ?), change_seq = ? "
        "WHERE id = ?",
        {root, root, *seq, root}));
    ++out.roots_updated;
  }
  return out;
}

Result<std::int64_t> RetentionRepository::delete_expired_notes(S& s, std::int64_t conversation_id, UnixMillis cutoff,
                                                               int limit) {
  auto expired = [&] {
    return s.query(std::string("SELECT id FROM support_notes WHERE conversation_id = ? AND created_at < ?") +
                       kNotHeldAuthor + " ORDER BY created_at, id LIMIT ?",
                   {conversation_id, cutoff, std::int64_t{limit}});
  };
  auto rows = expired();
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::int64_t{0};
  // As for messages: under the conversation's lock, a hold placed meanwhile is seen.
  MERIDIAN_TRY(storage::lock_row(s, "conversations", conversation_id));
  auto now_held = held(s, conversation_id);
  if (!now_held.ok()) return now_held.error();
  if (*now_held) return std::int64_t{0};
  rows = expired();
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::int64_t{0};
  storage::Params ids;
  for (const auto& r : *rows) ids.emplace_back(r.integer(0));
  auto deleted = s.execute("DELETE FROM support_notes WHERE id IN (" + placeholders(ids.size()) + ")", ids);
  if (!deleted.ok()) return deleted.error();
  return *deleted;
}

}  // namespace meridian::retention
