#include "identity/identity_service.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/random.hpp"
#include "core/text_rules.hpp"

namespace meridian::identity {
namespace {

constexpr std::string_view kWrongCredentials = "wrong email or password";

std::string email_key(const std::string& email) { return "email:" + email; }
std::string ip_key(const std::string& ip) { return "ip:" + ip; }

bool has_control_chars(std::string_view s) { return !text::printable(s, text::Lines::single); }

Role role_for_kind(UserKind kind) {
  switch (kind) {
    case UserKind::employee: return Role::employee;
    case UserKind::agent: return Role::agent;
    case UserKind::customer: return Role::customer;
    case UserKind::guest: return Role::guest;
  }
  return Role::guest;
}

std::string target_user(std::int64_t id) { return "user:" + std::to_string(id); }
std::string target_team(std::int64_t id) { return "team:" + std::to_string(id); }

boost::json::array role_names(const std::vector<Role>& roles) {
  boost::json::array out;
  for (Role r : roles) out.emplace_back(role_name(r));
  return out;
}

}  // namespace

std::string normalize_email(std::string_view email) {
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.front()))) email.remove_prefix(1);
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.back()))) email.remove_suffix(1);
  std::string out(email);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool plausible_email(std::string_view email) {
  if (email.size() < 3 || email.size() > 254 || has_control_chars(email)) return false;
  auto at = email.find('@');
  if (at == 0 || at == std::string_view::npos || at != email.rfind('@') || at + 1 >= email.size()) return false;
  return email.find(' ') == std::string_view::npos;
}

Result<void> IdentityService::validate_profile(const User& u) const {
  if (!plausible_email(u.email))
    return make_error(ErrorCode::invalid_argument, "'" + u.email + "' is not a valid email address");
  if (u.display_name.empty() || u.display_name.size() > 100 || has_control_chars(u.display_name))
    return make_error(ErrorCode::invalid_argument, "display name must be 1 to 100 printable characters");
  if (!region::is_country_code(u.country))
    return make_error(ErrorCode::invalid_argument,
                      "'" + u.country + "' is not an ISO 3166-1 alpha-2 country code (e.g. PT, DE, US)");
  if (!region::is_time_zone(u.time_zone))
    return make_error(ErrorCode::invalid_argument,
                      "'" + u.time_zone + "' is not an IANA time zone (e.g. Europe/Lisbon)");
  const auto& wh = u.working_hours;
  if (wh.start_minute < 0 || wh.start_minute >= 24 * 60 || wh.end_minute <= 0 || wh.end_minute > 24 * 60 ||
      wh.start_minute == wh.end_minute)
    return make_error(ErrorCode::invalid_argument, "working hours must be two different times between 00:00 and 24:00");
  for (int d : wh.days)
    if (d < 1 || d > 7) return make_error(ErrorCode::invalid_argument, "working days are ISO weekdays 1 (Monday) to 7");
  return {};
}

