// Integrations of the alerts module: Alertmanager's webhook turned into alerts
// (docs/architecture.md, "Alerts", "Integrations").
#include <regex>

#include <sodium.h>

#include "alerts/alerts_json.hpp"
#include "alerts/alertmanager_silences.hpp"
#include "alerts/alerts_service.hpp"
#include "alerts/webhook.hpp"
#include "core/json_fields.hpp"
#include "core/log.hpp"
#include "core/random.hpp"

namespace meridian::alerts {
namespace {

using policy::Action;

bool good_name(const std::string& name) {
  static const std::regex kName("[a-z0-9][a-z0-9-]{0,63}");
  return std::regex_match(name, kName);
}

bool same_hash(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

audit::Actor integration_actor(const Integration& x, const std::string& ip) {
  return audit::Actor::anonymous("integration:" + x.name, ip);
}

// HMAC verification needs the secret itself: kept for webhook integrations only.
std::optional<std::string> signing_key(const Integration& x, const CreatedIntegration& made) {
  if (x.kind != "webhook") return std::nullopt;
  return made.secret;
}

Error refused() {
  return make_error(ErrorCode::unauthenticated,
                    "unknown integration or wrong credentials (the integration's secret as a bearer token, or "
                    "X-Meridian-Timestamp and X-Meridian-Signature)");
}

}  // namespace

Result<CreatedIntegration> AlertsService::create_integration(const Subject& who, Integration in,
                                                             const std::string& ip) {
  // An integration sends as its configuration says, to anyone in it: only those who may
  // send to anyone configure one.
  MERIDIAN_TRY(policy_.require(who, Action::send_alert));
  if (!good_name(in.name))
    return make_error(ErrorCode::invalid_argument,
                      "name must be 1 to 64 lower-case letters, digits and dashes, beginning with a letter or digit");
  if (in.kind != "alertmanager" && in.kind != "webhook")
    return make_error(ErrorCode::invalid_argument, "kind must be alertmanager or webhook");
  NewAlert probe;
  probe.title = "probe";
  probe.audience = in.audience;
  MERIDIAN_TRY(validate(probe));
  in.created_by = who.user_id;
  in.created_at = clock_.now_ms();
  in.active = true;
  CreatedIntegration out;
  out.secret = random_token(32);
  const std::string audience = json::serialize(audience_json(in.audience));
  return storage::write_value<CreatedIntegration>(db_, [&](storage::Session& s) -> Result<CreatedIntegration> {
    MERIDIAN_ASSIGN_OR_RETURN(auto id,
                              repo_.insert_integration(s, in, sha256_hex(out.secret), audience, signing_key(in, out)));
    if (!id) return make_error(ErrorCode::conflict, "an integration named '" + in.name + "' exists");
    in.id = *id;
    if (audit_) {
      const std::string detail = json::serialize(boost::json::object{{"name", in.name}, {"kind", in.kind}});
      MERIDIAN_TRY(audit_->record(s, audit::Actor::from(who, ip), "alert.integration.create",
                                  "alert_integration:" + std::to_string(in.id), "ok", detail));
    }
    out.integration = in;
    return out;
  });
}

Result<std::vector<Integration>> AlertsService::integrations(const Subject& who) {
  MERIDIAN_TRY(policy_.require(who, Action::send_alert));
  return storage::read_value<std::vector<Integration>>(db_, [&](storage::Session& s) { return repo_.integrations(s); });
}

Result<Integration> AlertsService::remove_integration(const Subject& who, std::int64_t id, const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, Action::send_alert));
  return storage::write_value<Integration>(db_, [&](storage::Session& s) -> Result<Integration> {
    MERIDIAN_ASSIGN_OR_RETURN(auto x, repo_.integration(s, id));
    if (!x || !x->active) return make_error(ErrorCode::not_found, "no such integration");
    MERIDIAN_TRY(repo_.deactivate_integration(s, id));
    if (audit_)
      MERIDIAN_TRY(audit_->record(s, audit::Actor::from(who, ip), "alert.integration.remove",
                                  "alert_integration:" + std::to_string(id), "ok"));
    x->active = false;
    return *x;
  });
}

