#include "meetings/room.hpp"

#include <algorithm>

#include <boost/json/array.hpp>

#include "core/names.hpp"

namespace meridian::meetings {
namespace {

constexpr const char* kMeetingRoles[] = {"host", "cohost", "participant", "guest"};

bool is_moderator(MeetingRole r) { return r == MeetingRole::host || r == MeetingRole::cohost; }

boost::json::object event(std::string_view type, std::int64_t meeting_id) {
  return boost::json::object{{"type", type}, {"meeting_id", meeting_id}};
}

}  // namespace

const char* meeting_role_name(MeetingRole role) { return name_in(kMeetingRoles, role, "participant"); }
bool parse_meeting_role(std::string_view text, MeetingRole& out) { return parse_in(kMeetingRoles, text, out); }

// Never carries an e-mail address: guests and customers see this list too.
boost::json::object peer_json(const Peer& p) {
  bool guest = p.role == MeetingRole::guest;
  return boost::json::object{{"peer_id", p.peer_id},
                             {"user_id", guest ? boost::json::value(nullptr) : boost::json::value(p.user_id)},
                             {"display_name", p.display_name},
                             {"role", meeting_role_name(p.role)},
                             {"guest", guest},
                             {"country", p.country},
                             {"time_zone", p.time_zone},
                             {"admitted", p.admitted},
                             {"audio_muted", p.audio_muted},
                             {"video_muted", p.video_muted},
                             {"screen_sharing", p.screen_sharing},
                             {"hand_raised", p.hand_raised},
                             {"joined_at", p.joined_at}};
}

Peer* Room::find(std::uint64_t peer_id) {
  for (auto& p : peers_)
    if (p.peer_id == peer_id) return &p;
  return nullptr;
}

const Peer* Room::peer(std::uint64_t peer_id) const {
  for (const auto& p : peers_)
    if (p.peer_id == peer_id) return &p;
  return nullptr;
}

std::vector<Peer> Room::admitted() const {
  std::vector<Peer> out;
  for (const auto& p : peers_)
    if (p.admitted) out.push_back(p);
  return out;
}

std::vector<Peer> Room::lobby() const {
  std::vector<Peer> out;
  for (const auto& p : peers_)
    if (!p.admitted) out.push_back(p);
  return out;
}

std::size_t Room::admitted_count() const {
  return static_cast<std::size_t>(
      std::count_if(peers_.begin(), peers_.end(), [](const Peer& p) { return p.admitted; }));
}

Result<void> Room::check_capacity() const {
  if (admitted_count() >= settings_.max_publishers)
    return make_error(ErrorCode::conflict, "this meeting is full: a full-mesh meeting takes at most " +
                                               std::to_string(settings_.max_publishers) +
                                               " people sending audio and video");
  return {};
}

boost::json::object Room::state_for(const Peer& viewer) const {
  boost::json::object out = event("meet.state", meeting_id_);
  out["you"] = peer_json(viewer);
  out["waiting"] = !viewer.admitted;
  out["locked"] = locked_;
  out["max_publishers"] = settings_.max_publishers;
  out["guests_can_share_screen"] = settings_.guests_can_share_screen;
  out["recording"] = recording_.empty() ? boost::json::value(nullptr) : boost::json::value(recording_);
  boost::json::array participants;
  if (viewer.admitted)
    for (const auto& p : peers_)
      if (p.admitted) participants.push_back(peer_json(p));
  out["participants"] = std::move(participants);
  boost::json::array lobby;
  if (viewer.admitted && is_moderator(viewer.role))
    for (const auto& p : peers_)
      if (!p.admitted) lobby.push_back(peer_json(p));
  out["lobby"] = std::move(lobby);
  return out;
}

void Room::to_admitted(Effects& fx, const boost::json::object& message, std::uint64_t except) const {
  for (const auto& p : peers_)
    if (p.admitted && p.peer_id != except) fx.deliveries.push_back({p.peer_id, message});
}

void Room::to_everyone(Effects& fx, const boost::json::object& message) const {
  for (const auto& p : peers_) fx.deliveries.push_back({p.peer_id, message});
}

void Room::gone(Effects& fx, std::uint64_t peer_id, bool was_admitted, std::string_view reason) const {
  fx.dropped.push_back(peer_id);
  if (was_admitted) {
    boost::json::object msg = event("meet.participant_left", meeting_id_);
    msg["peer_id"] = peer_id;
    msg["reason"] = reason;
    to_admitted(fx, msg);
  } else {
    lobby_changed(fx);
  }
}

void Room::lobby_changed(Effects& fx) const {
  boost::json::object msg = event("meet.lobby", meeting_id_);
  boost::json::array lobby;
  for (const auto& p : peers_)
    if (!p.admitted) lobby.push_back(peer_json(p));
  msg["lobby"] = std::move(lobby);
  for (const auto& p : peers_)
    if (p.admitted && is_moderator(p.role)) fx.deliveries.push_back({p.peer_id, msg});
}

Result<Effects> Room::join(Peer candidate) {
  if (find(candidate.peer_id)) return make_error(ErrorCode::conflict, "this connection already joined the meeting");
  if (removed_users_.contains(candidate.user_id))
    return make_error(ErrorCode::forbidden, "you were removed from this meeting");
  const bool moderator = is_moderator(candidate.role);
  if (locked_ && !moderator) return make_error(ErrorCode::forbidden, "the meeting is locked: nobody else can join");
  const bool waits = !moderator && (candidate.role == MeetingRole::guest ||
                                    (candidate.external && (settings_.lobby_for_external || !candidate.invited)));
  if (!waits) MERIDIAN_TRY(check_capacity());
  candidate.admitted = !waits;
  peers_.push_back(candidate);
  const Peer& me = peers_.back();
  Effects fx;
  boost::json::object joined = state_for(me);
  joined["type"] = "meet.joined";
  fx.deliveries.push_back({me.peer_id, std::move(joined)});
  if (me.admitted) {
    boost::json::object msg = event("meet.participant_joined", meeting_id_);
    msg["participant"] = peer_json(me);
    to_admitted(fx, msg, me.peer_id);
  } else {
    lobby_changed(fx);
  }
  return fx;
}

Effects Room::leave(std::uint64_t peer_id) {
  Effects fx;
  auto it = std::find_if(peers_.begin(), peers_.end(), [&](const Peer& p) { return p.peer_id == peer_id; });
  if (it == peers_.end()) return fx;
  const bool was_admitted = it->admitted;
  peers_.erase(it);
  gone(fx, peer_id, was_admitted, "left");
  return fx;
}

Result<Peer*> Room::moderator(std::uint64_t actor, std::string_view what) {
  Peer* a = find(actor);
  if (!a || !a->admitted) return make_error(ErrorCode::forbidden, "join the meeting first");
  if (!is_moderator(a->role))
    return make_error(ErrorCode::forbidden, "only a host or co-host may " + std::string(what));
  return a;
}

Result<void> Room::require_moderator(std::uint64_t actor, std::string_view what) const {
  const Peer* a = peer(actor);
  if (!a || !a->admitted) return make_error(ErrorCode::forbidden, "join the meeting first");
  if (!is_moderator(a->role))
    return make_error(ErrorCode::forbidden, "only a host or co-host may " + std::string(what));
  return {};
}

Result<Peer*> Room::admitted_peer(std::uint64_t peer_id, std::string_view who) {
  Peer* p = find(peer_id);
  if (!p || !p->admitted) return make_error(ErrorCode::not_found, std::string(who) + " is not in this meeting");
  return p;
}

Result<Effects> Room::admit(std::uint64_t actor, std::uint64_t target, bool admit) {
  auto a = moderator(actor, "admit or deny people");
  if (!a.ok()) return a.error();
  Peer* t = find(target);
  if (!t || t->admitted) return make_error(ErrorCode::not_found, "nobody with that peer_id is waiting in the lobby");
  Effects fx;
  if (!admit) {
    std::uint64_t id = t->peer_id;
    fx.deliveries.push_back({id, event("meet.denied", meeting_id_)});
    peers_.erase(std::find_if(peers_.begin(), peers_.end(), [&](const Peer& p) { return p.peer_id == id; }));
    fx.dropped.push_back(id);
    lobby_changed(fx);
    return fx;
  }
  MERIDIAN_TRY(check_capacity());
  t->admitted = true;
  boost::json::object admitted = state_for(*t);
  admitted["type"] = "meet.admitted";
  fx.deliveries.push_back({t->peer_id, std::move(admitted)});
  boost::json::object msg = event("meet.participant_joined", meeting_id_);
  msg["participant"] = peer_json(*t);
  to_admitted(fx, msg, t->peer_id);
  lobby_changed(fx);
  return fx;
}

Result<Effects> Room::mute(std::uint64_t actor, std::uint64_t target, bool force) {
  auto a = moderator(actor, "mute others");
  if (!a.ok()) return a.error();
  auto t = admitted_peer(target, "that participant");
  if (!t.ok()) return t.error();
  Effects fx;
  boost::json::object msg = event(force ? "meet.muted" : "meet.mute_requested", meeting_id_);
  msg["by"] = (*a)->display_name;
  fx.deliveries.push_back({(*t)->peer_id, msg});
  if (force && !(*t)->audio_muted) {
    (*t)->audio_muted = true;
    boost::json::object upd = event("meet.participant_updated", meeting_id_);
    upd["participant"] = peer_json(**t);
    to_admitted(fx, upd);
  }
  return fx;
}

Result<Effects> Room::remove(std::uint64_t actor, std::uint64_t target) {
  auto a = moderator(actor, "remove people");
  if (!a.ok()) return a.error();
  Peer* t = find(target);
  if (!t) return make_error(ErrorCode::not_found, "that participant is not in this meeting");
  if (t->peer_id == actor)
    return make_error(ErrorCode::invalid_argument, "leave the meeting instead of removing yourself");
  if (t->role == MeetingRole::host && (*a)->role != MeetingRole::host)
    return make_error(ErrorCode::forbidden, "a co-host may not remove a host");
  const std::uint64_t id = t->peer_id;
  const bool was_admitted = t->admitted;
  removed_users_.insert(t->user_id);
  Effects fx;
  fx.deliveries.push_back({id, event("meet.removed", meeting_id_)});
  peers_.erase(std::find_if(peers_.begin(), peers_.end(), [&](const Peer& p) { return p.peer_id == id; }));
  gone(fx, id, was_admitted, "removed");
  return fx;
}

Result<Effects> Room::lock(std::uint64_t actor, bool locked) {
  auto a = moderator(actor, "lock the meeting");
  if (!a.ok()) return a.error();
  locked_ = locked;
  Effects fx;
  boost::json::object msg = event("meet.room_updated", meeting_id_);
  msg["locked"] = locked_;
  to_everyone(fx, msg);
  return fx;
}

Effects Room::update_settings(bool lobby_for_external, bool guests_can_share_screen, std::optional<bool> locked) {
  settings_.lobby_for_external = lobby_for_external;
  settings_.guests_can_share_screen = guests_can_share_screen;
  if (locked) locked_ = *locked;
  Effects fx;
  boost::json::object msg = event("meet.room_updated", meeting_id_);
  msg["locked"] = locked_;
  msg["lobby_for_external"] = settings_.lobby_for_external;
  msg["guests_can_share_screen"] = settings_.guests_can_share_screen;
  to_everyone(fx, msg);
  return fx;
}

Result<Effects> Room::end(std::uint64_t actor) {
  Peer* a = find(actor);
  if (!a || !a->admitted) return make_error(ErrorCode::forbidden, "join the meeting first");
  if (a->role != MeetingRole::host) return make_error(ErrorCode::forbidden, "only a host may end the meeting for all");
  Effects fx;
  to_everyone(fx, event("meet.ended", meeting_id_));
  for (const auto& p : peers_) fx.dropped.push_back(p.peer_id);
  peers_.clear();
  fx.ended = true;
  return fx;
}

Result<Effects> Room::set_role(std::uint64_t actor, std::uint64_t target, MeetingRole role) {
  Peer* a = find(actor);
  if (!a || !a->admitted) return make_error(ErrorCode::forbidden, "join the meeting first");
  if (a->role != MeetingRole::host) return make_error(ErrorCode::forbidden, "only a host may promote or demote");
  if (role != MeetingRole::cohost && role != MeetingRole::participant)
    return make_error(ErrorCode::invalid_argument, "role must be cohost or participant");
  auto t = admitted_peer(target, "that participant");
  if (!t.ok()) return t.error();
  if ((*t)->role == MeetingRole::host) return make_error(ErrorCode::forbidden, "a host's role cannot be changed");
  if ((*t)->role == MeetingRole::guest) return make_error(ErrorCode::forbidden, "guests cannot be promoted");
  (*t)->role = role;
  Effects fx;
  boost::json::object msg = event("meet.participant_updated", meeting_id_);
  msg["participant"] = peer_json(**t);
  to_admitted(fx, msg);
  if (role == MeetingRole::cohost) {
    // The new co-host sees the lobby from now on.
    boost::json::object lobby = event("meet.lobby", meeting_id_);
    boost::json::array waiting;
    for (const auto& p : peers_)
      if (!p.admitted) waiting.push_back(peer_json(p));
    lobby["lobby"] = std::move(waiting);
    fx.deliveries.push_back({(*t)->peer_id, std::move(lobby)});
  }
  return fx;
}

Result<Effects> Room::update_media(std::uint64_t actor, const boost::json::object& change) {
  auto a = admitted_peer(actor, "you");
  if (!a.ok()) return make_error(ErrorCode::forbidden, "join the meeting first");
  Peer& me = **a;
  auto flag = [&](std::string_view key, bool& out) -> Result<void> {
    const boost::json::value* v = change.if_contains(key);
    if (!v) return {};
    if (!v->is_bool())
      return make_error(ErrorCode::invalid_argument, "field '" + std::string(key) + "' must be a boolean");
    out = v->get_bool();
    return {};
  };
  Peer next = me;
  MERIDIAN_TRY(flag("audio_muted", next.audio_muted));
  MERIDIAN_TRY(flag("video_muted", next.video_muted));
  MERIDIAN_TRY(flag("screen_sharing", next.screen_sharing));
  MERIDIAN_TRY(flag("hand_raised", next.hand_raised));
  if (next.screen_sharing && !me.screen_sharing && me.role == MeetingRole::guest && !settings_.guests_can_share_screen)
    return make_error(ErrorCode::forbidden, "guests may not share their screen in this meeting");
  if (next.screen_sharing && !me.screen_sharing && !me.screen_share_refusal.empty())
    return make_error(ErrorCode::forbidden, me.screen_share_refusal);
  me = next;
  Effects fx;
  boost::json::object msg = event("meet.participant_updated", meeting_id_);
  msg["participant"] = peer_json(me);
  to_admitted(fx, msg);
  return fx;
}

Result<Effects> Room::ask_unmute(std::uint64_t actor, std::uint64_t target) {
  auto a = moderator(actor, "ask people to unmute");
  if (!a.ok()) return a.error();
  auto t = admitted_peer(target, "that participant");
  if (!t.ok()) return t.error();
  if (!(*t)->audio_muted) return make_error(ErrorCode::conflict, (*t)->display_name + " is not muted");
  Effects fx;
  boost::json::object msg = event("meet.unmute_requested", meeting_id_);
  msg["by"] = (*a)->display_name;
  fx.deliveries.push_back({(*t)->peer_id, msg});
  return fx;
}

void Room::stamp_admissions(UnixMillis now, std::int64_t chat_seq) {
  for (auto& p : peers_)
    if (p.admitted && p.admitted_at == 0) {
      p.admitted_at = now;
      p.chat_seq_at_admission = chat_seq;
    }
}

Result<Peer> Room::chat_member(std::uint64_t peer_id) const {
  const Peer* p = peer(peer_id);
  if (!p || !p->admitted)
    return make_error(ErrorCode::forbidden, "only admitted participants may use the meeting chat");
  return *p;
}

Result<Effects> Room::chat(std::uint64_t actor, const boost::json::object& message) {
  MERIDIAN_TRY(chat_member(actor));
  Effects fx;
  boost::json::object msg = event("meet.chat", meeting_id_);
  msg["message"] = message;
  to_admitted(fx, msg);
  return fx;
}

Effects Room::recording_stopped(const std::string& reason) {
  recording_ = boost::json::object{};
  Effects fx;
  boost::json::object msg = event("meet.recording", meeting_id_);
  msg["recording"] = nullptr;
  msg["reason"] = reason;
  to_everyone(fx, msg);
  return fx;
}

std::size_t sending_video_sections(std::string_view sdp) {
  std::size_t count = 0;
  bool in_video = false;
  bool sends = true;  // RFC 3264: sendrecv unless the section says otherwise
  auto close_section = [&] {
    if (in_video && sends) ++count;
  };
  while (!sdp.empty()) {
    auto eol = sdp.find('\n');
    std::string_view line = sdp.substr(0, eol);
    sdp = eol == std::string_view::npos ? std::string_view{} : sdp.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.rfind("m=", 0) == 0) {
      close_section();
      in_video = line.rfind("m=video ", 0) == 0;
      // A rejected section (port 0) carries nothing.
      sends = !(line.size() > 8 && line.substr(8, 2) == "0 ");
    } else if (line == "a=recvonly" || line == "a=inactive") {
      sends = false;
    }
  }
  close_section();
  return count;
}

