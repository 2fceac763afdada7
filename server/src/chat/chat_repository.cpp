#include "chat/chat_repository.hpp"

#include <algorithm>

namespace meridian::chat {
namespace {

constexpr const char* kConversationColumns =
    "c.id, c.kind, c.name, c.topic, c.visibility, c.region, c.created_by, c.created_at, c.last_seq";

Conversation conversation_from(const storage::Row& r, std::size_t at = 0) {
  Conversation c;
  c.id = r.integer(at + 0);
  parse_kind(r.text(at + 1), c.kind);
  c.name = r.text(at + 2);
  c.topic = r.text(at + 3);
  c.visibility = r.text(at + 4) == "public" ? Visibility::public_ : Visibility::private_;
  c.region = r.text(at + 5);
  c.created_by = r.integer(at + 6);
  c.created_at = r.integer(at + 7);
  c.last_seq = r.integer(at + 8);
  return c;
}

constexpr const char* kMessageColumns =
    "m.id, m.conversation_id, m.seq, m.author_id, u.display_name, m.client_id, m.text, m.created_at, "
    "m.change_seq, m.edited_at, m.deleted_at";

Message message_from(const storage::Row& r) {
  Message m{r.integer(0), r.integer(1), r.integer(2), r.integer(3), r.text(4), r.text(5), r.text(6), r.integer(7)};
  m.change_seq = r.integer(8);
  m.edited_at = r.optional_integer(9);
  m.deleted_at = r.optional_integer(10);
  return m;
}

}  // namespace

Result<std::optional<Conversation>> ChatRepository::conversation(S& s, std::int64_t id) {
  auto rows = s.query(std::string("SELECT ") + kConversationColumns + " FROM conversations c WHERE c.id = ?", {id});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<Conversation>{};
  return std::optional<Conversation>(conversation_from(rows->front()));
}

Result<std::optional<std::int64_t>> ChatRepository::direct_conversation(S& s, const std::string& direct_key) {
  auto rows = s.query("SELECT id FROM conversations WHERE direct_key = ?", {direct_key});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(rows->front().integer(0));
}

Result<std::optional<std::int64_t>> ChatRepository::insert_conversation(S& s, const Conversation& c,
                                                                        const std::optional<std::string>& direct_key) {
  auto rows = s.query(
      "INSERT INTO conversations (kind, name, topic, visibility, direct_key, region, created_by, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
      {std::string(kind_name(c.kind)), c.name, c.topic, std::string(visibility_name(c.visibility)),
       direct_key ? storage::Value(*direct_key) : storage::Value(nullptr), c.region, c.created_by, c.created_at});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(rows->front().integer(0));
}

Result<std::optional<Member>> ChatRepository::membership(S& s, std::int64_t conversation_id, std::int64_t user_id) {
  auto rows = s.query(
      "SELECT m.user_id, u.display_name, m.role, m.last_read_seq FROM conversation_members m "
      "JOIN users u ON u.id = m.user_id WHERE m.conversation_id = ? AND m.user_id = ?",
      {conversation_id, user_id});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<Member>{};
  const auto& r = rows->front();
  Member m{r.integer(0), r.text(1), MemberRole::member, r.integer(3)};
  parse_member_role(r.text(2), m.role);
  return std::optional<Member>(m);
}

Result<std::vector<Member>> ChatRepository::members(S& s, std::int64_t conversation_id) {
  auto rows = s.query(
      "SELECT m.user_id, u.display_name, m.role, m.last_read_seq FROM conversation_members m "
      "JOIN users u ON u.id = m.user_id WHERE m.conversation_id = ? ORDER BY lower(u.display_name), m.user_id",
      {conversation_id});
  if (!rows.ok()) return rows.error();
  std::vector<Member> out;
  for (const auto& r : *rows) {
    Member m{r.integer(0), r.text(1), MemberRole::member, r.integer(3)};
    parse_member_role(r.text(2), m.role);
    out.push_back(std::move(m));
  }
  return out;
}

Result<bool> ChatRepository::add_member(S& s, std::int64_t conversation_id, std::int64_t user_id, MemberRole role,
                                        UnixMillis now) {
  // A new member has read nothing before joining: start at the current sequence.
  auto r = s.execute(
      "INSERT INTO conversation_members (conversation_id, user_id, role, joined_at, last_read_seq) "
      "SELECT ?, ?, ?, ?, last_seq FROM conversations WHERE id = ? ON CONFLICT DO NOTHING",
      {conversation_id, user_id, std::string(member_role_name(role)), now, conversation_id});
  if (!r.ok()) return r.error();
  return *r > 0;
}

Result<bool> ChatRepository::remove_member(S& s, std::int64_t conversation_id, std::int64_t user_id) {
  auto r = s.execute("DELETE FROM conversation_members WHERE conversation_id = ? AND user_id = ?",
                     {conversation_id, user_id});
  if (!r.ok()) return r.error();
  return *r > 0;
}

Result<std::int64_t> ChatRepository::unread(S& s, std::int64_t conversation_id, std::int64_t user_id,
                                           std::int64_t last_read_seq) {
  auto rows = s.query(
      "SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND seq > ? AND author_id <> ? AND deleted_at IS NULL",
      {conversation_id, last_read_seq, user_id});
  if (!rows.ok()) return rows.error();
  return rows->front().integer(0);
}

Result<std::vector<std::pair<Conversation, Member>>> ChatRepository::conversations_of(S& s, std::int64_t user_id) {
  auto rows = s.query(std::string("SELECT ") + kConversationColumns +
                          ", m.role, m.last_read_seq FROM conversations c "
                          "JOIN conversation_members m ON m.conversation_id = c.id WHERE m.user_id = ? "
                          "ORDER BY c.id",
                      {user_id});
  if (!rows.ok()) return rows.error();
  std::vector<std::pair<Conversation, Member>> out;
  for (const auto& r : *rows) {
    Member me{user_id, "", MemberRole::member, r.integer(10)};
    parse_member_role(r.text(9), me.role);
    out.emplace_back(conversation_from(r), me);
  }
  return out;
}

Result<std::vector<Conversation>> ChatRepository::public_channels(S& s, const std::string& text, int limit) {
  const std::string pattern = storage::contains_pattern(text);
  auto rows = s.query(std::string("SELECT ") + kConversationColumns +
                          " FROM conversations c WHERE c.kind = 'channel' AND c.visibility = 'public' "
                          "AND lower(c.name) LIKE ? ESCAPE '\\' ORDER BY lower(c.name) LIMIT ?",
                      {pattern, std::int64_t{limit}});
  if (!rows.ok()) return rows.error();
  std::vector<Conversation> out;
  for (const auto& r : *rows) out.push_back(conversation_from(r));
  return out;
}

Result<std::optional<PersonRef>> ChatRepository::person(S& s, std::int64_t user_id) {
  auto rows = s.query("SELECT id, kind, display_name, active FROM users WHERE id = ?", {user_id});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<PersonRef>{};
  const auto& r = rows->front();
  return std::optional<PersonRef>(PersonRef{r.integer(0), r.text(1), r.text(2), r.integer(3) != 0});
}

Result<std::optional<Message>> ChatRepository::message_by_client_id(S& s, std::int64_t author_id,
                                                                    const std::string& client_id) {
  auto rows = s.query(std::string("SELECT ") + kMessageColumns +
                          " FROM messages m JOIN users u ON u.id = m.author_id "
                          "WHERE m.author_id = ? AND m.client_id = ?",
                      {author_id, client_id});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<Message>{};
  return std::optional<Message>(message_from(rows->front()));
}

Result<std::int64_t> ChatRepository::next_seq(S& s, std::int64_t conversation_id) {
  auto rows = s.query("UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq",
                      {conversation_id});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return make_error(ErrorCode::not_found, "no such conversation");
  return rows->front().integer(0);
}

Result<std::optional<std::int64_t>> ChatRepository::insert_message(S& s, const Message& m,
                                                                    const std::string& region) {
  auto rows = s.query(
      "INSERT INTO messages (conversation_id, seq, author_id, client_id, text, created_at, region, change_seq) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (author_id, client_id) DO NOTHING RETURNING id",
      {m.conversation_id, m.seq, m.author_id, m.client_id, m.text, m.created_at, region, m.seq});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(rows->front().integer(0));
}

Result<void> ChatRepository::ensure_owner(S& s, std::int64_t conversation_id) {
  auto r = s.execute(
      "UPDATE conversation_members SET role = 'owner' WHERE conversation_id = ? AND user_id = "
      "(SELECT user_id FROM conversation_members WHERE conversation_id = ? ORDER BY joined_at, user_id LIMIT 1) "
      "AND NOT EXISTS (SELECT 1 FROM conversation_members WHERE conversation_id = ? AND role = 'owner')",
      {conversation_id, conversation_id, conversation_id});
  if (!r.ok()) return r.error();
  return {};
}

Result<std::vector<Message>> ChatRepository::messages(S& s, std::int64_t conversation_id,
                                                      std::optional<std::int64_t> before,
                                                      std::optional<std::int64_t> after, int limit) {
  std::string sql = std::string("SELECT ") + kMessageColumns +
                    " FROM messages m JOIN users u ON u.id = m.author_id WHERE m.conversation_id = ?";
  storage::Params params{conversation_id};
  if (after) {
    sql += " AND m.seq > ?";
    params.emplace_back(*after);
  }
  if (before) {
    sql += " AND m.seq < ?";
    params.emplace_back(*before);
  }
  // Pages after a point read forward; otherwise the newest page, read backward then flipped.
  const bool forward = after.has_value() && !before.has_value();
  sql += forward ? " ORDER BY m.seq ASC LIMIT ?" : " ORDER BY m.seq DESC LIMIT ?";
  params.emplace_back(std::int64_t{limit});
  auto rows = s.query(sql, params);
  if (!rows.ok()) return rows.error();
  std::vector<Message> out;
  for (const auto& r : *rows) out.push_back(message_from(r));
  if (!forward) std::reverse(out.begin(), out.end());
  return out;
}

Result<std::optional<Message>> ChatRepository::message(S& s, std::int64_t conversation_id,
                                                      std::int64_t message_id) {
  auto rows = s.query(std::string("SELECT ") + kMessageColumns +
                          " FROM messages m JOIN users u ON u.id = m.author_id WHERE m.id = ? AND m.conversation_id = ?",
                      {message_id, conversation_id});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<Message>{};
  return std::optional<Message>(message_from(rows->front()));
}

Result<void> ChatRepository::record_version(S& s, const Message& current, UnixMillis now, std::int64_t by) {
  auto r = s.execute(
      "INSERT INTO message_versions (message_id, version, text, replaced_at, replaced_by) "
      "SELECT ?, COALESCE(MAX(version), 0) + 1, ?, ?, ? FROM message_versions WHERE message_id = ?",
      {current.id, current.text, now, by, current.id});
  if (!r.ok()) return r.error();
  return {};
}

Result<void> ChatRepository::set_text(S& s, std::int64_t message_id, const std::string& text,
                                      std::int64_t change_seq, UnixMillis now) {
  auto r = s.execute("UPDATE messages SET text = ?, change_seq = ?, edited_at = ? WHERE id = ?",
                     {text, change_seq, now, message_id});
  if (!r.ok()) return r.error();
  return {};
}

Result<void> ChatRepository::tombstone(S& s, std::int64_t message_id, std::int64_t change_seq, UnixMillis now) {
  auto r = s.execute("UPDATE messages SET text = '', change_seq = ?, deleted_at = ? WHERE id = ?",
                     {change_seq, now, message_id});
  if (!r.ok()) return r.error();
  return {};
}

Result<std::int64_t> ChatRepository::version_count(S& s, std::int64_t message_id) {
  auto rows = s.query("SELECT COUNT(*) FROM message_versions WHERE message_id = ?", {message_id});
  if (!rows.ok()) return rows.error();
  return rows->front().integer(0);
}

Result<std::vector<Message>> ChatRepository::changes(S& s, std::int64_t conversation_id, std::int64_t after,
                                                     int limit) {
  auto rows = s.query(std::string("SELECT ") + kMessageColumns +
                          " FROM messages m JOIN users u ON u.id = m.author_id "
                          "WHERE m.conversation_id = ? AND m.change_seq > ? ORDER BY m.change_seq ASC LIMIT ?",
                      {conversation_id, after, std::int64_t{limit}});
  if (!rows.ok()) return rows.error();
  std::vector<Message> out;
  for (const auto& r : *rows) out.push_back(message_from(r));
  return out;
}

Result<void> ChatRepository::set_last_read(S& s, std::int64_t conversation_id, std::int64_t user_id,
                                           std::int64_t seq) {
  // Read state only moves forward.
  auto r = s.execute(
      "UPDATE conversation_members SET last_read_seq = ? WHERE conversation_id = ? AND user_id = ? "
      "AND last_read_seq < ?",
      {seq, conversation_id, user_id, seq});
  if (!r.ok()) return r.error();
  return {};
}

}  // namespace meridian::chat
