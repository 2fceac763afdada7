#include "chat/chat_personal_data.hpp"

#include <algorithm>
#include <boost/json/object.hpp>
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "chat/chat_repository.hpp"

namespace meridian::chat {
namespace {

using platform::PersonalRecordCount;

// What a support conversation the person opened is called once they are erased.
constexpr const char* kErasedSubject = "(erased)";

// One kind of the person's records in one conversation: how to count it. The SQL takes
// the conversation id, then the person's id `user_params` times.
struct Kind {
  const char* name;
  const char* count_sql;
  int user_params;
};

// Deleted by an erasure (or kept as they are under a hold).
constexpr Kind kErasable[] = {
    {"chat.messages",
     "SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND author_id = ? AND deleted_at IS NULL", 1},
    {"chat.message_versions",
     "SELECT COUNT(*) FROM message_versions v JOIN messages m ON m.id = v.message_id WHERE m.conversation_id = ? "
     "AND m.author_id = ?",
     1},
    {"chat.reactions",
     "SELECT COUNT(*) FROM message_reactions r JOIN messages m ON m.id = r.message_id WHERE m.conversation_id = ? "
     "AND r.user_id = ?",
     1},
    {"chat.mentions", "SELECT COUNT(*) FROM message_mentions WHERE conversation_id = ? AND user_id = ?", 1},
    {"chat.thread_follows",
     "SELECT COUNT(*) FROM thread_followers f JOIN messages m ON m.id = f.root_id WHERE m.conversation_id = ? "
     "AND f.user_id = ?",
     1},
    {"chat.memberships", "SELECT COUNT(*) FROM conversation_members WHERE conversation_id = ? AND user_id = ?", 1},
    {"chat.support_notes",
     "SELECT COUNT(*) FROM support_notes n WHERE n.conversation_id = ? AND (n.author_id = ? OR EXISTS (SELECT 1 FROM "
     "support_conversations sc WHERE sc.conversation_id = n.conversation_id AND sc.customer_id = ?))",
     2},
};
// Rows that stay after an erasure, no longer carrying what the person wrote.
constexpr Kind kPseudonymisable[] = {
    {"chat.message_tombstones",
     "SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND author_id = ? AND deleted_at IS NOT NULL", 1},
    {"chat.support_conversations",
     "SELECT COUNT(*) FROM support_conversations WHERE conversation_id = ? AND customer_id = ?", 1},
};

storage::Params params_for(const Kind& k, std::int64_t conversation_id, std::int64_t user_id) {
  storage::Params p{conversation_id};
  for (int i = 0; i < k.user_params; ++i) p.emplace_back(user_id);
  return p;
}

// Adds each kind's count in the conversation to `totals`.
template <class Kinds>
Result<void> add_counts(storage::Session& s, const Kinds& kinds, std::int64_t conversation_id, std::int64_t user_id,
                        std::map<std::string, std::int64_t>& totals) {
  for (const Kind& k : kinds) {
    MERIDIAN_ASSIGN_OR_RETURN(auto rows, s.query(k.count_sql, params_for(k, conversation_id, user_id)));
    totals[k.name] += rows.front().integer(0);
  }
  return {};
}

template <class Kinds>
std::vector<PersonalRecordCount> as_counts(const Kinds& kinds, const std::map<std::string, std::int64_t>& totals,
                                           bool skip_zero) {
  std::vector<PersonalRecordCount> out;
  for (const Kind& k : kinds) {
    auto it = totals.find(k.name);
    const std::int64_t n = it == totals.end() ? 0 : it->second;
    if (!skip_zero || n > 0) out.push_back(PersonalRecordCount{k.name, n});
  }
  return out;
}

// Every conversation in which the person has something, ascending (the lock order).
Result<std::vector<std::int64_t>> conversations_of(storage::Session& s, std::int64_t user_id) {
  return storage::query_integers(
      s,
      "SELECT conversation_id FROM conversation_members WHERE user_id = ? "
      "UNION SELECT conversation_id FROM messages WHERE author_id = ? "
      "UNION SELECT m.conversation_id FROM message_reactions r JOIN messages m ON m.id = r.message_id WHERE r.user_id "
      "= ? "
      "UNION SELECT conversation_id FROM message_mentions WHERE user_id = ? "
      "UNION SELECT m.conversation_id FROM thread_followers f JOIN messages m ON m.id = f.root_id WHERE f.user_id = ? "
      "UNION SELECT conversation_id FROM support_notes WHERE author_id = ? "
      "UNION SELECT conversation_id FROM support_conversations WHERE customer_id = ? "
      "ORDER BY 1",
      {user_id, user_id, user_id, user_id, user_id, user_id, user_id});
}

// How the person is named in others' texts: their e-mail, their @handle (the local part
// of the e-mail, as mentions write it) and their display name; and what replaces each.
// The replacements name the pseudonymised account as identity leaves it (erased-<id>,
// "Former user"), so a mention still points at the same account.
struct Naming {
  std::string text;
  std::string replacement;
};

Result<std::vector<Naming>> namings_of(storage::Session& s, std::int64_t user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto rows, s.query("SELECT email, display_name FROM users WHERE id = ?", {user_id}));
  std::vector<Naming> out;
  if (rows.empty()) return out;
  const std::string email = rows.front().text(0);
  const std::string name = rows.front().text(1);
  const std::string pseudonym = "erased-" + std::to_string(user_id);
  if (email.rfind(pseudonym + "@", 0) == 0) return out;  // erased before: nothing names them any more
  out.push_back(Naming{email, pseudonym + "@erased.invalid"});
  if (auto at = email.find('@'); at != std::string::npos && at > 0)
    out.push_back(Naming{"@" + email.substr(0, at), "@" + pseudonym});
  if (name.size() >= 3 && name != "Former user") out.push_back(Naming{name, "Former user"});
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool word_char(const std::string& s, std::size_t at) {
  if (at >= s.size()) return false;
  const auto c = static_cast<unsigned char>(s[at]);
  return std::isalnum(c) || c == '_' || c >= 0x80;
}

// Every occurrence as a whole word, letter case aside (ASCII), replaced: "Ana" in
// "banana" is not the person.
std::string replace_namings(const std::string& text, const std::vector<Naming>& namings) {
  std::string out = text;
  for (const Naming& n : namings) {
    const std::string needle = lower(n.text);
    std::string folded = lower(out);
    std::string next;
    std::size_t from = 0;
    for (std::size_t at = folded.find(needle); at != std::string::npos; at = folded.find(needle, at + 1)) {
      const bool starts_word = at == 0 || !word_char(folded, at - 1) || !word_char(folded, at);
      const bool ends_word = !word_char(folded, at + needle.size()) || !word_char(folded, at + needle.size() - 1);
      if (at < from || !starts_word || !ends_word) continue;
      next.append(out, from, at - from);
      next += n.replacement;
      from = at + needle.size();
    }
    next.append(out, from, std::string::npos);
    out = std::move(next);
  }
  return out;
}

std::string like_pattern(std::string_view text) {
  std::string out = "%";
  for (char c : lower(text)) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

// The rows of `table` whose `column` names the person: (id or key, conversation, text).
struct Named {
  std::int64_t id = 0;
  std::int64_t version = 0;  // message_versions only
  std::int64_t conversation_id = 0;
  std::string text;
};

// Others' rows only: what the person wrote is erased with the rest of their data.
Result<std::vector<Named>> named_rows(storage::Session& s, std::string_view select, const std::vector<Naming>& namings,
                                      std::int64_t user_id) {
  std::vector<Named> out;
  for (const Naming& n : namings) {
    MERIDIAN_ASSIGN_OR_RETURN(auto rows, s.query(select, {like_pattern(n.text), user_id}));
    for (const auto& r : rows) out.push_back(Named{r.integer(0), r.integer(1), r.integer(2), r.text(3)});
  }
  std::sort(out.begin(), out.end(),
            [](const Named& a, const Named& b) { return std::tie(a.id, a.version) < std::tie(b.id, b.version); });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Named& a, const Named& b) { return a.id == b.id && a.version == b.version; }),
            out.end());
  return out;
}