Result<LoginResult> IdentityService::login(std::string_view raw_email, std::string_view password,
                                           const std::string& ip) {
  const std::string email = normalize_email(raw_email);
  if (email.empty() || password.empty())
    return make_error(ErrorCode::invalid_argument, "email and password are required");
  const UnixMillis now = clock_.now_ms();

  struct Gate {
    UnixMillis locked_until = 0;
    std::optional<StoredCredentials> creds;
  };
  auto gate = storage::read_value<Gate>(db_, [&](storage::Session& s) -> Result<Gate> {
    auto by_email = throttle_.failures(s, email_key(email));
    if (!by_email.ok()) return by_email.error();
    auto by_ip = throttle_.failures(s, ip_key(ip));
    if (!by_ip.ok()) return by_ip.error();
    auto creds = repo_.credentials_by_email(s, email);
    if (!creds.ok()) return creds.error();
    return Gate{std::max(by_email->locked_until, by_ip->locked_until), *creds};
  });
  if (!gate.ok()) return gate.error();

  const audit::Actor anonymous = audit::Actor::anonymous(email, ip);
  if (gate->locked_until > now) {
    const int wait_s = static_cast<int>((gate->locked_until - now + 999) / 1000);
    (void)audit_.record(anonymous, "auth.login", "email:" + email, "locked",
                        "{\"retry_after_seconds\":" + std::to_string(wait_s) + "}");
    return FailureThrottle::locked("too many failed sign-ins", gate->locked_until, now);
  }

  // Always run one Argon2id verification so that unknown emails take as long as known ones.
  const bool password_ok = gate->creds ? hasher_.verify(gate->creds->password_hash, password)
                                       : (hasher_.verify(hasher_.decoy_hash(), password) && false);
  if (!password_ok || !gate->creds->active) {
    const bool inactive = password_ok && !gate->creds->active;
    auto r = db_.write([&](storage::Session& s) -> Result<void> {
      MERIDIAN_TRY(throttle_.record_failure(s, email_key(email), {options_.slow_after, options_.lock_after}));
      MERIDIAN_TRY(throttle_.record_failure(s, ip_key(ip), {0, options_.ip_lock_after}));
      return audit_.record(s, anonymous, "auth.login", "email:" + email, inactive ? "denied" : "failed",
                           inactive ? "{\"reason\":\"deactivated\"}" : "{\"reason\":\"wrong credentials\"}");
    });
    if (!r.ok()) return r.error();
    if (inactive) return make_error(ErrorCode::unauthenticated, "this account is deactivated; ask an administrator");
    return make_error(ErrorCode::unauthenticated, std::string(kWrongCredentials));
  }

  const std::int64_t user_id = gate->creds->user_id;
  std::string token = random_token(32);
  const UnixMillis expires_at = now + options_.session_ttl_ms;
  auto user = storage::write_value<User>(db_, [&](storage::Session& s) -> Result<User> {
    auto u = repo_.user(s, user_id);
    if (!u.ok()) return u.error();
    if (!*u) return make_error(ErrorCode::unauthenticated, std::string(kWrongCredentials));
    MERIDIAN_TRY(repo_.clear_login_failures(s, email_key(email)));
    auto sid = repo_.insert_session(s, sha256_hex(token), user_id, (*u)->region, now, expires_at, ip);
    if (!sid.ok()) return sid.error();
    audit::Actor actor{user_id, email, ip, (*u)->country, (*u)->region};
    MERIDIAN_TRY(audit_.record(s, actor, "auth.login", target_user(user_id), "ok",
                               "{\"session_id\":" + std::to_string(*sid) + "}"));
    return std::move(**u);
  });
  if (!user.ok()) return user.error();
  return LoginResult{std::move(token), expires_at, std::move(*user)};
}

Result<void> IdentityService::logout(const Subject& subject, const std::string& ip) {
  auto r = db_.write([&](storage::Session& s) -> Result<void> {
    MERIDIAN_TRY(repo_.revoke_session(s, subject.session_id, clock_.now_ms()));
    return audit_.record(s, audit::Actor::from(subject, ip), "auth.logout", target_user(subject.user_id), "ok");
  });
  sessions_.forget_session(subject.session_id);
  return r;
}

Result<Subject> IdentityService::authenticate(std::string_view token) {
  if (token.empty() || token.size() > 128) return make_error(ErrorCode::unauthenticated, "a valid session token is required");
  const std::string hash = sha256_hex(token);
  const UnixMillis now = clock_.now_ms();
  if (auto cached = sessions_.find(hash, now)) return *cached;
  auto rec = storage::read_value<std::optional<SessionRecord>>(
      db_, [&](storage::Session& s) { return repo_.session_by_token_hash(s, hash); });
  if (!rec.ok()) return rec.error();
  if (!*rec) return make_error(ErrorCode::unauthenticated, "the session token is not valid; sign in again");
  const SessionRecord& r = **rec;
  if (r.revoked) return make_error(ErrorCode::unauthenticated, "the session was signed out; sign in again");
  if (r.expires_at <= now) return make_error(ErrorCode::unauthenticated, "the session expired; sign in again");
  if (!r.user_active) return make_error(ErrorCode::unauthenticated, "this account is deactivated");
  sessions_.remember(hash, r.subject, r.expires_at, now);
  return r.subject;
}

