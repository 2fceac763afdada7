#include "meetings/meetings_service.hpp"

#include <algorithm>

#include "core/log.hpp"
#include "core/random.hpp"
#include "core/text_rules.hpp"
#include "meetings/turn_credentials.hpp"
#include "region/countries.hpp"

namespace meridian::meetings {
namespace {

constexpr std::int64_t kMaxInvitees = 500;
constexpr std::int64_t kMyMeetingsLimit = 100;

Result<std::string> clean_name(std::string_view text, std::string_view what, std::size_t max_chars) {
  std::size_t b = 0, e = text.size();
  while (b < e && (text[b] == ' ' || text[b] == '\t')) ++b;
  while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
  std::string_view t = text.substr(b, e - b);
  if (t.empty()) return make_error(ErrorCode::invalid_argument, std::string(what) + " must not be blank");
  if (t.size() > max_chars)
    return make_error(ErrorCode::invalid_argument,
                      std::string(what) + " is at most " + std::to_string(max_chars) + " bytes");
  MERIDIAN_TRY(text::check(t, what, text::Lines::single));
  return std::string(t);
}

}  // namespace

const char* meeting_kind_name(MeetingKind kind) { return kind == MeetingKind::scheduled ? "scheduled" : "instant"; }

std::string meeting_scope(std::int64_t meeting_id) { return "meeting:" + std::to_string(meeting_id); }

boost::json::object region_json(const RegionChoice& choice) {
  boost::json::object per_country;
  for (const auto& [c, ms] : choice.per_country) per_country[c] = ms;
  boost::json::array candidates;
  for (const auto& c : choice.candidates)
    candidates.push_back(boost::json::object{{"region", c.region}, {"worst_ms", c.worst_ms}, {"mean_ms", c.mean_ms}});
  return boost::json::object{
      {"region", choice.region.empty() ? boost::json::value(nullptr) : boost::json::value(choice.region)},
      {"worst_rtt_ms", choice.worst_ms},
      {"mean_rtt_ms", choice.mean_ms},
      {"expected_rtt_ms", std::move(per_country)},
      {"candidates", std::move(candidates)}};
}

MeetingsService::MeetingsService(storage::Database& db, identity::IdentityService& identity,
                                 const policy::Policy& policy, const Clock& clock, MeetingsOptions options,
                                 region::FeatureToggles* toggles, WebhookDispatcher* webhooks, chat::ChatService* chat,
                                 chat::RoomGuests* room_guests)
    : db_(db),
      identity_(identity),
      policy_(policy),
      clock_(clock),
      options_(std::move(options)),
      toggles_(toggles),
      webhooks_(webhooks),
      chat_(chat),
      room_guests_(room_guests) {}

std::string MeetingsService::join_url(const Meeting& m) const {
  std::string base = options_.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/meet/" + m.code;
}

Result<Meeting> MeetingsService::create(const Subject& who, NewMeeting input) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::host_meeting));
  auto host = identity_.user(who.user_id);
  if (!host.ok()) return host.error();
  Meeting m;
  auto title = clean_name(input.title, "title", 200);
  if (!title.ok()) return title.error();
  m.title = std::move(*title);
  m.kind = input.kind;
  m.host_id = who.user_id;
  m.host_name = host->display_name;
  const UnixMillis now = clock_.now_ms();
  if (m.kind == MeetingKind::scheduled) {
    if (!input.starts_at) return make_error(ErrorCode::invalid_argument, "a scheduled meeting needs starts_at");
    if (*input.starts_at < now - 5 * 60 * 1000)
      return make_error(ErrorCode::invalid_argument, "starts_at is in the past");
    m.starts_at = input.starts_at;
  } else if (input.starts_at) {
    return make_error(ErrorCode::invalid_argument, "an instant meeting has no starts_at: use kind 'scheduled'");
  }
  if (input.duration_minutes < 1 || input.duration_minutes > 24 * 60)
    return make_error(ErrorCode::invalid_argument, "duration_minutes must be between 1 and 1440");
  m.duration_minutes = input.duration_minutes;
  m.time_zone = input.time_zone.value_or(host->time_zone);
  if (!region::local_time(m.time_zone, now).ok())
    return make_error(ErrorCode::invalid_argument, "time_zone '" + m.time_zone + "' is not an IANA time zone");
  m.lobby_for_external = input.lobby_for_external;
  m.guests_can_share_screen = input.guests_can_share_screen;
  m.locked = input.locked;
  m.created_at = now;

  auto invitees = resolve_invitees(who.user_id, input.user_ids, input.team_ids, input.cohost_ids, {});
  if (!invitees.ok()) return invitees.error();
  m.invitees = std::move(*invitees);

  auto stored = write_value<Meeting>(db_, [&](storage::Session& s) -> Result<Meeting> {
    for (int attempt = 0; attempt < 3; ++attempt) {
      m.code = random_token(9);
      auto id = repo_.insert_meeting(s, m);
      if (!id.ok()) return id.error();
      if (!*id) continue;
      m.id = **id;
      for (const auto& i : m.invitees) MERIDIAN_TRY(repo_.insert_invitee(s, m.id, i));
      Meeting out = m;
      return out;
    }
    return make_error(ErrorCode::internal, "could not pick a unique meeting code");
  });
  return stored;
}

