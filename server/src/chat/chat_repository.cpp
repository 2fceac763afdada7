#include "chat/chat_repository.hpp"

#include "core/subject.hpp"
#include "storage/row_columns.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace meridian::chat {
namespace {

constexpr const char* kConversationColumns =
    "c.id, c.kind, c.name, c.topic, c.visibility, c.region, c.created_by, c.created_at, c.last_seq, "
    "c.announcement, c.broadcast_mentions, c.allowed_countries, c.allowed_regions, c.details_seq, "
    "CASE WHEN c.direct_key LIKE 'meeting:%' THEN 1 ELSE 0 END";
constexpr std::size_t kConversationColumnCount = 15;

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += ',';
    out += i;
  }
  return out;
}

std::string handle_of(const std::string& email) {
  std::string h = email.substr(0, email.find('@'));
  for (auto& ch : h) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return h;
}

constexpr const char* kMemberColumns =
    "m.user_id, u.display_name, m.role, m.last_read_seq, u.email, m.can_post, m.change_seq, u.kind";

Member member_from(const storage::Row& r) {
  Member m{r.integer(0), r.text(1), MemberRole::member, r.integer(3), handle_of(r.text(4)), r.integer(5) != 0};
  parse_member_role(r.text(2), m.role);
  m.change_seq = r.integer(6);
  m.guest = r.text(7) == user_kind_name(UserKind::guest);
  return m;
}

Conversation conversation_from(const storage::Row& r, std::size_t at = 0) {
  Conversation c;
  using storage::text_as;
  storage::read_columns_from(
      r, at, c.id, text_as([&](const std::string& t) { parse_kind(t, c.kind); }), c.name, c.topic,
      text_as([&](const std::string& t) { c.visibility = t == "public" ? Visibility::public_ : Visibility::private_; }),
      c.region, c.created_by, c.created_at, c.last_seq, c.settings.announcement,
      text_as([&](const std::string& t) { parse_broadcast_mentions(t, c.settings.broadcast_mentions); }),
      text_as([&](const std::string& t) { c.settings.allowed_countries = split_list(t); }),
      text_as([&](const std::string& t) { c.settings.allowed_regions = split_list(t); }), c.details_seq, c.meeting);
  return c;
}

constexpr const char* kMessageColumns =
    "m.id, m.conversation_id, m.seq, m.author_id, u.display_name, m.client_id, m.text, m.created_at, "
    "m.change_seq, m.edited_at, m.deleted_at, m.thread_root_id, m.reply_count, m.last_reply_at";

Message message_from(const storage::Row& r) {
  Message m{r.integer(0), r.integer(1), r.integer(2), r.integer(3), r.text(4), r.text(5), r.text(6), r.integer(7)};
  storage::read_columns_from(r, 8, m.change_seq, m.edited_at, m.deleted_at, m.thread_root_id, m.reply_count,
                             m.last_reply_at);
  return m;
}

// The rows of one conversation (as `m`) whose change_seq is in (after, upto]: `select` up to
// the WHERE, `order` the ORDER BY.
template <class F>
auto changed_between(storage::Session& s, const std::string& select, std::string_view order,
                     std::int64_t conversation_id, std::int64_t after, std::int64_t upto, int limit, F&& from_row) {
  return storage::query_rows(s,
                             select + " WHERE m.conversation_id = ? AND m.change_seq > ? AND m.change_seq <= ? " +
                                 std::string(order) + " LIMIT ?",
                             {conversation_id, after, upto, std::int64_t{limit}}, from_row);
}

}  // namespace

Result<std::optional<Conversation>> ChatRepository::conversation(S& s, std::int64_t id) {
  return storage::query_row(s, std::string("SELECT ") + kConversationColumns + " FROM conversations c WHERE c.id = ?",
                            {id}, [](const storage::Row& r) { return conversation_from(r); });
}

Result<std::optional<std::int64_t>> ChatRepository::direct_conversation(S& s, const std::string& direct_key) {
  return storage::query_row(s, "SELECT id FROM conversations WHERE direct_key = ?", {direct_key},
                            [](const storage::Row& r) { return r.integer(0); });
}