Result<Integration> AlertsService::integration_by_secret(const std::string& name, std::string_view token) {
  // One answer for every way of getting it wrong (no secret, a wrong one, a name that does
  // not exist or was removed): the caller learns nothing about which names exist. The
  // hash is compared also when there is no such integration.
  auto found = storage::read_value<std::optional<StoredIntegration>>(
      db_, [&](storage::Session& s) { return repo_.integration_named(s, name); });
  if (!found.ok()) return found.error();
  static const std::string kNoHash(64, '0');
  const bool same = same_hash(sha256_hex(token), *found ? (*found)->secret_hash : kNoHash);
  if (!*found || token.empty() || !same) return refused();
  return std::move((*found)->integration);
}

Result<SignedIntegration> AlertsService::webhook_integration(const std::string& name, const WebhookCredentials& c,
                                                             std::string_view body) {
  if (c.signature.empty() && c.timestamp.empty()) {
    MERIDIAN_ASSIGN_OR_RETURN(auto x, integration_by_secret(name, c.bearer));
    if (x.kind != "webhook") return refused();
    return SignedIntegration{std::move(x), std::nullopt};
  }
  auto found = storage::read_value<std::optional<StoredIntegration>>(
      db_, [&](storage::Session& s) { return repo_.integration_named(s, name); });
  if (!found.ok()) return found.error();
  const bool known = *found && (*found)->integration.kind == "webhook" && (*found)->signing_key;
  // Signed also for an unknown name, so that the answer's timing tells nothing either.
  static const std::string kNoKey(43, 'x');
  const auto expected = webhook_signature(known ? *(*found)->signing_key : kNoKey, c.timestamp, body);
  if (!same_signature(expected, c.signature) || !known) return refused();
  // Signed with the key: what is wrong now may be told.
  const auto at = webhook_timestamp(c.timestamp);
  if (!at) return make_error(ErrorCode::unauthenticated, "X-Meridian-Timestamp must be Unix seconds");
  const UnixMillis now = clock_.now_ms();
  if (*at < now - kWebhookWindowMs || *at > now + kWebhookWindowMs)
    return make_error(ErrorCode::unauthenticated,
                      "X-Meridian-Timestamp is more than 5 minutes from the server's time: sign the request anew");
  return SignedIntegration{std::move((*found)->integration), std::string(c.signature)};
}

Result<Bridged> AlertsService::from_webhook(const SignedIntegration& in, const WebhookAlert& a, const std::string& ip) {
  const Integration& integration = in.integration;
  MERIDIAN_TRY(vouched_for(integration));
  {
    NewAlert n = a.alert;
    n.dedup_key.reset();
    MERIDIAN_TRY(validate(n));
  }
  const UnixMillis now = clock_.now_ms();
  if (in.signature) {
    // Remembered for twice the window: a request is accepted only within it.
    MERIDIAN_ASSIGN_OR_RETURN(auto fresh, storage::write_value<bool>(db_, [&](storage::Session& s) {
                                return repo_.remember_signature(s, integration.id, *in.signature, now,
                                                                now - 2 * kWebhookWindowMs);
                              }));
    if (!fresh)
      return make_error(ErrorCode::conflict,
                        "this signed request was received before (a replay): sign each request with a new timestamp");
  }
  const Sender sender{std::nullopt, integration.name, integration.id, integration_actor(integration, ip)};
  Bridged out;
  MERIDIAN_TRY(apply_bridged(sender, a.alert, a.firing, now, out));
  return out;
}

Result<std::optional<std::string>> AlertsService::suspension(const Integration& x) {
  // An integration sends with its creator's right to send to anyone: when no administrator
  // stands behind it any more, its sends are refused until an administrator rotates its
  // secret (and so takes it over) or removes it.
  auto why = storage::read_value<std::optional<std::string>>(
      db_, [&](storage::Session& s) -> Result<std::optional<std::string>> {
        if (!x.created_by) return std::optional<std::string>("its creator's account was erased");
        MERIDIAN_ASSIGN_OR_RETURN(auto creator, repo_.active_subject(s, *x.created_by));
        if (!creator) return std::optional<std::string>("its creator's account is deactivated");
        if (!policy_.require(*creator, Action::send_alert).ok())
          return std::optional<std::string>("its creator may no longer send alerts to everyone (not an administrator)");
        return std::optional<std::string>{};
      });
  if (!why.ok() || !*why) return why;
  return std::optional<std::string>("integration '" + x.name + "' is suspended: " + **why +
                                    "; an administrator takes it over by rotating its secret");
}