Result<std::vector<Invitee>> MeetingsService::resolve_invitees(std::int64_t host_id,
                                                               const std::vector<std::int64_t>& user_ids,
                                                               const std::vector<std::int64_t>& team_ids,
                                                               const std::vector<std::int64_t>& cohost_ids,
                                                               const std::vector<Invitee>& before) {
  auto was_invited = [&](std::int64_t id) {
    return std::any_of(before.begin(), before.end(), [&](const Invitee& i) { return i.user_id == id; });
  };
  std::map<std::int64_t, Invitee> invitees;
  auto add_person = [&](std::int64_t user_id, std::optional<std::int64_t> team) -> Result<void> {
    if (user_id == host_id || invitees.contains(user_id)) return {};
    auto u = identity_.user(user_id);
    if (!u.ok() || !u->active) {
      // Someone invited earlier and deactivated since is dropped, not an error.
      if (was_invited(user_id) || team) return {};
      return make_error(ErrorCode::invalid_argument, "user " + std::to_string(user_id) + " does not exist");
    }
    Invitee i;
    i.user_id = user_id;
    i.display_name = u->display_name;
    i.kind = u->kind;
    i.country = u->country;
    i.time_zone = u->time_zone;
    i.via_team_id = team;
    invitees[user_id] = std::move(i);
    return {};
  };
  for (auto id : user_ids) MERIDIAN_TRY(add_person(id, std::nullopt));
  for (auto team_id : team_ids) {
    auto team = identity_.team(team_id);
    if (!team.ok())
      return make_error(ErrorCode::invalid_argument, "team " + std::to_string(team_id) + " does not exist");
    for (const auto& member : team->members) MERIDIAN_TRY(add_person(member.id, team_id));
  }
  for (auto id : cohost_ids) {
    if (id == host_id) continue;
    MERIDIAN_TRY(add_person(id, std::nullopt));
    auto it = invitees.find(id);
    if (it == invitees.end()) continue;  // deactivated since
    if (is_external(it->second.kind)) return make_error(ErrorCode::invalid_argument, "a customer cannot be a co-host");
    it->second.role = MeetingRole::cohost;
  }
  if (static_cast<std::int64_t>(invitees.size()) > kMaxInvitees)
    return make_error(ErrorCode::invalid_argument,
                      "a meeting invites at most " + std::to_string(kMaxInvitees) + " people");
  std::vector<Invitee> out;
  for (auto& [id, i] : invitees) out.push_back(std::move(i));
  return out;
}

Result<void> MeetingsService::fill_invitees(Meeting& m) {
  auto rows = read_value<std::vector<Invitee>>(db_, [&](storage::Session& s) { return repo_.invitees(s, m.id); });
  if (!rows.ok()) return rows.error();
  m.invitees.clear();
  for (auto& i : *rows) {
    if (auto u = identity_.user(i.user_id); u.ok()) {
      i.display_name = u->display_name;
      i.kind = u->kind;
      i.country = u->country;
      i.time_zone = u->time_zone;
    }
    m.invitees.push_back(std::move(i));
  }
  return {};
}

