// Schema part: see schema_parts.hpp for this part's version range (chat features 4-9).
#include "storage/migrations/schema_parts.hpp"

namespace meridian::storage {
namespace {

constexpr Migration kMigrations[] = {
    // Reactions, threads, mentions and channel settings. Every change to a message
    // (reaction, new thread reply on a root) takes the conversation's next sequence
    // number as the message's change_seq, like edits and deletes (migration 3).
    {4, "chat_features", R"sql(
CREATE TABLE message_reactions (
  message_id BIGINT NOT NULL REFERENCES messages(id),
  emoji TEXT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (message_id, emoji, user_id)
);
ALTER TABLE messages ADD COLUMN thread_root_id BIGINT;
ALTER TABLE messages ADD COLUMN reply_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN last_reply_at BIGINT;
CREATE INDEX messages_thread ON messages(thread_root_id, seq);
CREATE TABLE thread_followers (
  root_id BIGINT NOT NULL REFERENCES messages(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  following BIGINT NOT NULL,
  last_read_seq BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (root_id, user_id)
);
CREATE TABLE message_mentions (
  message_id BIGINT NOT NULL REFERENCES messages(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  conversation_id BIGINT NOT NULL REFERENCES conversations(id),
  seq BIGINT NOT NULL,
  kind TEXT NOT NULL,
  PRIMARY KEY (message_id, user_id)
);
CREATE INDEX message_mentions_user ON message_mentions(user_id, conversation_id, seq);
ALTER TABLE conversations ADD COLUMN announcement BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN broadcast_mentions TEXT NOT NULL DEFAULT 'everyone';
ALTER TABLE conversations ADD COLUMN allowed_countries TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN allowed_regions TEXT NOT NULL DEFAULT '';
ALTER TABLE conversation_members ADD COLUMN can_post BIGINT NOT NULL DEFAULT 0;
)sql"},
};

}  // namespace

std::span<const Migration> chat_feature_migrations() { return kMigrations; }

}  // namespace meridian::storage