Result<std::optional<std::int64_t>> ChatRepository::insert_conversation(S& s, const Conversation& c,
                                                                        const std::optional<std::string>& direct_key) {
  return storage::query_row(
      s,
      "INSERT INTO conversations (kind, name, topic, visibility, direct_key, region, created_by, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
      {std::string(kind_name(c.kind)), c.name, c.topic, std::string(visibility_name(c.visibility)),
       storage::nullable(direct_key), c.region, c.created_by, c.created_at},
      [](const storage::Row& r) { return r.integer(0); });
}

Result<std::optional<Member>> ChatRepository::membership(S& s, std::int64_t conversation_id, std::int64_t user_id) {
  return storage::query_row(s,
                            std::string("SELECT ") + kMemberColumns +
                                " FROM conversation_members m "
                                "JOIN users u ON u.id = m.user_id WHERE m.conversation_id = ? AND m.user_id = ?",
                            {conversation_id, user_id}, member_from);
}

Result<std::vector<Member>> ChatRepository::members(S& s, std::int64_t conversation_id) {
  return storage::query_rows(s,
                             std::string("SELECT ") + kMemberColumns +
                                 " FROM conversation_members m JOIN users u ON u.id = m.user_id "
                                 "WHERE m.conversation_id = ? ORDER BY lower(u.display_name), m.user_id",
                             {conversation_id}, member_from);
}

Result<bool> ChatRepository::add_member(S& s, std::int64_t conversation_id, std::int64_t user_id, MemberRole role,
                                        UnixMillis now, bool unread_so_far) {
  // Usually what came before joining does not count as unread: start at the current sequence.
  return storage::exec_changed(
      s,
      std::string("INSERT INTO conversation_members (conversation_id, user_id, role, joined_at, "
                  "last_read_seq) SELECT ?, ?, ?, ?, ") +
          (unread_so_far ? "0" : "last_seq") + " FROM conversations WHERE id = ? ON CONFLICT DO NOTHING",
      {conversation_id, user_id, std::string(member_role_name(role)), now, conversation_id});
}

Result<bool> ChatRepository::remove_member(S& s, std::int64_t conversation_id, std::int64_t user_id) {
  return storage::exec_changed(s, "DELETE FROM conversation_members WHERE conversation_id = ? AND user_id = ?",
                               {conversation_id, user_id});
}

Result<std::int64_t> ChatRepository::unread(S& s, std::int64_t conversation_id, std::int64_t user_id,
                                            std::int64_t last_read_seq) {
  return storage::query_integer(
      s,
      "SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND seq > ? AND author_id <> ? AND deleted_at IS NULL "
      "AND thread_root_id IS NULL",
      {conversation_id, last_read_seq, user_id});
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
    Member me{user_id, "", MemberRole::member, r.integer(kConversationColumnCount + 1)};
    parse_member_role(r.text(kConversationColumnCount), me.role);
    out.emplace_back(conversation_from(r), me);
  }
  return out;
}

Result<std::vector<Conversation>> ChatRepository::public_channels(S& s, const std::string& text, int limit) {
  const std::string pattern = storage::contains_pattern(text);
  return storage::query_rows(s,
                             std::string("SELECT ") + kConversationColumns +
                                 " FROM conversations c WHERE c.kind = 'channel' AND c.visibility = 'public' "
                                 "AND lower(c.name) LIKE ? ESCAPE '\\' ORDER BY lower(c.name) LIMIT ?",
                             {pattern, std::int64_t{limit}},
                             [](const storage::Row& r) { return conversation_from(r); });
}

Result<std::optional<PersonRef>> ChatRepository::person(S& s, std::int64_t user_id) {
  auto rows = s.query("SELECT id, kind, display_name, active, country, region FROM users WHERE id = ?", {user_id});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<PersonRef>{};
  const auto& r = rows->front();
  return std::optional<PersonRef>(
      PersonRef{r.integer(0), r.text(1), r.text(2), r.integer(3) != 0, r.text(4), r.text(5)});
}