Result<Meeting> MeetingsService::load(std::int64_t id, bool with_invitees) {
  auto m = read_value<std::optional<Meeting>>(db_, [&](storage::Session& s) { return repo_.meeting(s, id); });
  if (!m.ok()) return m.error();
  if (!*m) return make_error(ErrorCode::not_found, "no such meeting");
  Meeting out = std::move(**m);
  if (with_invitees) MERIDIAN_TRY(fill_invitees(out));
  return out;
}

bool MeetingsService::may_see(const Subject& who, const Meeting& m) const {
  if (!who.scope.empty()) return false;
  if (m.host_id == who.user_id || who.has_role(Role::admin)) return true;
  return std::any_of(m.invitees.begin(), m.invitees.end(), [&](const Invitee& i) { return i.user_id == who.user_id; });
}

Result<Meeting> MeetingsService::get(const Subject& who, std::int64_t id) {
  auto m = load(id, true);
  if (!m.ok()) return m.error();
  if (!may_see(who, *m)) return make_error(ErrorCode::not_found, "no such meeting");
  return m;
}

Result<std::vector<Meeting>> MeetingsService::mine(const Subject& who) {
  auto ids = read_value<std::vector<std::int64_t>>(
      db_, [&](storage::Session& s) { return repo_.meeting_ids_for(s, who.user_id, kMyMeetingsLimit); });
  if (!ids.ok()) return ids.error();
  std::vector<Meeting> out;
  for (auto id : *ids) {
    auto m = load(id, true);
    if (!m.ok()) return m.error();
    out.push_back(std::move(*m));
  }
  return out;
}

namespace {

// What a patch is computed from and writes back whole: equal means nothing changed since.
bool same_as_read(const Meeting& stored, const std::vector<Invitee>& stored_invitees, const Meeting& read) {
  if (stored.title != read.title || stored.starts_at != read.starts_at ||
      stored.duration_minutes != read.duration_minutes || stored.time_zone != read.time_zone ||
      stored.lobby_for_external != read.lobby_for_external ||
      stored.guests_can_share_screen != read.guests_can_share_screen || stored.locked != read.locked ||
      stored.cancelled_at != read.cancelled_at || stored_invitees.size() != read.invitees.size())
    return false;
  for (std::size_t i = 0; i < stored_invitees.size(); ++i) {
    const auto &a = stored_invitees[i], &b = read.invitees[i];
    if (a.user_id != b.user_id || a.role != b.role || a.via_team_id != b.via_team_id) return false;
  }
  return true;
}

}  // namespace

// Two PATCHes at once each wrote every column and the whole invitee list from what they
// had read: one's fields were lost, and on PostgreSQL the invitee lists could merge. The
// write now takes the meeting row first and applies the patch only to what was read;
// otherwise the patch is computed again from the new state.
Result<MeetingChange> MeetingsService::update(const Subject& who, std::int64_t id, const MeetingPatch& patch) {
  for (int attempt = 0;; ++attempt) {
    bool raced = false;
    auto out = update_once(who, id, patch, raced);
    if (!raced || attempt == 4) return out;
  }
}

