#include "remote_support/remote_support_service.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "core/random.hpp"
#include "region/feature_toggles.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"

namespace meridian::remote_support {
namespace {

class RemoteSupportServiceTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    init_crypto();
    toggles_ = std::make_unique<region::FeatureToggles>(*db_, *audit_, clock_, 0);
    options_.per_address.lock_after = 4;
    options_.per_code.lock_after = 3;
    make_service();
    agent_ = person("ada", UserKind::agent, "PT");
    other_agent_ = person("abe", UserKind::agent, "PT");
    admin_ = person("root", UserKind::employee, std::vector<Role>{Role::admin});
    emma_ = person("emma", UserKind::employee, "PT");
    carl_ = person("carl", UserKind::customer, "DE");
    gus_ = person("gus", UserKind::guest, "PT");
  }

  void make_service() {
    service_ = std::make_unique<RemoteSupportService>(*db_, policy_, clock_, options_, *identity_, nullptr,
                                                      toggles_.get(), audit_.get());
  }

  IssuedCode start(const Subject& agent, NewSession in = {}) {
    auto issued = service_->create(agent, in, "192.0.2.1");
    EXPECT_TRUE(issued.ok()) << (issued.ok() ? "" : issued.error().message);
    return issued.ok() ? *issued : IssuedCode{};
  }

  CustomerPass redeem(const std::string& code, const std::string& ip = "198.51.100.9") {
    auto pass = service_->redeem({code, "Walter", "walter@example.test", "printer", "AT"}, ip);
    EXPECT_TRUE(pass.ok()) << (pass.ok() ? "" : pass.error().message);
    return pass.ok() ? *pass : CustomerPass{};
  }

  Subject customer_of(const CustomerPass& pass) {
    auto s = service_->authenticate(pass.token);
    EXPECT_TRUE(s.ok());
    return s.ok() ? *s : Subject{};
  }

  // A running session whose agent (connection 1) and customer (connection 2) joined.
  struct Running {
    std::int64_t id = 0;
    Subject customer;
  };
  Running running() {
    auto issued = start(agent_);
    auto pass = redeem(issued.code);
    Running r{issued.session.id, customer_of(pass)};
    EXPECT_TRUE(service_->join(agent_, r.id, 1, "192.0.2.1").ok());
    EXPECT_TRUE(service_->join(r.customer, r.id, 2, "198.51.100.9").ok());
    return r;
  }

  void grant(const Running& r, Step step) {
    ASSERT_TRUE(service_->ask(agent_, r.id, step, "192.0.2.1").ok());
    ASSERT_TRUE(service_->answer(r.customer, r.id, step, true, "198.51.100.9").ok());
  }

  // Whether a signal from `from` reaches the other side now.
  Result<void> signal(std::int64_t id, std::uint64_t from, Relayed kind = Relayed::signal) {
    return service_->live().relay(id, from, kind, [](std::uint64_t, Side) {});
  }

  RemoteSupportOptions options_;
  std::unique_ptr<region::FeatureToggles> toggles_;
  std::unique_ptr<RemoteSupportService> service_;
  Subject agent_, other_agent_, admin_, emma_, carl_, gus_;
};

TEST_P(RemoteSupportServiceTest, OnlyAgentsAndAdminsStartSessions) {
  auto issued = start(agent_);
  EXPECT_EQ(issued.code.size(), 8u);
  EXPECT_EQ(issued.session.code_expires_at, clock_.now_ms() + 600'000);
  EXPECT_EQ(issued.session.status, SessionStatus::waiting);
  EXPECT_TRUE(service_->create(admin_, {}, "").ok());
  for (const auto* who : {&carl_, &emma_, &gus_}) {
    auto refused = service_->create(*who, {}, "");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::forbidden);
  }
  NewSession for_employee;
  for_employee.customer_user_id = emma_.user_id;
  EXPECT_EQ(service_->create(agent_, for_employee, "").error().code, ErrorCode::invalid_argument);
  NewSession for_carl;
  for_carl.customer_user_id = carl_.user_id;
  auto bound = start(agent_, for_carl);
  EXPECT_EQ(bound.session.customer_user_id, carl_.user_id);
  EXPECT_EQ(bound.session.customer_country, "DE");
}

TEST_P(RemoteSupportServiceTest, ACodeIsSingleUseAndNeverStoredInTheClear) {
  auto issued = start(agent_);
  EXPECT_TRUE(rows("SELECT * FROM remote_support_sessions WHERE code_hash = ?", {issued.code}).empty());
  std::string lower = issued.code;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto pass = redeem(lower.substr(0, 4) + "-" + lower.substr(4));  // as typed from the phone
  EXPECT_EQ(pass.session.id, issued.session.id);
  EXPECT_EQ(pass.session.status, SessionStatus::active);
  EXPECT_EQ(pass.session.customer_name, "Walter");
  EXPECT_EQ(pass.session.customer_country, "AT");
  auto again = service_->redeem({issued.code, "Mallory", "", "", ""}, "203.0.113.5");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_TRUE(rows("SELECT * FROM remote_support_sessions WHERE token_hash = ?", {pass.token}).empty());
}