constexpr const char* kNamedMessages =
    "SELECT id, 0, conversation_id, text FROM messages WHERE LOWER(text) LIKE ? ESCAPE '\\' AND author_id <> ?";
constexpr const char* kNamedVersions =
    "SELECT v.message_id, v.version, m.conversation_id, v.text FROM message_versions v JOIN messages m ON "
    "m.id = v.message_id WHERE LOWER(v.text) LIKE ? ESCAPE '\\' AND m.author_id <> ?";
constexpr const char* kNamedNotes =
    "SELECT id, 0, conversation_id, text FROM support_notes WHERE LOWER(text) LIKE ? ESCAPE '\\' AND author_id <> ?";

struct Hold {
  std::string scope;
  std::string reason;
};

std::string describe(const Hold& h) {
  return "legal hold '" + h.scope + "'" + (h.reason.empty() ? std::string() : ": " + h.reason);
}

Result<std::vector<Hold>> holds(storage::Session& s, std::string_view sql, const storage::Params& params) {
  MERIDIAN_ASSIGN_OR_RETURN(auto rows, s.query(sql, params));
  std::vector<Hold> out;
  for (const auto& r : rows) out.push_back(Hold{r.text(0), r.text(1)});
  return out;
}

// Holds on the person: they keep everything the person wrote and every conversation they
// are a member of (retention.hpp), so all of their chat data.
Result<std::vector<Hold>> holds_on_person(storage::Session& s, std::int64_t user_id) {
  return holds(s, "SELECT scope, reason FROM legal_holds WHERE kind = 'user' AND target_id = ? ORDER BY scope",
               {user_id});
}

