// Recording a live meeting (metadata only): starting and stopping it, who was present
// while it ran, and the per-country rule (feature meet.recording) that refuses or stops it.
#include "meetings/meetings_service.hpp"

#include <algorithm>
#include <set>

#include "core/json_values.hpp"
#include "core/log.hpp"

namespace meridian::meetings {
namespace {

// Why a person's presence rules out recording (guests: by the host's country).
std::string recording_refusal(const Peer& p) {
  if (p.role == MeetingRole::guest)
    return p.display_name + " is a guest invited from " + p.rules_country +
           ", where recording is turned off (feature meet.recording; guests count as from the host's country)";
  return p.display_name + " takes part from " + p.rules_country +
         ", where recording is turned off (feature meet.recording)";
}

// The recording's records could not be written: the meeting goes on, the log says which.
void log_if_not_stored(std::int64_t recording_id, const Result<void>& r) {
  if (!r.ok())
    log::error("meetings.recording_not_stored", {{"recording", recording_id}, {"message", r.error().message}});
}

}  // namespace

std::vector<Peer> MeetingsService::admitted_snapshot(const LiveRoom& live) {
  if (live.recording_id == 0) return {};
  return live.room.admitted();
}

MeetingsService::PresenceChange MeetingsService::presence_change(const LiveRoom& live, const std::vector<Peer>& before,
                                                                 bool room_gone) {
  PresenceChange c;
  if (live.recording_id == 0) return c;
  c.meeting_id = live.room.meeting_id();
  c.recording_id = live.recording_id;
  c.room_gone = room_gone;
  const auto after = live.room.admitted();
  auto has = [](const std::vector<Peer>& v, std::uint64_t id) {
    return std::any_of(v.begin(), v.end(), [&](const Peer& p) { return p.peer_id == id; });
  };
  for (const auto& p : after)
    if (!has(before, p.peer_id))
      c.joined.push_back(RecordingPresence{p.peer_id, p.user_id, p.display_name, meeting_role_name(p.role), p.country,
                                           0, std::nullopt, std::nullopt});
  for (const auto& p : before)
    if (!has(after, p.peer_id)) c.left.push_back(p.peer_id);
  return c;
}

void MeetingsService::enforce_recording_rules(PresenceChange& change, Effects& fx) {
  if (change.recording_id == 0 || change.joined.empty() || !toggles_) return;
  std::vector<Peer> joined;
  {
    std::lock_guard lock(mutex_);
    auto live = rooms_.find(change.meeting_id);
    if (live == rooms_.end()) return;
    for (const auto& j : change.joined)
      if (const Peer* p = live->second.room.peer(j.peer_id)) joined.push_back(*p);
  }
  std::string reason;
  for (const auto& p : joined) {
    if (p.rules_country.empty()) continue;
    auto on = toggles_->enabled("meet.recording", p.rules_country);
    if (!on.ok()) {
      log::error("meetings.toggle_unavailable", {{"message", on.error().message}});
      continue;
    }
    if (!*on) {
      reason = "recording stopped: " + recording_refusal(p);
      break;
    }
  }
  if (reason.empty()) return;
  {
    std::lock_guard lock(mutex_);
    auto live = rooms_.find(change.meeting_id);
    if (live == rooms_.end() || live->second.recording_id != change.recording_id) return;
    live->second.recording_id = 0;
    auto stopped = live->second.room.recording_stopped(reason);
    for (auto& d : stopped.deliveries) fx.deliveries.push_back(std::move(d));
  }
  log_if_not_stored(change.recording_id,
                    finish_recording(change.meeting_id, change.recording_id, std::nullopt, reason));
  change = PresenceChange{};
}

void MeetingsService::record_presence(const PresenceChange& change) {
  if (change.recording_id == 0) return;
  if (change.room_gone) {
    log_if_not_stored(change.recording_id,
                      finish_recording(change.meeting_id, change.recording_id, std::nullopt, "everyone left"));
    return;
  }
  if (change.joined.empty() && change.left.empty()) return;
  const UnixMillis now = clock_.now_ms();
  auto r = db_.write([&](storage::Session& s) -> Result<void> {
    for (auto p : change.joined) {
      p.joined_at = now;
      MERIDIAN_TRY(repo_.insert_presence(s, change.recording_id, p));
    }
    for (auto id : change.left) MERIDIAN_TRY(repo_.close_presence(s, change.recording_id, id, now));
    return {};
  });
  log_if_not_stored(change.recording_id, r);
}

Result<void> MeetingsService::finish_recording(std::int64_t meeting_id, std::int64_t recording_id,
                                               std::optional<std::int64_t> by, const std::string& reason) {
  const UnixMillis now = clock_.now_ms();
  auto r = db_.write([&](storage::Session& s) -> Result<void> {
    MERIDIAN_TRY(repo_.stop_recording(s, recording_id, by, now, reason));
    if (!webhooks_) return {};
    boost::json::object data{{"meeting_id", meeting_id},
                             {"recording_id", recording_id},
                             {"stopped_at", now},
                             {"stopped_by", json::nullable(by)},
                             {"reason", reason}};
    return webhooks_->enqueue(s, "recording.stopped", data);
  });
  if (r.ok() && webhooks_) webhooks_->wake();
  return r;
}

Result<Effects> MeetingsService::start_recording(std::uint64_t peer_id, std::int64_t meeting_id) {
  std::vector<Peer> present;
  Peer actor;
  {
    std::lock_guard lock(mutex_);
    MERIDIAN_ASSIGN_OR_RETURN(auto live, room_of(peer_id, meeting_id));
    MERIDIAN_TRY(live->room.require_moderator(peer_id, "start or stop recording"));
    if (live->recording_id != 0) return make_error(ErrorCode::conflict, "the meeting is already being recorded");
    present = live->room.admitted();
    actor = *live->room.peer(peer_id);
  }
  if (toggles_) {
    for (const auto& p : present) {
      if (p.rules_country.empty()) continue;
      auto on = toggles_->enabled("meet.recording", p.rules_country);
      if (!on.ok()) return on.error();
      if (!*on) return make_error(ErrorCode::forbidden, "recording is not allowed: " + recording_refusal(p));
    }
  }
  Recording rec;
  rec.meeting_id = meeting_id;
  rec.started_by = actor.user_id;
  rec.started_by_name = actor.display_name;
  rec.started_at = clock_.now_ms();
  // Restriction of processing (GDPR art. 18): a restricted person's name is not sent to
  // integrations (the webhook says a participant was there, with their role).
  std::set<std::int64_t> restricted;
  if (webhooks_) {
    for (const auto& p : present) {
      if (p.user_id <= 0) continue;  // guests have no account flags
      MERIDIAN_ASSIGN_OR_RETURN(auto user, identity_.user(p.user_id));
      if (user.gdpr.restrict_processing) restricted.insert(p.user_id);
    }
  }
  const auto name_for_integrations = [&restricted](std::int64_t user_id, const std::string& name) {
    return restricted.contains(user_id) ? boost::json::value(nullptr) : boost::json::value(name);
  };
  auto id = write_value<std::int64_t>(db_, [&](storage::Session& s) -> Result<std::int64_t> {
    auto rid = repo_.insert_recording(s, rec);
    if (!rid.ok()) return rid;
    boost::json::array people;
    for (const auto& p : present) {
      MERIDIAN_TRY(
          repo_.insert_presence(s, *rid,
                                RecordingPresence{p.peer_id, p.user_id, p.display_name, meeting_role_name(p.role),
                                                  p.country, rec.started_at, std::nullopt, std::nullopt}));
      people.push_back(boost::json::object{{"display_name", name_for_integrations(p.user_id, p.display_name)},
                                           {"role", meeting_role_name(p.role)}});
    }
    if (webhooks_) {
      boost::json::object data{
          {"meeting_id", meeting_id},
          {"recording_id", *rid},
          {"started_at", rec.started_at},
          {"started_by",
           boost::json::object{{"user_id", rec.started_by},
                               {"display_name", name_for_integrations(rec.started_by, rec.started_by_name)}}},
          {"participants", std::move(people)}};
      MERIDIAN_TRY(webhooks_->enqueue(s, "recording.started", data));
    }
    return rid;
  });
  if (!id.ok()) return id.error();
  if (webhooks_) webhooks_->wake();
  bool ended = false;
  {
    std::lock_guard lock(mutex_);
    auto live = rooms_.find(meeting_id);
    ended = live == rooms_.end();
    // The check above ran before the insert: a second start may have raced this one.
    if (!ended && live->second.recording_id == 0) {
      live->second.recording_id = *id;
      boost::json::object indicator{{"id", *id}, {"started_at", rec.started_at}, {"started_by", rec.started_by_name}};
      return live->second.room.broadcast_recording(peer_id, indicator);
    }
  }
  // Another start won, or the meeting ended meanwhile: this recording stops at once
  // instead of staying "running" in the records with nobody to stop it.
  log_if_not_stored(*id, finish_recording(meeting_id, *id, actor.user_id, ended ? "meeting ended" : "started twice"));
  if (ended) return make_error(ErrorCode::not_found, "the meeting is not running");
  return make_error(ErrorCode::conflict, "the meeting is already being recorded");
}

Result<Effects> MeetingsService::stop_recording(std::uint64_t peer_id, std::int64_t meeting_id) {
  std::int64_t recording_id = 0;
  std::int64_t by = 0;
  Result<Effects> fx = Effects{};
  {
    std::lock_guard lock(mutex_);
    MERIDIAN_ASSIGN_OR_RETURN(auto live, room_of(peer_id, meeting_id));
    MERIDIAN_TRY(live->room.require_moderator(peer_id, "start or stop recording"));
    if (live->recording_id == 0) return make_error(ErrorCode::conflict, "the meeting is not being recorded");
    recording_id = live->recording_id;
    by = live->room.peer(peer_id)->user_id;
    live->recording_id = 0;
    fx = live->room.broadcast_recording(peer_id, boost::json::object{});
  }
  MERIDIAN_TRY(finish_recording(meeting_id, recording_id, by, "stopped"));
  return fx;
}

Result<void> MeetingsService::acknowledge_recording(std::uint64_t peer_id, std::int64_t meeting_id) {
  std::int64_t recording_id = 0;
  {
    std::lock_guard lock(mutex_);
    MERIDIAN_ASSIGN_OR_RETURN(auto live, room_of(peer_id, meeting_id));
    recording_id = live->recording_id;
  }
  if (recording_id == 0) return make_error(ErrorCode::conflict, "the meeting is not being recorded");
  const UnixMillis now = clock_.now_ms();
  auto done =
      write_value<bool>(db_, [&](storage::Session& s) { return repo_.acknowledge(s, recording_id, peer_id, now); });
  if (!done.ok()) return done.error();
  return {};
}

Result<std::vector<Recording>> MeetingsService::recordings(const Subject& who, std::int64_t meeting_id) {
  auto m = get(who, meeting_id);
  if (!m.ok()) return m.error();
  return read_value<std::vector<Recording>>(db_, [&](storage::Session& s) { return repo_.recordings(s, meeting_id); });
}

}  // namespace meridian::meetings