TEST_P(RemoteSupportServiceTest, ACodeExpiresAfterTenMinutesAndANewOneReplacesIt) {
  auto issued = start(agent_);
  clock_.advance_ms(600'000);
  auto late = service_->redeem({issued.code, "Walter", "", "", ""}, "198.51.100.9");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::conflict);
  EXPECT_NE(late.error().message.find("expired"), std::string::npos);
  EXPECT_EQ(service_->new_code(other_agent_, issued.session.id, "").error().code, ErrorCode::not_found);
  auto fresh = service_->new_code(agent_, issued.session.id, "192.0.2.1");
  ASSERT_TRUE(fresh.ok());
  EXPECT_NE(fresh->code, issued.code);
  EXPECT_FALSE(service_->redeem({issued.code, "Walter", "", "", ""}, "198.51.100.9").ok()) << "the old code is gone";
  redeem(fresh->code);
  EXPECT_EQ(service_->new_code(agent_, issued.session.id, "").error().code, ErrorCode::conflict);
}

TEST_P(RemoteSupportServiceTest, WrongCodesLockTheAddressThenEvenTheRightCodeWaits) {
  auto issued = start(agent_);
  const std::string wrong[] = {"AAAAAAAA", "BBBBBBBB", "CCCCCCCC", "DDDDDDDD"};
  for (const auto& w : wrong) {
    auto r = service_->redeem({w, "Eve", "", "", ""}, "203.0.113.66");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::not_found);
  }
  auto locked = service_->redeem({issued.code, "Eve", "", "", ""}, "203.0.113.66");
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, ErrorCode::rate_limited);
  EXPECT_GT(locked.error().retry_after_seconds, 0);
  // Another address is not locked by it; the lock ends after its time.
  clock_.advance_ms(options_.lockout_seconds * 1000 + 1);
  auto later = service_->redeem({"EEEEEEEE", "Eve", "", "", ""}, "203.0.113.66");
  EXPECT_EQ(later.error().code, ErrorCode::not_found);
}

TEST_P(RemoteSupportServiceTest, OneCodeGuessedFromManyAddressesIsLockedToo) {
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(service_->redeem({"HHHHHHHH", "Eve", "", "", ""}, "203.0.113." + std::to_string(i)).error().code,
              ErrorCode::not_found);
  EXPECT_EQ(service_->redeem({"HHHHHHHH", "Eve", "", "", ""}, "203.0.113.99").error().code, ErrorCode::rate_limited);
}