Result<Effects> Room::relay(std::uint64_t actor, std::uint64_t target, const boost::json::object& signal) {
  const Peer* a = peer(actor);
  if (!a || !a->admitted) return make_error(ErrorCode::forbidden, "only admitted participants may send signals");
  if (target == actor) return make_error(ErrorCode::invalid_argument, "a signal cannot be sent to yourself");
  const Peer* t = peer(target);
  if (!t || !t->admitted)
    return make_error(ErrorCode::not_found, "no admitted participant with that peer_id in this meeting");
  // Screen sharing is a second video track: a guest who may not share cannot offer (or
  // answer with) more than one sending video section, whatever meet.media says.
  const bool guest_barred = a->role == MeetingRole::guest && !settings_.guests_can_share_screen;
  if (guest_barred || !a->screen_share_refusal.empty()) {
    const boost::json::value* d = signal.if_contains("description");
    const boost::json::value* sdp =
        d && d->is_object() ? d->get_object().if_contains("sdp") : signal.if_contains("sdp");
    if (sdp && sdp->is_string() && sending_video_sections(sdp->get_string()) > 1)
      return make_error(ErrorCode::forbidden,
                        guest_barred ? "guests may not share their screen in this meeting (the offer adds a second "
                                       "video track)"
                                     : a->screen_share_refusal + ": the offer adds a second video track");
  }
  Effects fx;
  boost::json::object msg = event("meet.signal", meeting_id_);
  msg["from"] = actor;
  msg["signal"] = signal;
  fx.deliveries.push_back({target, std::move(msg)});
  return fx;
}

Result<Effects> Room::broadcast_recording(std::uint64_t actor, const boost::json::object& recording) {
  MERIDIAN_TRY(require_moderator(actor, "start or stop recording"));
  recording_ = recording;
  Effects fx;
  boost::json::object msg = event("meet.recording", meeting_id_);
  msg["recording"] = recording_.empty() ? boost::json::value(nullptr) : boost::json::value(recording_);
  to_everyone(fx, msg);
  return fx;
}

}  // namespace meridian::meetings