Result<std::optional<Message>> ChatRepository::message_by_client_id(S& s, std::int64_t author_id,
                                                                    const std::string& client_id) {
  return storage::query_row(s,
                            std::string("SELECT ") + kMessageColumns +
                                " FROM messages m JOIN users u ON u.id = m.author_id "
                                "WHERE m.author_id = ? AND m.client_id = ?",
                            {author_id, client_id}, message_from);
}

Result<std::int64_t> ChatRepository::next_seq(S& s, std::int64_t conversation_id) {
  auto rows =
      s.query("UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq", {conversation_id});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return make_error(ErrorCode::not_found, "no such conversation");
  return rows->front().integer(0);
}

Result<std::optional<std::int64_t>> ChatRepository::insert_message(S& s, const Message& m, const std::string& region) {
  return storage::query_row(
      s,
      "INSERT INTO messages (conversation_id, seq, author_id, client_id, text, created_at, region, change_seq, "
      "thread_root_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (author_id, client_id) DO NOTHING RETURNING id",
      {m.conversation_id, m.seq, m.author_id, m.client_id, m.text, m.created_at, region, m.seq,
       storage::nullable(m.thread_root_id)},
      [](const storage::Row& r) { return r.integer(0); });
}

Result<void> ChatRepository::ensure_owner(S& s, std::int64_t conversation_id) {
  return storage::exec(
      s,
      "UPDATE conversation_members SET role = 'owner' WHERE conversation_id = ? AND user_id = "
      "(SELECT user_id FROM conversation_members WHERE conversation_id = ? ORDER BY joined_at, user_id LIMIT 1) "
      "AND NOT EXISTS (SELECT 1 FROM conversation_members WHERE conversation_id = ? AND role = 'owner')",
      {conversation_id, conversation_id, conversation_id});
}

Result<std::vector<Message>> ChatRepository::messages(S& s, std::int64_t conversation_id,
                                                      std::optional<std::int64_t> before,
                                                      std::optional<std::int64_t> after, int limit,
                                                      std::optional<std::int64_t> thread_root_id) {
  std::string sql =
      std::string("SELECT ") + kMessageColumns + " FROM messages m JOIN users u ON u.id = m.author_id WHERE ";
  storage::Params params;
  if (thread_root_id) {
    sql += "m.conversation_id = ? AND m.thread_root_id = ?";
    params = {conversation_id, *thread_root_id};
  } else {
    sql += "m.conversation_id = ? AND m.thread_root_id IS NULL";
    params = {conversation_id};
  }
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

Result<std::optional<Message>> ChatRepository::message(S& s, std::int64_t conversation_id, std::int64_t message_id) {
  auto rows =
      s.query(std::string("SELECT ") + kMessageColumns +
                  " FROM messages m JOIN users u ON u.id = m.author_id WHERE m.id = ? AND m.conversation_id = ?",
              {message_id, conversation_id});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<Message>{};
  return std::optional<Message>(message_from(rows->front()));
}

Result<void> ChatRepository::record_version(S& s, const Message& current, UnixMillis now, std::int64_t by) {
  return storage::exec(s,
                       "INSERT INTO message_versions (message_id, version, text, replaced_at, replaced_by) "
                       "SELECT ?, COALESCE(MAX(version), 0) + 1, ?, ?, ? FROM message_versions WHERE message_id = ?",
                       {current.id, current.text, now, by, current.id});
}

Result<void> ChatRepository::set_text(S& s, std::int64_t message_id, const std::string& text, std::int64_t change_seq,
                                      UnixMillis now) {
  return storage::exec(s, "UPDATE messages SET text = ?, change_seq = ?, edited_at = ? WHERE id = ?",
                       {text, change_seq, now, message_id});
}

Result<void> ChatRepository::tombstone(S& s, std::int64_t message_id, std::int64_t change_seq, UnixMillis now) {
  return storage::exec(s, "UPDATE messages SET text = '', change_seq = ?, deleted_at = ? WHERE id = ?",
                       {change_seq, now, message_id});
}

Result<std::int64_t> ChatRepository::version_count(S& s, std::int64_t message_id) {
  return storage::query_integer(s, "SELECT COUNT(*) FROM message_versions WHERE message_id = ?", {message_id});
}

Result<std::vector<Message>> ChatRepository::changes(S& s, std::int64_t conversation_id, std::int64_t after, int limit,
                                                     std::int64_t upto) {
  return changed_between(
      s, std::string("SELECT ") + kMessageColumns + " FROM messages m JOIN users u ON u.id = m.author_id",
      "ORDER BY m.change_seq ASC", conversation_id, after, upto, limit, message_from);
}

Result<bool> ChatRepository::set_last_read(S& s, std::int64_t conversation_id, std::int64_t user_id, std::int64_t seq) {
  // Read state only moves forward.
  return storage::exec_changed(
      s,
      "UPDATE conversation_members SET last_read_seq = ? WHERE conversation_id = ? AND user_id = ? "
      "AND last_read_seq < ?",
      {seq, conversation_id, user_id, seq});
}

namespace {

std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i ? ",?" : "?";
  return out;
}

}  // namespace

