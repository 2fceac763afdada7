// Schema part: see schema_parts.hpp for this part's version range.
#include "storage/migrations/schema_parts.hpp"

namespace meridian::storage {
namespace {

// Meetings: rooms with a persistent link code, their invitees (teams are expanded into
// people when invited, remembering the team), and guest passes (token hashes only).
constexpr const char* kMeetings = R"SQL(
CREATE TABLE meetings (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  kind TEXT NOT NULL,
  host_id BIGINT NOT NULL REFERENCES users(id),
  starts_at BIGINT,
  duration_minutes BIGINT NOT NULL,
  time_zone TEXT NOT NULL,
  lobby_for_external BIGINT NOT NULL,
  guests_can_share_screen BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  ended_at BIGINT
);
CREATE INDEX meetings_host ON meetings(host_id);
CREATE TABLE meeting_invitees (
  meeting_id BIGINT NOT NULL REFERENCES meetings(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL,
  via_team_id BIGINT,
  PRIMARY KEY (meeting_id, user_id)
);
CREATE INDEX meeting_invitees_user ON meeting_invitees(user_id);
CREATE TABLE meeting_guests (
  id {{ID}},
  meeting_id BIGINT NOT NULL REFERENCES meetings(id),
  display_name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX meeting_guests_meeting ON meeting_guests(meeting_id);
)SQL";

const Migration kMigrations[] = {
    {30, "meetings, invitees and guest passes", kMeetings},
};

}  // namespace

std::span<const Migration> meetings_migrations() { return kMigrations; }

}  // namespace meridian::storage