// Holds that keep a conversation: on it, or on one of its members (RetentionRepository::held).
Result<std::vector<Hold>> holds_on_conversation(storage::Session& s, std::int64_t conversation_id) {
  return holds(s,
               "SELECT scope, reason FROM legal_holds WHERE (kind = 'conversation' AND target_id = ?) OR "
               "(kind = 'user' AND target_id IN (SELECT user_id FROM conversation_members WHERE conversation_id = ?)) "
               "ORDER BY scope",
               {conversation_id, conversation_id});
}

Result<std::vector<PersonalRecordCount>> count_records(storage::Session& s, std::int64_t user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto conversations, conversations_of(s, user_id));
  std::map<std::string, std::int64_t> totals;
  for (std::int64_t c : conversations) {
    MERIDIAN_TRY(add_counts(s, kErasable, c, user_id, totals));
    MERIDIAN_TRY(add_counts(s, kPseudonymisable, c, user_id, totals));
  }
  auto out = as_counts(kErasable, totals, false);
  for (auto& c : as_counts(kPseudonymisable, totals, false)) out.push_back(std::move(c));
  return out;
}

// Notes others wrote about a customer are the team's internal working notes (no chat read
// path returns them): the export has the notes the person wrote.
Result<boost::json::object> collect(storage::Session& s, std::int64_t user_id) {
  return platform::export_queries(
      s, user_id,
      {
          {"messages",
           "SELECT id, conversation_id, seq, text, created_at, edited_at, deleted_at, thread_root_id FROM messages "
           "WHERE author_id = ? ORDER BY id",
           {"id", "conversation_id", "seq", "text", "created_at", "edited_at", "deleted_at", "thread_root_id"}},
          {"message_versions",
           "SELECT v.message_id, v.version, v.text, v.replaced_at FROM message_versions v JOIN messages m ON "
           "m.id = v.message_id WHERE m.author_id = ? ORDER BY v.message_id, v.version",
           {"message_id", "version", "text", "replaced_at"}},
          {"reactions",
           "SELECT message_id, emoji, created_at FROM message_reactions WHERE user_id = ? ORDER BY message_id, emoji",
           {"message_id", "emoji", "created_at"}},
          {"mentions",
           "SELECT message_id, conversation_id, seq, kind FROM message_mentions WHERE user_id = ? ORDER BY message_id",
           {"message_id", "conversation_id", "seq", "kind"}},
          {"memberships",
           "SELECT cm.conversation_id, c.kind, c.name, cm.role, cm.joined_at, cm.last_read_seq FROM "
           "conversation_members cm JOIN conversations c ON c.id = cm.conversation_id WHERE cm.user_id = ? "
           "ORDER BY cm.conversation_id",
           {"conversation_id", "kind", "name", "role", "joined_at", "last_read_seq"}},
          {"thread_follows",
           "SELECT root_id, following, last_read_seq FROM thread_followers WHERE user_id = ? ORDER BY root_id",
           {"root_id", "following", "last_read_seq"}},
          {"support_conversations",
           "SELECT conversation_id, status, subject, customer_country, created_at FROM support_conversations "
           "WHERE customer_id = ? ORDER BY conversation_id",
           {"conversation_id", "status", "subject", "country", "created_at"}},
          {"support_notes",
           "SELECT id, conversation_id, text, created_at FROM support_notes WHERE author_id = ? ORDER BY id",
           {"id", "conversation_id", "text", "created_at"}},
      });
}

