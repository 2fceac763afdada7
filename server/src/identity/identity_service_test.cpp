#include "identity/identity_service.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "core/random.hpp"
#include "storage/migrations.hpp"
#include "storage/testing/test_database.hpp"

namespace meridian::identity {
namespace {

class IdentityServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    init_crypto();
    db_ = storage::testing::make_test_database(GetParam());
    ASSERT_TRUE(storage::apply_migrations(*db_, storage::schema_migrations()).ok());
    audit_ = std::make_unique<audit::AuditLog>(*db_, clock_);
    service_ = std::make_unique<IdentityService>(*db_, *audit_, regions_, hasher_, clock_, options_);
  }

  NewUser person(std::string email, std::string country = "PT", std::string tz = "Europe/Lisbon") {
    NewUser u;
    u.email = std::move(email);
    u.display_name = "Ana Silva";
    u.password = "correct horse battery";
    u.kind = UserKind::employee;
    u.country = std::move(country);
    u.time_zone = std::move(tz);
    return u;
  }

  User create(NewUser u) {
    auto r = service_->create_user(admin_, std::move(u));
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : User{};
  }

  std::vector<audit::AuditEvent> audit_events(std::string action) {
    auto page = audit_->query(audit::AuditQuery{.action = std::move(action), .limit = 200});
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->items : std::vector<audit::AuditEvent>{};
  }

  ManualClock clock_;
  region::RegionMap regions_;
  PasswordHasher hasher_{PasswordCost::minimum()};
  IdentityOptions options_;
  audit::Actor admin_{std::nullopt, "admin@example.test", "127.0.0.1", "US", "AMER"};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<IdentityService> service_;
};

TEST_P(IdentityServiceTest, CreatedUserSignsInAndTheTokenAuthenticates) {
  User u = create(person("Ana@Example.test"));
  EXPECT_EQ(u.email, "ana@example.test");
  EXPECT_EQ(u.region, "EU");
  ASSERT_EQ(u.roles.size(), 1u);
  EXPECT_EQ(u.roles[0], Role::employee);

  auto login = service_->login(" ANA@example.test ", "correct horse battery", "10.0.0.1");
  ASSERT_TRUE(login.ok()) << login.error().message;
  EXPECT_EQ(login->token.size(), 43u);  // 256 bits, base64url
  EXPECT_EQ(login->user.id, u.id);

  auto subject = service_->authenticate(login->token);
  ASSERT_TRUE(subject.ok());
  EXPECT_EQ(subject->user_id, u.id);
  EXPECT_EQ(subject->country, "PT");
  EXPECT_EQ(subject->region, "EU");
  EXPECT_EQ(subject->expires_at, login->expires_at) << "a socket opened with it closes then";
  EXPECT_EQ(service_->authenticate(login->token)->expires_at, login->expires_at) << "from memory too";
  EXPECT_EQ(audit_events("auth.login").front().outcome, "ok");
}

TEST_P(IdentityServiceTest, InvitableGuestsLeaveOutMeetingGuestAccounts) {
  NewUser gail = person("gail@example.test");
  gail.kind = UserKind::guest;
  gail.display_name = "Gail Guest";
  User invited = create(gail);
  auto walk_in = service_->create_meeting_guest_account("meeting-guest-7@guests.invalid", "Gail Walk-in", "PT", "UTC");
  ASSERT_TRUE(walk_in.ok()) << walk_in.error().message;

  UserFilter all{.text = "gail", .kinds = {UserKind::guest}};
  auto both = service_->users(all);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->total, 2);

  UserFilter invitable = all;
  invitable.can_sign_in_only = true;
  auto page = service_->users(invitable);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, invited.id);
  EXPECT_EQ(page->total, 1) << "the count leaves them out too";
}