Result<void> AlertsService::vouched_for(const Integration& x) {
  MERIDIAN_ASSIGN_OR_RETURN(auto why, suspension(x));
  if (!why) return {};
  log::warn("alerts.integration_refused", {{"integration", x.name}, {"reason", *why}});
  return make_error(ErrorCode::forbidden, *why);
}

Result<CreatedIntegration> AlertsService::rotate_integration(const Subject& who, std::int64_t id,
                                                             const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, Action::send_alert));
  CreatedIntegration out;
  out.secret = random_token(32);
  return storage::write_value<CreatedIntegration>(db_, [&](storage::Session& s) -> Result<CreatedIntegration> {
    MERIDIAN_ASSIGN_OR_RETURN(auto x, repo_.integration(s, id));
    if (!x || !x->active) return make_error(ErrorCode::not_found, "no such integration");
    MERIDIAN_TRY(repo_.rotate_integration(s, id, sha256_hex(out.secret), signing_key(*x, out), who.user_id));
    if (audit_)
      MERIDIAN_TRY(audit_->record(s, audit::Actor::from(who, ip), "alert.integration.rotate",
                                  "alert_integration:" + std::to_string(id), "ok"));
    x->created_by = who.user_id;
    out.integration = std::move(*x);
    return out;
  });
}

Result<Bridged> AlertsService::from_alertmanager(const Integration& integration, const AmPayload& payload,
                                                 const std::string& ip) {
  MERIDIAN_TRY(vouched_for(integration));
  // Everything is checked before anything is stored.
  std::vector<NewAlert> alerts;
  for (std::size_t i = 0; i < payload.alerts.size(); ++i) {
    NewAlert n = alert_from_alertmanager(payload.alerts[i], integration, payload.group_key);
    auto key = std::move(n.dedup_key);
    n.dedup_key.reset();
    if (auto ok = validate(n); !ok.ok())
      return make_error(ErrorCode::invalid_argument, "alerts[" + std::to_string(i) + "]: " + ok.error().message);
    n.dedup_key = std::move(key);
    alerts.push_back(std::move(n));
  }
  const Sender sender{std::nullopt, integration.name, integration.id, integration_actor(integration, ip)};
  const UnixMillis now = clock_.now_ms();
  Bridged out;
  for (std::size_t i = 0; i < alerts.size(); ++i) {
    const std::size_t before = out.sent.size();
    MERIDIAN_TRY(apply_bridged(sender, alerts[i], payload.alerts[i].firing, now, out));
    // A new alert of an integration that silences: its labels are kept for the silence.
    if (integration.alertmanager_url && out.sent.size() > before && !out.sent.back().deduplicated) {
      boost::json::object labels;
      for (const auto& [k, v] : payload.alerts[i].labels) labels[k] = v;
      const std::string text = json::serialize(labels);
      const std::int64_t id = out.sent.back().alert.id;
      MERIDIAN_TRY(db_.write([&](storage::Session& s) { return repo_.keep_labels(s, id, text); }));
    }
  }
  return out;
}

Result<std::optional<std::string>> AlertsService::silence(const Alert& a) {
  if (!a.integration_id || a.status != Status::acknowledged) return std::optional<std::string>{};
  struct Claim {
    std::string url;
    std::string labels;
  };
  // One caller (on one node) claims it: none -> posting.
  MERIDIAN_ASSIGN_OR_RETURN(
      auto claim,
      storage::write_value<std::optional<Claim>>(db_, [&](storage::Session& s) -> Result<std::optional<Claim>> {
        MERIDIAN_ASSIGN_OR_RETURN(auto x, repo_.integration(s, *a.integration_id));
        if (!x || !x->alertmanager_url) return std::optional<Claim>{};
        MERIDIAN_ASSIGN_OR_RETURN(auto labels, repo_.claim_silence(s, a.id, "none", "posting"));
        if (!labels) return std::optional<Claim>{};
        return std::optional<Claim>(Claim{*x->alertmanager_url, *labels});
      }));
  if (!claim) return std::optional<std::string>{};
  std::map<std::string, std::string> labels;
  if (auto o = json::parse_object(claim->labels); o.ok())
    for (const auto& [k, v] : *o)
      if (v.is_string()) labels[std::string(k)] = std::string(v.as_string());
  const UnixMillis now = clock_.now_ms();
  const UnixMillis ends = a.expires_at && *a.expires_at > now ? *a.expires_at : now + kDefaultSilenceMs;
  auto made = create_silence(claim->url, silence_body(labels, now, ends, "meridian", a.id));
  MERIDIAN_TRY(db_.write([&](storage::Session& s) {
    return made.ok() ? repo_.set_silence(s, a.id, "created", *made, "")
                     : repo_.set_silence(s, a.id, "failed", std::nullopt, made.error().message);
  }));
  if (!made.ok()) {
    log::warn("alerts.silence_failed", {{"alert", a.id}, {"error", made.error().message}});
    return made.error();
  }
  log::info("alerts.silenced", {{"alert", a.id}, {"silence", *made}});
  return std::optional<std::string>(*made);
}