Result<void> erase_records(const Clock& clock, storage::Session& s, std::int64_t user_id,
                           platform::ErasureReport& report) {
  const UnixMillis now = clock.now_ms();
  ChatRepository repo;
  MERIDIAN_ASSIGN_OR_RETURN(auto conversations, conversations_of(s, user_id));
  MERIDIAN_ASSIGN_OR_RETURN(auto on_person, holds_on_person(s, user_id));

  // Others' messages, edit history and notes that name the person (mentions, their name
  // in the text) are in conversations of their own; all are taken in one ascending pass.
  MERIDIAN_ASSIGN_OR_RETURN(auto namings, namings_of(s, user_id));
  MERIDIAN_ASSIGN_OR_RETURN(auto named_messages, named_rows(s, kNamedMessages, namings, user_id));
  MERIDIAN_ASSIGN_OR_RETURN(auto named_versions, named_rows(s, kNamedVersions, namings, user_id));
  MERIDIAN_ASSIGN_OR_RETURN(auto named_notes, named_rows(s, kNamedNotes, namings, user_id));
  std::set<std::int64_t> own(conversations.begin(), conversations.end());
  std::set<std::int64_t> all = own;
  for (const auto* rows : {&named_messages, &named_versions, &named_notes})
    for (const auto& n : *rows) all.insert(n.conversation_id);

  std::map<std::string, std::int64_t> erased, kept, renamed;
  std::set<std::string> reasons;
  std::int64_t released_files = 0;
  for (std::int64_t c : all) {
    // The conversation first (docs/architecture.md "Lock order"), then its holds: a
    // hold placed meanwhile locks the conversation too, so it is either seen here or
    // placed after this erasure.
    MERIDIAN_TRY(storage::lock_row(s, "conversations", c));
    MERIDIAN_ASSIGN_OR_RETURN(auto held, holds_on_conversation(s, c));
    for (const auto& h : on_person) held.push_back(h);
    auto naming_rows = [&](const std::vector<Named>& rows) {
      return std::count_if(rows.begin(), rows.end(), [&](const Named& n) { return n.conversation_id == c; });
    };
    if (!held.empty()) {
      kept["chat.texts_naming_them"] +=
          naming_rows(named_messages) + naming_rows(named_versions) + naming_rows(named_notes);
      if (!own.contains(c)) {
        for (const auto& h : held) reasons.insert(describe(h));
        continue;
      }
    } else {
      // Texts that name the person now name the pseudonymised account; a message whose
      // text changes takes a new place in the change order, as an edit does.
      for (const auto& n : named_messages) {
        const std::string text = replace_namings(n.text, namings);
        if (n.conversation_id != c || text == n.text) continue;
        MERIDIAN_ASSIGN_OR_RETURN(auto seq, repo.next_seq(s, c));
        MERIDIAN_TRY(storage::exec(s, "UPDATE messages SET text = ?, change_seq = ? WHERE id = ?", {text, seq, n.id}));
        ++renamed["chat.messages_naming_them"];
      }
      for (const auto& n : named_versions) {
        const std::string text = replace_namings(n.text, namings);
        if (n.conversation_id != c || text == n.text) continue;
        MERIDIAN_TRY(storage::exec(s, "UPDATE message_versions SET text = ? WHERE message_id = ? AND version = ?",
                                   {text, n.id, n.version}));
        ++renamed["chat.message_versions_naming_them"];
      }
      for (const auto& n : named_notes) {
        const std::string text = replace_namings(n.text, namings);
        if (n.conversation_id != c || text == n.text) continue;
        // support_note_search has no update trigger (notes are never edited): the
        // external-content index is told of the old and the new text by hand.
        const bool fts = s.dialect() == storage::Dialect::sqlite;
        if (fts)
          MERIDIAN_TRY(storage::exec(s,
                                     "INSERT INTO support_note_search(support_note_search, rowid, text) VALUES "
                                     "('delete', ?, ?)",
                                     {n.id, n.text}));
        MERIDIAN_TRY(storage::exec(s, "UPDATE support_notes SET text = ? WHERE id = ?", {text, n.id}));
        if (fts)
          MERIDIAN_TRY(storage::exec(s, "INSERT INTO support_note_search(rowid, text) VALUES (?, ?)", {n.id, text}));
        ++renamed["chat.support_notes_naming_them"];
      }
      if (!own.contains(c)) continue;
    }
    if (!held.empty()) {
      MERIDIAN_TRY(add_counts(s, kErasable, c, user_id, kept));
      MERIDIAN_TRY(add_counts(s, kPseudonymisable, c, user_id, kept));
      for (const auto& h : held) reasons.insert(describe(h));
      continue;
    }

    // Messages: tombstones as a delete makes them, each with its place in the change order.
    MERIDIAN_ASSIGN_OR_RETURN(
        auto mine,
        storage::query_integers(
            s, "SELECT id FROM messages WHERE conversation_id = ? AND author_id = ? AND deleted_at IS NULL ORDER BY id",
            {c, user_id}));
    for (std::int64_t id : mine) {
      MERIDIAN_ASSIGN_OR_RETURN(auto released, repo.release_attachments(s, id));
      released_files += static_cast<std::int64_t>(released.size());
      MERIDIAN_ASSIGN_OR_RETURN(auto seq, repo.next_seq(s, c));
      MERIDIAN_TRY(repo.tombstone(s, id, seq, now));
    }
    erased["chat.messages"] += static_cast<std::int64_t>(mine.size());

    auto erase_rows = [&](const char* kind, std::string_view sql,
                          const storage::Params& params) -> Result<std::int64_t> {
      MERIDIAN_ASSIGN_OR_RETURN(auto n, s.execute(sql, params));
      erased[kind] += n;
      return n;
    };
    MERIDIAN_TRY(erase_rows("chat.message_versions",
                            "DELETE FROM message_versions WHERE message_id IN (SELECT id FROM messages WHERE "
                            "conversation_id = ? AND author_id = ?)",
                            {c, user_id}));

    // A reaction's removal is a change of its message, as when the person takes it back.
    MERIDIAN_ASSIGN_OR_RETURN(
        auto reacted,
        storage::query_integers(s,
                                "SELECT DISTINCT r.message_id FROM message_reactions r JOIN messages m ON m.id = "
                                "r.message_id WHERE m.conversation_id = ? AND r.user_id = ? ORDER BY 1",
                                {c, user_id}));
    MERIDIAN_TRY(erase_rows("chat.reactions",
                            "DELETE FROM message_reactions WHERE user_id = ? AND message_id IN (SELECT id FROM "
                            "messages WHERE conversation_id = ?)",
                            {user_id, c}));
    for (std::int64_t id : reacted) {
      MERIDIAN_ASSIGN_OR_RETURN(auto seq, repo.next_seq(s, c));
      MERIDIAN_TRY(repo.set_change_seq(s, id, seq));
    }

    MERIDIAN_TRY(erase_rows("chat.mentions", "DELETE FROM message_mentions WHERE conversation_id = ? AND user_id = ?",
                            {c, user_id}));
    MERIDIAN_TRY(erase_rows("chat.thread_follows",
                            "DELETE FROM thread_followers WHERE user_id = ? AND root_id IN (SELECT id FROM messages "
                            "WHERE conversation_id = ?)",
                            {user_id, c}));
    MERIDIAN_TRY(
        erase_rows("chat.support_notes",
                   "DELETE FROM support_notes WHERE conversation_id = ? AND (author_id = ? OR EXISTS (SELECT 1 "
                   "FROM support_conversations sc WHERE sc.conversation_id = support_notes.conversation_id "
                   "AND sc.customer_id = ?))",
                   {c, user_id, user_id}));
    MERIDIAN_TRY(s.execute(
        "UPDATE support_conversations SET subject = ? WHERE conversation_id = ? AND customer_id = ? AND subject <> ?",
        {std::string(kErasedSubject), c, user_id, std::string(kErasedSubject)}));
    MERIDIAN_ASSIGN_OR_RETURN(
        auto membership,
        erase_rows("chat.memberships", "DELETE FROM conversation_members WHERE conversation_id = ? AND user_id = ?",
                   {c, user_id}));
    if (membership > 0) MERIDIAN_TRY(repo.ensure_owner(s, c));  // an owner leaving hands it on
  }

  std::map<std::string, std::int64_t> pseudonymised;
  for (std::int64_t c : conversations) {
    // Counted after the loop over every conversation, held ones excluded.
    MERIDIAN_ASSIGN_OR_RETURN(auto held, holds_on_conversation(s, c));
    if (held.empty() && on_person.empty()) MERIDIAN_TRY(add_counts(s, kPseudonymisable, c, user_id, pseudonymised));
  }
  report.erased = as_counts(kErasable, erased, false);
  report.pseudonymised = as_counts(kPseudonymisable, pseudonymised, false);
  for (const auto& [kind, n] : renamed) report.pseudonymised.push_back(PersonalRecordCount{kind, n});
  // Search entries: on SQLite the FTS5 index keeps a deleted row's terms in its older
  // segments until they are merged; merging them now leaves none of the old texts behind
  // (PostgreSQL's GIN entries go with the rows' vacuum, see storage::Database::scrub).
  if (s.dialect() == storage::Dialect::sqlite) {
    MERIDIAN_TRY(storage::exec(s, "INSERT INTO message_search(message_search) VALUES ('optimize')", {}));
    MERIDIAN_TRY(storage::exec(s, "INSERT INTO support_note_search(support_note_search) VALUES ('optimize')", {}));
  }
  report.kept = as_counts(kErasable, kept, true);
  for (auto& k : as_counts(kPseudonymisable, kept, true)) report.kept.push_back(std::move(k));
  if (auto it = kept.find("chat.texts_naming_them"); it != kept.end() && it->second > 0)
    report.kept.push_back(PersonalRecordCount{it->first, it->second});
  report.reasons_kept.assign(reasons.begin(), reasons.end());
  if (released_files > 0) {
    report.kept.push_back(PersonalRecordCount{"chat.released_attachments", released_files});
    report.reasons_kept.emplace_back(
        "chat: files attached to the erased messages are released; the files module's sweep of detached "
        "conversation files deletes them");
  }
  return {};
}

}  // namespace

ChatPersonalData::ChatPersonalData(storage::Database& db, const Clock& clock)
    : StoredPersonalData(db,
                         {"chat",
                          count_records,
                          collect,
                          std::bind_front(erase_records, std::cref(clock)),
                          {"conversations", "conversation_members", "messages", "message_versions", "message_reactions",
                           "message_mentions", "thread_followers", "support_conversations", "support_notes"}}) {}

}  // namespace meridian::chat
