// Meridian's schema as forward-only migrations. Never edit a released migration:
// add a new one. Each area keeps its migrations in its own file with its own range of
// version numbers (see schema_parts.hpp), so work on one area never renumbers another.
#include <algorithm>
#include <vector>

#include "storage/migrations.hpp"
#include "storage/migrations/schema_parts.hpp"

namespace meridian::storage {
namespace {

constexpr Migration kMigrations[] = {
    {1, "identity", R"sql(
CREATE TABLE users (
  id {{ID}},
  email TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  kind TEXT NOT NULL,
  country TEXT NOT NULL,
  region TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  work_start_minute BIGINT NOT NULL DEFAULT 540,
  work_end_minute BIGINT NOT NULL DEFAULT 1020,
  work_days TEXT NOT NULL DEFAULT '1,2,3,4,5',
  password_hash TEXT NOT NULL,
  active BIGINT NOT NULL DEFAULT 1,
  gdpr_restrict_processing BIGINT NOT NULL DEFAULT 0,
  gdpr_exclude_from_ai BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE user_roles (
  user_id BIGINT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL,
  PRIMARY KEY (user_id, role)
);
CREATE TABLE teams (
  id {{ID}},
  name TEXT NOT NULL UNIQUE,
  region TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE team_members (
  team_id BIGINT NOT NULL REFERENCES teams(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members(user_id);
CREATE TABLE sessions (
  id {{ID}},
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id),
  region TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT,
  ip TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE login_failures (
  subject_key TEXT PRIMARY KEY,
  failures BIGINT NOT NULL,
  last_failure_at BIGINT NOT NULL,
  locked_until BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE feature_toggles (
  feature TEXT NOT NULL,
  country TEXT NOT NULL,
  enabled BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (feature, country)
);
CREATE TABLE audit_log (
  id {{ID}},
  at BIGINT NOT NULL,
  actor_id BIGINT,
  actor_email TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  outcome TEXT NOT NULL,
  ip TEXT NOT NULL,
  country TEXT NOT NULL,
  region TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_action ON audit_log(action, id);
CREATE INDEX audit_log_actor ON audit_log(actor_id, id);
)sql"},
    {2, "chat", R"sql(
CREATE TABLE conversations (
  id {{ID}},
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  topic TEXT NOT NULL,
  visibility TEXT NOT NULL,
  direct_key TEXT UNIQUE,
  region TEXT NOT NULL,
  created_by BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  last_seq BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE conversation_members (
  conversation_id BIGINT NOT NULL REFERENCES conversations(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL,
  joined_at BIGINT NOT NULL,
  last_read_seq BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_members_user ON conversation_members(user_id);
CREATE TABLE messages (
  id {{ID}},
  conversation_id BIGINT NOT NULL REFERENCES conversations(id),
  seq BIGINT NOT NULL,
  author_id BIGINT NOT NULL REFERENCES users(id),
  client_id TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  region TEXT NOT NULL,
  UNIQUE (conversation_id, seq),
  UNIQUE (author_id, client_id)
);
)sql"},
    // Every change to a message (edit, delete) takes the conversation's next sequence number
    // as its change_seq, so "changes after N" replays everything a client missed, once each.
    {3, "chat_message_changes", R"sql(
ALTER TABLE messages ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN edited_at BIGINT;
ALTER TABLE messages ADD COLUMN deleted_at BIGINT;
UPDATE messages SET change_seq = seq;
CREATE INDEX messages_changes ON messages(conversation_id, change_seq);
CREATE TABLE message_versions (
  message_id BIGINT NOT NULL REFERENCES messages(id),
  version BIGINT NOT NULL,
  text TEXT NOT NULL,
  replaced_at BIGINT NOT NULL,
  replaced_by BIGINT NOT NULL REFERENCES users(id),
  PRIMARY KEY (message_id, version)
);
)sql"},
};

}  // namespace

std::span<const Migration> foundation_migrations() { return kMigrations; }

std::span<const Migration> schema_migrations() {
  static const std::vector<Migration> all = [] {
    std::vector<Migration> v;
    for (auto part : {foundation_migrations(), chat_feature_migrations(), chat_operation_migrations(),
                      files_migrations(), meetings_migrations(), region_migrations(), alerts_migrations(),
                      ai_migrations(), remote_support_migrations(), availability_migrations(), privacy_migrations()})
      v.insert(v.end(), part.begin(), part.end());
    std::sort(v.begin(), v.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
    return v;
  }();
  return all;
}

}  // namespace meridian::storage