Result<MeetingChange> MeetingsService::update_once(const Subject& who, std::int64_t id, const MeetingPatch& patch,
                                                   bool& raced) {
  auto m = get(who, id);
  if (!m.ok()) return m.error();
  if (m->host_id != who.user_id) return make_error(ErrorCode::forbidden, "only the host may change this meeting");
  if (m->cancelled_at) return make_error(ErrorCode::conflict, "this meeting was cancelled");
  Meeting next = *m;
  const UnixMillis now = clock_.now_ms();
  if (patch.title) {
    auto t = clean_name(*patch.title, "title", 200);
    if (!t.ok()) return t.error();
    next.title = *t;
  }
  if (patch.starts_at) {
    if (m->kind != MeetingKind::scheduled)
      return make_error(ErrorCode::invalid_argument, "an instant meeting has no starts_at");
    if (*patch.starts_at < now - 5 * 60 * 1000)
      return make_error(ErrorCode::invalid_argument, "starts_at is in the past");
    next.starts_at = patch.starts_at;
  }
  if (patch.duration_minutes) {
    if (*patch.duration_minutes < 1 || *patch.duration_minutes > 24 * 60)
      return make_error(ErrorCode::invalid_argument, "duration_minutes must be between 1 and 1440");
    next.duration_minutes = *patch.duration_minutes;
  }
  if (patch.time_zone) {
    if (!region::local_time(*patch.time_zone, now).ok())
      return make_error(ErrorCode::invalid_argument, "time_zone '" + *patch.time_zone + "' is not an IANA time zone");
    next.time_zone = *patch.time_zone;
  }
  if (patch.lobby_for_external) next.lobby_for_external = *patch.lobby_for_external;
  if (patch.guests_can_share_screen) next.guests_can_share_screen = *patch.guests_can_share_screen;
  if (patch.locked) next.locked = *patch.locked;
  const bool invitees_change = patch.user_ids || patch.team_ids || patch.cohost_ids;
  if (invitees_change) {
    // Each list given replaces its part: people invited directly, teams, co-hosts.
    std::vector<std::int64_t> users, teams, cohosts;
    for (const auto& i : m->invitees) {
      if (!i.via_team_id)
        users.push_back(i.user_id);
      else if (std::find(teams.begin(), teams.end(), *i.via_team_id) == teams.end())
        teams.push_back(*i.via_team_id);
      if (i.role == MeetingRole::cohost) cohosts.push_back(i.user_id);
    }
    if (patch.user_ids) users = *patch.user_ids;
    if (patch.team_ids) teams = *patch.team_ids;
    if (patch.cohost_ids) {
      cohosts = *patch.cohost_ids;
    } else {  // a co-host no longer invited stops being one
      std::erase_if(cohosts, [&](std::int64_t c) {
        return std::find(users.begin(), users.end(), c) == users.end() &&
               !std::any_of(m->invitees.begin(), m->invitees.end(), [&](const Invitee& i) {
                 return i.user_id == c && i.via_team_id &&
                        std::find(teams.begin(), teams.end(), *i.via_team_id) != teams.end();
               });
      });
    }
    auto resolved = resolve_invitees(m->host_id, users, teams, cohosts, m->invitees);
    if (!resolved.ok()) return resolved.error();
    next.invitees = std::move(*resolved);
  }
  MERIDIAN_TRY(db_.write([&](storage::Session& s) -> Result<void> {
    MERIDIAN_TRY(storage::lock_row(s, "meetings", id));
    auto stored = repo_.meeting(s, id);
    if (!stored.ok()) return stored.error();
    if (!*stored) return make_error(ErrorCode::not_found, "no such meeting");
    auto stored_invitees = repo_.invitees(s, id);
    if (!stored_invitees.ok()) return stored_invitees.error();
    if (!same_as_read(**stored, *stored_invitees, *m)) {
      raced = true;
      return make_error(ErrorCode::conflict, "the meeting changed meanwhile; reload it and try again");
    }
    MERIDIAN_TRY(repo_.update_meeting(s, next));
    if (invitees_change) MERIDIAN_TRY(repo_.replace_invitees(s, id, next.invitees));
    return {};
  }));
  MeetingChange out;
  auto had = [](const Meeting& mm, std::int64_t uid) {
    return std::any_of(mm.invitees.begin(), mm.invitees.end(), [&](const Invitee& i) { return i.user_id == uid; });
  };
  out.updated.push_back(next.host_id);
  for (const auto& i : next.invitees) (had(*m, i.user_id) ? out.updated : out.invited).push_back(i.user_id);
  for (const auto& i : m->invitees)
    if (!had(next, i.user_id)) out.uninvited.push_back(i.user_id);
  {
    std::lock_guard lock(mutex_);
    if (auto live = rooms_.find(id); live != rooms_.end()) {
      const auto& st = live->second.room.settings();
      const bool settings_changed = st.lobby_for_external != next.lobby_for_external ||
                                    st.guests_can_share_screen != next.guests_can_share_screen ||
                                    (patch.locked && *patch.locked != live->second.room.locked());
      if (settings_changed)
        out.live =
            live->second.room.update_settings(next.lobby_for_external, next.guests_can_share_screen, patch.locked);
    }
  }
  out.meeting = std::move(next);
  return out;
}

