#include "identity/identity_repository.hpp"
#include "storage/row_columns.hpp"

#include <charconv>

namespace meridian::identity {
namespace {

constexpr const char* kUserColumns =
    "id, email, display_name, kind, country, region, time_zone, work_start_minute, work_end_minute, work_days, "
    "active, gdpr_restrict_processing, gdpr_exclude_from_ai, created_at";

std::string join_days(const std::vector<int>& days) {
  std::string out;
  for (int d : days) {
    if (!out.empty()) out += ',';
    out += std::to_string(d);
  }
  return out;
}

std::vector<int> split_days(std::string_view text) {
  std::vector<int> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    int d = 0;
    std::from_chars(text.data() + pos, text.data() + comma, d);
    if (d >= 1 && d <= 7) out.push_back(d);
    pos = comma + 1;
  }
  return out;
}

User user_from_row(const storage::Row& r) {
  User u;
  storage::read_columns(r, u.id, u.email, u.display_name,
                        storage::text_as([&](const std::string& t) { parse_user_kind(t, u.kind); }), u.country,
                        u.region, u.time_zone, u.working_hours.start_minute, u.working_hours.end_minute,
                        storage::text_as([&](const std::string& t) { u.working_hours.days = split_days(t); }), u.active,
                        u.gdpr.restrict_processing, u.gdpr.exclude_from_ai, u.created_at);
  return u;
}

}  // namespace

Result<void> IdentityRepository::load_roles_and_teams(S& s, User& user) {
  auto roles = s.query("SELECT role FROM user_roles WHERE user_id = ? ORDER BY role", {user.id});
  if (!roles.ok()) return roles.error();
  user.roles.clear();
  for (const auto& r : *roles) {
    Role role;
    if (parse_role(r.text(0), role)) user.roles.push_back(role);
  }
  auto teams = s.query(
      "SELECT t.id, t.name, m.role FROM teams t JOIN team_members m ON m.team_id = t.id WHERE m.user_id = ? "
      "ORDER BY t.name",
      {user.id});
  if (!teams.ok()) return teams.error();
  user.teams.clear();
  for (const auto& r : *teams) user.teams.push_back(TeamRef{r.integer(0), r.text(1), r.text(2) == "lead"});
  return {};
}

Result<std::optional<StoredCredentials>> IdentityRepository::credentials_by_email(S& s, const std::string& email) {
  return storage::query_row(s, "SELECT id, password_hash, active FROM users WHERE email = ?", {email},
                            [](const storage::Row& r) {
                              return StoredCredentials{r.integer(0), r.text(1), r.integer(2) != 0};
                            });
}

