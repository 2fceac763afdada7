#include "meetings/meetings_personal_data.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/json_values.hpp"

namespace meridian::meetings {
namespace {

using platform::PersonalRecordCount;

// What a meeting shows for an erased person (as identity shows for the account).
constexpr const char* kFormerUser = "Former user";

// "?, ?, ?" for n values.
std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

// Who the person is in recording presence: their account, and each of their guest passes
// (a guest in a room is minus the pass id; a pass remembers the guest account it wrote as).
Result<storage::Params> presence_ids(storage::Session& s, std::int64_t user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(
      auto passes,
      storage::query_integers(s, "SELECT id FROM meeting_guests WHERE user_id = ? ORDER BY id", {user_id}));
  storage::Params ids{user_id};
  for (std::int64_t g : passes) ids.emplace_back(-g);
  return ids;
}

struct Counts {
  std::int64_t invitations = 0, presence = 0, guest_passes = 0, hosted = 0, recordings_started = 0;
};

Result<Counts> counts(storage::Session& s, std::int64_t user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto ids, presence_ids(s, user_id));
  Counts c;
  auto n = storage::query_integer(s, "SELECT COUNT(*) FROM meeting_invitees WHERE user_id = ?", {user_id});
  if (!n.ok()) return n.error();
  c.invitations = *n;
  n = storage::query_integer(
      s, "SELECT COUNT(*) FROM meeting_recording_presence WHERE user_id IN (" + placeholders(ids.size()) + ")", ids);
  if (!n.ok()) return n.error();
  c.presence = *n;
  n = storage::query_integer(s, "SELECT COUNT(*) FROM meeting_guests WHERE user_id = ?", {user_id});
  if (!n.ok()) return n.error();
  c.guest_passes = *n;
  n = storage::query_integer(s, "SELECT COUNT(*) FROM meetings WHERE host_id = ?", {user_id});
  if (!n.ok()) return n.error();
  c.hosted = *n;
  n = storage::query_integer(s, "SELECT COUNT(*) FROM meeting_recordings WHERE started_by = ?", {user_id});
  if (!n.ok()) return n.error();
  c.recordings_started = *n;
  return c;
}

// A name the person appeared under in a recording's participant list, and the role.
struct Appearance {
  std::string display_name;
  std::string role;
};

// Rewrites the recording.started deliveries of these recordings so that they no longer
// carry the person's name: as the starter (by user id), and as a participant (the list
// holds names and roles only, so the first entry matching each of the person's presence
// rows in that recording). Returns how many deliveries changed.
Result<std::int64_t> rewrite_deliveries(storage::Session& s, std::int64_t user_id,
                                        const std::map<std::int64_t, std::vector<Appearance>>& recordings) {
  std::int64_t changed = 0;
  for (const auto& [recording_id, appearances] : recordings) {
    auto rows = s.query(
        "SELECT id, payload FROM webhook_deliveries WHERE event = 'recording.started' AND payload LIKE ? ESCAPE '\\' "
        "ORDER BY id",
        {storage::contains_pattern("\"recording_id\":" + std::to_string(recording_id))});
    if (!rows.ok()) return rows.error();
    for (const auto& r : *rows) {
      boost::system::error_code ec;
      auto payload = boost::json::parse(r.text(1), ec);
      if (ec || !payload.is_object()) continue;
      auto* data = payload.as_object().if_contains("data");
      if (!data || !data->is_object()) continue;
      auto& d = data->as_object();
      const auto* rid = d.if_contains("recording_id");
      if (!rid || !rid->is_int64() || rid->as_int64() != recording_id) continue;
      bool rewritten = false;
      if (auto* by = d.if_contains("started_by"); by && by->is_object()) {
        auto& starter = by->as_object();
        const auto* id = starter.if_contains("user_id");
        const auto* name = starter.if_contains("display_name");
        if (id && id->is_int64() && id->as_int64() == user_id &&
            !(name && name->is_string() && name->as_string() == kFormerUser)) {
          starter["display_name"] = kFormerUser;
          rewritten = true;
        }
      }
      if (auto* people = d.if_contains("participants"); people && people->is_array()) {
        for (const auto& a : appearances) {
          for (auto& p : people->as_array()) {
            if (!p.is_object()) continue;
            auto& o = p.as_object();
            const auto* name = o.if_contains("display_name");
            const auto* role = o.if_contains("role");
            if (name && role && name->is_string() && role->is_string() && name->as_string() == a.display_name &&
                role->as_string() == a.role) {
              o["display_name"] = kFormerUser;
              rewritten = true;
              break;
            }
          }
        }
      }
      if (!rewritten) continue;
      MERIDIAN_TRY(storage::exec(s, "UPDATE webhook_deliveries SET payload = ? WHERE id = ?",
                                 {boost::json::serialize(payload), r.integer(0)}));
      ++changed;
    }
  }
  return changed;
}

Result<std::vector<PersonalRecordCount>> count_records(storage::Session& s, std::int64_t user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto c, counts(s, user_id));
  return std::vector<PersonalRecordCount>{{"meetings.invitations", c.invitations},
                                          {"meetings.recording_presence", c.presence},
                                          {"meetings.guest_passes", c.guest_passes},
                                          {"meetings.hosted", c.hosted},
                                          {"meetings.recordings_started", c.recordings_started}};
}