Result<std::optional<Meeting>> MeetingsService::cancel(const Subject& who, std::int64_t id,
                                                       const std::function<bool()>& running_elsewhere) {
  auto m = get(who, id);
  if (!m.ok()) return m.error();
  if (m->host_id != who.user_id) return make_error(ErrorCode::forbidden, "only the host may cancel this meeting");
  if (m->cancelled_at) return std::optional<Meeting>{};
  {
    std::lock_guard lock(mutex_);
    if (rooms_.count(id)) return make_error(ErrorCode::conflict, "the meeting is running: end it for all first");
  }
  if (running_elsewhere && running_elsewhere())
    return make_error(ErrorCode::conflict, "the meeting is running: end it for all first");
  const UnixMillis now = clock_.now_ms();
  MERIDIAN_TRY(db_.write([&](storage::Session& s) -> Result<void> {
    MERIDIAN_TRY(repo_.mark_cancelled(s, id, now));
    return repo_.revoke_guests(s, id, now);
  }));
  m->cancelled_at = now;
  return std::optional<Meeting>(std::move(*m));
}

Result<Meeting> MeetingsService::by_code(const std::string& code) {
  auto m = read_value<std::optional<Meeting>>(db_, [&](storage::Session& s) { return repo_.meeting_by_code(s, code); });
  if (!m.ok()) return m.error();
  if (!*m) return make_error(ErrorCode::not_found, "no meeting with this link");
  if ((*m)->cancelled_at) return make_error(ErrorCode::conflict, "this meeting was cancelled by its host");
  Meeting out = std::move(**m);
  return out;
}

Result<GuestPass> MeetingsService::guest_pass(const std::string& code, const std::string& display_name) {
  auto name = clean_name(display_name, "display_name", 64);
  if (!name.ok()) return name.error();
  auto m = by_code(code);
  if (!m.ok()) return m.error();
  MERIDIAN_TRY(guests_allowed(*m));
  GuestPass pass;
  pass.meeting_id = m->id;
  pass.display_name = *name;
  pass.token = std::string(kGuestTokenPrefix) + random_token(32);
  const UnixMillis now = clock_.now_ms();
  pass.expires_at = now + options_.guest_token_ttl_seconds * 1000;
  auto id = write_value<std::int64_t>(db_, [&](storage::Session& s) {
    return repo_.insert_guest(s, pass.meeting_id, pass.display_name, sha256_hex(pass.token), now, pass.expires_at);
  });
  if (!id.ok()) return id.error();
  pass.guest_id = *id;
  return pass;
}

// meet.guests, by the host's country: guests come by the host's link.
Result<void> MeetingsService::guests_allowed(const Meeting& m) {
  if (!toggles_) return {};
  auto host = identity_.user(m.host_id);
  if (!host.ok()) return host.error();
  return toggles_->require("meet.guests", host->country);
}

Result<Subject> MeetingsService::authenticate_guest(std::string_view token) {
  if (token.rfind(kGuestTokenPrefix, 0) != 0) return make_error(ErrorCode::not_found, "not a guest pass");
  const std::string hash = sha256_hex(token);
  auto g = read_value<std::optional<GuestRecord>>(
      db_, [&](storage::Session& s) { return repo_.guest_by_token_hash(s, hash); });
  if (!g.ok()) return g.error();
  if (!*g) return make_error(ErrorCode::not_found, "not a guest pass");
  if ((*g)->revoked) return make_error(ErrorCode::unauthenticated, "this guest pass was revoked: the meeting ended");
  if ((*g)->expires_at <= clock_.now_ms()) return make_error(ErrorCode::unauthenticated, "this guest pass has expired");
  Subject s;
  s.user_id = -(*g)->id;
  s.kind = UserKind::guest;
  s.roles = {Role::guest};
  s.scope = meeting_scope((*g)->meeting_id);
  return s;
}

RegionChoice MeetingsService::choose_for(const Room& room) const {
  std::vector<std::string> countries;
  for (const auto& p : room.admitted()) countries.push_back(p.country);
  for (const auto& p : room.lobby()) countries.push_back(p.country);
  return choose_region(options_.regions, options_.rtt, countries);
}