TEST_P(RemoteSupportServiceTest, TheCustomerTokenIsScopedToItsSessionAndEndsWithIt) {
  auto r = running();
  auto other = start(agent_);
  EXPECT_EQ(r.customer.scope, "remote_support:" + std::to_string(r.id));
  EXPECT_LT(r.customer.user_id, 0);
  EXPECT_TRUE(service_->get(r.customer, r.id).ok());
  EXPECT_EQ(service_->get(r.customer, other.session.id).error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(service_->log(r.customer, other.session.id).error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(service_->list(r.customer, std::nullopt, 10).error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(service_->create(r.customer, {}, "").error().code, ErrorCode::forbidden);
  EXPECT_EQ(service_->authenticate("mrs_forged").error().code, ErrorCode::not_found);
  auto ended = service_->end(r.customer, r.id, "198.51.100.9");
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(ended->session.ended_by, "customer");
  EXPECT_EQ(ended->connections.agent, 1u);
  EXPECT_EQ(ended->connections.customer, 2u);
  EXPECT_EQ(service_->end(agent_, r.id, "").error().code, ErrorCode::conflict);
  auto pass_rows = rows("SELECT token_hash FROM remote_support_sessions WHERE id = ?", {r.id});
  ASSERT_EQ(pass_rows.size(), 1u);
}

TEST_P(RemoteSupportServiceTest, ATokenStopsWorkingWhenTheSessionEnds) {
  auto issued = start(agent_);
  auto pass = redeem(issued.code);
  ASSERT_TRUE(service_->authenticate(pass.token).ok());
  ASSERT_TRUE(service_->end(agent_, issued.session.id, "").ok());
  EXPECT_EQ(service_->authenticate(pass.token).error().code, ErrorCode::unauthenticated);
  auto issued2 = start(agent_);
  auto pass2 = redeem(issued2.code);
  clock_.advance_ms(options_.token_ttl_seconds * 1000);
  EXPECT_EQ(service_->authenticate(pass2.token).error().code, ErrorCode::unauthenticated);
}

TEST_P(RemoteSupportServiceTest, NothingIsRelayedBeforeConsentOrAfterRevocation) {
  auto r = running();
  EXPECT_EQ(signal(r.id, 1).error().code, ErrorCode::forbidden);
  EXPECT_EQ(signal(r.id, 2).error().code, ErrorCode::forbidden);
  EXPECT_EQ(signal(r.id, 1, Relayed::chat).error().code, ErrorCode::forbidden);
  EXPECT_EQ(signal(r.id, 3).error().code, ErrorCode::conflict) << "a connection that did not join";
  grant(r, Step::chat);
  EXPECT_TRUE(signal(r.id, 1, Relayed::chat).ok());
  EXPECT_EQ(signal(r.id, 2).error().code, ErrorCode::forbidden) << "chat is not viewing";
  ASSERT_TRUE(service_->ask(agent_, r.id, Step::view, "").ok());
  EXPECT_EQ(signal(r.id, 2).error().code, ErrorCode::forbidden) << "asked is not granted";
  // Only the customer answers for their screen; only the agent asks.
  EXPECT_EQ(service_->answer(agent_, r.id, Step::view, true, "").error().code, ErrorCode::forbidden);
  EXPECT_EQ(service_->ask(r.customer, r.id, Step::annotate, "").error().code, ErrorCode::forbidden);
  ASSERT_TRUE(service_->answer(r.customer, r.id, Step::view, true, "").ok());
  EXPECT_TRUE(signal(r.id, 2).ok());
  EXPECT_TRUE(signal(r.id, 1).ok());
  EXPECT_EQ(signal(r.id, 1, Relayed::annotation).error().code, ErrorCode::forbidden);
  grant(r, Step::annotate);
  EXPECT_TRUE(signal(r.id, 1, Relayed::annotation).ok());
  EXPECT_EQ(signal(r.id, 2, Relayed::annotation).error().code, ErrorCode::forbidden) << "the customer does not draw";
  ASSERT_TRUE(service_->set_paused(r.customer, r.id, true, "").ok());
  EXPECT_EQ(signal(r.id, 1, Relayed::annotation).error().code, ErrorCode::conflict);
  ASSERT_TRUE(service_->set_paused(r.customer, r.id, false, "").ok());
  auto revoked = service_->revoke(r.customer, r.id, Step::view, "198.51.100.9");
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(revoked->revoked, (std::vector<Step>{Step::view, Step::annotate}));
  EXPECT_EQ(signal(r.id, 2).error().code, ErrorCode::forbidden);
  EXPECT_EQ(signal(r.id, 1).error().code, ErrorCode::forbidden);
  EXPECT_EQ(signal(r.id, 1, Relayed::annotation).error().code, ErrorCode::forbidden);
  EXPECT_TRUE(signal(r.id, 2, Relayed::chat).ok());
  // A new process (another service on the same store) reads the consent back as stored.
  make_service();
  auto back = service_->get(agent_, r.id);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->consent.state(Step::view), ConsentState::revoked);
  EXPECT_TRUE(back->consent.ever_granted(Step::annotate));
  EXPECT_EQ(back->annotations, 1);
}

TEST_P(RemoteSupportServiceTest, ScreenSharingSwitchedOffForTheCustomersCountryIsRefusedWithTheReason) {
  region::ToggleChange off;
  off.countries = {{"AT", false}};
  ASSERT_TRUE(toggles_->change(audit::Actor{}, kScreenShareFeature, off).ok());
  auto r = running();  // the caller stated AT
  EXPECT_FALSE(service_->screen_share(*service_->get(agent_, r.id)).allowed);
  grant(r, Step::chat);
  auto refused = service_->ask(agent_, r.id, Step::view, "");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::forbidden);
  EXPECT_NE(refused.error().message.find("AT"), std::string::npos) << refused.error().message;
}

TEST_P(RemoteSupportServiceTest, WhoSeesASession) {
  auto r = running();
  EXPECT_TRUE(service_->get(agent_, r.id).ok());
  EXPECT_TRUE(service_->log(admin_, r.id).ok());
  EXPECT_TRUE(service_->log(admin_, r.id)->with_addresses);
  EXPECT_TRUE(service_->log(agent_, r.id)->with_addresses);
  EXPECT_FALSE(service_->log(r.customer, r.id)->with_addresses);
  for (const auto* who : {&other_agent_, &emma_, &carl_, &gus_}) {
    EXPECT_EQ(service_->get(*who, r.id).error().code, ErrorCode::not_found);
    EXPECT_EQ(service_->verify(*who, r.id).error().code, ErrorCode::not_found);
    EXPECT_EQ(service_->end(*who, r.id, "").error().code, ErrorCode::not_found);
  }
  // An admin reviews but does not conduct.
  EXPECT_EQ(service_->ask(admin_, r.id, Step::chat, "").error().code, ErrorCode::forbidden);
  EXPECT_EQ(service_->list(other_agent_, std::nullopt, 10)->size(), 0u);
  EXPECT_EQ(service_->list(agent_, std::nullopt, 10)->size(), 1u);
  EXPECT_EQ(service_->list(admin_, std::nullopt, 10)->size(), 1u);
}

TEST_P(RemoteSupportServiceTest, TheLogIsAChainAndATamperedRowIsDetected) {
  auto r = running();
  grant(r, Step::chat);
  auto log = service_->log(agent_, r.id);
  ASSERT_TRUE(log.ok());
  std::vector<std::string> events;
  for (const auto& row : log->rows) events.push_back(row.entry.event);
  EXPECT_EQ(events, (std::vector<std::string>{"requested", "code_issued", "code_redeemed", "joined", "joined",
                                              "consent_asked", "consent_granted"}));
  EXPECT_EQ(log->rows[2].entry.actor, "caller:" + std::to_string(r.id));
  EXPECT_EQ(log->rows[2].entry.country, "AT");
  EXPECT_EQ(log->rows[2].person.name, "Walter");
  EXPECT_EQ(log->rows[2].person.address, "198.51.100.9");
  for (const auto& row : log->rows) {
    EXPECT_EQ(row.entry.data.find("Walter"), std::string::npos) << "names stay out of the chain";
    EXPECT_EQ(row.entry.data.find("198.51.100.9"), std::string::npos);
  }
  EXPECT_TRUE(service_->verify(agent_, r.id)->intact);

  ASSERT_TRUE(db_->write([&](storage::Session& s) {
                   return storage::exec(s,
                                        "UPDATE remote_support_log SET data = '{\"step\":\"annotate\"}' "
                                        "WHERE session_id = ? AND seq = 6",
                                        {r.id});
                 })
                  .ok());
  auto check = service_->verify(agent_, r.id);
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->intact);
  EXPECT_EQ(check->first_bad_seq, 6);
}

