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
#include "chat/chat_service.hpp"
#include "identity/identity_service.hpp"
#include "meetings/media_regions.hpp"
#include "meetings/meeting.hpp"
#include "meetings/meetings_repository.hpp"
#include "meetings/room.hpp"
#include "meetings/webhooks.hpp"
#include "policy/policy.hpp"
#include "region/feature_toggles.hpp"
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
  bool locked = false;
};

// What a host's change did: whom to tell what, and the running room's new settings.
struct MeetingChange {
  Meeting meeting;
  std::vector<std::int64_t> invited;    // newly invited
  std::vector<std::int64_t> updated;    // the host and everyone still invited
  std::vector<std::int64_t> uninvited;  // taken off the invitation list
  Effects live;                         // meet.room_updated for the running room, if any
};

// A chat message as clients see it (no e-mail; guests have no user id).
boost::json::object chat_json(const ChatMessage& m);

class MeetingsService final {
 public:
  // toggles: the per-country "meet.recording" feature (null: recording allowed
  // everywhere); webhooks: recording and meeting events (null: none sent).
  // The in-meeting chat goes through the chat module (`chat`; without it meet.chat.*
  // answer unavailable). `room_guests`: chat's list of the customers and guests admitted
  // to each live room, who read and post in the meeting's conversation without being
  // members; this service keeps it current.
  MeetingsService(storage::Database& db, identity::IdentityService& identity, const policy::Policy& policy,
                  const Clock& clock, MeetingsOptions options, region::FeatureToggles* toggles = nullptr,
                  WebhookDispatcher* webhooks = nullptr, chat::ChatService* chat = nullptr,
                  chat::RoomGuests* room_guests = nullptr);

  Result<Meeting> create(const Subject& who, NewMeeting input);
  // The host reschedules or renames (not after it was cancelled; starts_at only for
  // scheduled meetings, not in the past). Others: not_found (invitees) or forbidden.
  Result<MeetingChange> update(const Subject& who, std::int64_t id, const MeetingPatch& patch);
  // The host cancels: nobody can join any more, guest passes are revoked; refused while
  // the room is running (end it for all first). Returns the meeting (with its invitees, to
  // tell them), or nullopt when it was already cancelled.
  // `running_elsewhere` asks whether the room runs on another node (room_placement.hpp).
  Result<std::optional<Meeting>> cancel(const Subject& who, std::int64_t id,
                                        const std::function<bool()>& running_elsewhere = {});
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
  // The rooms live on this node (room_placement.hpp keeps their leases).
  bool running_here(std::int64_t meeting_id);
  std::vector<std::int64_t> running_here();
  // A host changed the meeting's settings on another node (update() there): the room here
  // takes the stored settings, and `locked` when that was changed. Nothing when it does not
  // run here.
  Effects apply_stored_settings(std::int64_t meeting_id, std::optional<bool> locked);
  // Runs a room command for a peer who is in the meeting's room.
  Result<Effects> command(std::uint64_t peer_id, std::int64_t meeting_id,
                          const std::function<Result<Effects>(Room&)>& fn);
  // A host admits (or denies) someone in the lobby. Reads the meeting chat's position
  // first, so the admitted person's chat history starts exactly at the admission.
  Result<Effects> admit(std::uint64_t peer_id, std::int64_t meeting_id, std::uint64_t target, bool allow);
  // End for all: the room command, then the meeting is marked ended and guest passes revoked.
  Result<Effects> end(std::uint64_t peer_id, std::int64_t meeting_id);

  // Recording hooks (metadata only). Start is refused when anyone admitted is from a
  // country where the "meet.recording" feature is off; everyone gets meet.recording.
  Result<Effects> start_recording(std::uint64_t peer_id, std::int64_t meeting_id);
  Result<Effects> stop_recording(std::uint64_t peer_id, std::int64_t meeting_id);
  // The peer saw the recording notice.
  Result<void> acknowledge_recording(std::uint64_t peer_id, std::int64_t meeting_id);
  Result<std::vector<Recording>> recordings(const Subject& who, std::int64_t meeting_id);

  // The media region the live room uses (or would use for the host and invitees).
  Result<RegionChoice> media_region(const Subject& who, std::int64_t meeting_id);
  // ICE servers for one person: the room region's TURN first, then their nearest
  // region's, then STUN; TURN credentials are fresh for this call.
  boost::json::array ice_servers(const RegionChoice& room_region, std::string_view country,
                                 std::string_view credential_user) const;

  const MeetingsOptions& options() const { return options_; }

  // The meeting's conversation, when its chat was used (for people who may see the meeting).
  Result<std::optional<std::int64_t>> conversation_of(const Subject& who, std::int64_t meeting_id);