boost::json::array MeetingsService::ice_servers(const RegionChoice& room_region, std::string_view country,
                                                std::string_view credential_user) const {
  boost::json::array out;
  const UnixMillis now = clock_.now_ms();
  auto add_region = [&](const std::string& name) {
    for (const auto& r : options_.regions) {
      if (r.name != name || r.turn_urls.empty() || options_.turn_secret.empty()) continue;
      auto cred = turn_credential(options_.turn_secret, credential_user, now, options_.turn_credential_ttl_seconds);
      boost::json::array urls;
      for (const auto& u : r.turn_urls) urls.push_back(boost::json::value(u));
      out.push_back(boost::json::object{{"urls", std::move(urls)},
                                        {"username", cred.username},
                                        {"credential", cred.password},
                                        {"region", r.name},
                                        {"expires_at", cred.expires_at}});
    }
  };
  if (!room_region.region.empty()) add_region(room_region.region);
  std::string nearest = nearest_region(options_.regions, options_.rtt, country);
  if (!nearest.empty() && nearest != room_region.region) add_region(nearest);
  if (!options_.stun_urls.empty()) {
    boost::json::array urls;
    for (const auto& u : options_.stun_urls) urls.push_back(boost::json::value(u));
    out.push_back(boost::json::object{{"urls", std::move(urls)}});
  }
  return out;
}

namespace {
std::string credential_user(const Peer& p) {
  return p.user_id < 0 ? "g" + std::to_string(-p.user_id) : "u" + std::to_string(p.user_id);
}
}  // namespace

void MeetingsService::add_ice(const LiveRoom& live, Effects& fx, std::uint64_t peer_id) const {
  const Peer* p = live.room.peer(peer_id);
  if (!p) return;
  for (auto& d : fx.deliveries) {
    if (d.peer_id != peer_id) continue;
    auto type = d.message.if_contains("type");
    if (!type || !type->is_string() || (type->get_string() != "meet.joined" && type->get_string() != "meet.admitted"))
      continue;
    d.message["ice_servers"] = ice_servers(live.region, p->country, credential_user(*p));
    d.message["media_region"] = region_json(live.region);
  }
}

void MeetingsService::reevaluate_region(LiveRoom& live, Effects& fx) const {
  RegionChoice next = choose_for(live.room);
  // The first join sets the region: the joiner gets it with meet.joined, nobody else is there.
  const bool changed = next.region != live.region.region && !live.region.region.empty();
  live.region = std::move(next);
  if (!changed) return;
  for (const auto& p : live.room.admitted()) {
    boost::json::object msg{{"type", "meet.region"}, {"meeting_id", live.room.meeting_id()}};
    msg["media_region"] = region_json(live.region);
    msg["ice_servers"] = ice_servers(live.region, p.country, credential_user(p));
    fx.deliveries.push_back({p.peer_id, std::move(msg)});
  }
}