Result<User> IdentityService::user(std::int64_t id) {
  const UnixMillis now = clock_.now_ms();
  if (auto cached = profiles_.find(id, now)) return std::move(*cached);
  auto u = storage::read_value<std::optional<User>>(db_, [&](storage::Session& s) { return repo_.user(s, id); });
  if (!u.ok()) return u.error();
  if (!*u) return make_error(ErrorCode::not_found, "no user with id " + std::to_string(id));
  if (options_.session_cache_ms > 0) profiles_.put(id, **u, now + options_.session_cache_ms);
  return std::move(**u);
}

Result<UserPage> IdentityService::users(const UserFilter& filter) {
  UserFilter f = filter;
  f.limit = std::clamp(f.limit, 1, 200);
  f.offset = std::max(f.offset, 0);
  auto r = storage::read_value<std::pair<std::vector<User>, std::int64_t>>(
      db_, [&](storage::Session& s) { return repo_.users(s, f); });
  if (!r.ok()) return r.error();
  return UserPage{std::move(r->first), r->second};
}

Result<User> IdentityService::create_user(const audit::Actor& actor, NewUser input) {
  User u;
  u.email = normalize_email(input.email);
  u.display_name = input.display_name;
  u.kind = input.kind;
  u.country = input.country;
  for (char& c : u.country) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  u.time_zone = input.time_zone;
  if (input.working_hours) u.working_hours = *input.working_hours;
  u.roles = input.roles.value_or(std::vector<Role>{role_for_kind(input.kind)});
  u.gdpr = input.gdpr;
  MERIDIAN_TRY(validate_profile(u));
  std::string why;
  if (!password_acceptable(input.password, why)) return make_error(ErrorCode::invalid_argument, why);
  u.region = regions_.region_of(u.country);
  const std::string hash = hasher_.hash(input.password);  // slow: outside the transaction

  auto id = storage::write_value<std::int64_t>(db_, [&](storage::Session& s) -> Result<std::int64_t> {
    auto id = repo_.insert_user(s, u, hash, clock_.now_ms());
    if (!id.ok()) return id.error();
    MERIDIAN_TRY(repo_.set_roles(s, *id, u.roles));
    boost::json::object detail{{"email", u.email},       {"kind", user_kind_name(u.kind)},
                               {"country", u.country},   {"region", u.region},
                               {"roles", role_names(u.roles)}};
    MERIDIAN_TRY(audit_.record(s, actor, "admin.user.create", target_user(*id), "ok", boost::json::serialize(detail)));
    return *id;
  });
  if (!id.ok()) return id.error();
  return user(*id);
}

Result<std::int64_t> IdentityService::create_meeting_guest_account(const std::string& email,
                                                                   const std::string& display_name,
                                                                   const std::string& country,
                                                                   const std::string& time_zone) {
  User u;
  u.email = email;
  u.display_name = display_name;
  u.kind = UserKind::guest;
  u.country = country;
  u.time_zone = time_zone;
  u.roles = {Role::guest};
  u.region = regions_.region_of(u.country);
  return storage::write_value<std::int64_t>(db_, [&](storage::Session& s) -> Result<std::int64_t> {
    auto id = repo_.insert_user(s, u, kNoPasswordHash, clock_.now_ms());
    if (!id.ok()) return id.error();
    MERIDIAN_TRY(repo_.set_roles(s, *id, u.roles));
    boost::json::object detail{{"email", u.email}, {"kind", "guest"}, {"reason", "meeting guest"}};
    MERIDIAN_TRY(audit_.record(s, audit::Actor{}, "meeting.guest_account", target_user(*id), "ok",
                               boost::json::serialize(detail)));
    return *id;
  });
}