Result<boost::json::object> collect(storage::Session& s, std::int64_t user_id) {
  boost::json::object out;
  auto rows = s.query(
      "SELECT m.id, m.title, m.starts_at, m.duration_minutes, i.role, i.via_team_id FROM meeting_invitees i "
      "JOIN meetings m ON m.id = i.meeting_id WHERE i.user_id = ? ORDER BY m.id",
      {user_id});
  if (!rows.ok()) return rows.error();
  boost::json::array invitations;
  for (const auto& r : *rows) {
    boost::json::object o{{"meeting_id", r.integer(0)},       {"title", r.text(1)}, {"starts_at", nullptr},
                          {"duration_minutes", r.integer(3)}, {"role", r.text(4)},  {"via_team_id", nullptr}};
    if (auto at = r.optional_integer(2)) o["starts_at"] = *at;
    if (auto team = r.optional_integer(5)) o["via_team_id"] = *team;
    invitations.push_back(std::move(o));
  }
  out["invitations"] = std::move(invitations);

  rows = s.query(
      "SELECT id, code, title, kind, starts_at, duration_minutes, time_zone, created_at, ended_at, cancelled_at "
      "FROM meetings WHERE host_id = ? ORDER BY id",
      {user_id});
  if (!rows.ok()) return rows.error();
  boost::json::array hosted;
  for (const auto& r : *rows) {
    boost::json::object o{{"id", r.integer(0)},
                          {"code", r.text(1)},
                          {"title", r.text(2)},
                          {"kind", r.text(3)},
                          {"duration_minutes", r.integer(5)},
                          {"time_zone", r.text(6)},
                          {"created_at", r.integer(7)}};
    for (auto [i, key] : {std::pair{4, "starts_at"}, std::pair{8, "ended_at"}, std::pair{9, "cancelled_at"}}) {
      o[key] = json::nullable(r.optional_integer(static_cast<std::size_t>(i)));
    }
    hosted.push_back(std::move(o));
  }
  out["hosted"] = std::move(hosted);

  MERIDIAN_ASSIGN_OR_RETURN(auto ids, presence_ids(s, user_id));
  rows = s.query(
      "SELECT r.meeting_id, p.recording_id, p.display_name, p.role, p.country, p.joined_at, p.left_at, "
      "p.acknowledged_at FROM meeting_recording_presence p JOIN meeting_recordings r ON r.id = p.recording_id "
      "WHERE p.user_id IN (" +
          placeholders(ids.size()) + ") ORDER BY p.id",
      ids);
  if (!rows.ok()) return rows.error();
  boost::json::array presence;
  for (const auto& r : *rows) {
    boost::json::object o{{"meeting_id", r.integer(0)}, {"recording_id", r.integer(1)}, {"display_name", r.text(2)},
                          {"role", r.text(3)},          {"country", r.text(4)},         {"joined_at", r.integer(5)}};
    for (auto [i, key] : {std::pair{6, "left_at"}, std::pair{7, "acknowledged_at"}}) {
      o[key] = json::nullable(r.optional_integer(static_cast<std::size_t>(i)));
    }
    presence.push_back(std::move(o));
  }
  out["recording_presence"] = std::move(presence);

  rows = s.query(
      "SELECT id, meeting_id, started_by_name, started_at, stopped_at FROM meeting_recordings WHERE started_by = ? "
      "ORDER BY id",
      {user_id});
  if (!rows.ok()) return rows.error();
  boost::json::array started;
  for (const auto& r : *rows) {
    boost::json::object o{{"id", r.integer(0)},
                          {"meeting_id", r.integer(1)},
                          {"started_by_name", r.text(2)},
                          {"started_at", r.integer(3)},
                          {"stopped_at", nullptr}};
    if (auto at = r.optional_integer(4)) o["stopped_at"] = *at;
    started.push_back(std::move(o));
  }
  out["recordings_started"] = std::move(started);

  // Token hashes are the passes' secrets, not data about the person: left out.
  rows = s.query(
      "SELECT id, meeting_id, display_name, created_at, expires_at FROM meeting_guests WHERE user_id = ? "
      "ORDER BY id",
      {user_id});
  if (!rows.ok()) return rows.error();
  boost::json::array passes;
  for (const auto& r : *rows)
    passes.push_back(boost::json::object{{"id", r.integer(0)},
                                         {"meeting_id", r.integer(1)},
                                         {"display_name", r.text(2)},
                                         {"created_at", r.integer(3)},
                                         {"expires_at", r.integer(4)}});
  out["guest_passes"] = std::move(passes);
  return out;
}

