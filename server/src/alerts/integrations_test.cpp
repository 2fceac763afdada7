// Alertmanager integrations: the webhook payload read (version 4, unknown fields accepted,
// precise refusals), firing alerts sent to the integration's configured audience only and
// deduplicated by fingerprint, resolved ones resolving them; secrets; on both stores.
#include <gtest/gtest.h>

#include "alerts/alertmanager.hpp"
#include "alerts/alertmanager_silences.hpp"
#include "alerts/alerts_service.hpp"
#include "alerts/alerts_test_support.hpp"
#include "alerts/webhook.hpp"
#include "core/json_fields.hpp"
#include "core/random.hpp"
#include "identity/identity_service.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"

namespace meridian::alerts {
namespace {

Result<AmPayload> parse(std::string_view text) {
  auto o = json::parse_object(text);
  if (!o.ok()) return o.error();
  return parse_alertmanager(*o);
}

std::string payload(const std::string& status, const std::string& fingerprint, const std::string& severity = "critical",
                    const std::string& summary = "Disk full on db1") {
  return R"({"version":"4","groupKey":"{}:{alertname=\"DiskFull\"}","status":")" + status +
         R"(","receiver":"meridian","truncatedAlerts":0,"groupLabels":{"alertname":"DiskFull"},"commonLabels":{},)"
         R"("externalURL":"http://am.example","futureField":{"x":[1,2]},"alerts":[{"status":")" +
         status + R"(","labels":{"alertname":"DiskFull","severity":")" + severity +
         R"(","instance":"db1"},"annotations":{"summary":")" + summary +
         R"("},"startsAt":"2026-12-07T10:00:00Z","endsAt":"0001-01-01T00:00:00Z",)"
         R"("generatorURL":"http://prometheus.example/graph","fingerprint":")" +
         fingerprint + R"("}]})";
}

TEST(Alertmanager, ReadsVersion4AndAcceptsFieldsItDoesNotKnow) {
  auto p = parse(payload("firing", "c0ffee"));
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_EQ(p->alerts.size(), 1u);
  EXPECT_TRUE(p->alerts[0].firing);
  EXPECT_EQ(p->alerts[0].fingerprint, "c0ffee");
  EXPECT_EQ(p->alerts[0].labels.at("instance"), "db1");
  Integration x;
  x.id = 7;
  x.audience.countries = {"DE"};
  auto n = alert_from_alertmanager(p->alerts[0], x, p->group_key);
  EXPECT_EQ(n.title, "DiskFull: Disk full on db1");
  EXPECT_EQ(n.priority, Priority::critical);
  EXPECT_EQ(n.category, Category::system);
  EXPECT_EQ(n.dedup_key, "integration:7:c0ffee");
  EXPECT_EQ(n.audience.countries, (std::vector<std::string>{"DE"}));
  EXPECT_NE(n.body.find("- instance: db1"), std::string::npos) << n.body;
  EXPECT_NE(n.body.find("http://prometheus.example/graph"), std::string::npos) << n.body;
  auto warn = parse(payload("firing", "f", "warning"));
  EXPECT_EQ(alert_from_alertmanager(warn->alerts[0], x, "").priority, Priority::warning);
  auto none = parse(payload("firing", "f", "low"));
  EXPECT_EQ(alert_from_alertmanager(none->alerts[0], x, "").priority, Priority::info);
}

TEST(Alertmanager, RefusesMalformedPayloadsPrecisely) {
  auto message = [](std::string_view text) {
    auto p = parse(text);
    return p.ok() ? std::string("accepted") : p.error().message;
  };
  EXPECT_EQ(message(R"({"version":"3","alerts":[]})"),
            "version must be \"4\" (Alertmanager's webhook payload version 4)");
  EXPECT_EQ(message(R"({"version":"4"})"), "alerts must be an array");
  EXPECT_EQ(message(R"({"version":"4","alerts":[7]})"), "alerts[0] must be an object");
  EXPECT_EQ(message(R"({"version":"4","groupKey":"g","alerts":[{"status":"pending"}]})"),
            "alerts[0].status must be firing or resolved");
  EXPECT_EQ(message(R"({"version":"4","groupKey":"g","alerts":[{"status":"firing","labels":{"a":1}}]})"),
            "alerts[0].labels.a must be a string");
  EXPECT_EQ(message(R"({"version":"4","alerts":[{"status":"firing"}]})"),
            "alerts[0] has no fingerprint and the payload no groupKey");
  // No fingerprint: the group key identifies it.
  auto grouped = parse(R"({"version":"4","groupKey":"g1","alerts":[{"status":"firing"}]})");
  ASSERT_TRUE(grouped.ok());
  EXPECT_EQ(integration_key(3, grouped->alerts[0], grouped->group_key), "integration:3:group:g1");
}

