#include "meetings/meetings_repository.hpp"
#include "storage/row_columns.hpp"

namespace meridian::meetings {
namespace {

constexpr const char* kMeetingColumns =
    "m.id, m.code, m.title, m.kind, m.host_id, u.display_name, m.starts_at, m.duration_minutes, m.time_zone, "
    "m.lobby_for_external, m.guests_can_share_screen, m.created_at, m.ended_at, m.cancelled_at, m.locked";

Meeting meeting_from(const storage::Row& r) {
  Meeting m;
  storage::read_columns(r, m.id, m.code, m.title, storage::text_as([&](const std::string& t) {
                          m.kind = t == "scheduled" ? MeetingKind::scheduled : MeetingKind::instant;
                        }),
                        m.host_id, m.host_name, m.starts_at, m.duration_minutes, m.time_zone, m.lobby_for_external,
                        m.guests_can_share_screen, m.created_at, m.ended_at, m.cancelled_at, m.locked);
  return m;
}

Result<std::optional<Meeting>> one_meeting(storage::Session& s, const std::string& where, const storage::Value& key) {
  return storage::query_row(
      s, std::string("SELECT ") + kMeetingColumns + " FROM meetings m JOIN users u ON u.id = m.host_id WHERE " + where,
      {key}, meeting_from);
}

GuestRecord guest_from(const storage::Row& r) {
  GuestRecord g;
  storage::read_columns(r, g.id, g.meeting_id, g.display_name, g.expires_at);
  g.revoked = !r.is_null(4);
  return g;
}

}  // namespace

Result<std::optional<std::int64_t>> MeetingsRepository::insert_meeting(S& s, const Meeting& m) {
  return storage::query_row(
      s,
      "INSERT INTO meetings (code, title, kind, host_id, starts_at, duration_minutes, time_zone, lobby_for_external, "
      "guests_can_share_screen, created_at, locked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING "
      "RETURNING id",
      {m.code, m.title, std::string(meeting_kind_name(m.kind)), m.host_id, storage::nullable(m.starts_at),
       m.duration_minutes, m.time_zone, std::int64_t{m.lobby_for_external}, std::int64_t{m.guests_can_share_screen},
       m.created_at, std::int64_t{m.locked}},
      [](const storage::Row& r) { return r.integer(0); });
}

Result<void> MeetingsRepository::insert_invitee(S& s, std::int64_t meeting_id, const Invitee& i) {
  return storage::exec(
      s,
      "INSERT INTO meeting_invitees (meeting_id, user_id, role, via_team_id) VALUES (?, ?, ?, ?) "
      "ON CONFLICT DO NOTHING",
      {meeting_id, i.user_id, std::string(meeting_role_name(i.role)), storage::nullable(i.via_team_id)});
}

Result<std::optional<Meeting>> MeetingsRepository::meeting(S& s, std::int64_t id) {
  return one_meeting(s, "m.id = ?", id);
}

Result<std::optional<Meeting>> MeetingsRepository::meeting_by_code(S& s, const std::string& code) {
  return one_meeting(s, "m.code = ?", code);
}

Result<std::vector<Invitee>> MeetingsRepository::invitees(S& s, std::int64_t meeting_id) {
  return storage::query_rows(
      s, "SELECT user_id, role, via_team_id FROM meeting_invitees WHERE meeting_id = ? ORDER BY user_id", {meeting_id},
      [](const storage::Row& r) {
        Invitee i;
        storage::read_columns(r, i.user_id,
                              storage::text_as([&](const std::string& t) { parse_meeting_role(t, i.role); }),
                              i.via_team_id);
        return i;
      });
}

Result<std::vector<std::int64_t>> MeetingsRepository::meeting_ids_for(S& s, std::int64_t user_id, std::int64_t limit) {
  return storage::query_integers(
      s,
      "SELECT id FROM meetings WHERE host_id = ? OR id IN (SELECT meeting_id FROM meeting_invitees WHERE user_id = ?) "
      "ORDER BY id DESC LIMIT ?",
      {user_id, user_id, limit});
}

Result<void> MeetingsRepository::mark_ended(S& s, std::int64_t meeting_id, UnixMillis at) {
  return storage::exec(s, "UPDATE meetings SET ended_at = ? WHERE id = ?", {at, meeting_id});
}

Result<void> MeetingsRepository::update_meeting(S& s, const Meeting& m) {
  return storage::exec(
      s,
      "UPDATE meetings SET title = ?, starts_at = ?, duration_minutes = ?, time_zone = ?, lobby_for_external = ?, "
      "guests_can_share_screen = ?, locked = ? WHERE id = ?",
      {m.title, storage::nullable(m.starts_at), m.duration_minutes, m.time_zone, std::int64_t{m.lobby_for_external},
       std::int64_t{m.guests_can_share_screen}, std::int64_t{m.locked}, m.id});
}

Result<void> MeetingsRepository::replace_invitees(S& s, std::int64_t meeting_id, const std::vector<Invitee>& invitees) {
  MERIDIAN_TRY(storage::exec(s, "DELETE FROM meeting_invitees WHERE meeting_id = ?", {meeting_id}));
  for (const auto& i : invitees) MERIDIAN_TRY(insert_invitee(s, meeting_id, i));
  return {};
}

Result<void> MeetingsRepository::mark_cancelled(S& s, std::int64_t meeting_id, UnixMillis at) {
  return storage::exec(s, "UPDATE meetings SET cancelled_at = ? WHERE id = ? AND cancelled_at IS NULL",
                       {at, meeting_id});
}

Result<std::int64_t> MeetingsRepository::insert_guest(S& s, std::int64_t meeting_id, const std::string& display_name,
                                                      const std::string& token_hash, UnixMillis now,
                                                      UnixMillis expires_at) {
  return storage::query_integer(
      s,
      "INSERT INTO meeting_guests (meeting_id, display_name, token_hash, created_at, expires_at) "
      "VALUES (?, ?, ?, ?, ?) RETURNING id",
      {meeting_id, display_name, token_hash, now, expires_at});
}

Result<std::optional<GuestRecord>> MeetingsRepository::guest_by_token_hash(S& s, const std::string& token_hash) {
  auto rows =
      s.query("SELECT id, meeting_id, display_name, expires_at, revoked_at FROM meeting_guests WHERE token_hash = ?",
              {token_hash});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<GuestRecord>{};
  return std::optional<GuestRecord>(guest_from(rows->front()));
}

Result<std::optional<GuestRecord>> MeetingsRepository::guest(S& s, std::int64_t id) {
  auto rows =
      s.query("SELECT id, meeting_id, display_name, expires_at, revoked_at FROM meeting_guests WHERE id = ?", {id});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<GuestRecord>{};
  return std::optional<GuestRecord>(guest_from(rows->front()));
}

Result<void> MeetingsRepository::revoke_guests(S& s, std::int64_t meeting_id, UnixMillis at) {
  return storage::exec(s, "UPDATE meeting_guests SET revoked_at = ? WHERE meeting_id = ? AND revoked_at IS NULL",
                       {at, meeting_id});
}

Result<std::int64_t> MeetingsRepository::insert_recording(S& s, const Recording& r) {
  return storage::query_integer(
      s,
      "INSERT INTO meeting_recordings (meeting_id, started_by, started_by_name, started_at) VALUES (?, ?, ?, ?) "
      "RETURNING id",
      {r.meeting_id, r.started_by, r.started_by_name, r.started_at});
}

Result<void> MeetingsRepository::insert_presence(S& s, std::int64_t recording_id, const RecordingPresence& p) {
  return storage::exec(
      s,
      "INSERT INTO meeting_recording_presence (recording_id, peer_id, user_id, display_name, role, country, joined_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {recording_id, static_cast<std::int64_t>(p.peer_id), p.user_id, p.display_name, p.role, p.country, p.joined_at});
}

Result<void> MeetingsRepository::close_presence(S& s, std::int64_t recording_id, std::uint64_t peer_id, UnixMillis at) {
  return storage::exec(
      s, "UPDATE meeting_recording_presence SET left_at = ? WHERE recording_id = ? AND peer_id = ? AND left_at IS NULL",
      {at, recording_id, static_cast<std::int64_t>(peer_id)});
}

Result<void> MeetingsRepository::stop_recording(S& s, std::int64_t recording_id, std::optional<std::int64_t> stopped_by,
                                                UnixMillis at, const std::string& reason) {
  MERIDIAN_TRY(storage::exec(
      s,
      "UPDATE meeting_recordings SET stopped_at = ?, stopped_by = ?, stop_reason = ? WHERE id = ? AND stopped_at IS "
      "NULL",
      {at, storage::nullable(stopped_by), reason, recording_id}));
  return storage::exec(s,
                       "UPDATE meeting_recording_presence SET left_at = ? WHERE recording_id = ? AND left_at IS NULL",
                       {at, recording_id});
}

Result<bool> MeetingsRepository::acknowledge(S& s, std::int64_t recording_id, std::uint64_t peer_id, UnixMillis at) {
  return storage::exec_changed(
      s,
      "UPDATE meeting_recording_presence SET acknowledged_at = ? WHERE recording_id = ? AND peer_id = ? "
      "AND acknowledged_at IS NULL",
      {at, recording_id, static_cast<std::int64_t>(peer_id)});
}

Result<std::vector<Recording>> MeetingsRepository::recordings(S& s, std::int64_t meeting_id) {
  auto rows = s.query(
      "SELECT id, meeting_id, started_by, started_by_name, started_at, stopped_by, stopped_at, stop_reason "
      "FROM meeting_recordings WHERE meeting_id = ? ORDER BY id",
      {meeting_id});
  if (!rows.ok()) return rows.error();
  std::vector<Recording> out;
  for (const auto& r : *rows) {
    Recording rec;
    storage::read_columns(r, rec.id, rec.meeting_id, rec.started_by, rec.started_by_name, rec.started_at,
                          rec.stopped_by, rec.stopped_at, rec.stop_reason);
    auto people = s.query(
        "SELECT peer_id, user_id, display_name, role, country, joined_at, left_at, acknowledged_at "
        "FROM meeting_recording_presence WHERE recording_id = ? ORDER BY id",
        {rec.id});
    if (!people.ok()) return people.error();
    for (const auto& p : *people) {
      RecordingPresence presence;
      presence.peer_id = static_cast<std::uint64_t>(p.integer(0));
      storage::read_columns(p, storage::skip_column, presence.user_id, presence.display_name, presence.role,
                            presence.country, presence.joined_at, presence.left_at, presence.acknowledged_at);
      rec.participants.push_back(std::move(presence));
    }
    out.push_back(std::move(rec));
  }
  return out;
}

Result<std::optional<std::int64_t>> MeetingsRepository::guest_user(S& s, std::int64_t guest_id) {
  auto rows = s.query("SELECT user_id FROM meeting_guests WHERE id = ?", {guest_id});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<std::int64_t>{};
  return rows->front().optional_integer(0);
}

Result<void> MeetingsRepository::set_guest_user(S& s, std::int64_t guest_id, std::int64_t user_id) {
  return storage::exec(s, "UPDATE meeting_guests SET user_id = ? WHERE id = ? AND user_id IS NULL",
                       {user_id, guest_id});
}

Result<std::vector<std::int64_t>> MeetingsRepository::guest_users(S& s, std::int64_t meeting_id) {
  return storage::query_integers(s, "SELECT user_id FROM meeting_guests WHERE meeting_id = ? AND user_id IS NOT NULL",
                                 {meeting_id});
}

}  // namespace meridian::meetings
