#include "ai/ai_repository.hpp"

namespace meridian::ai {
namespace {

using storage::Params;
using storage::Row;

constexpr const char* kDocumentColumns =
    "file_id, version, space_id, name, kind, region, uploaded_by, status, detail, chunk_count, pages, bytes, "
    "updated_at";

DocumentRecord document_from(const Row& r) {
  return {r.integer(0), r.integer(1), r.integer(2), r.text(3),     r.text(4),     r.text(5),    r.integer(6),
          r.text(7),    r.text(8),    r.integer(9), r.integer(10), r.integer(11), r.integer(12)};
}

constexpr const char* kAnswerColumns =
    "id, asker_id, scope, question, status, provider, body, result, error, created_at, updated_at";

StoredAnswer answer_from(const Row& r) {
  return {r.integer(0), r.integer(1), r.text(2), r.text(3),    r.text(4),    r.text(5),
          r.text(6),    r.text(7),    r.text(8), r.integer(9), r.integer(10)};
}

std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

}  // namespace

Result<void> AiRepository::put_document(storage::Session& s, const DocumentRecord& d) {
  return storage::exec(
      s,
      std::string("INSERT INTO ai_documents (") + kDocumentColumns +
          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (file_id) DO UPDATE SET version = "
          "excluded.version, space_id = excluded.space_id, name = excluded.name, kind = excluded.kind, region = "
          "excluded.region, uploaded_by = excluded.uploaded_by, status = excluded.status, detail = excluded.detail, "
          "chunk_count = excluded.chunk_count, pages = excluded.pages, bytes = excluded.bytes, updated_at = "
          "excluded.updated_at",
      {d.file_id, d.version, d.space_id, d.name, d.kind, d.region, d.uploaded_by, d.status, d.detail, d.chunk_count,
       d.pages, d.bytes, d.updated_at});
}

Result<std::optional<DocumentRecord>> AiRepository::document(storage::Session& s, std::int64_t file_id) {
  return storage::query_row(s, std::string("SELECT ") + kDocumentColumns + " FROM ai_documents WHERE file_id = ?",
                            {file_id}, document_from);
}

Result<std::vector<DocumentRecord>> AiRepository::documents_of(storage::Session& s, std::int64_t uploaded_by) {
  return storage::query_rows(
      s, std::string("SELECT ") + kDocumentColumns + " FROM ai_documents WHERE uploaded_by = ? ORDER BY file_id",
      {uploaded_by}, document_from);
}

Result<std::vector<std::int64_t>> AiRepository::document_ids(storage::Session& s, std::string_view status) {
  if (status.empty()) return storage::query_integers(s, "SELECT file_id FROM ai_documents ORDER BY file_id");
  return storage::query_integers(s, "SELECT file_id FROM ai_documents WHERE status = ? ORDER BY file_id",
                                 {std::string(status)});
}

Result<void> AiRepository::replace_chunks(storage::Session& s, std::int64_t file_id, std::int64_t version,
                                          const std::vector<NewChunk>& chunks) {
  MERIDIAN_TRY(storage::exec(
      s, "DELETE FROM ai_postings WHERE chunk_id IN (SELECT id FROM ai_chunks WHERE file_id = ?)", {file_id}));
  MERIDIAN_TRY(storage::exec(s, "DELETE FROM ai_chunks WHERE file_id = ?", {file_id}));
  // Postings go in many rows a statement: a document has thousands.
  constexpr std::size_t kRowsPerInsert = 200;
  Params batch;
  std::size_t rows = 0;
  auto flush = [&]() -> Result<void> {
    if (rows == 0) return {};
    std::string sql = "INSERT INTO ai_postings (term, chunk_id, tf) VALUES ";
    for (std::size_t i = 0; i < rows; ++i) sql += i ? ", (?, ?, ?)" : "(?, ?, ?)";
    auto r = storage::exec(s, sql, batch);
    batch.clear();
    rows = 0;
    return r;
  };
  std::int64_t ordinal = 0;
  for (const auto& c : chunks) {
    MERIDIAN_ASSIGN_OR_RETURN(
        auto id,
        storage::query_integer(s,
                               "INSERT INTO ai_chunks (file_id, version, ordinal, page, section, body, length) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                               {file_id, version, ordinal++, storage::nullable(c.page), c.section, c.body, c.length}));
    for (const auto& [term, tf] : c.terms) {
      batch.insert(batch.end(), {term, id, tf});
      if (++rows == kRowsPerInsert) MERIDIAN_TRY(flush());
    }
  }
  return flush();
}

Result<bool> AiRepository::delete_document(storage::Session& s, std::int64_t file_id) {
  MERIDIAN_TRY(storage::exec(
      s, "DELETE FROM ai_postings WHERE chunk_id IN (SELECT id FROM ai_chunks WHERE file_id = ?)", {file_id}));
  MERIDIAN_TRY(storage::exec(s, "DELETE FROM ai_chunks WHERE file_id = ?", {file_id}));
  return storage::exec_changed(s, "DELETE FROM ai_documents WHERE file_id = ?", {file_id});
}

Result<IndexStats> AiRepository::stats(storage::Session& s) {
  auto row = storage::query_row(s, "SELECT COUNT(*), COALESCE(SUM(length), 0) FROM ai_chunks", {}, [](const Row& r) {
    return IndexStats{r.integer(0), r.integer(1)};
  });
  if (!row) return row.error();
  return row->value_or(IndexStats{});
}

Result<std::vector<PostingHit>> AiRepository::postings(storage::Session& s, const std::vector<std::string>& terms,
                                                       std::optional<std::int64_t> file_id,
                                                       std::optional<std::int64_t> space_id) {
  if (terms.empty()) return std::vector<PostingHit>{};
  std::string sql =
      "SELECT p.term, p.chunk_id, p.tf, c.file_id, c.length FROM ai_postings p JOIN ai_chunks c ON c.id = p.chunk_id "
      "WHERE p.term IN (" +
      placeholders(terms.size()) + ")";
  Params params(terms.begin(), terms.end());
  if (file_id) {
    sql += " AND c.file_id = ?";
    params.emplace_back(*file_id);
  }
  if (space_id) {
    sql += " AND c.file_id IN (SELECT file_id FROM ai_documents WHERE space_id = ?)";
    params.emplace_back(*space_id);
  }
  return storage::query_rows(s, sql, params, [](const Row& r) {
    return PostingHit{r.text(0), r.integer(1), r.integer(2), r.integer(3), r.integer(4)};
  });
}

Result<std::vector<StoredChunk>> AiRepository::chunks(storage::Session& s, const std::vector<std::int64_t>& ids) {
  if (ids.empty()) return std::vector<StoredChunk>{};
  Params params(ids.begin(), ids.end());
  return storage::query_rows(s,
                             "SELECT id, file_id, version, ordinal, page, section, body FROM ai_chunks WHERE id IN (" +
                                 placeholders(ids.size()) + ")",
                             params, [](const Row& r) {
                               return StoredChunk{r.integer(0),          r.integer(1), r.integer(2), r.integer(3),
                                                  r.optional_integer(4), r.text(5),    r.text(6)};
                             });
}

Result<std::map<std::string, std::int64_t>> AiRepository::status_counts(storage::Session& s) {
  auto rows = storage::query_rows(s, "SELECT status, COUNT(*) FROM ai_documents GROUP BY status", {}, [](const Row& r) {
    return std::pair{r.text(0), r.integer(1)};
  });
  if (!rows) return rows.error();
  return std::map<std::string, std::int64_t>(rows->begin(), rows->end());
}

Result<BackfillRecord> AiRepository::backfill(storage::Session& s) {
  auto row = storage::query_row(
      s,
      "SELECT state, after_id, handled, indexed, failed, started_at, finished_at, updated_at, skipped_restricted, "
      "skipped_unsupported, last_error, last_error_file_id, last_error_at FROM ai_backfill WHERE name = 'files'",
      {}, [](const Row& r) {
        return BackfillRecord{r.text(0),    r.integer(1),  r.integer(2), r.integer(3), r.integer(4),
                              r.integer(5), r.integer(6),  r.integer(7), r.integer(8), r.integer(9),
                              r.text(10),   r.integer(11), r.integer(12)};
      });
  if (!row) return row.error();
  if (!*row) return make_error(ErrorCode::internal, "the backfill's row is missing (migration 303)");
  return std::move(**row);
}

Result<bool> AiRepository::save_backfill(storage::Session& s, const BackfillRecord& r, std::int64_t expected_after_id,
                                         const std::string& expected_state) {
  return storage::exec_changed(
      s,
      "UPDATE ai_backfill SET state = ?, after_id = ?, handled = ?, indexed = ?, failed = ?, started_at = ?, "
      "finished_at = ?, updated_at = ?, skipped_restricted = ?, skipped_unsupported = ?, last_error = ?, "
      "last_error_file_id = ?, last_error_at = ? WHERE name = 'files' AND after_id = ? AND state = ?",
      {r.state, r.after_id, r.handled, r.indexed, r.failed, r.started_at, r.finished_at, r.updated_at,
       r.skipped_restricted, r.skipped_unsupported, r.last_error, r.last_error_file_id, r.last_error_at,
       expected_after_id, expected_state});
}

Result<void> AiRepository::reset_backfill(storage::Session& s, UnixMillis at) {
  return storage::exec(s,
                       "INSERT INTO ai_backfill (name, state, updated_at) VALUES ('files', 'pending', ?) ON CONFLICT "
                       "(name) DO UPDATE SET state = 'pending', after_id = 0, handled = 0, indexed = 0, failed = 0, "
                       "started_at = 0, finished_at = 0, updated_at = excluded.updated_at, skipped_restricted = 0, "
                       "skipped_unsupported = 0, last_error = '', last_error_file_id = 0, last_error_at = 0",
                       {at});
}

Result<std::int64_t> AiRepository::create_answer(storage::Session& s, const StoredAnswer& a) {
  return storage::query_integer(
      s,
      "INSERT INTO ai_answers (asker_id, scope, question, status, provider, body, created_at, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {a.asker_id, a.scope, a.question, a.status, a.provider, a.text, a.created_at, a.updated_at});
}

Result<void> AiRepository::save_answer_text(storage::Session& s, std::int64_t id, const std::string& text,
                                            UnixMillis at) {
  return storage::exec(s, "UPDATE ai_answers SET body = ?, updated_at = ? WHERE id = ? AND status = 'streaming'",
                       {text, at, id});
}

Result<void> AiRepository::finish_answer(storage::Session& s, const StoredAnswer& a) {
  return storage::exec(
      s, "UPDATE ai_answers SET status = ?, provider = ?, body = ?, result = ?, error = ?, updated_at = ? WHERE id = ?",
      {a.status, a.provider, a.text, a.result, a.error, a.updated_at, a.id});
}

Result<std::optional<StoredAnswer>> AiRepository::answer(storage::Session& s, std::int64_t id) {
  return storage::query_row(s, std::string("SELECT ") + kAnswerColumns + " FROM ai_answers WHERE id = ?", {id},
                            answer_from);
}

Result<std::vector<StoredAnswer>> AiRepository::answers_of(storage::Session& s, std::int64_t asker_id,
                                                           const std::string& scope, std::int64_t limit) {
  if (scope.empty())
    return storage::query_rows(
        s, std::string("SELECT ") + kAnswerColumns + " FROM ai_answers WHERE asker_id = ? ORDER BY id DESC LIMIT ?",
        {asker_id, limit}, answer_from);
  return storage::query_rows(s,
                             std::string("SELECT ") + kAnswerColumns +
                                 " FROM ai_answers WHERE asker_id = ? AND scope = ? ORDER BY id DESC LIMIT ?",
                             {asker_id, scope, limit}, answer_from);
}

Result<std::int64_t> AiRepository::fail_stale_answers(storage::Session& s, UnixMillis before, const std::string& why,
                                                      UnixMillis at) {
  auto ids = storage::query_integers(
      s,
      "UPDATE ai_answers SET status = 'failed', error = ?, updated_at = ? WHERE status = 'streaming' AND "
      "updated_at < ? RETURNING id",
      {why, at, before});
  if (!ids) return ids.error();
  return static_cast<std::int64_t>(ids->size());
}

Result<std::int64_t> AiRepository::delete_answers_of(storage::Session& s, std::int64_t asker_id) {
  MERIDIAN_ASSIGN_OR_RETURN(
      auto n, storage::query_integer(s, "SELECT COUNT(*) FROM ai_answers WHERE asker_id = ?", {asker_id}));
  MERIDIAN_TRY(storage::exec(s, "DELETE FROM ai_answers WHERE asker_id = ?", {asker_id}));
  return n;
}

Result<void> AiRepository::add_usage(storage::Session& s, std::int64_t user_id, std::int64_t day, std::int64_t tokens) {
  return storage::exec(s,
                       "INSERT INTO ai_usage (user_id, day, tokens) VALUES (?, ?, ?) ON CONFLICT (user_id, day) DO "
                       "UPDATE SET tokens = ai_usage.tokens + excluded.tokens",
                       {user_id, day, tokens});
}

Result<std::int64_t> AiRepository::usage_of(storage::Session& s, std::int64_t user_id, std::int64_t from,
                                            std::int64_t to) {
  if (user_id == 0)
    return storage::query_integer(s, "SELECT COALESCE(SUM(tokens), 0) FROM ai_usage WHERE day >= ? AND day < ?",
                                  {from, to});
  return storage::query_integer(
      s, "SELECT COALESCE(SUM(tokens), 0) FROM ai_usage WHERE user_id = ? AND day >= ? AND day < ?",
      {user_id, from, to});
}

Result<std::int64_t> AiRepository::count_usage_of(storage::Session& s, std::int64_t user_id) {
  return storage::query_integer(s, "SELECT COUNT(*) FROM ai_usage WHERE user_id = ?", {user_id});
}

Result<void> AiRepository::delete_usage_of(storage::Session& s, std::int64_t user_id) {
  return storage::exec(s, "DELETE FROM ai_usage WHERE user_id = ?", {user_id});
}

}  // namespace meridian::ai