Result<std::optional<User>> IdentityRepository::user(S& s, std::int64_t id) {
  auto rows = s.query(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?", {id});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<User>{};
  User u = user_from_row(rows->front());
  MERIDIAN_TRY(load_roles_and_teams(s, u));
  return std::optional<User>(std::move(u));
}

Result<std::pair<std::vector<User>, std::int64_t>> IdentityRepository::users(S& s, const UserFilter& filter) {
  std::string where = " WHERE 1 = 1";
  storage::Params params;
  if (!filter.text.empty()) {
    where += " AND (lower(email) LIKE ? ESCAPE '\\' OR lower(display_name) LIKE ? ESCAPE '\\')";
    const std::string pattern = storage::contains_pattern(filter.text);
    params.emplace_back(pattern);
    params.emplace_back(pattern);
  }
  if (filter.active_only) where += " AND active = 1";
  if (filter.can_sign_in_only) {
    where += " AND password_hash <> ?";
    params.emplace_back(std::string(kNoPasswordHash));
  }
  if (!filter.kinds.empty()) {
    where += " AND kind IN (";
    for (std::size_t i = 0; i < filter.kinds.size(); ++i) {
      where += i ? ", ?" : "?";
      params.emplace_back(std::string(user_kind_name(filter.kinds[i])));
    }
    where += ")";
  }
  auto count = s.query("SELECT COUNT(*) FROM users" + where, params);
  if (!count.ok()) return count.error();
  storage::Params page_params = params;
  page_params.emplace_back(std::int64_t{filter.limit});
  page_params.emplace_back(std::int64_t{filter.offset});
  MERIDIAN_ASSIGN_OR_RETURN(auto out,
                            storage::query_rows(s,
                                                std::string("SELECT ") + kUserColumns + " FROM users" + where +
                                                    " ORDER BY lower(display_name), id LIMIT ? OFFSET ?",
                                                page_params, user_from_row));
  for (auto& u : out) MERIDIAN_TRY(load_roles_and_teams(s, u));
  return std::make_pair(std::move(out), count->front().integer(0));
}

Result<std::int64_t> IdentityRepository::insert_user(S& s, const User& u, const std::string& password_hash,
                                                     UnixMillis now) {
  auto rows = s.query(
      "INSERT INTO users (email, display_name, kind, country, region, time_zone, work_start_minute, "
      "work_end_minute, work_days, password_hash, active, gdpr_restrict_processing, gdpr_exclude_from_ai, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {u.email, u.display_name, std::string(user_kind_name(u.kind)), u.country, u.region, u.time_zone,
       std::int64_t{u.working_hours.start_minute}, std::int64_t{u.working_hours.end_minute},
       join_days(u.working_hours.days), password_hash, std::int64_t{u.active ? 1 : 0},
       std::int64_t{u.gdpr.restrict_processing ? 1 : 0}, std::int64_t{u.gdpr.exclude_from_ai ? 1 : 0}, now, now});
  if (!rows.ok()) {
    if (rows.error().code == ErrorCode::conflict)
      return make_error(ErrorCode::conflict, "a user with email " + u.email + " already exists");
    return rows.error();
  }
  return rows->front().integer(0);
}

Result<void> IdentityRepository::update_user(S& s, const User& u, UnixMillis now) {
  return storage::exec(
      s,
      "UPDATE users SET display_name = ?, kind = ?, country = ?, region = ?, time_zone = ?, work_start_minute = ?, "
      "work_end_minute = ?, work_days = ?, active = ?, gdpr_restrict_processing = ?, gdpr_exclude_from_ai = ?, "
      "updated_at = ? WHERE id = ?",
      {u.display_name, std::string(user_kind_name(u.kind)), u.country, u.region, u.time_zone,
       std::int64_t{u.working_hours.start_minute}, std::int64_t{u.working_hours.end_minute},
       join_days(u.working_hours.days), std::int64_t{u.active ? 1 : 0},
       std::int64_t{u.gdpr.restrict_processing ? 1 : 0}, std::int64_t{u.gdpr.exclude_from_ai ? 1 : 0}, now, u.id});
}

