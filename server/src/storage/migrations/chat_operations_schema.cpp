// Schema part: chat operations (support, search, retention); versions 10-19, see schema_parts.hpp.
#include "storage/migrations/schema_parts.hpp"

namespace meridian::storage {
namespace {

constexpr Migration kMigrations[] = {
    // A support conversation is a chat conversation of kind 'support' plus this row: whose
    // it is, which team's queue it sits in and who works on it. The customer's country and
    // region are kept as they were when it was opened (retention and routing use them).
    // Internal notes live in their own table so that no chat read path can return them.
    {10, "support", R"sql(
CREATE TABLE support_conversations (
  conversation_id BIGINT PRIMARY KEY REFERENCES conversations(id),
  customer_id BIGINT NOT NULL REFERENCES users(id),
  team_id BIGINT NOT NULL REFERENCES teams(id),
  assignee_id BIGINT REFERENCES users(id),
  status TEXT NOT NULL,
  subject TEXT NOT NULL,
  customer_country TEXT NOT NULL,
  customer_region TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX support_conversations_team ON support_conversations(team_id, status, created_at);
CREATE INDEX support_conversations_customer ON support_conversations(customer_id);
CREATE TABLE support_notes (
  id {{ID}},
  conversation_id BIGINT NOT NULL REFERENCES conversations(id),
  author_id BIGINT NOT NULL REFERENCES users(id),
  text TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX support_notes_conversation ON support_notes(conversation_id, id);
CREATE TABLE support_routes (
  scope TEXT PRIMARY KEY,
  team_id BIGINT NOT NULL REFERENCES teams(id),
  updated_at BIGINT NOT NULL
);
)sql"},
    // Full-text search over messages and support notes, kept in sync by the database
    // itself, whoever writes (send, edit, delete, retention): on SQLite FTS5 tables over
    // the rows (external content) maintained by triggers; on PostgreSQL GIN indexes over
    // to_tsvector('simple', text). 'simple' (lower-casing, no stemming, no stop words)
    // because messages come in many languages and carry no language tag: an English
    // stemmer would mangle Portuguese and German words.
    {11, "search", R"sql(
{{SQLITE}}
CREATE VIRTUAL TABLE message_search USING fts5(text, content='messages', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2');
INSERT INTO message_search(rowid, text) SELECT id, text FROM messages;
CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
  INSERT INTO message_search(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
  INSERT INTO message_search(message_search, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER message_search_update AFTER UPDATE OF text ON messages BEGIN
  INSERT INTO message_search(message_search, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO message_search(rowid, text) VALUES (new.id, new.text);
END;
CREATE VIRTUAL TABLE support_note_search USING fts5(text, content='support_notes', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2');
INSERT INTO support_note_search(rowid, text) SELECT id, text FROM support_notes;
CREATE TRIGGER support_note_search_insert AFTER INSERT ON support_notes BEGIN
  INSERT INTO support_note_search(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER support_note_search_delete AFTER DELETE ON support_notes BEGIN
  INSERT INTO support_note_search(support_note_search, rowid, text) VALUES ('delete', old.id, old.text);
END;
{{END}}
{{POSTGRES}}
CREATE INDEX messages_search ON messages USING GIN (to_tsvector('simple', text));
CREATE INDEX support_notes_search ON support_notes USING GIN (to_tsvector('simple', text));
{{END}}
)sql"},
    // Retention policies by scope (see retention/retention.hpp) and legal holds. The
    // index lets the job find a conversation's expired messages oldest first.
    {12, "retention", R"sql(
CREATE TABLE retention_policies (
  scope TEXT PRIMARY KEY,
  keep_days BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by BIGINT
);
CREATE TABLE legal_holds (
  scope TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  target_id BIGINT NOT NULL,
  reason TEXT NOT NULL,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX legal_holds_target ON legal_holds(kind, target_id);
CREATE INDEX messages_created ON messages(conversation_id, created_at);
CREATE INDEX support_notes_created ON support_notes(conversation_id, created_at);
)sql"},
    // Accent-insensitive search on PostgreSQL, as on SQLite (FTS5 remove_diacritics):
    // "ola" finds "Olá", "munchen" finds "München". The text search configuration
    // meridian_search is 'simple' (lower-case, no stemming) after the unaccent filter
    // dictionary (extension unaccent: shipped with Debian's postgresql-15, a trusted
    // extension, so the database owner may create it). Indexing, queries and snippets
    // all use it, so a highlighted snippet still shows the original accents.
    {13, "search_unaccent", R"sql(
{{POSTGRES}}
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION meridian_search (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION meridian_search ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, simple;
DROP INDEX messages_search;
DROP INDEX support_notes_search;
CREATE INDEX messages_search ON messages USING GIN (to_tsvector('meridian_search', text));
CREATE INDEX support_notes_search ON support_notes USING GIN (to_tsvector('meridian_search', text));
{{END}}
)sql"},
    // Changes that leave no message row behind still take a place in the conversation's
    // change order, so a client that was away gets them from storage (sync, /changes):
    // a retention purge keeps the ids it deleted (ids only, no content), a rename or a
    // settings change stamps the conversation, a role change stamps the member.
    {14, "stream_notices", R"sql(
CREATE TABLE chat_purges (
  conversation_id BIGINT NOT NULL REFERENCES conversations(id),
  change_seq BIGINT NOT NULL,
  message_ids TEXT NOT NULL,
  purged_at BIGINT NOT NULL,
  PRIMARY KEY (conversation_id, change_seq)
);
ALTER TABLE conversations ADD COLUMN details_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversation_members ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
)sql"},
    // Background work one node at a time does (platform/job_lease.hpp); retention's purge is
    // the first. The holder is a random name per process, never a person.
    {15, "job leases", R"sql(
CREATE TABLE job_leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  lease_until BIGINT NOT NULL
);
)sql"},
};

}  // namespace

std::span<const Migration> chat_operation_migrations() { return kMigrations; }

}  // namespace meridian::storage