  // In-meeting chat: the meeting's chat-module conversation (created on first use; members
  // the host, invited staff and the organisation's people who took part). Only peers
  // admitted to the live room read or post here (guests with their scoped pass, writing
  // as an account of kind guest); a message is stored by ChatService, then sent to
  // everyone admitted at that moment (meet.chat) and to the members' Chat app.
  struct ChatPosted {
    Effects effects;
    ChatMessage message;
    bool duplicate = false;  // same client_id again: nothing stored or sent
  };
  Result<ChatPosted> post_chat(std::uint64_t peer_id, std::int64_t meeting_id, std::string text, std::string client_id);
  // The chat so far for an admitted peer: people of the organisation see all of it;
  // guests and external people (customers) only what was posted since they were admitted.
  Result<std::vector<ChatMessage>> chat_history(std::uint64_t peer_id, std::int64_t meeting_id, int limit);

 private:
  struct LiveRoom {
    Room room;
    RegionChoice region;
    std::int64_t recording_id = 0;  // 0: not recording
    // The newest meeting-chat sequence number known here: read from storage on join and
    // before an admission, raised by each message sent in the room.
    std::int64_t chat_seq = 0;
  };
  // What changed in a recording room during one operation; written after the lock.
  struct PresenceChange {
    std::int64_t meeting_id = 0;
    std::int64_t recording_id = 0;
    std::vector<RecordingPresence> joined;
    std::vector<std::uint64_t> left;
    bool room_gone = false;  // the recording ends with the room
  };
  // The live room of `meeting_id` when `peer_id` is in it (call under mutex_): forbidden
  // when the peer is not in that meeting, not_found when the meeting is not running.
  Result<LiveRoom*> room_of(std::uint64_t peer_id, std::int64_t meeting_id);
  static std::vector<Peer> admitted_snapshot(const LiveRoom& live);
  // The meeting chat's newest sequence number in storage (0 without chat or messages).
  Result<std::int64_t> stored_chat_seq(std::int64_t meeting_id);
  // Raises the live room's chat_seq to `seq` (under mutex_).
  void raise_chat_seq(std::int64_t meeting_id, std::int64_t seq);
  static PresenceChange presence_change(const LiveRoom& live, const std::vector<Peer>& before, bool room_gone);
  void record_presence(const PresenceChange& change);
  // Someone admitted during a recording from a country whose toggle forbids recording:
  // the recording stops for everyone with the reason (change then records nothing).
  void enforce_recording_rules(PresenceChange& change, Effects& fx);
  Result<void> finish_recording(std::int64_t meeting_id, std::int64_t recording_id, std::optional<std::int64_t> by,
                                const std::string& reason);
  Result<Meeting> load(std::int64_t id, bool with_invitees);
  // Who writes in the chat for a peer: their account, or the guest pass's guest account
  // (made on first use). member: a lasting member of the conversation (organisation people).
  struct ChatAuthor {
    Subject subject;
    bool guest = false;
    bool member = false;
  };
  Result<ChatAuthor> chat_author(const Peer& peer, std::int64_t meeting_id);
  // A peer admitted to the room, ready to read or post in the meeting's chat: the
  // conversation (made on first use) and who they write as (a lasting member added).
  struct ChatSeat {
    Peer peer;
    std::int64_t conversation_id = 0;
    ChatAuthor author;
  };
  Result<ChatSeat> chat_seat(std::uint64_t peer_id, std::int64_t meeting_id);
  Result<std::int64_t> chat_conversation(std::int64_t meeting_id);
  // Tells chat who is admitted to the meeting's live room now (once its chat is in use).
  void sync_room_guests(std::int64_t meeting_id);
  Result<void> guests_allowed(const Meeting& m);
  // People and team members to invite (not the host; deduplicated; co-hosts marked).
  // Someone in `before` who was deactivated since is dropped instead of refused.
  Result<std::vector<Invitee>> resolve_invitees(std::int64_t host_id, const std::vector<std::int64_t>& user_ids,
                                                const std::vector<std::int64_t>& team_ids,
                                                const std::vector<std::int64_t>& cohost_ids,
                                                const std::vector<Invitee>& before);
  Result<void> fill_invitees(Meeting& m);
  // One try of update(); `raced` when the meeting changed between its read and its write.
  Result<MeetingChange> update_once(const Subject& who, std::int64_t id, const MeetingPatch& patch, bool& raced);
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
  region::FeatureToggles* toggles_;
  WebhookDispatcher* webhooks_;
  MeetingsRepository repo_;

  std::mutex mutex_;
  std::unordered_map<std::int64_t, LiveRoom> rooms_;           // meeting id -> live room
  std::unordered_map<std::uint64_t, std::int64_t> peer_room_;  // peer id -> meeting id
  chat::ChatService* chat_;
  chat::RoomGuests* room_guests_;
  std::unordered_map<std::int64_t, std::int64_t> meeting_conversations_;  // meeting id -> conversation id
  std::unordered_map<std::int64_t, std::int64_t> guest_accounts_;         // guest pass id -> user id
};

boost::json::object region_json(const RegionChoice& choice);

}  // namespace meridian::meetings