TEST(Alertmanager, CutsTextOnACharacterBoundary) {
  EXPECT_EQ(cut_utf8("abc", 5), "abc");
  EXPECT_EQ(cut_utf8("a\xC3\xA4x", 2), "a");  // "ä" is two bytes: not split
  EXPECT_EQ(cut_utf8("a\xC3\xA4x", 3), "a\xC3\xA4");
}

class IntegrationsTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    init_crypto();
    alerts_ = std::make_unique<AlertsService>(*db_, policy_, clock_, audit_.get());
    admin_ = person("root", UserKind::employee, "PT", "UTC", std::vector<Role>{Role::admin});
    de_ = person("dora", UserKind::employee, "DE", "UTC");
    at_ = person("anna", UserKind::employee, "AT", "UTC");
    always_working(*db_, {de_.user_id, at_.user_id});
    Integration x;
    x.name = "prometheus-prod";
    x.audience.countries = {"DE"};
    auto made = alerts_->create_integration(admin_, x);
    ASSERT_TRUE(made.ok()) << made.error().message;
    integration_ = made->integration;
    secret_ = made->secret;
  }

  Bridged hook(const std::string& text) {
    auto p = parse(text);
    EXPECT_TRUE(p.ok());
    auto done = alerts_->from_alertmanager(integration_, *p);
    EXPECT_TRUE(done.ok()) << (done.ok() ? "" : done.error().message);
    return done.ok() ? std::move(*done) : Bridged{};
  }

  std::unique_ptr<AlertsService> alerts_;
  Subject admin_, de_, at_;
  Integration integration_;
  std::string secret_;
};

TEST_P(IntegrationsTest, OnlyAdminsConfigureIntegrationsAndTheSecretIsChecked) {
  Integration x;
  x.name = "other";
  x.audience.countries = {"AT"};
  EXPECT_EQ(alerts_->create_integration(de_, x).error().code, ErrorCode::forbidden);
  x.name = "Bad Name";
  EXPECT_EQ(alerts_->create_integration(admin_, x).error().code, ErrorCode::invalid_argument);
  x.name = "prometheus-prod";
  EXPECT_EQ(alerts_->create_integration(admin_, x).error().code, ErrorCode::conflict);
  // No secret, a wrong one and an unknown name get one answer: names are not told apart.
  const auto wrong = alerts_->integration_by_secret("prometheus-prod", "wrong");
  const auto none = alerts_->integration_by_secret("prometheus-prod", "");
  const auto unknown = alerts_->integration_by_secret("nobody", secret_);
  for (const auto* r : {&wrong, &none, &unknown}) {
    ASSERT_FALSE(r->ok());
    EXPECT_EQ(r->error().code, ErrorCode::unauthenticated);
    EXPECT_EQ(r->error().message, wrong.error().message);
  }
  auto found = alerts_->integration_by_secret("prometheus-prod", secret_);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, integration_.id);
  // People cannot take over an integration's key.
  NewAlert in;
  in.title = "t";
  in.audience.countries = {"DE"};
  in.dedup_key = "integration:" + std::to_string(integration_.id) + ":c0ffee";
  EXPECT_EQ(alerts_->send(admin_, in).error().code, ErrorCode::invalid_argument);
  // Removed: its secret opens nothing, with the same answer.
  ASSERT_TRUE(alerts_->remove_integration(admin_, integration_.id).ok());
  const auto removed = alerts_->integration_by_secret("prometheus-prod", secret_);
  EXPECT_EQ(removed.error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(removed.error().message, wrong.error().message);
}

