// The live state of one meeting room and its rules: who is in the lobby, who is admitted,
// which role may do what, and whom each event goes to. Pure domain: no sockets, no SQL;
// the routes deliver the returned events and the service keeps one Room per meeting.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace meridian::meetings {

enum class MeetingRole { host, cohost, participant, guest };
const char* meeting_role_name(MeetingRole role);
bool parse_meeting_role(std::string_view text, MeetingRole& out);

// A connection in the room. peer_id is the WebSocket connection id: one person may
// join from two tabs as two peers.
struct Peer {
  std::uint64_t peer_id = 0;
  std::int64_t user_id = 0;  // negative for guests (minus the guest id)
  std::string display_name;
  MeetingRole role = MeetingRole::participant;
  std::string country;    // ISO 3166-1 alpha-2; empty for guests
  std::string time_zone;  // IANA; empty for guests
  bool external = false;  // not an employee or agent of the organisation (customers, guests)
  bool invited = false;   // the host or an invitee (uninvited external people always wait)
  bool admitted = false;  // false: waiting in the lobby
  bool audio_muted = false;
  bool video_muted = false;
  bool screen_sharing = false;
  bool hand_raised = false;
  // The country whose rules (e.g. the recording toggle) apply: the person's own, or for a
  // guest the host's (the guest came by the host's link). Not shown to others.
  std::string rules_country;
  // Why this peer may not share a screen (meet.screen_share is off in rules_country, read
  // when they join); empty: they may. Not shown to others.
  std::string screen_share_refusal;
  UnixMillis joined_at = 0;
  UnixMillis admitted_at = 0;  // 0 while in the lobby (see Room::stamp_admissions)
  // The meeting chat's newest sequence number when this peer was admitted: guests and
  // external people read only messages after it (a sequence, not a clock: a message in
  // the same millisecond as the admission is still on the right side).
  std::int64_t chat_seq_at_admission = 0;
};

struct RoomSettings {
  bool lobby_for_external = true;  // customers wait in the lobby like guests
  bool guests_can_share_screen = false;
  std::size_t max_publishers = 6;  // full mesh: everyone admitted publishes to everyone
  bool locked = false;             // opens locked (the meeting's standing setting)
};

// Video m-sections of an SDP that send (sendrecv or sendonly, port not 0): a camera is
// one, a shared screen another.
std::size_t sending_video_sections(std::string_view sdp);

// One message for one peer.
struct Delivery {
  std::uint64_t peer_id = 0;
  boost::json::object message;
};

struct Effects {
  std::vector<Delivery> deliveries;
  bool ended = false;                  // the room is over: the service drops it
  std::vector<std::uint64_t> dropped;  // peers no longer in the room (removed, denied)
};

boost::json::object peer_json(const Peer& p);

class Room final {
 public:
  Room(std::int64_t meeting_id, RoomSettings settings)
      : meeting_id_(meeting_id), settings_(settings), locked_(settings.locked) {}

  // The candidate's role is decided by the caller (host of the meeting, co-host, guest
  // token...). Hosts and co-hosts enter at once; guests, and external people when the
  // room says so, wait in the lobby. Refused when the room is locked, full, or the person
  // was removed.
  Result<Effects> join(Peer candidate);
  // Leaving (or a closed socket). Unknown peers are ignored.
  Effects leave(std::uint64_t peer_id);

  Result<Effects> admit(std::uint64_t actor, std::uint64_t target, bool admit);
  Result<Effects> mute(std::uint64_t actor, std::uint64_t target, bool force);
  // Asks a muted participant to unmute: only a prompt; the participant decides.
  Result<Effects> ask_unmute(std::uint64_t actor, std::uint64_t target);
  // In-meeting chat: an admitted peer's (already stored) message to every admitted peer.
  // The lobby gets nothing.
  Result<Effects> chat(std::uint64_t actor, const boost::json::object& message);
  // Gives everyone admitted since the last call the admission time `now` and the meeting
  // chat's newest sequence number `chat_seq`.
  void stamp_admissions(UnixMillis now, std::int64_t chat_seq);
  // Checks that the peer is admitted (may read or post in the meeting chat).
  Result<Peer> chat_member(std::uint64_t peer_id) const;
  // The recording stopped without a person's command (a reason for everyone).
  Effects recording_stopped(const std::string& reason);
  Result<Effects> remove(std::uint64_t actor, std::uint64_t target);
  Result<Effects> lock(std::uint64_t actor, bool locked);
  // The host changed the meeting's settings (PATCH) while the room runs: everyone is told.
  Effects update_settings(bool lobby_for_external, bool guests_can_share_screen, std::optional<bool> locked);
  Result<Effects> end(std::uint64_t actor);
  Result<Effects> set_role(std::uint64_t actor, std::uint64_t target, MeetingRole role);
  // The sender's own media state (what the others show).
  Result<Effects> update_media(std::uint64_t actor, const boost::json::object& change);
  // SDP offers/answers and ICE candidates between two admitted peers. Opaque to the server
  // except one rule: a guest who may not share the screen cannot send a second video track.
  Result<Effects> relay(std::uint64_t actor, std::uint64_t target, const boost::json::object& signal);
  // The recording indicator: sent to everyone in the room (lobby included).
  Result<Effects> broadcast_recording(std::uint64_t actor, const boost::json::object& recording);
  // Checks that the actor may start or stop a recording.
  Result<void> require_moderator(std::uint64_t actor, std::string_view what) const;

  std::int64_t meeting_id() const { return meeting_id_; }
  const RoomSettings& settings() const { return settings_; }
  bool locked() const { return locked_; }
  bool empty() const { return peers_.empty(); }
  const Peer* peer(std::uint64_t peer_id) const;
  std::vector<Peer> admitted() const;
  std::vector<Peer> lobby() const;
  std::size_t admitted_count() const;
  boost::json::object state_for(const Peer& viewer) const;

 private:
  Peer* find(std::uint64_t peer_id);
  Result<Peer*> moderator(std::uint64_t actor, std::string_view what);
  Result<Peer*> admitted_peer(std::uint64_t peer_id, std::string_view who);
  void to_admitted(Effects& fx, const boost::json::object& message, std::uint64_t except = 0) const;
  void to_everyone(Effects& fx, const boost::json::object& message) const;
  void lobby_changed(Effects& fx) const;
  // A peer left the room (reason "left" or "removed"), already erased: dropped, and the
  // others told (the admitted ones; the lobby's watchers when it was still waiting).
  void gone(Effects& fx, std::uint64_t peer_id, bool was_admitted, std::string_view reason) const;
  Result<void> check_capacity() const;

  std::int64_t meeting_id_;
  RoomSettings settings_;
  bool locked_ = false;
  std::vector<Peer> peers_;               // in join order
  std::set<std::int64_t> removed_users_;  // removed people cannot come back into this room
  boost::json::object recording_;         // the indicator, empty when not recording
};

}  // namespace meridian::meetings