Result<Effects> MeetingsService::join(const Subject& who, std::uint64_t peer_id, const std::string& code) {
  auto m = by_code(code);
  if (!m.ok()) return m.error();
  Peer peer;
  peer.peer_id = peer_id;
  peer.user_id = who.user_id;
  peer.joined_at = clock_.now_ms();
  if (!who.scope.empty()) {
    if (who.scope != meeting_scope(m->id))
      return make_error(ErrorCode::forbidden, "this guest pass is for another meeting");
    auto g =
        read_value<std::optional<GuestRecord>>(db_, [&](storage::Session& s) { return repo_.guest(s, -who.user_id); });
    if (!g.ok()) return g.error();
    if (!*g) return make_error(ErrorCode::unauthenticated, "unknown guest");
    peer.display_name = (*g)->display_name;
    peer.role = MeetingRole::guest;
    peer.external = true;
    // A guest came by the host's link: the host's country's rules apply to them (a pass
    // given before meet.guests was turned off there no longer lets anyone in).
    MERIDIAN_TRY(guests_allowed(*m));
    if (auto host = identity_.user(m->host_id); host.ok()) peer.rules_country = host->country;
  } else {
    auto u = identity_.user(who.user_id);
    if (!u.ok()) return u.error();
    MERIDIAN_TRY(fill_invitees(*m));
    peer.display_name = u->display_name;
    peer.country = u->country;
    peer.rules_country = u->country;
    peer.time_zone = u->time_zone;
    peer.external = is_external(u->kind);
    peer.invited = m->host_id == who.user_id;
    peer.role = m->host_id == who.user_id ? MeetingRole::host : MeetingRole::participant;
    for (const auto& i : m->invitees) {
      if (i.user_id != who.user_id) continue;
      peer.invited = true;
      if (i.role == MeetingRole::cohost) peer.role = MeetingRole::cohost;
    }
    if (u->kind == UserKind::guest) peer.role = MeetingRole::guest;
  }
  if (toggles_ && !peer.rules_country.empty()) {
    auto screen = toggles_->require("meet.screen_share", peer.rules_country);
    if (!screen.ok() && screen.error().code != ErrorCode::forbidden) return screen.error();
    if (!screen.ok()) peer.screen_share_refusal = screen.error().message;
  }
  RoomSettings settings;
  settings.lobby_for_external = m->lobby_for_external;
  settings.guests_can_share_screen = m->guests_can_share_screen;
  settings.max_publishers = options_.max_publishers;
  settings.locked = m->locked;
  auto chat_seq = stored_chat_seq(m->id);
  if (!chat_seq.ok()) return chat_seq.error();

  PresenceChange change;
  Result<Effects> out = Effects{};
  {
    std::lock_guard lock(mutex_);
    if (auto in = peer_room_.find(peer_id); in != peer_room_.end())
      return make_error(ErrorCode::conflict,
                        "this connection is already in meeting " + std::to_string(in->second) + ": leave it first");
    auto [it, created] = rooms_.try_emplace(m->id, LiveRoom{Room(m->id, settings), {}, 0});
    const auto before = admitted_snapshot(it->second);
    auto fx = it->second.room.join(peer);
    if (!fx.ok()) {
      if (it->second.room.empty()) rooms_.erase(it);
      return fx.error();
    }
    peer_room_[peer_id] = m->id;
    it->second.chat_seq = std::max(it->second.chat_seq, *chat_seq);
    it->second.room.stamp_admissions(clock_.now_ms(), it->second.chat_seq);
    reevaluate_region(it->second, *fx);
    add_ice(it->second, *fx, peer_id);
    change = presence_change(it->second, before, false);
    out = std::move(fx);
  }
  sync_room_guests(m->id);
  enforce_recording_rules(change, *out);
  record_presence(change);
  return out;
}

Result<Effects> MeetingsService::admit(std::uint64_t peer_id, std::int64_t meeting_id, std::uint64_t target,
                                       bool allow) {
  if (allow) {
    auto seq = stored_chat_seq(meeting_id);
    if (!seq.ok()) return seq.error();
    raise_chat_seq(meeting_id, *seq);
  }
  return command(peer_id, meeting_id, [&](Room& r) { return r.admit(peer_id, target, allow); });
}

Effects MeetingsService::leave(std::uint64_t peer_id) {
  PresenceChange change;
  Effects fx;
  std::int64_t meeting_id = 0;
  {
    std::lock_guard lock(mutex_);
    auto in = peer_room_.find(peer_id);
    if (in == peer_room_.end()) return {};
    meeting_id = in->second;
    auto room = rooms_.find(in->second);
    peer_room_.erase(in);
    if (room == rooms_.end()) return {};
    const auto before = admitted_snapshot(room->second);
    fx = room->second.room.leave(peer_id);
    const bool gone = room->second.room.empty();
    change = presence_change(room->second, before, gone);
    if (gone) rooms_.erase(room);
  }
  sync_room_guests(meeting_id);
  record_presence(change);
  return fx;
}

Effects MeetingsService::apply_stored_settings(std::int64_t meeting_id, std::optional<bool> locked) {
  {
    std::lock_guard lock(mutex_);
    if (!rooms_.count(meeting_id)) return {};
  }
  auto m = read_value<std::optional<Meeting>>(db_, [&](storage::Session& s) { return repo_.meeting(s, meeting_id); });
  if (!m.ok() || !*m) return {};
  std::lock_guard lock(mutex_);
  auto live = rooms_.find(meeting_id);
  if (live == rooms_.end()) return {};
  return live->second.room.update_settings((*m)->lobby_for_external, (*m)->guests_can_share_screen, locked);
}

bool MeetingsService::running_here(std::int64_t meeting_id) {
  std::lock_guard lock(mutex_);
  return rooms_.count(meeting_id) > 0;
}

std::vector<std::int64_t> MeetingsService::running_here() {
  std::lock_guard lock(mutex_);
  std::vector<std::int64_t> out;
  out.reserve(rooms_.size());
  for (const auto& [id, room] : rooms_) out.push_back(id);
  return out;
}

