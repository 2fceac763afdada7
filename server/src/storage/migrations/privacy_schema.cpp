// The GDPR rights of the cross-country layer (privacy/): versions 140-159 inside the
// region range 100-199 (schema_parts.hpp).
#include "storage/migrations/schema_parts.hpp"

namespace meridian::storage {
namespace {

const Migration kMigrations[] = {
    // An erasure, requested by the person (state 'requested') or done by an administrator
    // ('done', 'failed'); its receipt (JSON: the stores checked and what was done in each,
    // counts only, nothing about the person) stays readable afterwards as the proof.
    {140, "privacy erasures and their receipts", R"sql(
CREATE TABLE privacy_erasures (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES users(id),
  state TEXT NOT NULL,
  requested_by BIGINT REFERENCES users(id),
  requested_at BIGINT NOT NULL,
  erased_by BIGINT REFERENCES users(id),
  finished_at BIGINT,
  receipt TEXT NOT NULL DEFAULT ''
);
CREATE INDEX privacy_erasures_user ON privacy_erasures(user_id, id);
CREATE INDEX privacy_erasures_state ON privacy_erasures(state, id);
)sql"},
    // An export: queued, built by one node at a time (claimed_by, lease_until), ready with
    // its archive (object_key) until expires_at, downloaded once. An erasure deletes them.
    {141, "privacy exports", R"sql(
CREATE TABLE privacy_exports (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES users(id),
  requested_by BIGINT NOT NULL REFERENCES users(id),
  state TEXT NOT NULL,
  parts_done BIGINT NOT NULL DEFAULT 0,
  parts_total BIGINT NOT NULL DEFAULT 0,
  bytes BIGINT NOT NULL DEFAULT 0,
  object_key TEXT NOT NULL DEFAULT '',
  claimed_by TEXT NOT NULL DEFAULT '',
  lease_until BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  finished_at BIGINT,
  expires_at BIGINT,
  downloaded_at BIGINT,
  error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX privacy_exports_user ON privacy_exports(user_id, id);
CREATE INDEX privacy_exports_state ON privacy_exports(state, id);
)sql"},
    // Consent records: every grant and withdrawal is a row (the history stays), naming the
    // purpose and the version of the text the person saw. An erasure deletes them.
    {142, "privacy consent records", R"sql(
CREATE TABLE privacy_consents (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES users(id),
  purpose TEXT NOT NULL,
  text_version TEXT NOT NULL,
  granted BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX privacy_consents_user ON privacy_consents(user_id, purpose, id);
)sql"},
    // An administrator's copy of a person's export is counted apart: it does not use up
    // the person's one download (downloaded_at and state stay theirs).
    {143, "privacy exports: an administrator's download apart", R"sql(
ALTER TABLE privacy_exports ADD COLUMN admin_downloaded_at BIGINT;
)sql"},
};

}  // namespace

std::span<const Migration> privacy_migrations() { return kMigrations; }

}  // namespace meridian::storage
