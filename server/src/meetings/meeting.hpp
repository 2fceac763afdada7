// Meetings as stored: a room with a persistent link code, instant or scheduled, its
// invitees and its guest passes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/subject.hpp"
#include "meetings/room.hpp"

namespace meridian::meetings {

// Customers and meeting guests: people from outside the organisation.
inline bool is_external(UserKind k) { return k == UserKind::customer || k == UserKind::guest; }

enum class MeetingKind { instant, scheduled };
const char* meeting_kind_name(MeetingKind kind);

struct Invitee {
  std::int64_t user_id = 0;
  std::string display_name;
  UserKind kind = UserKind::employee;
  std::string country;
  std::string time_zone;
  MeetingRole role = MeetingRole::participant;  // participant or cohost
  std::optional<std::int64_t> via_team_id;
};

struct Meeting {
  std::int64_t id = 0;
  std::string code;  // the persistent room link: /meet/<code>
  std::string title;
  MeetingKind kind = MeetingKind::instant;
  std::int64_t host_id = 0;
  std::string host_name;
  std::optional<UnixMillis> starts_at;  // UTC; absent for instant meetings
  std::int64_t duration_minutes = 60;
  std::string time_zone;  // the organiser's, for display; starts_at stays UTC
  bool lobby_for_external = true;
  bool guests_can_share_screen = false;
  bool locked = false;  // the room opens locked: only hosts and co-hosts enter
  UnixMillis created_at = 0;
  std::optional<UnixMillis> ended_at;      // the last "end for all"
  std::optional<UnixMillis> cancelled_at;  // the host cancelled it: nobody can join
  std::vector<Invitee> invitees;
};

// A host's change to a meeting (PATCH): only the fields given change. Each invitee list
// given replaces its part: people invited directly, teams (expanded again), co-hosts.
struct MeetingPatch {
  std::optional<std::string> title;
  std::optional<UnixMillis> starts_at;  // scheduled meetings only
  std::optional<std::int64_t> duration_minutes;
  std::optional<std::string> time_zone;
  std::optional<std::vector<std::int64_t>> user_ids;
  std::optional<std::vector<std::int64_t>> team_ids;
  std::optional<std::vector<std::int64_t>> cohost_ids;
  std::optional<bool> lobby_for_external;
  std::optional<bool> guests_can_share_screen;
  std::optional<bool> locked;
};

struct GuestPass {
  std::int64_t guest_id = 0;
  std::int64_t meeting_id = 0;
  std::string display_name;
  std::string token;  // returned once; only its hash is stored
  UnixMillis expires_at = 0;
};

struct RecordingPresence {
  std::uint64_t peer_id = 0;
  std::int64_t user_id = 0;  // negative for guests
  std::string display_name;
  std::string role;
  std::string country;
  UnixMillis joined_at = 0;  // in the room while recording: from here
  std::optional<UnixMillis> left_at;
  std::optional<UnixMillis> acknowledged_at;  // saw and acknowledged the recording notice
};

// Metadata only: no media is recorded by Meridian.
struct Recording {
  std::int64_t id = 0;
  std::int64_t meeting_id = 0;
  std::int64_t started_by = 0;
  std::string started_by_name;
  UnixMillis started_at = 0;
  std::optional<std::int64_t> stopped_by;
  std::optional<UnixMillis> stopped_at;
  std::string stop_reason;  // "stopped", "meeting ended", "everyone left"
  std::vector<RecordingPresence> participants;
};

// A message of the meeting's chat as the meeting shows it: a message of the meeting's
// chat-module conversation. author_id: the author's account (for a guest, the account of
// kind guest made for the guest pass; not shown to others).
struct ChatMessage {
  std::int64_t id = 0;
  std::int64_t meeting_id = 0;
  std::int64_t conversation_id = 0;
  std::int64_t seq = 0;
  std::int64_t author_id = 0;
  std::string author_name;
  bool guest = false;
  std::string client_id;
  std::string text;
  UnixMillis created_at = 0;
};
inline constexpr std::size_t kMaxChatMessageBytes = 4'000;

inline constexpr const char* kGuestTokenPrefix = "mg_";

// The scope string carried by a guest's Subject: "meeting:<id>".
std::string meeting_scope(std::int64_t meeting_id);

}  // namespace meridian::meetings