Result<void> ChatRepository::decorate(S& s, std::vector<Message>& messages) {
  if (messages.empty()) return {};
  std::map<std::int64_t, Message*> by_id;
  storage::Params ids;
  storage::Params roots;
  for (auto& m : messages) {
    m.reactions.clear();
    m.participants.clear();
    m.attachments.clear();
    by_id[m.id] = &m;
    ids.emplace_back(m.id);
    if (m.reply_count > 0) roots.emplace_back(m.id);
  }
  auto rows = s.query("SELECT message_id, emoji, user_id FROM message_reactions WHERE message_id IN (" +
                          placeholders(ids.size()) + ") ORDER BY created_at, emoji, user_id",
                      ids);
  if (!rows.ok()) return rows.error();
  for (const auto& r : *rows) {
    Message* m = by_id[r.integer(0)];
    const std::string emoji = r.text(1);
    auto it =
        std::find_if(m->reactions.begin(), m->reactions.end(), [&](const Reaction& x) { return x.emoji == emoji; });
    if (it == m->reactions.end()) {
      m->reactions.push_back(Reaction{emoji, {}});
      it = m->reactions.end() - 1;
    }
    it->user_ids.push_back(r.integer(2));
  }
  auto files =
      s.query("SELECT message_id, file_id, name, size, content_type FROM message_attachments WHERE message_id IN (" +
                  placeholders(ids.size()) + ") ORDER BY message_id, position",
              ids);
  if (!files.ok()) return files.error();
  for (const auto& r : *files)
    by_id[r.integer(0)]->attachments.push_back(Attachment{r.integer(1), r.text(2), r.integer(3), r.text(4)});
  if (!roots.empty()) {
    auto authors = s.query(
        "SELECT thread_root_id, author_id, MIN(seq) AS first FROM messages WHERE thread_root_id IN (" +
            placeholders(roots.size()) + ") AND deleted_at IS NULL GROUP BY thread_root_id, author_id ORDER BY first",
        roots);
    if (!authors.ok()) return authors.error();
    for (const auto& r : *authors) by_id[r.integer(0)]->participants.push_back(r.integer(1));
  }
  return {};
}

