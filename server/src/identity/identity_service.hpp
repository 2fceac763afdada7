// Identity: sign-in and sessions, users, roles and teams. Enforces the invariants
// (valid country and time zone, unique email, at least one admin) and audits every
// security-relevant change; authorisation is asked of the policy by the routes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "identity/failure_throttle.hpp"
#include "identity/identity_repository.hpp"
#include "identity/password_hasher.hpp"
#include "identity/session_cache.hpp"
#include "identity/user.hpp"
#include "region/countries.hpp"
#include "storage/database.hpp"

namespace meridian::identity {

struct IdentityOptions {
  std::int64_t session_ttl_ms = 7LL * 24 * 3600 * 1000;
  // Failed sign-ins per email: from the `slow_after`th on, each further try must wait
  // 1, 2, 4 ... seconds; at `lock_after` the account is locked for `lockout_ms`.
  std::int64_t slow_after = 3;
  std::int64_t lock_after = 10;
  std::int64_t lockout_ms = 15LL * 60 * 1000;
  std::int64_t failure_window_ms = 15LL * 60 * 1000;  // failures older than this are forgotten
  std::int64_t ip_lock_after = 100;                   // failures from one address, any email
  // How long a node may answer "who is this token" from memory. Revocations made on
  // this node apply at once; on other nodes within this time.
  std::int64_t session_cache_ms = 5'000;
};

struct NewUser {
  std::string email;
  std::string display_name;
  std::string password;
  UserKind kind = UserKind::employee;
  std::string country;
  std::string time_zone;
  std::optional<std::vector<Role>> roles;  // default: the role named like the kind
  std::optional<WorkingHours> working_hours;
  GdprFlags gdpr;
};

struct UserChange {
  std::optional<std::string> display_name;
  std::optional<UserKind> kind;
  std::optional<std::string> country;
  std::optional<std::string> time_zone;
  std::optional<WorkingHours> working_hours;
  std::optional<std::vector<Role>> roles;
  std::optional<bool> active;
  std::optional<bool> gdpr_restrict_processing;
  std::optional<bool> gdpr_exclude_from_ai;
};

struct LoginResult {
  std::string token;  // returned once; only its hash is stored
  UnixMillis expires_at = 0;
  User user;
};

struct UserPage {
  std::vector<User> items;
  std::int64_t total = 0;
};

struct TeamDetail {
  Team team;
  std::vector<User> members;
};

class IdentityService final {
 public:
  IdentityService(storage::Database& db, audit::AuditLog& audit, const region::RegionMap& regions,
                  const PasswordHasher& hasher, const Clock& clock, IdentityOptions options = {})
      : db_(db),
        audit_(audit),
        regions_(regions),
        hasher_(hasher),
        clock_(clock),
        options_(options),
        throttle_(clock, ThrottleTimes{options.lockout_ms, options.failure_window_ms}),
        sessions_(options.session_cache_ms) {}

  Result<LoginResult> login(std::string_view email, std::string_view password, const std::string& ip);
  Result<void> logout(const Subject& subject, const std::string& ip);
  // Missing, unknown, expired, revoked tokens and deactivated users -> unauthenticated.
  Result<Subject> authenticate(std::string_view token);

  // May answer from memory for up to session_cache_ms; changes made through this
  // service on this node are visible at once.
  Result<User> user(std::int64_t id);
  Result<UserPage> users(const UserFilter& filter);
  Result<User> create_user(const audit::Actor& actor, NewUser input);
  // An account of kind guest for a meeting guest (someone who came by a link), so what
  // they write has an author: it has no usable password and never signs in. `email` is a
  // reserved address under .invalid naming the guest pass.
  Result<std::int64_t> create_meeting_guest_account(const std::string& email, const std::string& display_name,
                                                    const std::string& country, const std::string& time_zone);
  Result<User> update_user(const audit::Actor& actor, std::int64_t id, const UserChange& change);
  Result<User> deactivate_user(const audit::Actor& actor, std::int64_t id);
  // Sets the given password or generates one; returns it. Revokes the user's sessions.
  Result<std::string> reset_password(const audit::Actor& actor, std::int64_t id, std::optional<std::string> password);

  Result<std::vector<Team>> teams();
  Result<TeamDetail> team(std::int64_t id);
  // region: one of the regions known here (RegionMap::known_regions); by default the creator's.
  Result<Team> create_team(const audit::Actor& actor, std::string name, std::optional<std::string> region);
  // Moves the team to another region, and its team file space with it: files stored from
  // now on go to the new region; files already stored stay where they were stored.
  Result<Team> set_team_region(const audit::Actor& actor, std::int64_t team_id, const std::string& region);
  // Adds the person to the team (lead: with that role; nullopt: as a member, or keeping the
  // role of one already there), or sets the role of a member. Leads are employees or agents
  // (a customer or guest is refused); a lead may send alerts to their team.
  Result<void> add_team_member(const audit::Actor& actor, std::int64_t team_id, std::int64_t user_id,
                               std::optional<bool> lead = std::nullopt);
  // For other modules (alerts' policy, a supervisor in remote support): the leads of a team,
  // and whether a person leads it.
  Result<std::vector<std::int64_t>> team_leads(std::int64_t team_id);
  Result<bool> is_team_lead(std::int64_t team_id, std::int64_t user_id);
  Result<void> remove_team_member(const audit::Actor& actor, std::int64_t team_id, std::int64_t user_id);

  // First start: creates an admin when no active admin exists. Returns the generated
  // password when one was generated (print it once), nullopt when nothing was created
  // or the password was given.
  struct Bootstrap {
    bool created = false;
    std::optional<std::string> generated_password;
  };
  Result<Bootstrap> ensure_admin(const std::string& email, std::optional<std::string> password);

  // After the person's rows changed outside this service (an erasure): this node stops
  // answering their sessions from memory at once.
  void forget_cached_sessions(std::int64_t user_id) { sessions_.forget_user(user_id); }

 private:
  Result<void> validate_profile(const User& u) const;
  Result<void> known_region(const std::string& region) const;

  storage::Database& db_;
  audit::AuditLog& audit_;
  const region::RegionMap& regions_;
  const PasswordHasher& hasher_;
  const Clock& clock_;
  IdentityOptions options_;
  FailureThrottle throttle_;
  IdentityRepository repo_;
  SessionCache sessions_;
  TtlCache<std::int64_t, User> profiles_;  // user id -> profile, same window as sessions_
};

std::string normalize_email(std::string_view email);
bool plausible_email(std::string_view email);

}  // namespace meridian::identity
