#include "identity/identity_personal_data.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <functional>
#include <boost/json/serialize.hpp>
#include <string>
#include <vector>

#include "identity/identity_repository.hpp"
#include "identity/user_json.hpp"

namespace meridian::identity {
namespace {

using platform::PersonalRecordCount;

// What a fresh account has: an erased person's working hours say nothing about them.
constexpr std::int64_t kDefaultWorkStart = 540;
constexpr std::int64_t kDefaultWorkEnd = 1020;
constexpr const char* kDefaultWorkDays = "1,2,3,4,5";

std::string email_key(const std::string& email) { return "email:" + email; }

struct Counts {
  std::int64_t sessions = 0, roles = 0, team_memberships = 0, login_failures = 0;
};

Result<Counts> counts(storage::Session& s, std::int64_t user_id, const std::string& email) {
  Counts c;
  auto n = storage::query_integer(s, "SELECT COUNT(*) FROM sessions WHERE user_id = ?", {user_id});
  if (!n.ok()) return n.error();
  c.sessions = *n;
  n = storage::query_integer(s, "SELECT COUNT(*) FROM user_roles WHERE user_id = ?", {user_id});
  if (!n.ok()) return n.error();
  c.roles = *n;
  n = storage::query_integer(s, "SELECT COUNT(*) FROM team_members WHERE user_id = ?", {user_id});
  if (!n.ok()) return n.error();
  c.team_memberships = *n;
  n = storage::query_integer(s, "SELECT COUNT(*) FROM login_failures WHERE subject_key = ?", {email_key(email)});
  if (!n.ok()) return n.error();
  c.login_failures = *n;
  return c;
}

Error no_user(std::int64_t user_id) {
  return make_error(ErrorCode::not_found, "no user with id " + std::to_string(user_id));
}

Result<std::vector<PersonalRecordCount>> count_records(storage::Session& s, std::int64_t user_id) {
  IdentityRepository repo;
  MERIDIAN_ASSIGN_OR_RETURN(auto u, repo.user(s, user_id));
  if (!u) return no_user(user_id);
  MERIDIAN_ASSIGN_OR_RETURN(auto c, counts(s, user_id, u->email));
  return std::vector<PersonalRecordCount>{{"identity.users", 1},
                                          {"identity.sessions", c.sessions},
                                          {"identity.roles", c.roles},
                                          {"identity.team_memberships", c.team_memberships},
                                          {"identity.login_failures", c.login_failures}};
}

Result<boost::json::object> collect(storage::Session& s, std::int64_t user_id) {
  IdentityRepository repo;
  MERIDIAN_ASSIGN_OR_RETURN(auto u, repo.user(s, user_id));
  if (!u) return no_user(user_id);
  // Token hashes are secrets of the sessions, not data about the person: left out.
  auto rows =
      s.query("SELECT id, region, created_at, expires_at, revoked_at, ip FROM sessions WHERE user_id = ? ORDER BY id",
              {user_id});
  if (!rows.ok()) return rows.error();
  boost::json::array sessions;
  for (const auto& r : *rows) {
    boost::json::object o{{"id", r.integer(0)},         {"region", r.text(1)},   {"created_at", r.integer(2)},
                          {"expires_at", r.integer(3)}, {"revoked_at", nullptr}, {"ip", r.text(5)}};
    if (auto at = r.optional_integer(4)) o["revoked_at"] = *at;
    sessions.push_back(std::move(o));
  }
  rows = s.query("SELECT failures, last_failure_at, locked_until FROM login_failures WHERE subject_key = ?",
                 {email_key(u->email)});
  if (!rows.ok()) return rows.error();
  boost::json::array failures;
  for (const auto& r : *rows)
    failures.push_back(boost::json::object{
        {"failures", r.integer(0)}, {"last_failure_at", r.integer(1)}, {"locked_until", r.integer(2)}});
  boost::json::object out{
      {"user", to_json(*u)}, {"sessions", std::move(sessions)}, {"login_failures", std::move(failures)}};
  return out;
}

Result<void> erase_records(const Clock& clock, storage::Session& s, std::int64_t user_id,
                           platform::ErasureReport& report) {
  const UnixMillis now = clock.now_ms();
  IdentityRepository repo;
  // Lock order (docs/architecture.md): a change to an active administrator locks every
  // active administrator's row, ascending, before the "one admin remains" count;
  // any other change to a user locks that user's row.
  auto u = repo.user(s, user_id);
  if (!u.ok()) return u.error();
  if (!*u) return no_user(user_id);
  const bool admin =
      (*u)->active && std::find((*u)->roles.begin(), (*u)->roles.end(), Role::admin) != (*u)->roles.end();
  if (admin) {
    MERIDIAN_ASSIGN_OR_RETURN(auto admins, repo.ids_with_role(s, Role::admin));
    for (std::int64_t id : admins) MERIDIAN_TRY(storage::lock_row(s, "users", id));
    MERIDIAN_ASSIGN_OR_RETURN(auto remaining, repo.count_with_role(s, Role::admin));
    if (remaining <= 1)
      return make_error(ErrorCode::conflict, "the last active administrator cannot be erased; appoint another first");
  } else {
    MERIDIAN_TRY(storage::lock_row(s, "users", user_id));
  }
  // Read again under the lock: the row read above may have changed meanwhile.
  u = repo.user(s, user_id);
  if (!u.ok()) return u.error();
  if (!*u) return no_user(user_id);
  const std::string email = (*u)->email;

  auto erase = [&](std::string_view kind, std::string_view sql, const storage::Params& params) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(auto n, s.execute(sql, params));
    report.erased.push_back(PersonalRecordCount{std::string(kind), n});
    return {};
  };
  MERIDIAN_TRY(erase("identity.sessions", "DELETE FROM sessions WHERE user_id = ?", {user_id}));
  MERIDIAN_TRY(erase("identity.roles", "DELETE FROM user_roles WHERE user_id = ?", {user_id}));
  MERIDIAN_TRY(erase("identity.team_memberships", "DELETE FROM team_members WHERE user_id = ?", {user_id}));
  MERIDIAN_TRY(
      erase("identity.login_failures", "DELETE FROM login_failures WHERE subject_key = ?", {email_key(email)}));