Result<void> ChatRepository::insert_attachments(S& s, const Message& m, const std::vector<Attachment>& files,
                                                UnixMillis now) {
  std::int64_t position = 0;
  for (const auto& f : files) {
    MERIDIAN_TRY(storage::exec(
        s,
        "INSERT INTO message_attachments (file_id, message_id, conversation_id, position, name, size, content_type, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {f.file_id, m.id, m.conversation_id, position++, f.name, f.size, f.content_type, now}));
  }
  return {};
}

Result<std::vector<std::int64_t>> ChatRepository::release_attachments(S& s, std::int64_t message_id) {
  auto rows = s.query("SELECT file_id FROM message_attachments WHERE message_id = ? ORDER BY position", {message_id});
  if (!rows.ok()) return rows.error();
  std::vector<std::int64_t> ids;
  for (const auto& r : *rows) ids.push_back(r.integer(0));
  if (ids.empty()) return ids;
  MERIDIAN_TRY(storage::exec(s, "UPDATE message_attachments SET message_id = NULL WHERE message_id = ?", {message_id}));
  return ids;
}

Result<bool> ChatRepository::set_reaction(S& s, std::int64_t message_id, std::int64_t user_id, const std::string& emoji,
                                          bool on, UnixMillis now) {
  if (on) {
    return storage::exec_changed(
        s,
        "INSERT INTO message_reactions (message_id, emoji, user_id, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        {message_id, emoji, user_id, now});
  }
  return storage::exec_changed(s, "DELETE FROM message_reactions WHERE message_id = ? AND emoji = ? AND user_id = ?",
                               {message_id, emoji, user_id});
}

Result<bool> ChatRepository::has_reaction(S& s, std::int64_t message_id, std::int64_t user_id,
                                          const std::string& emoji) {
  return storage::query_exists(s, "SELECT 1 FROM message_reactions WHERE message_id = ? AND emoji = ? AND user_id = ?",
                               {message_id, emoji, user_id});
}

Result<std::int64_t> ChatRepository::other_emoji(S& s, std::int64_t message_id, const std::string& emoji) {
  return storage::query_integer(
      s, "SELECT COUNT(DISTINCT emoji) FROM message_reactions WHERE message_id = ? AND emoji <> ?",
      {message_id, emoji});
}

Result<void> ChatRepository::set_change_seq(S& s, std::int64_t message_id, std::int64_t change_seq) {
  return storage::exec(s, "UPDATE messages SET change_seq = ? WHERE id = ?", {change_seq, message_id});
}

Result<void> ChatRepository::count_reply(S& s, std::int64_t root_id, std::int64_t change_seq, UnixMillis now) {
  auto r =
      s.execute("UPDATE messages SET reply_count = reply_count + 1, last_reply_at = ?, change_seq = ? WHERE id = ?",
                {now, change_seq, root_id});
  if (!r.ok()) return r.error();
  return {};
}

Result<void> ChatRepository::follow(S& s, std::int64_t root_id, std::int64_t user_id, FollowMode mode,
                                    std::int64_t last_read_seq) {
  std::string sql =
      "INSERT INTO thread_followers (root_id, user_id, following, last_read_seq) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (root_id, user_id) DO ";
  switch (mode) {
    case FollowMode::unless_unfollowed:
      sql += "NOTHING";
      break;
    case FollowMode::follow:
      sql += "UPDATE SET following = 1";
      break;
    case FollowMode::unfollow:
      sql += "UPDATE SET following = 0";
      break;
  }
  return storage::exec(s, sql, {root_id, user_id, std::int64_t{mode == FollowMode::unfollow ? 0 : 1}, last_read_seq});
}

Result<std::optional<std::pair<bool, std::int64_t>>> ChatRepository::follower(S& s, std::int64_t root_id,
                                                                              std::int64_t user_id) {
  return storage::query_row(s,
                            "SELECT following, last_read_seq FROM thread_followers WHERE root_id = ? AND user_id = ?",
                            {root_id, user_id}, [](const storage::Row& r) {
                              return std::pair<bool, std::int64_t>{r.integer(0) != 0, r.integer(1)};
                            });
}

Result<void> ChatRepository::set_thread_read(S& s, std::int64_t root_id, std::int64_t user_id, std::int64_t seq) {
  auto r =
      s.execute("UPDATE thread_followers SET last_read_seq = ? WHERE root_id = ? AND user_id = ? AND last_read_seq < ?",
                {seq, root_id, user_id, seq});
  if (!r.ok()) return r.error();
  return {};
}

Result<std::int64_t> ChatRepository::thread_unread(S& s, std::int64_t conversation_id, std::int64_t user_id) {
  return storage::query_integer(
      s,
      "SELECT COUNT(*) FROM messages m JOIN thread_followers f ON f.root_id = m.thread_root_id "
      "WHERE m.conversation_id = ? AND f.user_id = ? AND f.following = 1 AND m.seq > f.last_read_seq "
      "AND m.author_id <> ? AND m.deleted_at IS NULL",
      {conversation_id, user_id, user_id});
}

Result<void> ChatRepository::replace_mentions(S& s, const Message& m, const std::vector<Mentioned>& mentioned) {
  MERIDIAN_TRY(storage::exec(s, "DELETE FROM message_mentions WHERE message_id = ?", {m.id}));
  for (const auto& x : mentioned) {
    MERIDIAN_TRY(storage::exec(
        s,
        "INSERT INTO message_mentions (message_id, user_id, conversation_id, seq, kind) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        {m.id, x.user_id, m.conversation_id, m.seq, x.kind}));
  }
  return {};
}

Result<std::vector<std::int64_t>> ChatRepository::mentioned_users(S& s, std::int64_t message_id) {
  return storage::query_integers(s, "SELECT user_id FROM message_mentions WHERE message_id = ?", {message_id});
}

Result<std::int64_t> ChatRepository::mention_count(S& s, std::int64_t conversation_id, std::int64_t user_id,
                                                   std::int64_t last_read_seq) {
  return storage::query_integer(s,
                                "SELECT COUNT(*) FROM message_mentions x JOIN messages m ON m.id = x.message_id "
                                "WHERE x.user_id = ? AND x.conversation_id = ? AND x.seq > ? AND m.deleted_at IS NULL",
                                {user_id, conversation_id, last_read_seq});
}

Result<void> ChatRepository::update_settings(S& s, std::int64_t conversation_id, const ChannelSettings& settings,
                                             std::int64_t change_seq) {
  return storage::exec(
      s,
      "UPDATE conversations SET announcement = ?, broadcast_mentions = ?, allowed_countries = ?, allowed_regions = ?, "
      "details_seq = ? WHERE id = ?",
      {std::int64_t{settings.announcement ? 1 : 0}, std::string(broadcast_mentions_name(settings.broadcast_mentions)),
       join_list(settings.allowed_countries), join_list(settings.allowed_regions), change_seq, conversation_id});
}

Result<void> ChatRepository::update_details(S& s, std::int64_t conversation_id, const std::string& name,
                                            const std::string& topic, std::int64_t change_seq) {
  return storage::exec(s, "UPDATE conversations SET name = ?, topic = ?, details_seq = ? WHERE id = ?",
                       {name, topic, change_seq, conversation_id});
}

Result<void> ChatRepository::set_member(S& s, std::int64_t conversation_id, std::int64_t user_id, MemberRole role,
                                        bool can_post, std::int64_t change_seq) {
  return storage::exec(
      s,
      "UPDATE conversation_members SET role = ?, can_post = ?, change_seq = ? WHERE conversation_id = ? AND user_id = "
      "?",
      {std::string(member_role_name(role)), std::int64_t{can_post ? 1 : 0}, change_seq, conversation_id, user_id});
}

Result<std::vector<Purge>> ChatRepository::purges(S& s, std::int64_t conversation_id, std::int64_t after,
                                                  std::int64_t upto, int limit) {
  auto rows = s.query(
      "SELECT change_seq, message_ids FROM chat_purges WHERE conversation_id = ? AND change_seq > ? AND change_seq <= "
      "? "
      "ORDER BY change_seq LIMIT ?",
      {conversation_id, after, upto, std::int64_t{limit}});
  if (!rows.ok()) return rows.error();
  std::vector<Purge> out;
  for (const auto& r : *rows) {
    Purge p;
    p.change_seq = r.integer(0);
    for (const auto& id : split_list(r.text(1))) p.message_ids.push_back(std::stoll(id));
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<Member>> ChatRepository::member_changes(S& s, std::int64_t conversation_id, std::int64_t after,
                                                           std::int64_t upto, int limit) {
  return changed_between(
      s, std::string("SELECT ") + kMemberColumns + " FROM conversation_members m JOIN users u ON u.id = m.user_id",
      "ORDER BY m.change_seq", conversation_id, after, upto, limit, member_from);
}

Result<std::int64_t> ChatRepository::owner_count(S& s, std::int64_t conversation_id) {
  return storage::query_integer(
      s, "SELECT COUNT(*) FROM conversation_members WHERE conversation_id = ? AND role = 'owner'", {conversation_id});
}

}  // namespace meridian::chat
