// Identity's storage: users, roles, teams, sessions and login failures, as portable
// SQL over the Store port. Functions take the caller's Session so that a change, its
// audit record and related changes commit together.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "identity/user.hpp"
#include "storage/database.hpp"

namespace meridian::identity {

struct StoredCredentials {
  std::int64_t user_id = 0;
  std::string password_hash;
  bool active = false;
};

struct SessionRecord {
  std::int64_t session_id = 0;
  std::int64_t user_id = 0;
  UnixMillis expires_at = 0;
  bool revoked = false;
  bool user_active = false;
  Subject subject;  // filled from the user's row and roles
};

struct LoginFailures {
  std::int64_t failures = 0;
  UnixMillis last_failure_at = 0;
  UnixMillis locked_until = 0;
};

struct UserFilter {
  std::string text;             // matches email or display name
  std::vector<UserKind> kinds;  // empty = all
  int limit = 50;
  int offset = 0;
  bool active_only = false;
  bool can_sign_in_only = false;  // leaves out accounts without a password (meeting guests)
};

// The password hash of an account nobody signs in to (a meeting guest's, an erased person's): no Argon2id hash
// has this form, so every sign-in attempt fails verification.
inline constexpr const char* kNoPasswordHash = "!";

class IdentityRepository final {
 public:
  using S = storage::Session;

  Result<std::optional<StoredCredentials>> credentials_by_email(S& s, const std::string& email);
  Result<std::optional<User>> user(S& s, std::int64_t id);
  Result<std::pair<std::vector<User>, std::int64_t>> users(S& s, const UserFilter& filter);
  Result<std::int64_t> insert_user(S& s, const User& user, const std::string& password_hash, UnixMillis now);
  Result<void> update_user(S& s, const User& user, UnixMillis now);
  Result<void> set_password_hash(S& s, std::int64_t user_id, const std::string& hash, UnixMillis now);
  Result<void> set_roles(S& s, std::int64_t user_id, const std::vector<Role>& roles);
  Result<std::int64_t> count_with_role(S& s, Role role);
  // Active users with the role, ascending id (the order their rows are locked in).
  Result<std::vector<std::int64_t>> ids_with_role(S& s, Role role);

  Result<std::int64_t> insert_session(S& s, const std::string& token_hash, std::int64_t user_id,
                                      const std::string& region, UnixMillis now, UnixMillis expires_at,
                                      const std::string& ip);
  Result<std::optional<SessionRecord>> session_by_token_hash(S& s, const std::string& token_hash);
  Result<void> revoke_session(S& s, std::int64_t session_id, UnixMillis now);
  Result<void> revoke_user_sessions(S& s, std::int64_t user_id, UnixMillis now);

  Result<LoginFailures> login_failures(S& s, const std::string& key);
  // The counter's row, made if missing and write-locked for this transaction, then read:
  // concurrent failures of one key count one after the other instead of overwriting each
  // other's count (PostgreSQL READ COMMITTED).
  Result<LoginFailures> lock_login_failures(S& s, const std::string& key);
  Result<void> save_login_failures(S& s, const std::string& key, const LoginFailures& f);
  Result<void> clear_login_failures(S& s, const std::string& key);

  Result<std::vector<Team>> teams(S& s);
  Result<std::optional<Team>> team(S& s, std::int64_t id);
  Result<std::int64_t> insert_team(S& s, const std::string& name, const std::string& region, UnixMillis now);
  // The team's region and its team file space's (which follows the team).
  Result<void> set_team_region(S& s, std::int64_t team_id, const std::string& region);
  Result<std::vector<User>> team_members(S& s, std::int64_t team_id);
  // A member's role in a team: "member" or "lead" (nullopt: not a member).
  Result<std::vector<std::int64_t>> team_leads(S& s, std::int64_t team_id);
  Result<std::optional<std::string>> team_role(S& s, std::int64_t team_id, std::int64_t user_id);
  // Adds the member with this role, or changes the role of one already there.
  Result<void> set_team_role(S& s, std::int64_t team_id, std::int64_t user_id, const std::string& role);
  Result<bool> add_team_member(S& s, std::int64_t team_id, std::int64_t user_id);
  Result<bool> remove_team_member(S& s, std::int64_t team_id, std::int64_t user_id);

 private:
  Result<void> load_roles_and_teams(S& s, User& user);
};

}  // namespace meridian::identity