Result<User> IdentityService::update_user(const audit::Actor& actor, std::int64_t id, const UserChange& change) {
  auto result = storage::write_value<std::int64_t>(db_, [&](storage::Session& s) -> Result<std::int64_t> {
    // Lock order: a change to an active administrator locks every active administrator's
    // row (ascending), so that two admins demoting or deactivating each other at once see
    // each other's change and one always remains (PostgreSQL); any other change locks just
    // this user's row, so two edits of one user do not overwrite each other's fields.
    auto before = repo_.user(s, id);
    if (!before.ok()) return before.error();
    if (!*before) return make_error(ErrorCode::not_found, "no user with id " + std::to_string(id));
    std::vector<std::int64_t> to_lock{id};
    if ((*before)->active &&
        std::find((*before)->roles.begin(), (*before)->roles.end(), Role::admin) != (*before)->roles.end()) {
      auto admins = repo_.ids_with_role(s, Role::admin);
      if (!admins.ok()) return admins.error();
      if (std::find(admins->begin(), admins->end(), id) != admins->end()) to_lock = std::move(*admins);
    }
    for (std::int64_t user_id : to_lock) MERIDIAN_TRY(storage::lock_row(s, "users", user_id));
    auto current = repo_.user(s, id);
    if (!current.ok()) return current.error();
    if (!*current) return make_error(ErrorCode::not_found, "no user with id " + std::to_string(id));
    User u = **current;
    boost::json::array changed;
    if (change.display_name) { u.display_name = *change.display_name; changed.emplace_back("display_name"); }
    if (change.kind) { u.kind = *change.kind; changed.emplace_back("kind"); }
    if (change.country) {
      u.country = *change.country;
      for (char& c : u.country) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      changed.emplace_back("country");
    }
    if (change.time_zone) { u.time_zone = *change.time_zone; changed.emplace_back("time_zone"); }
    if (change.working_hours) { u.working_hours = *change.working_hours; changed.emplace_back("working_hours"); }
    if (change.active) { u.active = *change.active; changed.emplace_back("active"); }
    if (change.gdpr_restrict_processing) {
      u.gdpr.restrict_processing = *change.gdpr_restrict_processing;
      changed.emplace_back("gdpr.restrict_processing");
    }
    if (change.gdpr_exclude_from_ai) {
      u.gdpr.exclude_from_ai = *change.gdpr_exclude_from_ai;
      changed.emplace_back("gdpr.exclude_from_ai");
    }
    MERIDIAN_TRY(validate_profile(u));
    u.region = regions_.region_of(u.country);

    const bool was_admin = std::find((*current)->roles.begin(), (*current)->roles.end(), Role::admin) !=
                           (*current)->roles.end();
    const bool stays_admin =
        u.active && (change.roles ? std::find(change.roles->begin(), change.roles->end(), Role::admin) !=
                                        change.roles->end()
                                  : was_admin);
    if (was_admin && (*current)->active && !stays_admin) {
      auto admins = repo_.count_with_role(s, Role::admin);
      if (!admins.ok()) return admins.error();
      if (*admins <= 1)
        return make_error(ErrorCode::conflict, "at least one active administrator must remain");
    }

    const UnixMillis now = clock_.now_ms();
    MERIDIAN_TRY(repo_.update_user(s, u, now));
    if (!changed.empty()) {
      MERIDIAN_TRY(audit_.record(s, actor, "admin.user.update", target_user(id), "ok",
                                 boost::json::serialize(boost::json::object{{"changed", changed}})));
    }
    if (change.roles) {
      MERIDIAN_TRY(repo_.set_roles(s, id, *change.roles));
      boost::json::object detail{{"before", role_names((*current)->roles)}, {"after", role_names(*change.roles)}};
      MERIDIAN_TRY(audit_.record(s, actor, "admin.user.roles", target_user(id), "ok", boost::json::serialize(detail)));
    }
    if (!u.active && (*current)->active) {
      MERIDIAN_TRY(repo_.revoke_user_sessions(s, id, now));
      MERIDIAN_TRY(audit_.record(s, actor, "admin.user.deactivate", target_user(id), "ok"));
    }
    return id;
  });
  sessions_.forget_user(id);  // roles, kind, country or active may have changed
  profiles_.erase(id);
  if (!result.ok()) return result.error();
  return user(id);
}

Result<User> IdentityService::deactivate_user(const audit::Actor& actor, std::int64_t id) {
  UserChange change;
  change.active = false;
  return update_user(actor, id, change);
}

