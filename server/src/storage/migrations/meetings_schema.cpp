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

// Recording hooks (metadata only): who started and stopped, who was present when, and
// each person's acknowledgement of the recording notice. Outbound webhook deliveries
// with their attempts (the delivery log).
constexpr const char* kRecordings = R"SQL(
CREATE TABLE meeting_recordings (
  id {{ID}},
  meeting_id BIGINT NOT NULL REFERENCES meetings(id),
  started_by BIGINT NOT NULL,
  started_by_name TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  stopped_by BIGINT,
  stopped_at BIGINT,
  stop_reason TEXT
);
CREATE INDEX meeting_recordings_meeting ON meeting_recordings(meeting_id);
CREATE TABLE meeting_recording_presence (
  id {{ID}},
  recording_id BIGINT NOT NULL REFERENCES meeting_recordings(id),
  peer_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  country TEXT NOT NULL,
  joined_at BIGINT NOT NULL,
  left_at BIGINT,
  acknowledged_at BIGINT
);
CREATE INDEX meeting_recording_presence_recording ON meeting_recording_presence(recording_id);
CREATE TABLE webhook_deliveries (
  id {{ID}},
  event TEXT NOT NULL,
  url TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0,
  last_status_code BIGINT,
  last_error TEXT NOT NULL DEFAULT '',
  next_attempt_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  delivered_at BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
)SQL";

// In-meeting chat: messages posted by admitted participants while in the room. Authors
// are people (user id) or guests (minus the guest pass id), so no foreign key on them.
constexpr const char* kMeetingChat = R"SQL(
CREATE TABLE meeting_messages (
  id {{ID}},
  meeting_id BIGINT NOT NULL REFERENCES meetings(id),
  author_id BIGINT NOT NULL,
  author_name TEXT NOT NULL,
  client_id TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX meeting_messages_meeting ON meeting_messages(meeting_id, id);
)SQL";

// A scheduled meeting the host cancelled (DELETE): kept for the invitees' lists.
constexpr const char* kMeetingCancel = R"SQL(
ALTER TABLE meetings ADD COLUMN cancelled_at BIGINT;
)SQL";

// A host's standing choice that the room opens locked (only hosts and co-hosts enter);
// meet.lock changes the live room only.
constexpr const char* kMeetingLocked = R"SQL(
ALTER TABLE meetings ADD COLUMN locked BIGINT NOT NULL DEFAULT 0;
)SQL";

// In-meeting chat moved to the chat module (a conversation per meeting, see
// chat/meeting_conversations.cpp): the meeting's own message table goes (it held only
// development data). A meeting guest who writes in the chat gets an account of kind guest
// (no password) so the message has an author; the pass remembers it.
constexpr const char* kMeetingChatInChat = R"SQL(
DROP TABLE meeting_messages;
ALTER TABLE meeting_guests ADD COLUMN user_id BIGINT REFERENCES users(id);
)SQL";

const Migration kMigrations[] = {
    {30, "meetings, invitees and guest passes", kMeetings},
    {31, "meeting recordings, presence, acknowledgements; webhook deliveries", kRecordings},
    {32, "in-meeting chat messages", kMeetingChat},
    {33, "cancelled meetings", kMeetingCancel},
    {34, "meetings that open locked", kMeetingLocked},
    {35, "in-meeting chat in the chat module; meeting guests' accounts", kMeetingChatInChat},
};

}  // namespace

std::span<const Migration> meetings_migrations() { return kMigrations; }

}  // namespace meridian::storage
