// Integrations of the alerts module: Alertmanager's webhook turned into alerts
// (docs/architecture.md, "Alerts", "Integrations").
#include <regex>

#include <sodium.h>

#include "alerts/alerts_json.hpp"
#include "alerts/alerts_service.hpp"
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

}  // namespace

Result<CreatedIntegration> AlertsService::create_integration(const Subject& who, Integration in,
                                                             const std::string& ip) {
  // An integration sends as its configuration says, to anyone in it: only those who may
  // send to anyone configure one.
  MERIDIAN_TRY(policy_.require(who, Action::send_alert));
  if (!good_name(in.name))
    return make_error(ErrorCode::invalid_argument,
                      "name must be 1 to 64 lower-case letters, digits and dashes, beginning with a letter or digit");
  if (in.kind != "alertmanager") return make_error(ErrorCode::invalid_argument, "kind must be alertmanager");
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
    MERIDIAN_ASSIGN_OR_RETURN(auto id, repo_.insert_integration(s, in, sha256_hex(out.secret), audience));
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
  auto refused = [] {
    return make_error(ErrorCode::unauthenticated,
                      "unknown integration or wrong secret (send the integration's secret as a bearer token)");
  };
  auto found = storage::read_value<std::optional<std::pair<Integration, std::string>>>(
      db_, [&](storage::Session& s) { return repo_.integration_named(s, name); });
  if (!found.ok()) return found.error();
  static const std::string kNoHash(64, '0');
  const bool same = same_hash(sha256_hex(token), *found ? (*found)->second : kNoHash);
  if (!*found || token.empty() || !same) return refused();
  return std::move((*found)->first);
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
    MERIDIAN_TRY(repo_.rotate_integration(s, id, sha256_hex(out.secret), who.user_id));
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
    const NewAlert& n = alerts[i];
    if (payload.alerts[i].firing) {
      std::optional<Sent> sent;
      for (int tries = 0; tries < 3 && !sent; ++tries) {
        auto r = storage::write_value<std::optional<Sent>>(
            db_, [&](storage::Session& s) { return deliver_in(s, sender, n, now); });
        // Its configured audience reaches nobody now: nothing to send (not the payload's fault).
        if (!r.ok() && r.error().code == ErrorCode::invalid_argument) break;
        if (!r.ok()) return r.error();
        sent = std::move(*r);
      }
      if (sent)
        out.sent.push_back(std::move(*sent));
      else
        ++out.ignored;
      continue;
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
  }
  return out;
}

}  // namespace meridian::alerts