Result<std::string> IdentityService::reset_password(const audit::Actor& actor, std::int64_t id,
                                                    std::optional<std::string> password) {
  std::string pw = password.value_or(generate_password());
  std::string why;
  if (!password_acceptable(pw, why)) return make_error(ErrorCode::invalid_argument, why);
  const std::string hash = hasher_.hash(pw);
  auto r = db_.write([&](storage::Session& s) -> Result<void> {
    auto u = repo_.user(s, id);
    if (!u.ok()) return u.error();
    if (!*u) return make_error(ErrorCode::not_found, "no user with id " + std::to_string(id));
    const UnixMillis now = clock_.now_ms();
    MERIDIAN_TRY(repo_.set_password_hash(s, id, hash, now));
    MERIDIAN_TRY(repo_.revoke_user_sessions(s, id, now));
    MERIDIAN_TRY(repo_.clear_login_failures(s, email_key((*u)->email)));
    return audit_.record(s, actor, "admin.user.reset_password", target_user(id), "ok");
  });
  sessions_.forget_user(id);
  if (!r.ok()) return r.error();
  return pw;
}

Result<std::vector<Team>> IdentityService::teams() {
  return storage::read_value<std::vector<Team>>(db_, [&](storage::Session& s) { return repo_.teams(s); });
}

Result<TeamDetail> IdentityService::team(std::int64_t id) {
  return storage::read_value<TeamDetail>(db_, [&](storage::Session& s) -> Result<TeamDetail> {
    auto t = repo_.team(s, id);
    if (!t.ok()) return t.error();
    if (!*t) return make_error(ErrorCode::not_found, "no team with id " + std::to_string(id));
    auto members = repo_.team_members(s, id);
    if (!members.ok()) return members.error();
    return TeamDetail{**t, std::move(*members)};
  });
}

Result<Team> IdentityService::create_team(const audit::Actor& actor, std::string name,
                                          std::optional<std::string> region) {
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
  if (name.empty() || name.size() > 100 || has_control_chars(name))
    return make_error(ErrorCode::invalid_argument, "team name must be 1 to 100 printable characters");
  std::string reg = region.value_or(actor.region.empty() ? "EU" : actor.region);
  MERIDIAN_TRY(known_region(reg));
  auto id = storage::write_value<std::int64_t>(db_, [&](storage::Session& s) -> Result<std::int64_t> {
    auto id = repo_.insert_team(s, name, reg, clock_.now_ms());
    if (!id.ok()) return id.error();
    MERIDIAN_TRY(audit_.record(s, actor, "admin.team.create", target_team(*id), "ok",
                               boost::json::serialize(boost::json::object{{"name", name}, {"region", reg}})));
    return *id;
  });
  if (!id.ok()) return id.error();
  return Team{*id, name, reg, 0};
}

Result<void> IdentityService::known_region(const std::string& region) const {
  if (regions_.is_region(region)) return {};
  std::string known;
  for (const auto& r : regions_.known_regions()) known += (known.empty() ? "" : ", ") + r;
  return make_error(ErrorCode::invalid_argument,
                    "'" + region.substr(0, 16) + "' is not a region here; pick one of " + known);
}

Result<Team> IdentityService::set_team_region(const audit::Actor& actor, std::int64_t team_id,
                                              const std::string& region) {
  MERIDIAN_TRY(known_region(region));
  return storage::write_value<Team>(db_, [&](storage::Session& s) -> Result<Team> {
    MERIDIAN_ASSIGN_OR_RETURN(auto team, repo_.team(s, team_id));
    if (!team) return make_error(ErrorCode::not_found, "no team with id " + std::to_string(team_id));
    if (team->region == region) return *team;
    MERIDIAN_TRY(repo_.set_team_region(s, team_id, region));
    MERIDIAN_TRY(audit_.record(s, actor, "admin.team.region", target_team(team_id), "ok",
                               boost::json::serialize(boost::json::object{{"from", team->region}, {"to", region}})));
    team->region = region;
    return *team;
  });
}