TEST_P(IntegrationsTest, AnIntegrationIsSuspendedWhenItsCreatorNoLongerVouchesForIt) {
  auto firing = parse(payload("firing", "c0ffee"));
  ASSERT_TRUE(firing.ok());
  ASSERT_TRUE(alerts_->from_alertmanager(integration_, *firing).ok());
  // The creator loses the admin role (another admin remains): its sends are refused, saying why.
  Subject other = person("ops", UserKind::employee, "PT", "UTC", std::vector<Role>{Role::admin});
  identity::UserChange demote;
  demote.roles = std::vector<Role>{Role::employee};
  ASSERT_TRUE(identity_->update_user(audit::Actor{}, admin_.user_id, demote).ok());
  auto refused = alerts_->from_alertmanager(integration_, *parse(payload("firing", "beef")));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::forbidden);
  EXPECT_NE(refused.error().message.find("is suspended: its creator may no longer send alerts to everyone"),
            std::string::npos)
      << refused.error().message;
  auto why = alerts_->suspension(integration_);
  ASSERT_TRUE(why.ok());
  EXPECT_EQ(*why, refused.error().message);
  // Nothing of it was stored: Dora has only the first alert.
  EXPECT_EQ(alerts_->received(de_, 50)->size(), 1u);
  // Another admin rotates its secret and so vouches for it: it sends again, with the new secret only.
  EXPECT_EQ(alerts_->rotate_integration(de_, integration_.id).error().code, ErrorCode::forbidden);
  auto rotated = alerts_->rotate_integration(other, integration_.id);
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  EXPECT_NE(rotated->secret, secret_);
  EXPECT_EQ(rotated->integration.created_by, other.user_id);
  EXPECT_EQ(alerts_->integration_by_secret("prometheus-prod", secret_).error().code, ErrorCode::unauthenticated);
  auto again = alerts_->integration_by_secret("prometheus-prod", rotated->secret);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(alerts_->from_alertmanager(*again, *parse(payload("firing", "beef"))).ok());
  EXPECT_EQ(*alerts_->suspension(*again), std::nullopt);
  // Its new creator is deactivated (a third admin remains): suspended again.
  person("third", UserKind::employee, "PT", "UTC", std::vector<Role>{Role::admin});
  ASSERT_TRUE(identity_->deactivate_user(audit::Actor{}, other.user_id).ok());
  auto gone = alerts_->from_alertmanager(*again, *parse(payload("firing", "f00d")));
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::forbidden);
  EXPECT_NE(gone.error().message.find("its creator's account is deactivated"), std::string::npos)
      << gone.error().message;
}

TEST_P(IntegrationsTest, FiringSendsToItsAudienceRepeatsDeduplicateResolvedResolves) {
  auto first = hook(payload("firing", "c0ffee"));
  ASSERT_EQ(first.sent.size(), 1u);
  const auto& a = first.sent[0].alert;
  EXPECT_FALSE(first.sent[0].deduplicated);
  EXPECT_EQ(first.sent[0].recipients, (std::vector<std::int64_t>{de_.user_id})) << "DE only, as configured";
  EXPECT_FALSE(a.sender_id.has_value());
  EXPECT_EQ(a.sender_name, "prometheus-prod");
  EXPECT_EQ(a.integration_id, integration_.id);

  auto again = hook(payload("firing", "c0ffee", "critical", "Disk full on db1 (99%)"));
  ASSERT_EQ(again.sent.size(), 1u);
  EXPECT_TRUE(again.sent[0].deduplicated);
  EXPECT_EQ(again.sent[0].alert.id, a.id);
  EXPECT_EQ(again.sent[0].alert.repeat_count, 2);
  EXPECT_EQ(again.sent[0].alert.title, "DiskFull: Disk full on db1 (99%)");
  EXPECT_TRUE(again.sent[0].recipients.empty()) << "a repeat pages nobody";

  // Acknowledged, then resolved by Alertmanager: resolve wins.
  ASSERT_TRUE(alerts_->acknowledge(de_, a.id, "on it").ok());
  auto resolved = hook(payload("resolved", "c0ffee"));
  ASSERT_EQ(resolved.resolved.size(), 1u);
  EXPECT_EQ(resolved.resolved[0].first.status, Status::resolved);
  EXPECT_EQ(resolved.resolved[0].second, (std::vector<std::int64_t>{de_.user_id}));
  // Resolved again (Alertmanager repeats): nothing open for it.
  EXPECT_EQ(hook(payload("resolved", "c0ffee")).ignored, 1);
  // Firing again later: a new alert.
  auto refired = hook(payload("firing", "c0ffee"));
  ASSERT_EQ(refired.sent.size(), 1u);
  EXPECT_NE(refired.sent[0].alert.id, a.id);
  // Another receiver (AT) never received any of it.
  auto anna = alerts_->received(at_, 50);
  ASSERT_TRUE(anna.ok());
  EXPECT_TRUE(anna->empty());
}

