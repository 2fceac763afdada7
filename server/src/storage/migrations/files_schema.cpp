// Schema part: see schema_parts.hpp for this part's version range.
#include "storage/migrations/schema_parts.hpp"

namespace meridian::storage {
namespace {

constexpr Migration kMigrations[] = {
    {20, "files", R"sql(
CREATE TABLE file_spaces (
  id {{ID}},
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  owner_user_id BIGINT REFERENCES users(id),
  team_id BIGINT REFERENCES teams(id),
  region TEXT NOT NULL,
  quota_bytes BIGINT NOT NULL,
  used_bytes BIGINT NOT NULL DEFAULT 0,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX file_spaces_owner ON file_spaces(kind, owner_user_id);
CREATE TABLE file_nodes (
  id {{ID}},
  space_id BIGINT NOT NULL REFERENCES file_spaces(id),
  parent_id BIGINT NOT NULL DEFAULT 0,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  current_version_id BIGINT,
  locked_by BIGINT,
  lock_expires_at BIGINT,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX file_nodes_name ON file_nodes(space_id, parent_id, name);
CREATE TABLE file_blobs (
  id {{ID}},
  region TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  object_key TEXT NOT NULL,
  ref_count BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX file_blobs_hash ON file_blobs(region, sha256);
CREATE TABLE file_versions (
  id {{ID}},
  node_id BIGINT NOT NULL REFERENCES file_nodes(id),
  number BIGINT NOT NULL,
  blob_id BIGINT NOT NULL REFERENCES file_blobs(id),
  size BIGINT NOT NULL,
  content_type TEXT NOT NULL,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX file_versions_number ON file_versions(node_id, number);
CREATE TABLE file_grants (
  id {{ID}},
  space_id BIGINT NOT NULL REFERENCES file_spaces(id),
  node_id BIGINT NOT NULL DEFAULT 0,
  grantee_kind TEXT NOT NULL,
  grantee_id BIGINT NOT NULL,
  role TEXT NOT NULL,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX file_grants_unique ON file_grants(space_id, node_id, grantee_kind, grantee_id);
CREATE TABLE file_activity (
  id {{ID}},
  space_id BIGINT NOT NULL,
  node_id BIGINT NOT NULL DEFAULT 0,
  actor_user_id BIGINT NOT NULL DEFAULT 0,
  link_id BIGINT NOT NULL DEFAULT 0,
  action TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  ip TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL
);
CREATE INDEX file_activity_space ON file_activity(space_id, id);
CREATE INDEX file_activity_node ON file_activity(node_id, id);
)sql"},
    {21, "files_resumable_uploads", R"sql(
CREATE TABLE file_uploads (
  id {{ID}},
  token TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id),
  space_id BIGINT NOT NULL REFERENCES file_spaces(id),
  parent_id BIGINT NOT NULL DEFAULT 0,
  name TEXT NOT NULL,
  region TEXT NOT NULL,
  object_key TEXT NOT NULL,
  multipart_id TEXT NOT NULL DEFAULT '',
  length BIGINT NOT NULL,
  upload_offset BIGINT NOT NULL DEFAULT 0,
  parts_bytes BIGINT NOT NULL DEFAULT 0,
  part_etags TEXT NOT NULL DEFAULT '',
  hash_state TEXT NOT NULL DEFAULT '',
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX file_uploads_expiry ON file_uploads(expires_at);
)sql"},
    {22, "files_share_links", R"sql(
CREATE TABLE file_links (
  id {{ID}},
  token_hash TEXT NOT NULL UNIQUE,
  space_id BIGINT NOT NULL REFERENCES file_spaces(id),
  node_id BIGINT NOT NULL REFERENCES file_nodes(id),
  created_by BIGINT NOT NULL REFERENCES users(id),
  creator_country TEXT NOT NULL,
  password_hash TEXT NOT NULL DEFAULT '',
  expires_at BIGINT NOT NULL DEFAULT 0,
  max_downloads BIGINT NOT NULL DEFAULT 0,
  download_count BIGINT NOT NULL DEFAULT 0,
  revoked_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX file_links_node ON file_links(node_id);
)sql"},
    {23, "files_uploads_in_place", R"sql(
ALTER TABLE file_uploads ADD COLUMN in_place INTEGER NOT NULL DEFAULT 0;
)sql"},
    // Chat attachments: each conversation's files live in its own space (made on first
    // use); a file is attached to at most one message. Name, size and type are copied at
    // attach time (an attachment never changes) so that chat reads no file tables.
    // message_id NULL: the message went (deleted or purged); the file is removed next.
    {24, "files_chat_attachments", R"sql(
ALTER TABLE file_spaces ADD COLUMN conversation_id BIGINT REFERENCES conversations(id);
CREATE UNIQUE INDEX file_spaces_conversation ON file_spaces(conversation_id);
CREATE TABLE message_attachments (
  file_id BIGINT PRIMARY KEY REFERENCES file_nodes(id),
  message_id BIGINT REFERENCES messages(id),
  conversation_id BIGINT NOT NULL REFERENCES conversations(id),
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  size BIGINT NOT NULL,
  content_type TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX message_attachments_message ON message_attachments(message_id, position);
)sql"},
};

}  // namespace

std::span<const Migration> files_migrations() { return kMigrations; }

}  // namespace meridian::storage