TEST_P(IdentityServiceTest, TokensAreStoredOnlyAsHashes) {
  create(person("ana@example.test"));
  auto login = service_->login("ana@example.test", "correct horse battery", "10.0.0.1");
  ASSERT_TRUE(login.ok());
  auto stored = storage::read_value<std::string>(*db_, [](storage::Session& s) -> Result<std::string> {
    auto rows = s.query("SELECT token_hash FROM sessions");
    if (!rows.ok()) return rows.error();
    return rows->at(0).text(0);
  });
  ASSERT_TRUE(stored.ok());
  EXPECT_NE(*stored, login->token);
  EXPECT_EQ(*stored, sha256_hex(login->token));
}

TEST_P(IdentityServiceTest, WrongPasswordAndUnknownEmailGetTheSameAnswer) {
  create(person("ana@example.test"));
  auto wrong = service_->login("ana@example.test", "not the password", "10.0.0.1");
  auto unknown = service_->login("nobody@example.test", "whatever123", "10.0.0.1");
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(wrong.error().message, unknown.error().message);
  auto failed = audit_events("auth.login");
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[0].outcome, "failed");
  EXPECT_EQ(failed[0].ip, "10.0.0.1");
}

TEST_P(IdentityServiceTest, RepeatedFailuresAreSlowedThenLockedOut) {
  create(person("ana@example.test"));
  for (int i = 0; i < 3; ++i) {
    auto r = service_->login("ana@example.test", "guess" + std::to_string(i) + "xxxx", "10.0.0.1");
    ASSERT_EQ(r.error().code, ErrorCode::unauthenticated);
  }
  // The third failure starts the slow-down: even the right password must wait.
  auto slowed = service_->login("ana@example.test", "correct horse battery", "10.0.0.1");
  ASSERT_FALSE(slowed.ok());
  EXPECT_EQ(slowed.error().code, ErrorCode::rate_limited);
  EXPECT_EQ(slowed.error().retry_after_seconds, 1);

  // Keep failing, waiting out each delay, until the lockout.
  for (int i = 3; i < options_.lock_after; ++i) {
    clock_.advance_ms(70'000);
    auto r = service_->login("ana@example.test", "guess" + std::to_string(i) + "xxxx", "10.0.0.1");
    ASSERT_EQ(r.error().code, ErrorCode::unauthenticated) << i;
  }
  clock_.advance_ms(60'000);
  auto locked = service_->login("ana@example.test", "correct horse battery", "10.0.0.1");
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, ErrorCode::rate_limited);
  EXPECT_GT(locked.error().retry_after_seconds, 13 * 60);

  clock_.advance_ms(options_.lockout_ms);
  EXPECT_TRUE(service_->login("ana@example.test", "correct horse battery", "10.0.0.1").ok());
}

// PostgreSQL (READ COMMITTED): two wrong passwords at the same moment both count. A test
// transaction holds the email's counter row until both sign-ins wait for a lock; each
// locks the row before reading the count, so the second adds to the first. Read without
// that lock, both wrote the same count + 1 and parallel guessing never reached a lockout.
TEST_P(IdentityServiceTest, ConcurrentFailuresAllCount) {
  if (db_->dialect() != storage::Dialect::postgres) GTEST_SKIP() << "SQLite writes one transaction at a time";
  create(person("ana@example.test"));
  ASSERT_EQ(service_->login("ana@example.test", "first guessxx", "10.0.0.1").error().code, ErrorCode::unauthenticated);
  auto failures = [&](const std::string& key) {
    return storage::read_value<std::int64_t>(*db_, [&](storage::Session& s) -> Result<std::int64_t> {
      auto rows = s.query("SELECT failures FROM login_failures WHERE subject_key = ?", {key});
      if (!rows.ok()) return rows.error();
      return rows->empty() ? 0 : rows->front().integer(0);
    });
  };
  ASSERT_EQ(*failures("email:ana@example.test"), 1);
  Result<LoginResult> a = make_error(ErrorCode::internal, "not run"), b = a;
  {
    storage::testing::RowLockHolder holder(*db_, "UPDATE login_failures SET failures = failures WHERE subject_key = ?",
                                           {std::string("email:ana@example.test")});
    std::thread ta([&] { a = service_->login("ana@example.test", "second guess", "10.0.0.2"); });
    std::thread tb([&] { b = service_->login("ana@example.test", "third guessxx", "10.0.0.3"); });
    EXPECT_TRUE(storage::testing::wait_for_lock_waiters(*db_, 2));
    EXPECT_TRUE(holder.release());
    ta.join();
    tb.join();
  }
  EXPECT_EQ(a.error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(b.error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(*failures("email:ana@example.test"), 3);
}

// PostgreSQL (READ COMMITTED): the two last administrators demote each other at once. A
// test transaction holds both rows until both changes wait. Each change to an active admin
// locks every active admin's row before counting them, so the second sees the first's
// demotion and is refused. Counted without those locks, both saw two admins and none was
// left.
TEST_P(IdentityServiceTest, TwoAdminsDemotingEachOtherLeaveOne) {
  if (db_->dialect() != storage::Dialect::postgres) GTEST_SKIP() << "SQLite writes one transaction at a time";
  NewUser first = person("ana@example.test"), second = person("bea@example.test");
  first.roles = std::vector<Role>{Role::admin};
  second.roles = std::vector<Role>{Role::admin};
  const User ana = create(first), bea = create(second);
  UserChange demote;
  demote.roles = std::vector<Role>{Role::employee};
  Result<User> a = make_error(ErrorCode::internal, "not run"), b = a;
  {
    storage::testing::RowLockHolder holder(*db_, "SELECT 1 FROM users WHERE id IN (?, ?) FOR NO KEY UPDATE",
                                           {ana.id, bea.id});
    std::thread ta([&] { a = service_->update_user(admin_, bea.id, demote); });
    std::thread tb([&] { b = service_->update_user(admin_, ana.id, demote); });
    EXPECT_TRUE(storage::testing::wait_for_lock_waiters(*db_, 2));
    EXPECT_TRUE(holder.release());
    ta.join();
    tb.join();
  }
  ASSERT_NE(a.ok(), b.ok()) << "exactly one demotion goes through";
  EXPECT_EQ((a.ok() ? b : a).error().code, ErrorCode::conflict);
  auto admins = storage::read_value<std::int64_t>(*db_, [](storage::Session& s) -> Result<std::int64_t> {
    auto rows = s.query("SELECT COUNT(*) FROM user_roles WHERE role = 'admin'");
    if (!rows.ok()) return rows.error();
    return rows->front().integer(0);
  });
  EXPECT_EQ(*admins, 1);
}

TEST_P(IdentityServiceTest, ExpiredTokenIsRefused) {
  create(person("ana@example.test"));
  auto login = service_->login("ana@example.test", "correct horse battery", "10.0.0.1");
  ASSERT_TRUE(login.ok());
  clock_.advance_ms(options_.session_ttl_ms + 1);
  auto r = service_->authenticate(login->token);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(r.error().message, "the session expired; sign in again");
}

TEST_P(IdentityServiceTest, ForgedAndOversizedTokensAreRefused) {
  EXPECT_EQ(service_->authenticate(random_token(32)).error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(service_->authenticate("").error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(service_->authenticate(std::string(10'000, 'a')).error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(service_->authenticate("' OR 1=1 --").error().code, ErrorCode::unauthenticated);
}

TEST_P(IdentityServiceTest, RoleChangesApplyToTheNextRequestDespiteTheSessionCache) {
  User u = create(person("ana@example.test"));
  auto login = service_->login("ana@example.test", "correct horse battery", "10.0.0.1");
  ASSERT_TRUE(service_->authenticate(login->token).ok());  // now cached
  UserChange promote;
  promote.roles = std::vector<Role>{Role::employee, Role::agent};
  ASSERT_TRUE(service_->update_user(admin_, u.id, promote).ok());
  auto subject = service_->authenticate(login->token);
  ASSERT_TRUE(subject.ok());
  EXPECT_TRUE(subject->has_role(Role::agent));
}

TEST_P(IdentityServiceTest, CachedSessionsStillExpire) {
  create(person("ana@example.test"));
  auto login = service_->login("ana@example.test", "correct horse battery", "10.0.0.1");
  ASSERT_TRUE(service_->authenticate(login->token).ok());  // cached
  clock_.advance_ms(options_.session_ttl_ms);
  EXPECT_EQ(service_->authenticate(login->token).error().code, ErrorCode::unauthenticated);
}

TEST_P(IdentityServiceTest, LogoutRevokesTheToken) {
  create(person("ana@example.test"));
  auto login = service_->login("ana@example.test", "correct horse battery", "10.0.0.1");
  ASSERT_TRUE(login.ok());
  auto subject = service_->authenticate(login->token);
  ASSERT_TRUE(service_->logout(*subject, "10.0.0.1").ok());
  EXPECT_EQ(service_->authenticate(login->token).error().code, ErrorCode::unauthenticated);
}

TEST_P(IdentityServiceTest, DeactivationEndsSessionsAndSignIns) {
  User u = create(person("ana@example.test"));
  auto login = service_->login("ana@example.test", "correct horse battery", "10.0.0.1");
  ASSERT_TRUE(service_->deactivate_user(admin_, u.id).ok());
  EXPECT_FALSE(service_->authenticate(login->token).ok());
  auto again = service_->login("ana@example.test", "correct horse battery", "10.0.0.1");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message, "this account is deactivated; ask an administrator");
}

TEST_P(IdentityServiceTest, ResetPasswordRevokesSessionsAndReturnsTheNewPassword) {
  User u = create(person("ana@example.test"));
  auto login = service_->login("ana@example.test", "correct horse battery", "10.0.0.1");
  auto pw = service_->reset_password(admin_, u.id, std::nullopt);
  ASSERT_TRUE(pw.ok());
  EXPECT_GE(pw->size(), 16u);
  EXPECT_FALSE(service_->authenticate(login->token).ok());
  EXPECT_FALSE(service_->login("ana@example.test", "correct horse battery", "10.0.0.1").ok());
  EXPECT_TRUE(service_->login("ana@example.test", *pw, "10.0.0.1").ok());
}

TEST_P(IdentityServiceTest, SqlMetacharactersAreStoredVerbatim) {
  NewUser u = person("o'brien+test@example.test");
  u.display_name = "Robert'); DROP TABLE users; -- \" \\ ? % _";
  User created = create(u);
  auto fetched = service_->user(created.id);
  ASSERT_TRUE(fetched.ok());
  EXPECT_EQ(fetched->display_name, u.display_name);
  EXPECT_EQ(fetched->email, "o'brien+test@example.test");
  auto search = service_->users(UserFilter{"drop table", {}, 10, 0});
  ASSERT_TRUE(search.ok());
  ASSERT_EQ(search->items.size(), 1u);
  auto percent = service_->users(UserFilter{"%", {}, 10, 0});
  ASSERT_TRUE(percent.ok());
  EXPECT_EQ(percent->items.size(), 1u);  // '%' is matched literally, not as a wildcard
}

TEST_P(IdentityServiceTest, RefusesInvalidProfiles) {
  auto bad_country = service_->create_user(admin_, person("a@example.test", "Portugal"));
  EXPECT_EQ(bad_country.error().code, ErrorCode::invalid_argument);
  auto bad_tz = service_->create_user(admin_, person("a@example.test", "PT", "Europe/Atlantis"));
  EXPECT_EQ(bad_tz.error().code, ErrorCode::invalid_argument);
  NewUser short_pw = person("a@example.test");
  short_pw.password = "short";
  EXPECT_EQ(service_->create_user(admin_, short_pw).error().message, "password must be at least 8 characters");
  NewUser bad_email = person("not-an-email");
  EXPECT_EQ(service_->create_user(admin_, bad_email).error().code, ErrorCode::invalid_argument);
}

TEST_P(IdentityServiceTest, DuplicateEmailConflictsWhateverTheCase) {
  create(person("ana@example.test"));
  auto dup = service_->create_user(admin_, person("ANA@example.test"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::conflict);
}

TEST_P(IdentityServiceTest, FirstStartCreatesOneAdminWithAGeneratedPassword) {
  auto first = service_->ensure_admin("root@example.test", std::nullopt);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->created);
  ASSERT_TRUE(first->generated_password.has_value());
  auto login = service_->login("root@example.test", *first->generated_password, "127.0.0.1");
  ASSERT_TRUE(login.ok());
  EXPECT_TRUE(std::find(login->user.roles.begin(), login->user.roles.end(), Role::admin) != login->user.roles.end());
  auto second = service_->ensure_admin("root@example.test", std::nullopt);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->created);
}

TEST_P(IdentityServiceTest, FirstStartRestoresAnExistingAccountAsAdmin) {
  NewUser u = person("root@example.test");
  User existing = create(u);
  auto boot = service_->ensure_admin("root@example.test", std::string("new admin password"));
  ASSERT_TRUE(boot.ok()) << boot.error().message;
  EXPECT_TRUE(boot->created);
  auto login = service_->login("root@example.test", "new admin password", "127.0.0.1");
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->user.id, existing.id);
  EXPECT_TRUE(std::find(login->user.roles.begin(), login->user.roles.end(), Role::admin) != login->user.roles.end());
}

TEST_P(IdentityServiceTest, TheLastAdminCannotBeDemotedOrDeactivated) {
  ASSERT_TRUE(service_->ensure_admin("root@example.test", std::string("an admin password")).ok());
  auto admin = service_->users(UserFilter{"root", {}, 1, 0});
  const std::int64_t id = admin->items.at(0).id;
  UserChange demote;
  demote.roles = std::vector<Role>{Role::employee};
  EXPECT_EQ(service_->update_user(admin_, id, demote).error().code, ErrorCode::conflict);
  EXPECT_EQ(service_->deactivate_user(admin_, id).error().code, ErrorCode::conflict);

  NewUser second = person("second@example.test");
  second.roles = std::vector<Role>{Role::admin};
  create(second);
  EXPECT_TRUE(service_->update_user(admin_, id, demote).ok());
  auto roles_changes = audit_events("admin.user.roles");
  ASSERT_EQ(roles_changes.size(), 1u);
  EXPECT_EQ(roles_changes[0].detail, R"({"before":["admin","employee"],"after":["employee"]})");
}

TEST_P(IdentityServiceTest, TeamsHaveMembersAndChangesAreAudited) {
  User ana = create(person("ana@example.test"));
  auto team = service_->create_team(admin_, "Lisbon Support", std::nullopt);
  ASSERT_TRUE(team.ok());
  ASSERT_TRUE(service_->add_team_member(admin_, team->id, ana.id).ok());
  ASSERT_TRUE(service_->add_team_member(admin_, team->id, ana.id).ok());  // idempotent
  auto detail = service_->team(team->id);
  ASSERT_TRUE(detail.ok());
  ASSERT_EQ(detail->members.size(), 1u);
  EXPECT_EQ(service_->user(ana.id)->teams.at(0).name, "Lisbon Support");
  EXPECT_EQ(service_->create_team(admin_, "Lisbon Support", std::nullopt).error().code, ErrorCode::conflict);
  EXPECT_EQ(service_->add_team_member(admin_, team->id, 9999).error().code, ErrorCode::not_found);
  ASSERT_TRUE(service_->remove_team_member(admin_, team->id, ana.id).ok());
  EXPECT_EQ(service_->remove_team_member(admin_, team->id, ana.id).error().code, ErrorCode::not_found);
  EXPECT_EQ(audit_events("admin.team.add_member").size(), 1u);
}

TEST_P(IdentityServiceTest, UpdatingCountryMovesTheUserToItsRegion) {
  User ana = create(person("ana@example.test"));
  UserChange move;
  move.country = std::string("jp");
  move.time_zone = std::string("Asia/Tokyo");
  auto moved = service_->update_user(admin_, ana.id, move);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->country, "JP");
  EXPECT_EQ(moved->region, "APAC");
}

INSTANTIATE_TEST_SUITE_P(Stores, IdentityServiceTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::identity
