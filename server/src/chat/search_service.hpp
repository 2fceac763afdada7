// Full-text search over the messages a person may read, and, for agents, the internal
// notes of their teams' support conversations. The index lives in the database and is
// kept in sync by it (migration 11): FTS5 on SQLite, tsvector + GIN on PostgreSQL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/conversation.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "policy/policy.hpp"
#include "storage/database.hpp"

namespace meridian::chat {

inline constexpr int kMaxSearchResults = 50;
inline constexpr std::size_t kMaxSearchQueryBytes = 200;
inline constexpr std::size_t kMaxSearchTerms = 8;

// Matched words in a snippet are wrapped in these characters, which message texts can
// never contain (control characters are refused), so clients highlight without parsing
// any markup from user text.
inline constexpr char kMatchStart = '\x02';
inline constexpr char kMatchEnd = '\x03';

// The user's words, without any query syntax: runs of letters and digits (any byte of a
// multi-byte UTF-8 character counts as a letter), ASCII lower-cased, at most
// kMaxSearchTerms. Every term is searched as a prefix, all terms must match.
std::vector<std::string> search_terms(std::string_view query);
// The same terms in each engine's syntax: FTS5 `"ola"* "ben"*`; tsquery `ola:* & ben:*`.
std::string fts5_query(const std::vector<std::string>& terms);
std::string tsquery(const std::vector<std::string>& terms);

struct SearchHit {
  enum class Kind { message, note } kind = Kind::message;
  std::int64_t id = 0;  // message or note id
  std::int64_t conversation_id = 0;
  ConversationKind conversation_kind = ConversationKind::group;
  std::string conversation_name;
  std::int64_t seq = 0;  // messages: where to jump to; notes: 0
  std::int64_t author_id = 0;
  std::string author_name;
  std::string snippet;
  UnixMillis created_at = 0;
};

struct SearchQuery {
  std::string text;
  std::optional<std::int64_t> conversation_id;
  int limit = 20;
};

class SearchService final {
 public:
  SearchService(storage::Database& db, const policy::Policy& policy) : db_(db), policy_(policy) {}

  // Newest first. Messages only from conversations the person is a member of now (so a
  // public channel only once joined); notes only for agents of the conversation's team
  // and admins. Deleted messages are never found.
  Result<std::vector<SearchHit>> search(const Subject& who, const SearchQuery& q);

 private:
  storage::Database& db_;
  const policy::Policy& policy_;
};

}  // namespace meridian::chat
