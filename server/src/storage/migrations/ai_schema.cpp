// The AI module's schema (versions 300-399).
#include "storage/migrations/schema_parts.hpp"

namespace meridian::storage {
namespace {

const Migration kMigrations[] = {
    // The index of file contents for questions over files: one row per indexed file (its
    // state is the indexing progress people see), its chunks (text with page and section),
    // and a BM25 posting per word and chunk. No foreign key to files: the files module
    // deletes without knowing of it; the AI module drops what its files lost.
    {300, "ai: the index of file contents", R"sql(
CREATE TABLE ai_documents (
  file_id BIGINT PRIMARY KEY,
  version BIGINT NOT NULL,
  space_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  region TEXT NOT NULL,
  uploaded_by BIGINT NOT NULL,
  status TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  chunk_count BIGINT NOT NULL DEFAULT 0,
  pages BIGINT NOT NULL DEFAULT 0,
  bytes BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL
);
CREATE INDEX ai_documents_uploader ON ai_documents(uploaded_by);
CREATE INDEX ai_documents_space ON ai_documents(space_id);
CREATE TABLE ai_chunks (
  id {{ID}},
  file_id BIGINT NOT NULL,
  version BIGINT NOT NULL,
  ordinal BIGINT NOT NULL,
  page BIGINT,
  section TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  length BIGINT NOT NULL
);
CREATE INDEX ai_chunks_file ON ai_chunks(file_id, ordinal);
CREATE TABLE ai_postings (
  term TEXT NOT NULL,
  chunk_id BIGINT NOT NULL,
  tf BIGINT NOT NULL,
  PRIMARY KEY (term, chunk_id)
);
CREATE INDEX ai_postings_chunk ON ai_postings(chunk_id);
)sql"},
    // Answers written while the asker watches (streamed over /ws): the text so far is saved
    // in small batches as it arrives, so a reload shows it and goes on streaming, or shows
    // the finished answer (`result`: its JSON with citations). Only the asker reads a row.
    {301, "ai: stored streamed answers", R"sql(
CREATE TABLE ai_answers (
  id {{ID}},
  asker_id BIGINT NOT NULL,
  scope TEXT NOT NULL,
  question TEXT NOT NULL,
  status TEXT NOT NULL,
  provider TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  result TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX ai_answers_asker ON ai_answers(asker_id, scope, id);
CREATE INDEX ai_answers_status ON ai_answers(status, updated_at);
)sql"},
    // Tokens spent on external providers per person and UTC day (days since 1970-01-01):
    // the budgets per person per day and per organisation per month read from it.
    {302, "ai: token usage for budgets", R"sql(
CREATE TABLE ai_usage (
  user_id BIGINT NOT NULL,
  day BIGINT NOT NULL,
  tokens BIGINT NOT NULL,
  PRIMARY KEY (user_id, day)
);
CREATE INDEX ai_usage_day ON ai_usage(day);
)sql"},
    // The backfill: indexing every file stored before the index existed (or while indexing
    // was off), in id order, one node at a time (job lease ai.index.backfill). `after_id` is
    // its checkpoint: every file up to it is handled, so a restart goes on from there.
    // Admins read its progress. Pending from the start, so an upgrade indexes what is there.
    {303, "ai: the backfill of the file index", R"sql(
CREATE TABLE ai_backfill (
  name TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  after_id BIGINT NOT NULL DEFAULT 0,
  handled BIGINT NOT NULL DEFAULT 0,
  indexed BIGINT NOT NULL DEFAULT 0,
  failed BIGINT NOT NULL DEFAULT 0,
  started_at BIGINT NOT NULL DEFAULT 0,
  finished_at BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL DEFAULT 0
);
INSERT INTO ai_backfill (name, state) VALUES ('files', 'pending');
)sql"},
    // The backfill counts apart what it did not read: files of people who restricted the
    // processing of their data (GDPR art. 18) and files of a kind it does not read or too
    // large; and keeps its last failure (which file, why, when) for the admins' page.
    {304, "ai: the backfill's skipped files and last error", R"sql(
ALTER TABLE ai_backfill ADD COLUMN skipped_restricted BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ai_backfill ADD COLUMN skipped_unsupported BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ai_backfill ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE ai_backfill ADD COLUMN last_error_file_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ai_backfill ADD COLUMN last_error_at BIGINT NOT NULL DEFAULT 0;
)sql"},
};

}  // namespace

std::span<const Migration> ai_migrations() { return kMigrations; }

}  // namespace meridian::storage
