// All of the AI module's SQL: the index of file contents (documents, chunks, BM25 postings).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace meridian::ai {

// One indexed file and how far its indexing got.
struct DocumentRecord {
  std::int64_t file_id = 0;
  std::int64_t version = 0;
  std::int64_t space_id = 0;
  std::string name;
  std::string kind;  // document_kind_name
  std::string region;
  std::int64_t uploaded_by = 0;
  std::string status;  // indexing, ready, failed, unsupported, too_large
  std::string detail;  // why it failed or was skipped
  std::int64_t chunk_count = 0;
  std::int64_t pages = 0;
  std::int64_t bytes = 0;
  UnixMillis updated_at = 0;
};

struct StoredChunk {
  std::int64_t id = 0;
  std::int64_t file_id = 0;
  std::int64_t version = 0;
  std::int64_t ordinal = 0;
  std::optional<std::int64_t> page;
  std::string section;
  std::string body;
};

struct NewChunk {
  std::optional<std::int64_t> page;
  std::string section;
  std::string body;
  std::map<std::string, std::int64_t> terms;  // word -> how often
  std::int64_t length = 0;                    // words
};

// A word of the question found in a chunk.
struct PostingHit {
  std::string term;
  std::int64_t chunk_id = 0;
  std::int64_t tf = 0;
  std::int64_t file_id = 0;
  std::int64_t length = 0;
};

// An answer written while the asker watches (AnswerStreams): the text so far, then the
// finished answer. Only its asker reads it.
struct StoredAnswer {
  std::int64_t id = 0;
  std::int64_t asker_id = 0;
  std::string scope;  // "file:12", "folder:3", "space:4", "files:all"
  std::string question;
  std::string status;  // streaming, done, stopped, failed
  std::string provider;
  std::string text;    // the answer so far (all of it once done)
  std::string result;  // the finished answer's JSON (answer_json), "" until then
  std::string error;   // why it failed, for the asker
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
};

// The backfill of the file index (index_backfill.hpp): its state and checkpoint.
struct BackfillRecord {
  std::string state;          // pending, running, done
  std::int64_t after_id = 0;  // every file up to this id is handled
  std::int64_t handled = 0;   // files handled by this run (indexed, already current, failed or skipped)
  std::int64_t indexed = 0;   // of which indexed by it
  std::int64_t failed = 0;    // of which could not be read or indexed
  UnixMillis started_at = 0;
  UnixMillis finished_at = 0;
  UnixMillis updated_at = 0;
  std::int64_t skipped_restricted = 0;   // of which not read: the uploader restricted processing (GDPR art. 18)
  std::int64_t skipped_unsupported = 0;  // of which not read: a kind the index does not read, or too large
  std::string last_error;                // the last failure of this run ("" for none)
  std::int64_t last_error_file_id = 0;
  UnixMillis last_error_at = 0;
};

struct IndexStats {
  std::int64_t chunks = 0;
  std::int64_t total_length = 0;
};

class AiRepository final {
 public:
  Result<void> put_document(storage::Session& s, const DocumentRecord& d);
  Result<std::optional<DocumentRecord>> document(storage::Session& s, std::int64_t file_id);
  Result<std::vector<DocumentRecord>> documents_of(storage::Session& s, std::int64_t uploaded_by);
  Result<std::vector<std::int64_t>> document_ids(storage::Session& s, std::string_view status = "");
  // The file's chunks and postings replaced by these.
  Result<void> replace_chunks(storage::Session& s, std::int64_t file_id, std::int64_t version,
                              const std::vector<NewChunk>& chunks);
  // The document with its chunks and postings; false when there was none.
  Result<bool> delete_document(storage::Session& s, std::int64_t file_id);
  Result<IndexStats> stats(storage::Session& s);
  // Postings of these words, in one file or one space when given.
  Result<std::vector<PostingHit>> postings(storage::Session& s, const std::vector<std::string>& terms,
                                           std::optional<std::int64_t> file_id, std::optional<std::int64_t> space_id);
  Result<std::vector<StoredChunk>> chunks(storage::Session& s, const std::vector<std::int64_t>& ids);
  Result<std::map<std::string, std::int64_t>> status_counts(storage::Session& s);

  // The backfill's one row.
  Result<BackfillRecord> backfill(storage::Session& s);
  // Saves `r` if the checkpoint is still `expected_after_id` and the run `expected_state`;
  // false when another node moved it meanwhile.
  Result<bool> save_backfill(storage::Session& s, const BackfillRecord& r, std::int64_t expected_after_id,
                             const std::string& expected_state);
  // A new run from the first file, pending.
  Result<void> reset_backfill(storage::Session& s, UnixMillis at);

  // Streamed answers.
  Result<std::int64_t> create_answer(storage::Session& s, const StoredAnswer& a);
  Result<void> save_answer_text(storage::Session& s, std::int64_t id, const std::string& text, UnixMillis at);
  Result<void> finish_answer(storage::Session& s, const StoredAnswer& a);
  Result<std::optional<StoredAnswer>> answer(storage::Session& s, std::int64_t id);
  // The asker's latest answers, newest first, of one scope when given.
  Result<std::vector<StoredAnswer>> answers_of(storage::Session& s, std::int64_t asker_id, const std::string& scope,
                                               std::int64_t limit);
  // Answers still marked streaming but untouched since `before` (their writer went away):
  // failed with `why`; how many.
  Result<std::int64_t> fail_stale_answers(storage::Session& s, UnixMillis before, const std::string& why,
                                          UnixMillis at);
  Result<std::int64_t> delete_answers_of(storage::Session& s, std::int64_t asker_id);

  // Tokens spent on external providers, per person and UTC day (days since 1970-01-01).
  Result<void> add_usage(storage::Session& s, std::int64_t user_id, std::int64_t day, std::int64_t tokens);
  // The tokens of one person (everyone's when user_id is 0) over days [from, to).
  Result<std::int64_t> usage_of(storage::Session& s, std::int64_t user_id, std::int64_t from, std::int64_t to);
  // Their usage rows: how many, then deleted.
  Result<std::int64_t> count_usage_of(storage::Session& s, std::int64_t user_id);
  Result<void> delete_usage_of(storage::Session& s, std::int64_t user_id);
};

}  // namespace meridian::ai