TEST_P(IntegrationsTest, OneBadAlertRefusesThePayloadBeforeAnythingIsStored) {
  const std::string text = R"({"version":"4","groupKey":"g","alerts":[)"
                           R"({"status":"firing","fingerprint":"a1","labels":{"alertname":"Fine"}},)"
                           R"({"status":"firing","fingerprint":"a2","labels":{"alertname":"Bad\u0007bell"}}]})";
  auto p = parse(text);
  ASSERT_TRUE(p.ok());
  auto done = alerts_->from_alertmanager(integration_, *p);
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(done.error().message.rfind("alerts[1]: ", 0), 0u) << done.error().message;
  auto dora = alerts_->received(de_, 50);
  ASSERT_TRUE(dora.ok());
  EXPECT_TRUE(dora->empty());
}

TEST(Webhook, SignsWithHmacSha256OverTimestampDotBody) {
  // RFC 4231, test case 2.
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(webhook_signature("k", "1700000000", R"({"title":"x"})"),
            "sha256=" + hmac_sha256_hex("k", R"(1700000000.{"title":"x"})"));
  EXPECT_TRUE(same_signature("sha256=ab", "sha256=ab"));
  EXPECT_FALSE(same_signature("sha256=ab", "sha256=ac"));
  EXPECT_FALSE(same_signature("sha256=ab", "sha256=abc"));
  EXPECT_EQ(webhook_timestamp("1700000000"), 1'700'000'000'000);
  for (const char* bad : {"", "-1", "1.5", "17e8", "1234567890123"})
    EXPECT_EQ(webhook_timestamp(bad), std::nullopt) << bad;
}

TEST(Webhook, ReadsItsPayloadAndRefusesPrecisely) {
  Integration x;
  x.id = 4;
  x.kind = "webhook";
  x.audience.countries = {"DE"};
  x.require_ack = true;
  auto read = [&](std::string_view text) { return parse_webhook(*json::parse_object(text), x); };
  auto ok = read(R"({"title":"Backup failed","body":"on db1","priority":"critical","key":"backup-db1"})");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_TRUE(ok->firing);
  EXPECT_EQ(ok->alert.title, "Backup failed");
  EXPECT_EQ(ok->alert.priority, Priority::critical);
  EXPECT_EQ(ok->alert.category, Category::system);
  EXPECT_EQ(ok->alert.dedup_key, "integration:4:key:backup-db1");
  EXPECT_EQ(ok->alert.audience.countries, (std::vector<std::string>{"DE"}));
  EXPECT_TRUE(ok->alert.require_ack);
  auto message = [&](std::string_view text) {
    auto r = read(text);
    return r.ok() ? std::string("accepted") : r.error().message;
  };
  EXPECT_EQ(message(R"({"body":"no title"})"), read(R"({})").error().message);
  EXPECT_NE(message(R"({"title":"t","audience":{"countries":["AT"]}})").find("audience"), std::string::npos)
      << "the audience is the integration's, not the caller's";
  EXPECT_EQ(message(R"({"title":"t","priority":"urgent"})"), "priority must be info, warning or critical");
  EXPECT_EQ(message(R"({"title":"t","status":"pending"})"), "status must be firing or resolved");
  EXPECT_EQ(message(R"({"status":"resolved"})"), "a resolved alert needs its key");
  EXPECT_EQ(message(R"({"status":"resolved","key":"k"})"), "accepted");
}