Result<void> AlertsService::unsilence(const Alert& a) {
  if (!a.integration_id) return {};
  struct Claim {
    std::string url;
    std::string silence_id;
  };
  MERIDIAN_ASSIGN_OR_RETURN(
      auto claim,
      storage::write_value<std::optional<Claim>>(db_, [&](storage::Session& s) -> Result<std::optional<Claim>> {
        MERIDIAN_ASSIGN_OR_RETURN(auto x, repo_.integration(s, *a.integration_id));
        if (!x || !x->alertmanager_url) return std::optional<Claim>{};
        MERIDIAN_ASSIGN_OR_RETURN(auto id, repo_.claim_silence(s, a.id, "created", "removing"));
        if (!id) return std::optional<Claim>{};
        return std::optional<Claim>(Claim{*x->alertmanager_url, *id});
      }));
  if (!claim) return {};
  auto done = expire_silence(claim->url, claim->silence_id);
  MERIDIAN_TRY(db_.write([&](storage::Session& s) {
    return done.ok() ? repo_.set_silence(s, a.id, "removed", std::nullopt, "")
                     : repo_.set_silence(s, a.id, "failed", std::nullopt, done.error().message);
  }));
  if (!done.ok()) log::warn("alerts.unsilence_failed", {{"alert", a.id}, {"error", done.error().message}});
  return done;
}

Result<std::optional<std::pair<std::string, std::string>>> AlertsService::silence_state(std::int64_t alert_id) {
  return storage::read_value<std::optional<std::pair<std::string, std::string>>>(
      db_, [&](storage::Session& s) { return repo_.silence_of(s, alert_id); });
}

Result<void> AlertsService::apply_bridged(const Sender& sender, const NewAlert& n, bool firing, UnixMillis now,
                                          Bridged& out) {
  if (firing) {
    std::optional<Sent> sent;
    for (int tries = 0; tries < 3 && !sent; ++tries) {
      auto r = storage::write_value<std::optional<Sent>>(
          db_, [&](storage::Session& s) { return deliver_in(s, sender, n, now); });
      // Its configured audience reaches nobody now: nothing to send (not the payload's fault).
      // Or only people in countries where its category is off (alerts.<category>).
      if (!r.ok() && (r.error().code == ErrorCode::invalid_argument || r.error().code == ErrorCode::forbidden)) break;
      if (!r.ok()) return r.error();
      sent = std::move(*r);
    }
    if (sent)
      out.sent.push_back(std::move(*sent));
    else
      ++out.ignored;
    return {};
  }
  auto done = storage::write_value<std::optional<Resolution>>(
      db_, [&](storage::Session& s) -> Result<std::optional<Resolution>> {
        MERIDIAN_ASSIGN_OR_RETURN(auto id, repo_.open_with_key(s, *n.dedup_key));
        if (!id) return std::optional<Resolution>{};
        MERIDIAN_TRY(lock(s, *id));
        MERIDIAN_ASSIGN_OR_RETURN(auto a, load(s, *id));
        MERIDIAN_ASSIGN_OR_RETURN(auto r, resolve_in(s, std::move(a), sender.actor, now));
        return std::optional<Resolution>(std::move(r));
      });
  if (!done.ok()) return done.error();
  if (*done && (*done)->changed)
    out.resolved.emplace_back(std::move((*done)->alert), std::move((*done)->recipients));
  else
    ++out.ignored;
  return {};
}

}  // namespace meridian::alerts
