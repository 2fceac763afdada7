#include "chat/search_service.hpp"
#include "storage/row_columns.hpp"

#include <algorithm>
#include <cctype>

namespace meridian::chat {
namespace {

bool word_byte(unsigned char c) { return std::isalnum(c) != 0 || c >= 0x80; }

SearchHit hit_from(const storage::Row& r, SearchHit::Kind kind) {
  SearchHit h;
  h.kind = kind;
  storage::read_columns(r, h.id, h.conversation_id,
                        storage::text_as([&](const std::string& t) { parse_kind(t, h.conversation_kind); }),
                        h.conversation_name, h.seq, h.author_id, h.author_name, h.snippet, h.created_at);
  return h;
}

// Snippet options for ts_headline: the same markers and about the same length as FTS5's.
std::string headline_options() {
  return std::string("StartSel=") + kMatchStart + ", StopSel=" + kMatchEnd +
         ", MaxWords=16, MinWords=6, ShortWord=1, HighlightAll=false";
}

}  // namespace

std::vector<std::string> search_terms(std::string_view query) {
  std::vector<std::string> terms;
  std::size_t i = 0;
  while (i < query.size() && terms.size() < kMaxSearchTerms) {
    while (i < query.size() && !word_byte(static_cast<unsigned char>(query[i]))) ++i;
    std::string term;
    while (i < query.size() && word_byte(static_cast<unsigned char>(query[i]))) {
      term += static_cast<char>(std::tolower(static_cast<unsigned char>(query[i])));
      ++i;
    }
    if (!term.empty() && std::find(terms.begin(), terms.end(), term) == terms.end()) terms.push_back(term);
  }
  return terms;
}

std::string fts5_query(const std::vector<std::string>& terms) {
  std::string out;
  for (const auto& t : terms) {
    if (!out.empty()) out += ' ';
    out += '"' + t + "\"*";  // terms hold no quotes: see search_terms
  }
  return out;
}

std::string tsquery(const std::vector<std::string>& terms) {
  std::string out;
  for (const auto& t : terms) {
    if (!out.empty()) out += " & ";
    out += t + ":*";  // terms hold no tsquery operators: see search_terms
  }
  return out;
}

Result<std::vector<SearchHit>> SearchService::search(const Subject& who, const SearchQuery& q) {
  if (q.text.size() > kMaxSearchQueryBytes)
    return make_error(ErrorCode::invalid_argument, "q is at most " + std::to_string(kMaxSearchQueryBytes) + " bytes");
  const auto terms = search_terms(q.text);
  if (terms.empty()) return make_error(ErrorCode::invalid_argument, "q needs at least one letter or digit");
  if (q.limit < 1 || q.limit > kMaxSearchResults)
    return make_error(ErrorCode::invalid_argument, "limit must be between 1 and " + std::to_string(kMaxSearchResults));
  const bool admin = who.has_role(Role::admin);
  const bool agent = admin || policy_.permits(who, policy::Action::work_support_queue);

  return storage::read_value<std::vector<SearchHit>>(db_, [&](storage::Session& s) -> Result<std::vector<SearchHit>> {
    const bool sqlite = s.dialect() == storage::Dialect::sqlite;
    const std::int64_t limit = q.limit;
    std::vector<SearchHit> hits;

    // Messages: the searcher must be a member now.
    std::string sql;
    storage::Params params;
    if (sqlite) {
      sql =
          "SELECT m.id, m.conversation_id, c.kind, c.name, m.seq, m.author_id, u.display_name, "
          "snippet(message_search, 0, ?, ?, '…', 16), m.created_at FROM message_search "
          "JOIN messages m ON m.id = message_search.rowid ";
      params = {std::string(1, kMatchStart), std::string(1, kMatchEnd)};
    } else {
      sql =
          "SELECT m.id, m.conversation_id, c.kind, c.name, m.seq, m.author_id, u.display_name, "
          "ts_headline('meridian_search', m.text, to_tsquery('meridian_search', ?), ?), m.created_at FROM messages m ";
      params = {tsquery(terms), headline_options()};
    }
    sql +=
        "JOIN conversations c ON c.id = m.conversation_id "
        "JOIN conversation_members cm ON cm.conversation_id = m.conversation_id AND cm.user_id = ? "
        "JOIN users u ON u.id = m.author_id WHERE m.deleted_at IS NULL";
    params.emplace_back(who.user_id);
    if (sqlite) {
      sql += " AND message_search MATCH ?";
      params.emplace_back(fts5_query(terms));
    } else {
      sql += " AND to_tsvector('meridian_search', m.text) @@ to_tsquery('meridian_search', ?)";
      params.emplace_back(tsquery(terms));
    }
    if (q.conversation_id) {
      sql += " AND m.conversation_id = ?";
      params.emplace_back(*q.conversation_id);
    }
    sql += " ORDER BY m.created_at DESC, m.id DESC LIMIT ?";
    params.emplace_back(limit);
    auto rows = s.query(sql, params);
    if (!rows.ok()) return rows.error();
    for (const auto& r : *rows) hits.push_back(hit_from(r, SearchHit::Kind::message));

    // Internal notes: agents of the conversation's team, admins all. Never customers.
    if (agent && who.kind != UserKind::customer && who.kind != UserKind::guest) {
      std::string nsql;
      storage::Params np;
      if (sqlite) {
        nsql =
            "SELECT n.id, n.conversation_id, c.kind, c.name, 0, n.author_id, u.display_name, "
            "snippet(support_note_search, 0, ?, ?, '…', 16), n.created_at FROM support_note_search "
            "JOIN support_notes n ON n.id = support_note_search.rowid ";
        np = {std::string(1, kMatchStart), std::string(1, kMatchEnd)};
      } else {
        nsql =
            "SELECT n.id, n.conversation_id, c.kind, c.name, 0, n.author_id, u.display_name, "
            "ts_headline('meridian_search', n.text, to_tsquery('meridian_search', ?), ?), n.created_at FROM "
            "support_notes n ";
        np = {tsquery(terms), headline_options()};
      }
      nsql +=
          "JOIN conversations c ON c.id = n.conversation_id "
          "JOIN support_conversations sc ON sc.conversation_id = n.conversation_id "
          "JOIN users u ON u.id = n.author_id WHERE 1 = 1";
      if (!admin) {
        nsql += " AND sc.team_id IN (SELECT team_id FROM team_members WHERE user_id = ?)";
        np.emplace_back(who.user_id);
      }
      if (sqlite) {
        nsql += " AND support_note_search MATCH ?";
        np.emplace_back(fts5_query(terms));
      } else {
        nsql += " AND to_tsvector('meridian_search', n.text) @@ to_tsquery('meridian_search', ?)";
        np.emplace_back(tsquery(terms));
      }
      if (q.conversation_id) {
        nsql += " AND n.conversation_id = ?";
        np.emplace_back(*q.conversation_id);
      }
      nsql += " ORDER BY n.created_at DESC, n.id DESC LIMIT ?";
      np.emplace_back(limit);
      auto notes = s.query(nsql, np);
      if (!notes.ok()) return notes.error();
      for (const auto& r : *notes) hits.push_back(hit_from(r, SearchHit::Kind::note));
      std::stable_sort(hits.begin(), hits.end(),
                       [](const SearchHit& a, const SearchHit& b) { return a.created_at > b.created_at; });
      if (hits.size() > static_cast<std::size_t>(limit)) hits.resize(static_cast<std::size_t>(limit));
    }
    return hits;
  });
}

}  // namespace meridian::chat