Result<void> erase_records(storage::Session& s, std::int64_t user_id, platform::ErasureReport& report) {
  // Lock order: a host's PATCH locks the meeting row and then reads its invitees, so
  // the meetings whose invitation lists change are taken first, ascending.
  auto invited = storage::query_integers(
      s, "SELECT meeting_id FROM meeting_invitees WHERE user_id = ? ORDER BY meeting_id", {user_id});
  if (!invited.ok()) return invited.error();
  for (std::int64_t meeting_id : *invited) MERIDIAN_TRY(storage::lock_row(s, "meetings", meeting_id));

  MERIDIAN_ASSIGN_OR_RETURN(auto ids, presence_ids(s, user_id));
  const std::string mine = "user_id IN (" + placeholders(ids.size()) + ")";
  std::map<std::int64_t, std::vector<Appearance>> recordings;
  auto rows = s.query(
      "SELECT recording_id, display_name, role FROM meeting_recording_presence WHERE " + mine + " ORDER BY id", ids);
  if (!rows.ok()) return rows.error();
  for (const auto& r : *rows) recordings[r.integer(0)].push_back(Appearance{r.text(1), r.text(2)});
  MERIDIAN_ASSIGN_OR_RETURN(
      auto started, storage::query_integers(s, "SELECT id FROM meeting_recordings WHERE started_by = ?", {user_id}));
  for (std::int64_t id : started) recordings.try_emplace(id);
  MERIDIAN_ASSIGN_OR_RETURN(auto rewritten, rewrite_deliveries(s, user_id, recordings));

  auto erase = [&](std::string_view kind, const std::string& sql, const storage::Params& params) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(auto n, s.execute(sql, params));
    report.erased.push_back(PersonalRecordCount{std::string(kind), n});
    return {};
  };
  MERIDIAN_TRY(erase("meetings.invitations", "DELETE FROM meeting_invitees WHERE user_id = ?", {user_id}));
  MERIDIAN_TRY(erase("meetings.recording_presence", "DELETE FROM meeting_recording_presence WHERE " + mine, ids));
  MERIDIAN_TRY(erase("meetings.guest_passes", "DELETE FROM meeting_guests WHERE user_id = ?", {user_id}));
  MERIDIAN_TRY(
      s.execute("UPDATE meeting_recordings SET started_by_name = ? WHERE started_by = ? AND "
                "started_by_name <> ?",
                {std::string(kFormerUser), user_id, std::string(kFormerUser)}));

  MERIDIAN_ASSIGN_OR_RETURN(auto c, counts(s, user_id));
  report.pseudonymised.push_back(PersonalRecordCount{"meetings.hosted", c.hosted});
  report.pseudonymised.push_back(PersonalRecordCount{"meetings.recordings_started", c.recordings_started});
  // The deliveries this call rewrote (a repeat finds none left naming the person).
  report.pseudonymised.push_back(PersonalRecordCount{"meetings.webhook_deliveries", rewritten});
  return {};
}

}  // namespace

MeetingsPersonalData::MeetingsPersonalData(storage::Database& db)
    : StoredPersonalData(db, {"meetings",
                              count_records,
                              collect,
                              erase_records,
                              {"meetings", "meeting_invitees", "meeting_guests", "meeting_recordings",
                               "meeting_recording_presence", "webhook_deliveries"}}) {}

}  // namespace meridian::meetings
