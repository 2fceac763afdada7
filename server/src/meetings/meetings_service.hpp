// Meetings: creating and finding meetings, guest passes, and the live rooms (lobby,
// roles, signaling relay, media region and ICE servers). Transport-free: the routes turn
// requests into calls and deliver the returned Effects to connections.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "identity/identity_service.hpp"
#include "meetings/media_regions.hpp"
#include "meetings/meeting.hpp"
#include "meetings/meetings_repository.hpp"
#include "meetings/room.hpp"
#include "policy/policy.hpp"
#include "storage/database.hpp"

namespace meridian::meetings {

struct MeetingsOptions {
  std::string public_url;  // join_url = public_url + "/meet/" + code; empty: a path only
  std::size_t max_publishers = 6;
  std::int64_t guest_token_ttl_seconds = 4 * 3600;
  std::vector<std::string> stun_urls;
  std::string turn_secret;  // coturn static-auth-secret; empty: no TURN credentials
  std::int64_t turn_credential_ttl_seconds = 3600;
  std::vector<MediaRegion> regions;
  RttTable rtt = RttTable::builtin();
};

struct NewMeeting {
  std::string title;
  MeetingKind kind = MeetingKind::instant;
  std::optional<UnixMillis> starts_at;
  std::int64_t duration_minutes = 60;
  std::optional<std::string> time_zone;  // default: the organiser's
  std::vector<std::int64_t> user_ids;    // people (employees, agents, customers)
  std::vector<std::int64_t> team_ids;
  std::vector<std::int64_t> cohost_ids;  // must be invited people too (added when not)
  bool lobby_for_external = true;
  bool guests_can_share_screen = false;
};

class MeetingsService final {
 public:
  MeetingsService(storage::Database& db, identity::IdentityService& identity, const policy::Policy& policy,
                  const Clock& clock, MeetingsOptions options);

  Result<Meeting> create(const Subject& who, NewMeeting input);
  // Host, invitees and admins; anyone else gets not_found.
  Result<Meeting> get(const Subject& who, std::int64_t id);
  Result<std::vector<Meeting>> mine(const Subject& who);
  // What a person holding the link may see before joining: no invitee list.
  Result<Meeting> by_code(const std::string& code);
  std::string join_url(const Meeting& m) const;

  // A guest pass for the meeting behind the link: scoped to that meeting, expiring.
  Result<GuestPass> guest_pass(const std::string& code, const std::string& display_name);
  // Tokens with kGuestTokenPrefix: a Subject with scope "meeting:<id>" and a negative
  // user id. not_found when the token is no guest pass (the caller then tries sessions).
  Result<Subject> authenticate_guest(std::string_view token);

  // Live rooms. peer_id is the WebSocket connection id.
  Result<Effects> join(const Subject& who, std::uint64_t peer_id, const std::string& code);
  Effects leave(std::uint64_t peer_id);
  // Runs a room command for a peer who is in the meeting's room.
  Result<Effects> command(std::uint64_t peer_id, std::int64_t meeting_id,
                          const std::function<Result<Effects>(Room&)>& fn);
  // End for all: the room command, then the meeting is marked ended and guest passes revoked.
  Result<Effects> end(std::uint64_t peer_id, std::int64_t meeting_id);

  // The media region the live room uses (or would use for the host and invitees).
  Result<RegionChoice> media_region(const Subject& who, std::int64_t meeting_id);
  // ICE servers for one person: the room region's TURN first, then their nearest
  // region's, then STUN; TURN credentials are fresh for this call.
  boost::json::array ice_servers(const RegionChoice& room_region, std::string_view country,
                                 std::string_view credential_user) const;

  const MeetingsOptions& options() const { return options_; }

 private:
  struct LiveRoom {
    Room room;
    RegionChoice region;
  };
  Result<Meeting> load(std::int64_t id, bool with_invitees);
  Result<void> fill_invitees(Meeting& m);
  bool may_see(const Subject& who, const Meeting& m) const;
  RegionChoice choose_for(const Room& room) const;
  // Re-evaluates the room's region after a join; tells everyone when it changed.
  void reevaluate_region(LiveRoom& live, Effects& fx) const;
  void add_ice(const LiveRoom& live, Effects& fx, std::uint64_t peer_id) const;

  storage::Database& db_;
  identity::IdentityService& identity_;
  const policy::Policy& policy_;
  const Clock& clock_;
  MeetingsOptions options_;
  MeetingsRepository repo_;

  std::mutex mutex_;
  std::unordered_map<std::int64_t, LiveRoom> rooms_;           // meeting id -> live room
  std::unordered_map<std::uint64_t, std::int64_t> peer_room_;  // peer id -> meeting id
};

boost::json::object region_json(const RegionChoice& choice);

}  // namespace meridian::meetings