TEST_P(IntegrationsTest, ASignedWebhookIsAcceptedOnceWithinItsWindow) {
  Integration w;
  w.kind = "webhook";
  w.name = "backups";
  w.audience.countries = {"DE"};
  auto made = alerts_->create_integration(admin_, w);
  ASSERT_TRUE(made.ok()) << made.error().message;
  const std::string key = made->secret;
  const std::string body = R"({"title":"Backup failed","priority":"warning","key":"db1"})";
  const std::string ts = std::to_string(clock_.now_ms() / 1000);
  const std::string sig = webhook_signature(key, ts, body);

  // The one refusal: a wrong signature, an unknown name, another kind of integration, a wrong bearer.
  const auto bad = alerts_->webhook_integration("backups", {"", ts, webhook_signature("not-the-key", ts, body)}, body);
  const auto unknown = alerts_->webhook_integration("nobody", {"", ts, sig}, body);
  const auto other_kind = alerts_->webhook_integration("prometheus-prod", {secret_, "", ""}, body);
  const auto other_kind_signed =
      alerts_->webhook_integration("prometheus-prod", {"", ts, webhook_signature(secret_, ts, body)}, body);
  const auto changed = alerts_->webhook_integration("backups", {"", ts, sig}, body + " ");
  const auto bearer_wrong = alerts_->webhook_integration("backups", {"nope", "", ""}, body);
  for (const auto* r : {&bad, &unknown, &other_kind, &other_kind_signed, &changed, &bearer_wrong}) {
    ASSERT_FALSE(r->ok());
    EXPECT_EQ(r->error().code, ErrorCode::unauthenticated);
    EXPECT_EQ(r->error().message, alerts_->integration_by_secret("nobody", "x").error().message);
  }

  // Valid: sent to the integration's audience.
  auto in = alerts_->webhook_integration("backups", {"", ts, sig}, body);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->signature, sig);
  auto alert = parse_webhook(*json::parse_object(body), in->integration);
  ASSERT_TRUE(alert.ok());
  auto done = alerts_->from_webhook(*in, *alert);
  ASSERT_TRUE(done.ok()) << done.error().message;
  ASSERT_EQ(done->sent.size(), 1u);
  EXPECT_EQ(done->sent[0].recipients, (std::vector<std::int64_t>{de_.user_id}));
  EXPECT_EQ(done->sent[0].alert.sender_name, "backups");

  // Replayed, here and on another node with the same store: refused, nothing sent.
  auto replay = alerts_->from_webhook(*in, *alert);
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().code, ErrorCode::conflict);
  AlertsService other_node(*db_, policy_, clock_, audit_.get());
  auto there = other_node.webhook_integration("backups", {"", ts, sig}, body);
  ASSERT_TRUE(there.ok());
  EXPECT_EQ(other_node.from_webhook(*there, *alert).error().code, ErrorCode::conflict);
  EXPECT_EQ(alerts_->get(de_, done->sent[0].alert.id)->alert.repeat_count, 1);

  // Stale (and from the future): refused, saying so.
  clock_.advance_ms(kWebhookWindowMs + 1000);
  auto stale = alerts_->webhook_integration("backups", {"", ts, sig}, body);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::unauthenticated);
  EXPECT_NE(stale.error().message.find("more than 5 minutes"), std::string::npos) << stale.error().message;
  const std::string future = std::to_string(clock_.now_ms() / 1000 + 400);
  EXPECT_EQ(
      alerts_->webhook_integration("backups", {"", future, webhook_signature(key, future, body)}, body).error().code,
      ErrorCode::unauthenticated);

  // Signed anew: a repeat of the open alert of its key (counted); then resolved by its key.
  const std::string ts2 = std::to_string(clock_.now_ms() / 1000);
  auto again = alerts_->webhook_integration("backups", {"", ts2, webhook_signature(key, ts2, body)}, body);
  ASSERT_TRUE(again.ok());
  auto repeated = alerts_->from_webhook(*again, *alert);
  ASSERT_TRUE(repeated.ok()) << repeated.error().message;
  EXPECT_TRUE(repeated->sent.at(0).deduplicated);
  const std::string resolve = R"({"status":"resolved","key":"db1"})";
  // The secret as a bearer token works too (no replay protection then).
  auto by_bearer = alerts_->webhook_integration("backups", {key, "", ""}, resolve);
  ASSERT_TRUE(by_bearer.ok()) << by_bearer.error().message;
  EXPECT_EQ(by_bearer->signature, std::nullopt);
  auto resolved =
      alerts_->from_webhook(*by_bearer, *parse_webhook(*json::parse_object(resolve), by_bearer->integration));
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  ASSERT_EQ(resolved->resolved.size(), 1u);
  EXPECT_EQ(resolved->resolved[0].first.status, Status::resolved);

  // Rotated: the old key signs nothing any more.
  auto rotated = alerts_->rotate_integration(admin_, made->integration.id);
  ASSERT_TRUE(rotated.ok());
  const std::string ts3 = std::to_string(clock_.now_ms() / 1000);
  EXPECT_EQ(alerts_->webhook_integration("backups", {"", ts3, webhook_signature(key, ts3, body)}, body).error().code,
            ErrorCode::unauthenticated);
  EXPECT_TRUE(
      alerts_->webhook_integration("backups", {"", ts3, webhook_signature(rotated->secret, ts3, body)}, body).ok());
}