TEST_P(RemoteSupportServiceTest, ARemovedLastEntryIsDetectedToo) {
  auto r = running();
  ASSERT_TRUE(db_->write([&](storage::Session& s) -> Result<void> {
                   MERIDIAN_TRY(storage::exec(
                       s, "DELETE FROM remote_support_log_people WHERE session_id = ? AND seq = 5", {r.id}));
                   return storage::exec(s, "DELETE FROM remote_support_log WHERE session_id = ? AND seq = 5", {r.id});
                 })
                  .ok());
  EXPECT_FALSE(service_->verify(admin_, r.id)->intact);
}

TEST_P(RemoteSupportServiceTest, OnlyAdminsMarkCustomersSensitiveAndItIsAudited) {
  EXPECT_EQ(service_->mark_sensitive(agent_, carl_.user_id, "", "").error().code, ErrorCode::forbidden);
  EXPECT_EQ(service_->mark_sensitive(admin_, emma_.user_id, "", "").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(service_->mark_sensitive(admin_, 999'999, "", "").error().code, ErrorCode::not_found);
  auto marked = service_->mark_sensitive(admin_, carl_.user_id, "tax client", "192.0.2.7");
  ASSERT_TRUE(marked.ok()) << marked.error().message;
  EXPECT_EQ(marked->note, "tax client");
  EXPECT_EQ(marked->marked_by, admin_.user_id);
  EXPECT_EQ(service_->sensitive_customers(admin_)->size(), 1u);
  EXPECT_EQ(service_->sensitive_customers(agent_).error().code, ErrorCode::forbidden);
  NewSession for_carl;
  for_carl.customer_user_id = carl_.user_id;
  EXPECT_TRUE(start(agent_, for_carl).session.customer_sensitive) << "the agent sees it on the session";
  EXPECT_EQ(service_->unmark_sensitive(agent_, carl_.user_id, "").error().code, ErrorCode::forbidden);
  ASSERT_TRUE(service_->unmark_sensitive(admin_, carl_.user_id, "").ok());
  EXPECT_EQ(service_->unmark_sensitive(admin_, carl_.user_id, "").error().code, ErrorCode::not_found);
  EXPECT_FALSE(start(agent_, for_carl).session.customer_sensitive);
  EXPECT_EQ(rows("SELECT action FROM audit_log WHERE action LIKE 'remote_support.customer.%' ORDER BY id"),
            (std::vector<std::string>{"remote_support.customer.mark_sensitive|",
                                      "remote_support.customer.unmark_sensitive|"}));
}

TEST_P(RemoteSupportServiceTest, ASensitiveCustomersScreenWaitsForASupervisor) {
  ASSERT_TRUE(service_->mark_sensitive(admin_, carl_.user_id, "", "").ok());
  NewSession for_carl;
  for_carl.customer_user_id = carl_.user_id;
  auto issued = start(agent_, for_carl);
  auto pass = redeem(issued.code);
  const auto id = issued.session.id;
  Running r{id, customer_of(pass)};
  ASSERT_TRUE(service_->join(agent_, id, 1, "").ok());
  ASSERT_TRUE(service_->join(r.customer, id, 2, "").ok());
  grant(r, Step::chat);  // chat needs no approval

  auto early = service_->ask(agent_, id, Step::view, "");
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, ErrorCode::forbidden);
  EXPECT_NE(early.error().message.find("supervisor"), std::string::npos);
  EXPECT_EQ(service_->answer(r.customer, id, Step::view, true, "").error().code, ErrorCode::forbidden)
      << "nor granted by the customer";
  EXPECT_EQ(service_->decide_approval(admin_, id, true, "", "").error().code, ErrorCode::conflict) << "nothing asked";

  auto asked = service_->request_approval(agent_, id, "192.0.2.1");
  ASSERT_TRUE(asked.ok()) << asked.error().message;
  EXPECT_EQ(asked->approval, Approval::pending);
  EXPECT_EQ(service_->request_approval(agent_, id, "").error().code, ErrorCode::conflict);
  EXPECT_EQ(service_->request_approval(r.customer, id, "").error().code, ErrorCode::forbidden);
  ASSERT_EQ(service_->pending_approvals(admin_)->size(), 1u);
  EXPECT_EQ(service_->pending_approvals(agent_).error().code, ErrorCode::forbidden);
  // Not a supervisor: neither the agent nor another agent decides.
  EXPECT_EQ(service_->decide_approval(agent_, id, true, "", "").error().code, ErrorCode::forbidden);
  EXPECT_EQ(service_->decide_approval(other_agent_, id, true, "", "").error().code, ErrorCode::forbidden);
  EXPECT_EQ(service_->decide_approval(r.customer, id, true, "", "").error().code, ErrorCode::forbidden);
  EXPECT_EQ(service_->decide_approval(admin_, id, false, "  ", "").error().code, ErrorCode::invalid_argument)
      << "a refusal needs a reason";

  auto refused = service_->decide_approval(admin_, id, false, "open audit: ask the customer to send the form", "");
  ASSERT_TRUE(refused.ok()) << refused.error().message;
  EXPECT_EQ(refused->approval, Approval::refused);
  EXPECT_EQ(refused->approval_by, admin_.user_id);
  auto after_refusal = service_->ask(agent_, id, Step::view, "");
  ASSERT_FALSE(after_refusal.ok());
  EXPECT_NE(after_refusal.error().message.find("open audit"), std::string::npos) << after_refusal.error().message;

  ASSERT_TRUE(service_->request_approval(agent_, id, "").ok()) << "asked again after a refusal";
  auto approved = service_->decide_approval(admin_, id, true, "", "");
  ASSERT_TRUE(approved.ok());
  EXPECT_EQ(approved->approval, Approval::approved);
  EXPECT_EQ(approved->approval_reason, "");
  EXPECT_TRUE(service_->pending_approvals(admin_)->empty());
  grant(r, Step::view);
  EXPECT_TRUE(signal(id, 2).ok());

  std::vector<std::string> events;
  auto log = service_->log(admin_, id);
  ASSERT_TRUE(log.ok());
  for (const auto& row : log->rows)
    if (row.entry.event.rfind("approval_", 0) == 0) events.push_back(row.entry.actor + " " + row.entry.event);
  const std::string sup = "supervisor:" + std::to_string(admin_.user_id);
  const std::string agent = "agent:" + std::to_string(agent_.user_id);
  EXPECT_EQ(events, (std::vector<std::string>{agent + " approval_requested", sup + " approval_refused",
                                              agent + " approval_requested", sup + " approval_granted"}));
  EXPECT_TRUE(service_->verify(admin_, id)->intact);
  EXPECT_EQ(
      rows("SELECT action, outcome FROM audit_log WHERE action LIKE 'remote_support.approval.%' ORDER BY id"),
      (std::vector<std::string>{"remote_support.approval.request|ok|", "remote_support.approval.decide|refused|",
                                "remote_support.approval.request|ok|", "remote_support.approval.decide|approved|"}));
}

TEST_P(RemoteSupportServiceTest, ASupervisorDoesNotApproveTheirOwnSessionAndOthersNeedNoApproval) {
  auto plain = running();
  EXPECT_EQ(service_->request_approval(agent_, plain.id, "").error().code, ErrorCode::conflict);
  ASSERT_TRUE(service_->mark_sensitive(admin_, carl_.user_id, "", "").ok());
  NewSession for_carl;
  for_carl.customer_user_id = carl_.user_id;
  auto own = start(admin_, for_carl);
  ASSERT_TRUE(service_->request_approval(admin_, own.session.id, "").ok());
  EXPECT_EQ(service_->decide_approval(admin_, own.session.id, true, "", "").error().code, ErrorCode::forbidden);
}

TEST_P(RemoteSupportServiceTest, ALeadOfTheAgentsTeamSupervisesItsSessionsAndNoOthers) {
  auto lena = person("lena", UserKind::employee, "PT");
  auto otto = person("otto", UserKind::agent, "PT");
  const audit::Actor actor = audit::Actor::from(admin_, "");
  auto support = identity_->create_team(actor, "Support DE", std::nullopt);
  auto other = identity_->create_team(actor, "Sales", std::nullopt);
  ASSERT_TRUE(support.ok() && other.ok());
  ASSERT_TRUE(identity_->add_team_member(actor, support->id, agent_.user_id).ok());
  ASSERT_TRUE(identity_->add_team_member(actor, support->id, lena.user_id, true).ok());
  ASSERT_TRUE(identity_->add_team_member(actor, other->id, otto.user_id, true).ok());
  ASSERT_TRUE(identity_->add_team_member(actor, other->id, other_agent_.user_id).ok());
  ASSERT_TRUE(service_->mark_sensitive(admin_, carl_.user_id, "", "").ok());
  NewSession for_carl;
  for_carl.customer_user_id = carl_.user_id;
  auto mine = start(agent_, for_carl);
  auto theirs = start(other_agent_, for_carl);
  ASSERT_TRUE(service_->request_approval(agent_, mine.session.id, "").ok());
  ASSERT_TRUE(service_->request_approval(other_agent_, theirs.session.id, "").ok());

  auto told = service_->supervisor_ids(mine.session);
  ASSERT_TRUE(told.ok());
  EXPECT_NE(std::find(told->begin(), told->end(), lena.user_id), told->end());
  EXPECT_EQ(std::find(told->begin(), told->end(), otto.user_id), told->end());
  auto lenas = service_->pending_approvals(lena);
  ASSERT_TRUE(lenas.ok());
  ASSERT_EQ(lenas->size(), 1u);
  EXPECT_EQ(lenas->front().id, mine.session.id);
  EXPECT_EQ(service_->pending_approvals(admin_)->size(), 2u);
  EXPECT_EQ(service_->pending_approvals(emma_).error().code, ErrorCode::forbidden) << "leads no team";
  EXPECT_EQ(service_->decide_approval(otto, mine.session.id, true, "", "").error().code, ErrorCode::forbidden)
      << "a lead of another team";
  EXPECT_EQ(service_->decide_approval(lena, theirs.session.id, true, "", "").error().code, ErrorCode::forbidden);
  EXPECT_EQ(service_->decide_approval(lena, 999'999, true, "", "").error().code, ErrorCode::forbidden);
  EXPECT_EQ(service_->decide_approval(admin_, 999'999, true, "", "").error().code, ErrorCode::not_found);
  auto approved = service_->decide_approval(lena, mine.session.id, true, "", "");
  ASSERT_TRUE(approved.ok()) << approved.error().message;
  EXPECT_EQ(approved->approval_by, lena.user_id);
  // A lead who is the session's own agent does not approve it either.
  ASSERT_TRUE(identity_->add_team_member(actor, other->id, other_agent_.user_id, true).ok());
  EXPECT_EQ(service_->decide_approval(other_agent_, theirs.session.id, true, "", "").error().code,
            ErrorCode::forbidden);
  EXPECT_TRUE(service_->decide_approval(otto, theirs.session.id, true, "", "").ok());
}

TEST_P(RemoteSupportServiceTest, TheMinimumConsentPolicyIsSetByAdminsAuditedAndKeptBySessions) {
  EXPECT_EQ(service_->consent_policy(agent_)->separate_questions, 3);
  EXPECT_EQ(service_->consent_policy(carl_).error().code, ErrorCode::forbidden);
  EXPECT_EQ(service_->set_consent_policy(agent_, 2, "").error().code, ErrorCode::forbidden);
  EXPECT_EQ(service_->set_consent_policy(admin_, 0, "").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(service_->set_consent_policy(admin_, 4, "").error().code, ErrorCode::invalid_argument);

  // Under the default every step is its own question: asking two at once is refused.
  auto strict = running();
  ASSERT_TRUE(service_->ask(agent_, strict.id, Step::chat, "").ok());
  ASSERT_TRUE(service_->answer(strict.customer, strict.id, Step::chat, true, "").ok());
  auto together = service_->ask_steps(agent_, strict.id, {Step::view, Step::annotate}, "");
  ASSERT_FALSE(together.ok());
  EXPECT_EQ(together.error().code, ErrorCode::forbidden);
  EXPECT_EQ(service_->get(agent_, strict.id)->consent.state(Step::view), ConsentState::not_asked);

  clock_.advance_ms(1000);
  auto lowered = service_->set_consent_policy(admin_, 2, "192.0.2.7");
  ASSERT_TRUE(lowered.ok());
  EXPECT_EQ(lowered->separate_questions, 2);
  EXPECT_EQ(lowered->changed_by, admin_.user_id);
  // The running session keeps the policy it started under.
  EXPECT_EQ(service_->ask_steps(agent_, strict.id, {Step::view, Step::annotate}, "").error().code,
            ErrorCode::forbidden);
  auto r = running();
  auto s = service_->get(r.customer, r.id);
  EXPECT_EQ(s->separate_questions, 2);
  EXPECT_EQ(s->policy_changed_at, lowered->changed_at) << "the customer is shown when it was lowered";
  ASSERT_TRUE(service_->ask(agent_, r.id, Step::chat, "").ok());
  ASSERT_TRUE(service_->answer(r.customer, r.id, Step::chat, true, "").ok());
  EXPECT_EQ(service_->ask_steps(agent_, r.id, {Step::chat, Step::annotate}, "").error().code,
            ErrorCode::invalid_argument);
  ASSERT_TRUE(service_->ask_steps(agent_, r.id, {Step::view, Step::annotate}, "").ok());
  auto both = service_->answer(r.customer, r.id, Step::view, true, "");
  ASSERT_TRUE(both.ok());
  EXPECT_TRUE(both->consent.allows(Step::annotate)) << "one answer for the one question";
  // Withdrawing stays step by step.
  auto back = service_->revoke(r.customer, r.id, Step::annotate, "");
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->session.consent.allows(Step::view));

  ASSERT_TRUE(service_->set_consent_policy(admin_, 3, "").ok());
  EXPECT_EQ(rows("SELECT outcome FROM audit_log WHERE action = 'remote_support.consent_policy.change' ORDER BY id"),
            (std::vector<std::string>{"lowered|", "ok|"}));
}

TEST_P(RemoteSupportServiceTest, ACustomerWaitsInTheQueueAndOneAgentAcceptsWithTheWaitCounted) {
  // Only a customer account asks; one waiting request at a time.
  for (const auto* who : {&agent_, &emma_, &gus_})
    EXPECT_EQ(service_->request_help(*who, "", "").error().code, ErrorCode::forbidden);
  EXPECT_EQ(service_->request_help(carl_, std::string(501, 'x'), "").error().code, ErrorCode::invalid_argument);
  auto q = service_->request_help(carl_, "my invoice", "198.51.100.9");
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->status, "waiting");
  EXPECT_EQ(q->country, "DE");
  EXPECT_EQ(service_->request_help(carl_, "again", "").error().code, ErrorCode::conflict);

  // Staff who start sessions see the queue; others do not.
  EXPECT_EQ(service_->queue(carl_).error().code, ErrorCode::forbidden);
  EXPECT_EQ(service_->queue(emma_).error().code, ErrorCode::forbidden);
  auto waiting = service_->queue(agent_);
  ASSERT_TRUE(waiting.ok());
  ASSERT_EQ(waiting->size(), 1u);
  EXPECT_EQ(waiting->front().customer_name, "carl");
  EXPECT_EQ(service_->accept(carl_, q->id, "").error().code, ErrorCode::forbidden);
  EXPECT_EQ(service_->accept(agent_, 999999, "").error().code, ErrorCode::not_found);

  clock_.advance_ms(90'000);
  auto accepted = service_->accept(agent_, q->id, "192.0.2.1");
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_EQ(accepted->request.status, "accepted");
  EXPECT_EQ(accepted->request.accepted_by, agent_.user_id);
  EXPECT_EQ(accepted->request.session_id, accepted->issued.session.id);
  EXPECT_EQ(accepted->issued.session.customer_user_id, carl_.user_id);
  EXPECT_EQ(accepted->issued.session.agent_id, agent_.user_id);
  EXPECT_EQ(accepted->issued.code.size(), 8u);
  // The second agent is too late; the queue is empty again.
  EXPECT_EQ(service_->accept(other_agent_, q->id, "").error().code, ErrorCode::conflict);
  EXPECT_TRUE(service_->queue(agent_)->empty());
  auto log = service_->log(agent_, accepted->issued.session.id);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->rows.back().entry.event, "accepted");
  EXPECT_NE(log->rows.back().entry.data.find("\"waited_ms\":90000"), std::string::npos) << log->rows.back().entry.data;
  EXPECT_TRUE(service_->verify(admin_, accepted->issued.session.id)->intact);
}

TEST_P(RemoteSupportServiceTest, OnlyTheCustomerWithdrawsTheirWaitingRequest) {
  auto q = service_->request_help(carl_, "", "");
  ASSERT_TRUE(q.ok());
  auto dora = person("dora", UserKind::customer, "AT");
  EXPECT_EQ(service_->withdraw(dora, q->id).error().code, ErrorCode::not_found) << "another customer's request";
  EXPECT_EQ(service_->withdraw(agent_, q->id).error().code, ErrorCode::not_found);
  ASSERT_TRUE(service_->withdraw(carl_, q->id).ok());
  EXPECT_EQ(service_->withdraw(carl_, q->id).error().code, ErrorCode::conflict);
  EXPECT_EQ(service_->accept(agent_, q->id, "").error().code, ErrorCode::conflict) << "withdrawn: nothing to accept";
  EXPECT_TRUE(service_->queue(agent_)->empty());
  EXPECT_TRUE(service_->request_help(carl_, "", "").ok()) << "asking again after withdrawing";
}

TEST_P(RemoteSupportServiceTest, ACustomerReadsBackTheirOwnWaitingRequestAndNoOneElses) {
  EXPECT_FALSE(service_->my_request(carl_)->has_value()) << "nothing waits yet";
  auto q = service_->request_help(carl_, "my invoice", "");
  ASSERT_TRUE(q.ok());
  auto mine = service_->my_request(carl_);
  ASSERT_TRUE(mine.ok() && mine->has_value());
  EXPECT_EQ((*mine)->id, q->id);
  EXPECT_EQ((*mine)->topic, "my invoice");
  EXPECT_EQ(service_->request(carl_, q->id)->status, "waiting");
  EXPECT_EQ(service_->request(agent_, q->id)->customer_user_id, carl_.user_id) << "staff read any request";
  auto dora = person("dora", UserKind::customer, "AT");
  EXPECT_FALSE(service_->my_request(dora)->has_value());
  EXPECT_EQ(service_->request(dora, q->id).error().code, ErrorCode::not_found) << "another customer's request";
  EXPECT_EQ(service_->request(emma_, q->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(service_->request(carl_, 999999).error().code, ErrorCode::not_found);
  for (const auto* who : {&agent_, &emma_, &gus_})
    EXPECT_EQ(service_->my_request(*who).error().code, ErrorCode::forbidden);
  // Once accepted, nothing of theirs waits any more; the request itself still reads back.
  ASSERT_TRUE(service_->accept(agent_, q->id, "").ok());
  EXPECT_FALSE(service_->my_request(carl_)->has_value());
  EXPECT_EQ(service_->request(carl_, q->id)->status, "accepted");
}

TEST_P(RemoteSupportServiceTest, ARequestWaitingTooLongIsFlaggedOnceAcrossNodesThenExpires) {
  options_.waiting_alert_seconds = 60;
  options_.request_ttl_seconds = 600;
  make_service();
  // A second node: its own service on the same store.
  RemoteSupportService other_node(*db_, policy_, clock_, options_, *identity_, nullptr, toggles_.get(), audit_.get());
  auto q = service_->request_help(carl_, "", "");
  ASSERT_TRUE(q.ok());
  EXPECT_FALSE(q->overdue_at.has_value());
  clock_.advance_ms(59'000);
  auto early = service_->sweep_queue();
  ASSERT_TRUE(early.ok()) << early.error().message;
  EXPECT_TRUE(early->overdue.empty() && early->expired.empty()) << "not yet";
  auto dora = person("dora", UserKind::customer, "AT");
  auto later = service_->request_help(dora, "", "");
  ASSERT_TRUE(later.ok());

  clock_.advance_ms(1'000);
  auto first = service_->sweep_queue();
  auto second = other_node.sweep_queue();
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_EQ(first->overdue.size(), 1u);
  EXPECT_EQ(first->overdue[0].id, q->id);
  EXPECT_TRUE(first->overdue[0].overdue_at.has_value());
  EXPECT_TRUE(second->overdue.empty()) << "flagged by the first node already";
  EXPECT_TRUE(service_->sweep_queue()->overdue.empty()) << "once per request";
  EXPECT_EQ(service_->queue(agent_)->front().overdue_at, first->overdue[0].overdue_at) << "kept for a reloaded page";

  // Past its time to live it is closed as expired, once; Dora's, younger, is flagged now.
  clock_.advance_ms(540'000);
  auto expiring = other_node.sweep_queue();
  auto again = service_->sweep_queue();
  ASSERT_TRUE(expiring.ok() && again.ok());
  ASSERT_EQ(expiring->expired.size(), 1u);
  EXPECT_EQ(expiring->expired[0].id, q->id);
  EXPECT_EQ(expiring->expired[0].status, "expired");
  ASSERT_EQ(expiring->overdue.size(), 1u);
  EXPECT_EQ(expiring->overdue[0].id, later->id);
  EXPECT_TRUE(again->expired.empty() && again->overdue.empty());
  ASSERT_EQ(service_->queue(agent_)->size(), 1u);
  EXPECT_FALSE(service_->my_request(carl_)->has_value());
  EXPECT_EQ(service_->accept(agent_, q->id, "").error().code, ErrorCode::conflict) << "expired: nothing to accept";
  EXPECT_TRUE(service_->request_help(carl_, "", "").ok()) << "asking again after it expired";
}

TEST_P(RemoteSupportServiceTest, TheQueuesAudienceIsItsStaffNotCustomersOrEmployees) {
  auto audience = service_->queue_audience();
  ASSERT_TRUE(audience.ok());
  auto has = [&](const Subject& s) { return std::count(audience->begin(), audience->end(), s.user_id) == 1; };
  EXPECT_TRUE(has(agent_) && has(other_agent_) && has(admin_));
  EXPECT_FALSE(has(carl_) || has(emma_) || has(gus_));
}

TEST_P(RemoteSupportServiceTest, FiguresPerAgentAreMediansOfTheWaitAndTheDuration) {
  EXPECT_EQ(service_->figures(agent_).error().code, ErrorCode::forbidden);
  // Ada accepts two requests after 10 s and 30 s; one session of 60 s ends.
  auto dora = person("dora", UserKind::customer, "AT");
  std::int64_t first_session = 0;
  for (auto [who, wait] : {std::pair{&carl_, 10'000}, std::pair{&dora, 30'000}}) {
    auto q = service_->request_help(*who, "", "");
    ASSERT_TRUE(q.ok());
    clock_.advance_ms(wait);
    auto a = service_->accept(agent_, q->id, "");
    ASSERT_TRUE(a.ok()) << a.error().message;
    if (!first_session) first_session = a->issued.session.id;
  }
  auto pass = service_->join_as_customer(carl_, first_session, "");
  ASSERT_TRUE(pass.ok()) << pass.error().message;
  clock_.advance_ms(60'000);
  ASSERT_TRUE(service_->end(agent_, first_session, "").ok());
  start(other_agent_);

  auto figures = service_->figures(admin_);
  ASSERT_TRUE(figures.ok()) << figures.error().message;
  ASSERT_EQ(figures->size(), 2u);
  const auto& abe = (*figures)[0];
  const auto& ada = (*figures)[1];
  EXPECT_EQ(abe.name, "abe");
  EXPECT_EQ(abe.sessions, 1);
  EXPECT_EQ(abe.accepted, 0);
  EXPECT_FALSE(abe.median_accept_ms.has_value());
  EXPECT_EQ(ada.sessions, 2);
  EXPECT_EQ(ada.accepted, 2);
  EXPECT_EQ(ada.median_accept_ms, 20'000);
  EXPECT_EQ(ada.ended, 1);
  EXPECT_EQ(ada.median_duration_ms, 60'000);
}

INSTANTIATE_TEST_SUITE_P(Stores, RemoteSupportServiceTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::remote_support