Result<void> IdentityRepository::set_password_hash(S& s, std::int64_t user_id, const std::string& hash,
                                                   UnixMillis now) {
  return storage::exec(s, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", {hash, now, user_id});
}

Result<void> IdentityRepository::set_roles(S& s, std::int64_t user_id, const std::vector<Role>& roles) {
  MERIDIAN_TRY(storage::exec(s, "DELETE FROM user_roles WHERE user_id = ?", {user_id}));
  for (Role r : roles) {
    MERIDIAN_TRY(storage::exec(s, "INSERT INTO user_roles (user_id, role) VALUES (?, ?) ON CONFLICT DO NOTHING",
                               {user_id, std::string(role_name(r))}));
  }
  return {};
}

Result<std::int64_t> IdentityRepository::count_with_role(S& s, Role role) {
  return storage::query_integer(
      s, "SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id WHERE r.role = ? AND u.active = 1",
      {std::string(role_name(role))});
}

Result<std::vector<std::int64_t>> IdentityRepository::ids_with_role(S& s, Role role) {
  return storage::query_integers(
      s,
      "SELECT u.id FROM user_roles r JOIN users u ON u.id = r.user_id WHERE r.role = ? AND u.active = 1 ORDER BY u.id",
      {std::string(role_name(role))});
}

Result<std::int64_t> IdentityRepository::insert_session(S& s, const std::string& token_hash, std::int64_t user_id,
                                                        const std::string& region, UnixMillis now,
                                                        UnixMillis expires_at, const std::string& ip) {
  return storage::query_integer(
      s,
      "INSERT INTO sessions (token_hash, user_id, region, created_at, expires_at, ip) VALUES (?, ?, ?, ?, ?, ?) "
      "RETURNING id",
      {token_hash, user_id, region, now, expires_at, ip});
}

Result<std::optional<SessionRecord>> IdentityRepository::session_by_token_hash(S& s, const std::string& token_hash) {
  auto rows = s.query(
      "SELECT s.id, s.user_id, s.expires_at, s.revoked_at, u.active, u.kind, u.country, u.region, u.email "
      "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
      {token_hash});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<SessionRecord>{};
  const auto& r = rows->front();
  SessionRecord rec;
  rec.session_id = r.integer(0);
  rec.user_id = r.integer(1);
  rec.expires_at = r.integer(2);
  rec.revoked = !r.is_null(3);
  rec.user_active = r.integer(4) != 0;
  rec.subject.user_id = rec.user_id;
  rec.subject.session_id = rec.session_id;
  rec.subject.expires_at = rec.expires_at;
  parse_user_kind(r.text(5), rec.subject.kind);
  rec.subject.country = r.text(6);
  rec.subject.region = r.text(7);
  rec.subject.email = r.text(8);
  auto roles = s.query("SELECT role FROM user_roles WHERE user_id = ?", {rec.user_id});
  if (!roles.ok()) return roles.error();
  for (const auto& row : *roles) {
    Role role;
    if (parse_role(row.text(0), role)) rec.subject.roles.push_back(role);
  }
  return std::optional<SessionRecord>(std::move(rec));
}

Result<void> IdentityRepository::revoke_session(S& s, std::int64_t session_id, UnixMillis now) {
  return storage::exec(s, "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", {now, session_id});
}

Result<void> IdentityRepository::revoke_user_sessions(S& s, std::int64_t user_id, UnixMillis now) {
  return storage::exec(s, "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                       {now, user_id});
}

Result<LoginFailures> IdentityRepository::login_failures(S& s, const std::string& key) {
  auto rows =
      s.query("SELECT failures, last_failure_at, locked_until FROM login_failures WHERE subject_key = ?", {key});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return LoginFailures{};
  const auto& r = rows->front();
  return LoginFailures{r.integer(0), r.integer(1), r.integer(2)};
}

Result<LoginFailures> IdentityRepository::lock_login_failures(S& s, const std::string& key) {
  MERIDIAN_TRY(storage::exec(
      s,
      "INSERT INTO login_failures (subject_key, failures, last_failure_at, locked_until) VALUES (?, 0, 0, 0) "
      "ON CONFLICT (subject_key) DO UPDATE SET failures = login_failures.failures",
      {key}));
  return login_failures(s, key);
}

Result<void> IdentityRepository::save_login_failures(S& s, const std::string& key, const LoginFailures& f) {
  return storage::exec(
      s,
      "INSERT INTO login_failures (subject_key, failures, last_failure_at, locked_until) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (subject_key) DO UPDATE SET failures = excluded.failures, "
      "last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until",
      {key, f.failures, f.last_failure_at, f.locked_until});
}

Result<void> IdentityRepository::clear_login_failures(S& s, const std::string& key) {
  return storage::exec(s, "DELETE FROM login_failures WHERE subject_key = ?", {key});
}

Result<std::vector<Team>> IdentityRepository::teams(S& s) {
  MERIDIAN_ASSIGN_OR_RETURN(
      auto teams,
      storage::query_rows(s,
                          "SELECT t.id, t.name, t.region, (SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id) "
                          "FROM teams t ORDER BY lower(t.name)",
                          {}, [](const storage::Row& r) {
                            return Team{r.integer(0), r.text(1), r.text(2), r.integer(3), {}};
                          }));
  auto leads = s.query("SELECT team_id, user_id FROM team_members WHERE role = 'lead' ORDER BY team_id, user_id", {});
  if (!leads.ok()) return leads.error();
  for (auto& t : teams)
    for (const auto& r : *leads)
      if (r.integer(0) == t.id) t.lead_ids.push_back(r.integer(1));
  return teams;
}

Result<std::optional<Team>> IdentityRepository::team(S& s, std::int64_t id) {
  MERIDIAN_ASSIGN_OR_RETURN(
      auto team,
      storage::query_row(s,
                         "SELECT t.id, t.name, t.region, (SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id) "
                         "FROM teams t WHERE t.id = ?",
                         {id}, [](const storage::Row& r) {
                           return Team{r.integer(0), r.text(1), r.text(2), r.integer(3), {}};
                         }));
  if (team) {
    MERIDIAN_ASSIGN_OR_RETURN(team->lead_ids, team_leads(s, id));
  }
  return team;
}

Result<std::vector<std::int64_t>> IdentityRepository::team_leads(S& s, std::int64_t team_id) {
  return storage::query_rows(s, "SELECT user_id FROM team_members WHERE team_id = ? AND role = 'lead' ORDER BY user_id",
                             {team_id}, [](const storage::Row& r) { return r.integer(0); });
}

Result<std::optional<std::string>> IdentityRepository::team_role(S& s, std::int64_t team_id, std::int64_t user_id) {
  return storage::query_row(s, "SELECT role FROM team_members WHERE team_id = ? AND user_id = ?", {team_id, user_id},
                            [](const storage::Row& r) { return r.text(0); });
}

Result<void> IdentityRepository::set_team_role(S& s, std::int64_t team_id, std::int64_t user_id,
                                               const std::string& role) {
  return storage::exec(s,
                       "INSERT INTO team_members (team_id, user_id, role) VALUES (?, ?, ?) "
                       "ON CONFLICT (team_id, user_id) DO UPDATE SET role = excluded.role",
                       {team_id, user_id, role});
}

Result<std::int64_t> IdentityRepository::insert_team(S& s, const std::string& name, const std::string& region,
                                                     UnixMillis now) {
  auto rows =
      s.query("INSERT INTO teams (name, region, created_at) VALUES (?, ?, ?) RETURNING id", {name, region, now});
  if (!rows.ok()) {
    if (rows.error().code == ErrorCode::conflict)
      return make_error(ErrorCode::conflict, "a team named '" + name + "' already exists");
    return rows.error();
  }
  return rows->front().integer(0);
}

Result<void> IdentityRepository::set_team_region(S& s, std::int64_t team_id, const std::string& region) {
  auto team = s.execute("UPDATE teams SET region = ? WHERE id = ?", {region, team_id});
  if (!team.ok()) return team.error();
  auto space = s.execute("UPDATE file_spaces SET region = ? WHERE kind = 'team' AND team_id = ?", {region, team_id});
  if (!space.ok()) return space.error();
  return {};
}

Result<std::vector<User>> IdentityRepository::team_members(S& s, std::int64_t team_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto out,
                            storage::query_rows(s,
                                                std::string("SELECT ") + kUserColumns +
                                                    " FROM users WHERE id IN (SELECT user_id FROM team_members "
                                                    "WHERE team_id = ?) ORDER BY lower(display_name), id",
                                                {team_id}, user_from_row));
  for (auto& u : out) MERIDIAN_TRY(load_roles_and_teams(s, u));
  return out;
}

Result<bool> IdentityRepository::add_team_member(S& s, std::int64_t team_id, std::int64_t user_id) {
  return storage::exec_changed(s, "INSERT INTO team_members (team_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                               {team_id, user_id});
}

Result<bool> IdentityRepository::remove_team_member(S& s, std::int64_t team_id, std::int64_t user_id) {
  return storage::exec_changed(s, "DELETE FROM team_members WHERE team_id = ? AND user_id = ?", {team_id, user_id});
}

}  // namespace meridian::identity
