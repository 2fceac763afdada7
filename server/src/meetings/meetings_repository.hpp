// The meetings module's storage port: portable SQL over storage::Session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "meetings/meeting.hpp"
#include "storage/database.hpp"

namespace meridian::meetings {

struct GuestRecord {
  std::int64_t id = 0;
  std::int64_t meeting_id = 0;
  std::string display_name;
  UnixMillis expires_at = 0;
  bool revoked = false;
};

class MeetingsRepository final {
 public:
  using S = storage::Session;
  // Inserts the meeting (not its invitees); returns its id, or nullopt when the code is taken.
  Result<std::optional<std::int64_t>> insert_meeting(S& s, const Meeting& m);
  Result<void> insert_invitee(S& s, std::int64_t meeting_id, const Invitee& i);
  // Without invitees; the host's name is joined in.
  Result<std::optional<Meeting>> meeting(S& s, std::int64_t id);
  Result<std::optional<Meeting>> meeting_by_code(S& s, const std::string& code);
  // Invitee ids and roles only (names come from identity).
  Result<std::vector<Invitee>> invitees(S& s, std::int64_t meeting_id);
  // Hosted by or inviting the user, newest first.
  Result<std::vector<std::int64_t>> meeting_ids_for(S& s, std::int64_t user_id, std::int64_t limit);
  Result<void> mark_ended(S& s, std::int64_t meeting_id, UnixMillis at);
  // Title, schedule and room settings as in `m` (not the invitees).
  Result<void> update_meeting(S& s, const Meeting& m);
  Result<void> replace_invitees(S& s, std::int64_t meeting_id, const std::vector<Invitee>& invitees);
  Result<void> mark_cancelled(S& s, std::int64_t meeting_id, UnixMillis at);

  Result<std::int64_t> insert_guest(S& s, std::int64_t meeting_id, const std::string& display_name,
                                    const std::string& token_hash, UnixMillis now, UnixMillis expires_at);
  Result<std::optional<GuestRecord>> guest_by_token_hash(S& s, const std::string& token_hash);
  Result<std::optional<GuestRecord>> guest(S& s, std::int64_t id);
  Result<void> revoke_guests(S& s, std::int64_t meeting_id, UnixMillis at);

  Result<std::int64_t> insert_recording(S& s, const Recording& r);
  Result<void> insert_presence(S& s, std::int64_t recording_id, const RecordingPresence& p);
  Result<void> close_presence(S& s, std::int64_t recording_id, std::uint64_t peer_id, UnixMillis at);
  Result<void> stop_recording(S& s, std::int64_t recording_id, std::optional<std::int64_t> stopped_by, UnixMillis at,
                              const std::string& reason);
  // false when there is nothing to acknowledge (not present in that recording).
  Result<bool> acknowledge(S& s, std::int64_t recording_id, std::uint64_t peer_id, UnixMillis at);
  Result<std::vector<Recording>> recordings(S& s, std::int64_t meeting_id);

  // The account (kind guest) a guest pass writes in the meeting chat with, once it has one.
  Result<std::optional<std::int64_t>> guest_user(S& s, std::int64_t guest_id);
  Result<void> set_guest_user(S& s, std::int64_t guest_id, std::int64_t user_id);  // only when not set yet
  Result<std::vector<std::int64_t>> guest_users(S& s, std::int64_t meeting_id);
};

}  // namespace meridian::meetings