TEST(Silences, OneEqualityMatcherPerLabelUntilTheEnd) {
  EXPECT_EQ(rfc3339(1'700'000'000'123), "2023-11-14T22:13:20.123Z");
  auto body = silence_body({{"alertname", "DiskFull"}, {"instance", "db1"}}, 1'700'000'000'000,
                           1'700'000'000'000 + kDefaultSilenceMs, "meridian", 42);
  EXPECT_EQ(json::serialize(body),
            R"({"matchers":[{"name":"alertname","value":"DiskFull","isRegex":false,"isEqual":true},)"
            R"({"name":"instance","value":"db1","isRegex":false,"isEqual":true}],)"
            R"("startsAt":"2023-11-14T22:13:20.000Z","endsAt":"2023-11-15T22:13:20.000Z","createdBy":"meridian",)"
            R"j("comment":"Acknowledged in Meridian (alert 42)"})j");
}

TEST_P(IntegrationsTest, AnAcknowledgedAlertmanagerAlertIsSilencedOnceAndAFailureIsKept) {
  // An Alertmanager that cannot be reached (nothing listens on port 1 of the loopback).
  Integration x;
  x.name = "silencing";
  x.audience.countries = {"DE"};
  x.alertmanager_url = "http://127.0.0.1:1";
  auto made = alerts_->create_integration(admin_, x);
  ASSERT_TRUE(made.ok()) << made.error().message;
  auto p = parse(payload("firing", "5170"));
  auto done = alerts_->from_alertmanager(made->integration, *p);
  ASSERT_TRUE(done.ok()) << done.error().message;
  const Alert a = done->sent.at(0).alert;
  EXPECT_EQ(alerts_->silence_state(a.id)->value().first, "none");
  // Not acknowledged yet: nothing to silence.
  EXPECT_EQ(*alerts_->silence(a), std::nullopt);
  auto ack = alerts_->acknowledge(de_, a.id, "");
  ASSERT_TRUE(ack.ok());
  ASSERT_EQ(ack->alert.status, Status::acknowledged);
  auto tried = alerts_->silence(ack->alert);
  ASSERT_FALSE(tried.ok());
  EXPECT_EQ(tried.error().code, ErrorCode::unavailable);
  EXPECT_EQ(alerts_->silence_state(a.id)->value().first, "failed");
  // Claimed once: a second call (another node) does not try again.
  EXPECT_EQ(*alerts_->silence(ack->alert), std::nullopt);
  // The acknowledgement stands.
  EXPECT_EQ(alerts_->get(de_, a.id)->alert.status, Status::acknowledged);
  // An integration without a URL keeps no labels and calls nobody.
  auto plain = hook(payload("firing", "fee1"));
  EXPECT_EQ(*alerts_->silence_state(plain.sent.at(0).alert.id), std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Stores, IntegrationsTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::alerts