  // Kept: kind, country, region and time zone (support routing, retention scopes and
  // region statistics read them; on their own they name nobody) and the GDPR flags
  // (the person's restriction of processing outlives the erasure). updated_at moves
  // only when something changed, so a repeat leaves the row exactly as it was.
  const std::string pseudonym = erased_email(user_id);
  MERIDIAN_TRY(storage::exec(
      s,
      "UPDATE users SET email = ?, display_name = ?, password_hash = ?, active = 0, work_start_minute = ?, "
      "work_end_minute = ?, work_days = ?, updated_at = ? WHERE id = ? AND (email <> ? OR display_name <> ? "
      "OR password_hash <> ? OR active <> 0 OR work_start_minute <> ? OR work_end_minute <> ? OR work_days <> ?)",
      {pseudonym, std::string(kErasedDisplayName), std::string(kNoPasswordHash), kDefaultWorkStart,
       kDefaultWorkEnd, std::string(kDefaultWorkDays), now, user_id, pseudonym, std::string(kErasedDisplayName),
       std::string(kNoPasswordHash), kDefaultWorkStart, kDefaultWorkEnd, std::string(kDefaultWorkDays)}));
  report.pseudonymised.push_back(PersonalRecordCount{"identity.users", 1});
  // Other nodes may answer a deleted session from memory for up to session_cache_ms
  // (IdentityOptions); the account is inactive, and the caches forget it within that time.
  return {};
}

}  // namespace

std::string erased_email(std::int64_t user_id) { return "erased-" + std::to_string(user_id) + "@erased.invalid"; }

IdentityPersonalData::IdentityPersonalData(storage::Database& db, const Clock& clock)
    : StoredPersonalData(db, {"identity",
                              count_records,
                              collect,
                              std::bind_front(erase_records, std::cref(clock)),
                              {"users", "sessions", "user_roles", "team_members", "login_failures"}}) {}

}  // namespace meridian::identity