Result<MeetingsService::LiveRoom*> MeetingsService::room_of(std::uint64_t peer_id, std::int64_t meeting_id) {
  auto in = peer_room_.find(peer_id);
  if (in == peer_room_.end() || in->second != meeting_id)
    return make_error(ErrorCode::forbidden, "you are not in meeting " + std::to_string(meeting_id));
  auto room = rooms_.find(meeting_id);
  if (room == rooms_.end()) return make_error(ErrorCode::not_found, "the meeting is not running");
  return &room->second;
}

Result<Effects> MeetingsService::command(std::uint64_t peer_id, std::int64_t meeting_id,
                                         const std::function<Result<Effects>(Room&)>& fn) {
  PresenceChange change;
  Result<Effects> out = Effects{};
  {
    std::lock_guard lock(mutex_);
    MERIDIAN_ASSIGN_OR_RETURN(auto live, room_of(peer_id, meeting_id));
    const auto before = admitted_snapshot(*live);
    auto fx = fn(live->room);
    if (!fx.ok()) return fx;
    for (auto dropped : fx->dropped) peer_room_.erase(dropped);
    live->room.stamp_admissions(clock_.now_ms(), live->chat_seq);
    // Someone admitted gets the room's ICE servers with the admission.
    bool admitted_someone = false;
    for (const auto& d : fx->deliveries)
      if (auto t = d.message.if_contains("type"); t && t->is_string() && t->get_string() == "meet.admitted")
        admitted_someone = true;
    if (admitted_someone)
      for (const auto& p : live->room.admitted()) add_ice(*live, *fx, p.peer_id);
    const bool gone = fx->ended || live->room.empty();
    // "End for all" finishes the recording itself, with its own reason.
    if (!fx->ended) change = presence_change(*live, before, gone);
    if (gone) rooms_.erase(meeting_id);
    out = std::move(fx);
  }
  sync_room_guests(meeting_id);
  enforce_recording_rules(change, *out);
  record_presence(change);
  return out;
}

Result<Effects> MeetingsService::end(std::uint64_t peer_id, std::int64_t meeting_id) {
  std::int64_t recording_id = 0;
  std::int64_t by = 0;
  auto fx = command(peer_id, meeting_id, [&](Room& r) {
    if (const Peer* p = r.peer(peer_id)) by = p->user_id;
    auto ended = r.end(peer_id);
    if (ended.ok()) recording_id = rooms_.at(meeting_id).recording_id;
    return ended;
  });
  if (!fx.ok()) return fx;
  if (recording_id != 0) {
    auto r = finish_recording(meeting_id, recording_id, by, "meeting ended");
    if (!r.ok())
      log::error("meetings.recording_not_stored", {{"recording", recording_id}, {"message", r.error().message}});
  }
  const UnixMillis now = clock_.now_ms();
  // The room is already over in memory; a failed write leaves ended_at unset and the
  // guest passes valid until they expire: logged, the host still gets the answer.
  auto stored = db_.write([&](storage::Session& s) -> Result<void> {
    MERIDIAN_TRY(repo_.mark_ended(s, meeting_id, now));
    MERIDIAN_TRY(repo_.revoke_guests(s, meeting_id, now));
    if (!webhooks_) return {};
    return webhooks_->enqueue(s, "meeting.ended",
                              boost::json::object{{"meeting_id", meeting_id}, {"ended_at", now}, {"ended_by", by}});
  });
  if (!stored.ok())
    log::error("meetings.end_not_stored", {{"meeting", meeting_id}, {"message", stored.error().message}});
  if (webhooks_) webhooks_->wake();
  return fx;
}

Result<RegionChoice> MeetingsService::media_region(const Subject& who, std::int64_t meeting_id) {
  auto m = get(who, meeting_id);
  if (!m.ok()) return m.error();
  {
    std::lock_guard lock(mutex_);
    if (auto live = rooms_.find(meeting_id); live != rooms_.end()) return live->second.region;
  }
  std::vector<std::string> countries;
  if (auto host = identity_.user(m->host_id); host.ok()) countries.push_back(host->country);
  for (const auto& i : m->invitees) countries.push_back(i.country);
  return choose_region(options_.regions, options_.rtt, countries);
}

}  // namespace meridian::meetings