Result<void> IdentityService::add_team_member(const audit::Actor& actor, std::int64_t team_id, std::int64_t user_id,
                                              std::optional<bool> lead) {
  auto r = db_.write([&](storage::Session& s) -> Result<void> {
    auto t = repo_.team(s, team_id);
    if (!t.ok()) return t.error();
    if (!*t) return make_error(ErrorCode::not_found, "no team with id " + std::to_string(team_id));
    auto u = repo_.user(s, user_id);
    if (!u.ok()) return u.error();
    if (!*u) return make_error(ErrorCode::not_found, "no user with id " + std::to_string(user_id));
    if (lead.value_or(false) && (*u)->kind != UserKind::employee && (*u)->kind != UserKind::agent)
      return make_error(ErrorCode::invalid_argument, "only employees and agents can lead a team");
    MERIDIAN_ASSIGN_OR_RETURN(auto was, repo_.team_role(s, team_id, user_id));
    const std::string role = lead ? (*lead ? "lead" : "member") : was.value_or("member");
    if (was == role) return {};
    MERIDIAN_TRY(repo_.set_team_role(s, team_id, user_id, role));
    const std::string detail = boost::json::serialize(boost::json::object{{"user_id", user_id}, {"role", role}});
    return audit_.record(s, actor, was ? "admin.team.member_role" : "admin.team.add_member", target_team(team_id), "ok",
                         detail);
  });
  profiles_.erase(user_id);
  return r;
}

Result<std::vector<std::int64_t>> IdentityService::team_leads(std::int64_t team_id) {
  return storage::read_value<std::vector<std::int64_t>>(
      db_, [&](storage::Session& s) { return repo_.team_leads(s, team_id); });
}

Result<bool> IdentityService::is_team_lead(std::int64_t team_id, std::int64_t user_id) {
  return storage::read_value<bool>(db_, [&](storage::Session& s) -> Result<bool> {
    MERIDIAN_ASSIGN_OR_RETURN(auto role, repo_.team_role(s, team_id, user_id));
    return role && *role == "lead";
  });
}

Result<void> IdentityService::remove_team_member(const audit::Actor& actor, std::int64_t team_id,
                                                 std::int64_t user_id) {
  auto r = db_.write([&](storage::Session& s) -> Result<void> {
    auto removed = repo_.remove_team_member(s, team_id, user_id);
    if (!removed.ok()) return removed.error();
    if (!*removed) return make_error(ErrorCode::not_found, "that user is not a member of this team");
    return audit_.record(s, actor, "admin.team.remove_member", target_team(team_id), "ok",
                         "{\"user_id\":" + std::to_string(user_id) + "}");
  });
  profiles_.erase(user_id);
  return r;
}

Result<IdentityService::Bootstrap> IdentityService::ensure_admin(const std::string& email,
                                                                 std::optional<std::string> password) {
  auto admins = storage::read_value<std::int64_t>(
      db_, [&](storage::Session& s) { return repo_.count_with_role(s, Role::admin); });
  if (!admins.ok()) return admins.error();
  if (*admins > 0) return Bootstrap{};
  Bootstrap out;
  out.created = true;
  if (!password) {
    password = generate_password();
    out.generated_password = password;
  }
  const audit::Actor system = audit::Actor::anonymous("system", "local");
  auto existing = storage::read_value<std::optional<StoredCredentials>>(
      db_, [&](storage::Session& s) { return repo_.credentials_by_email(s, normalize_email(email)); });
  if (!existing.ok()) return existing.error();
  if (*existing) {
    // No active admin, but the account exists (e.g. deactivated): restore it as admin.
    auto current = user((*existing)->user_id);
    if (!current.ok()) return current.error();
    UserChange restore;
    restore.active = true;
    std::vector<Role> roles = current->roles;
    if (std::find(roles.begin(), roles.end(), Role::admin) == roles.end()) roles.push_back(Role::admin);
    restore.roles = roles;
    auto restored = update_user(system, current->id, restore);
    if (!restored.ok()) return restored.error();
    auto reset = reset_password(system, current->id, password);
    if (!reset.ok()) return reset.error();
    return out;
  }
  NewUser admin;
  admin.email = email;
  admin.display_name = "Administrator";
  admin.password = *password;
  admin.kind = UserKind::employee;
  admin.country = "US";
  admin.time_zone = "UTC";
  admin.roles = std::vector<Role>{Role::admin, Role::employee};
  auto created = create_user(system, std::move(admin));
  if (!created.ok()) {
    // Several nodes started at once on an empty store: another one created it just now.
    if (created.error().code == ErrorCode::conflict) {
      auto now = storage::read_value<std::int64_t>(
          db_, [&](storage::Session& s) { return repo_.count_with_role(s, Role::admin); });
      if (now.ok() && *now > 0) return Bootstrap{};
    }
    return created.error();
  }
  return out;
}

}  // namespace meridian::identity
