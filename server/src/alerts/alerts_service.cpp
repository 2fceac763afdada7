#include "alerts/alerts_service.hpp"

#include <algorithm>
#include <cctype>

#include "alerts/alertmanager.hpp"
#include "alerts/alerts_json.hpp"
#include "alerts/quiet_hours.hpp"
#include "core/json_fields.hpp"
#include "core/text_rules.hpp"
#include "region/countries.hpp"

namespace meridian::alerts {
namespace {

using policy::Action;
using policy::Relationship;

bool blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); });
}

Result<void> check_countries(const std::vector<std::string>& countries, const char* what) {
  for (const auto& c : countries)
    if (!region::is_country_code(c))
      return make_error(ErrorCode::invalid_argument,
                        std::string(what) + ": '" + c + "' is not an ISO 3166-1 alpha-2 country code");
  return {};
}

Result<void> check_audience(const Audience& a, const std::string& what) {
  if (a.empty())
    return make_error(ErrorCode::invalid_argument,
                      what + " must name at least one of user_ids, team_ids, countries, regions or roles");
  if (a.user_ids.size() > kMaxAudienceIds || a.exclude_user_ids.size() > kMaxAudienceIds)
    return make_error(ErrorCode::invalid_argument, "an audience names at most " + std::to_string(kMaxAudienceIds) +
                                                       " people; use teams or countries");
  if (a.team_ids.size() > kMaxAudienceTerms || a.countries.size() > kMaxAudienceTerms ||
      a.regions.size() > kMaxAudienceTerms || a.roles.size() > kMaxAudienceTerms)
    return make_error(ErrorCode::invalid_argument, "an audience names at most " + std::to_string(kMaxAudienceTerms) +
                                                       " teams, countries, regions or roles each");
  MERIDIAN_TRY(check_countries(a.countries, (what + ".countries").c_str()));
  for (const auto& r : a.roles) {
    Role role;
    if (!parse_role(r, role))
      return make_error(ErrorCode::invalid_argument, what + ".roles: '" + r + "' is not a role");
  }
  return {};
}

}  // namespace

Result<void> validate(const NewAlert& in) {
  if (blank(in.title)) return make_error(ErrorCode::invalid_argument, "title must not be empty");
  if (in.title.size() > kMaxTitleBytes)
    return make_error(ErrorCode::invalid_argument, "title is longer than " + std::to_string(kMaxTitleBytes) + " bytes");
  if (in.body.size() > kMaxBodyBytes)
    return make_error(ErrorCode::invalid_argument, "body is longer than " + std::to_string(kMaxBodyBytes) + " bytes");
  MERIDIAN_TRY(text::check(in.title, "title", text::Lines::single));
  MERIDIAN_TRY(text::check(in.body, "body", text::Lines::multi));
  MERIDIAN_TRY(check_audience(in.audience, "audience"));
  if (in.escalation.size() > kMaxEscalationSteps)
    return make_error(ErrorCode::invalid_argument,
                      "escalation has more than " + std::to_string(kMaxEscalationSteps) + " steps");
  std::int64_t before = 0;
  for (std::size_t i = 0; i < in.escalation.size(); ++i) {
    const auto& step = in.escalation[i];
    const std::string where = "escalation[" + std::to_string(i) + "]";
    if (step.after_ms < kMinStepAfterMs || step.after_ms > kMaxStepAfterMs)
      return make_error(ErrorCode::invalid_argument, where + " must come 1 second to 7 days after the alert");
    if (step.after_ms < before)
      return make_error(ErrorCode::invalid_argument, where + " comes before the step ahead of it");
    before = step.after_ms;
    if (step.notify == StepNotify::audience) MERIDIAN_TRY(check_audience(step.audience, where + ".audience"));
  }
  if (in.quorum) {
    if (in.require_ack)
      return make_error(ErrorCode::invalid_argument, "give require_ack (everyone) or quorum (some), not both");
    if (in.quorum->count < 1) return make_error(ErrorCode::invalid_argument, "quorum.count must be 1 or more");
    MERIDIAN_TRY(check_countries(in.quorum->countries, "quorum.countries"));
  }
  if (in.dedup_key && (in.dedup_key->empty() || in.dedup_key->size() > 200))
    return make_error(ErrorCode::invalid_argument, "dedup_key must be 1 to 200 bytes");
  if (in.dedup_key && in.dedup_key->starts_with(kIntegrationKeyPrefix))
    return make_error(ErrorCode::invalid_argument, "dedup_key must not begin with 'integration:' (integrations' keys)");
  return {};
}

Result<Alert> AlertsService::load(storage::Session& s, std::int64_t id) {
  auto a = repo_.alert(s, id);
  if (!a.ok()) return a.error();
  if (!*a) return make_error(ErrorCode::not_found, "no such alert");
  return **a;
}

// Changes of one alert (acknowledgements, resolution) run one after the other.
Result<void> AlertsService::lock(storage::Session& s, std::int64_t id) {
  auto locked = storage::lock_row(s, "alerts", id);
  if (!locked.ok() && locked.error().code == ErrorCode::not_found)
    return make_error(ErrorCode::not_found, "no such alert");
  return locked;
}

Result<Relationship> AlertsService::relationship(storage::Session& s, const Alert& a, const Subject& who) {
  if (a.sender_id && *a.sender_id == who.user_id) return Relationship::owner;
  if (who.has_role(Role::admin)) return Relationship::manager;
  auto mine = repo_.receipt(s, a.id, who.user_id);
  if (!mine.ok()) return mine.error();
  return *mine ? Relationship::member : Relationship::none;
}

Result<void> AlertsService::audit_as(storage::Session& s, const audit::Actor& actor, std::string_view action,
                                     std::int64_t alert_id) {
  if (!audit_) return {};
  return audit_->record(s, actor, action, "alert:" + std::to_string(alert_id), "ok");
}

Result<void> AlertsService::audit(storage::Session& s, const Subject& who, const std::string& ip,
                                  std::string_view action, std::int64_t alert_id) {
  return audit_as(s, audit::Actor::from(who, ip), action, alert_id);
}

Result<void> AlertsService::stop_escalation(storage::Session& s, std::int64_t alert_id, UnixMillis now,
                                            const char* why) {
  return repo_.cancel_steps(s, alert_id, now, why);
}

Result<void> AlertsService::may_send_some(storage::Session& s, const Subject& who) {
  if (policy_.permits(who, Action::send_alert)) return {};
  MERIDIAN_ASSIGN_OR_RETURN(bool lead, repo_.leads_a_team(s, who.user_id));
  if (lead && policy_.permits(who, Action::send_alert_to_team, {0, "", Relationship::manager})) return {};
  return policy_.require(who, Action::send_alert);
}

Result<void> AlertsService::may_send(storage::Session& s, const Subject& who, const NewAlert& in) {
  if (policy_.permits(who, Action::send_alert)) return {};
  MERIDIAN_TRY(may_send_some(s, who));
  // A team lead: every audience (the alert's and its escalation steps') names teams only.
  std::vector<const Audience*> audiences{&in.audience};
  for (const auto& step : in.escalation)
    if (step.notify == StepNotify::audience) audiences.push_back(&step.audience);
  for (const Audience* a : audiences) {
    if (!a->user_ids.empty() || !a->countries.empty() || !a->regions.empty() || !a->roles.empty())
      return make_error(ErrorCode::forbidden,
                        "a team lead sends alerts to the teams they lead (team_ids) only; people, countries, "
                        "regions and roles need an administrator");
    for (auto team_id : a->team_ids) {
      MERIDIAN_ASSIGN_OR_RETURN(auto rel, repo_.team_relationship(s, team_id, who.user_id));
      if (!policy_.permits(who, Action::send_alert_to_team, {0, "", rel}))
        return make_error(ErrorCode::forbidden, "you are not allowed to send alerts to team " +
                                                    std::to_string(team_id) + ": you do not lead it");
    }
  }
  return {};
}

Result<AudienceCount> AlertsService::preview(const Subject& who, const Audience& audience) {
  NewAlert probe;
  probe.title = "preview";
  probe.audience = audience;
  if (!policy_.permits(who, Action::send_alert))
    MERIDIAN_TRY(storage::read_value<bool>(db_, [&](storage::Session& s) -> Result<bool> {
      MERIDIAN_TRY(may_send_some(s, who));
      return true;
    }));
  MERIDIAN_TRY(validate(probe));
  return storage::read_value<AudienceCount>(db_, [&](storage::Session& s) -> Result<AudienceCount> {
    MERIDIAN_TRY(may_send(s, who, probe));
    auto people = repo_.resolve(s, audience);
    if (!people.ok()) return people.error();
    AudienceCount out;
    out.total = static_cast<std::int64_t>(people->size());
    for (const auto& p : *people) ++out.by_country[p.country];
    return out;
  });
}

Result<Sent> AlertsService::send(const Subject& who, NewAlert in, const std::string& ip) {
  // Not an admin and no team's lead: refused before the alert is read (403, not a 400 about it).
  if (!policy_.permits(who, Action::send_alert))
    MERIDIAN_TRY(storage::read_value<bool>(db_, [&](storage::Session& s) -> Result<bool> {
      MERIDIAN_TRY(may_send_some(s, who));
      return true;
    }));
  MERIDIAN_TRY(validate(in));
  const UnixMillis now = clock_.now_ms();
  for (int tries = 0; tries < 3; ++tries) {
    auto sent = storage::write_value<std::optional<Sent>>(
        db_, [&](storage::Session& s) { return send_in(s, who, in, ip, now); });
    if (!sent.ok()) return sent.error();
    if (*sent) return std::move(**sent);
  }
  return make_error(ErrorCode::unavailable, "the alert raced with others of the same dedup_key; try again");
}

Result<std::optional<Sent>> AlertsService::send_in(storage::Session& s, const Subject& who, const NewAlert& in,
                                                   const std::string& ip, UnixMillis now) {
  MERIDIAN_TRY(may_send(s, who, in));
  Sender sender{who.user_id, {}, std::nullopt, audit::Actor::from(who, ip)};
  MERIDIAN_ASSIGN_OR_RETURN(sender.name, repo_.display_name(s, who.user_id));
  return deliver_in(s, sender, in, now);
}

Result<std::optional<Sent>> AlertsService::deliver_in(storage::Session& s, const Sender& sender, const NewAlert& in,
                                                      UnixMillis now) {
  const std::string audience = json::serialize(audience_json(in.audience));
  Sent out;
  if (in.dedup_key) {
    auto open = repo_.open_with_key(s, *in.dedup_key);
    if (!open.ok()) return open.error();
    if (*open) {
      MERIDIAN_TRY(repo_.repeat(s, **open, in, now));
      MERIDIAN_TRY(audit_as(s, sender.actor, "alert.repeat", **open));
      MERIDIAN_ASSIGN_OR_RETURN(out.alert, load(s, **open));
      out.deduplicated = true;
      MERIDIAN_ASSIGN_OR_RETURN(out.informed, repo_.recipient_ids(s, **open));
      if (out.alert.sender_id) out.informed.push_back(*out.alert.sender_id);
      return std::optional<Sent>(std::move(out));
    }
  }
  auto people = repo_.resolve(s, in.audience);
  if (!people.ok()) return people.error();
  MERIDIAN_TRY(withhold_by_country(in.category, *people, true));
  if (people->empty())
    return make_error(ErrorCode::invalid_argument,
                      "the audience reaches nobody (only active employees and agents receive alerts)");
  if (in.quorum && in.quorum->count > static_cast<std::int64_t>(people->size()))
    return make_error(ErrorCode::invalid_argument, "quorum.count is " + std::to_string(in.quorum->count) +
                                                       " but the audience reaches " + std::to_string(people->size()) +
                                                       " people");
  Alert a;
  a.title = in.title;
  a.body = in.body;
  a.priority = in.priority;
  a.category = in.category;
  a.sender_id = sender.user_id;
  a.sender_name = sender.name;
  a.integration_id = sender.integration_id;
  a.require_ack = in.require_ack;
  a.quorum = in.quorum;
  a.dedup_key = in.dedup_key;
  a.recipient_count = static_cast<std::int64_t>(people->size());
  a.created_at = a.updated_at = now;
  a.expires_at = in.expires_at;
  auto id = repo_.insert(s, a, audience);
  if (!id.ok()) return id.error();
  if (!*id) return std::optional<Sent>{};  // the same key was sent meanwhile: try again as a repeat
  a.id = **id;
  // Quiet hours: info and warning wait for the recipient's working hours; critical and
  // emergency interrupt.
  if (!a.interrupts())
    for (auto& p : *people)
      p.held_until = working_ ? quiet_until(*working_, p.user_id, p.working, now) : quiet_until(p.working, now);
  MERIDIAN_TRY(repo_.insert_recipients(s, a.id, *people));
  for (std::size_t i = 0; i < in.escalation.size(); ++i) {
    const auto& step = in.escalation[i];
    const std::string audience_text =
        step.notify == StepNotify::audience ? json::serialize(audience_json(step.audience)) : std::string();
    MERIDIAN_TRY(
        repo_.insert_step(s, a.id, static_cast<std::int64_t>(i + 1), step, audience_text, now + step.after_ms));
  }
  MERIDIAN_TRY(audit_as(s, sender.actor, "alert.send", a.id));
  out.alert = std::move(a);
  for (const auto& p : *people) (p.held_until ? out.held : out.recipients).push_back(p.user_id);
  return std::optional<Sent>(std::move(out));
}

Result<void> AlertsService::withhold_by_country(Category category, std::vector<Resolved>& people, bool refuse_empty) {
  if (!features_ || people.empty()) return {};
  MERIDIAN_ASSIGN_OR_RETURN(auto rule, features_->rule(std::string("alerts.") + category_name(category)));
  std::string off_in;
  std::erase_if(people, [&](const Resolved& p) {
    if (rule.on_in(p.country)) return false;
    if (off_in.empty()) off_in = p.country;
    return true;
  });
  if (people.empty() && refuse_empty && !off_in.empty()) return rule.require_in(off_in);
  return {};
}

Result<std::vector<AlertView>> AlertsService::received(const Subject& who, int limit) {
  if (limit < 1 || limit > kMaxPage)
    return make_error(ErrorCode::invalid_argument, "limit must be between 1 and " + std::to_string(kMaxPage));
  return storage::read_value<std::vector<AlertView>>(db_, [&](storage::Session& s) -> Result<std::vector<AlertView>> {
    auto rows = repo_.received(s, who.user_id, limit);
    if (!rows.ok()) return rows.error();
    std::vector<AlertView> out;
    for (auto& [alert, receipt] : *rows) out.push_back(AlertView{std::move(alert), std::move(receipt)});
    return out;
  });
}

Result<std::vector<Alert>> AlertsService::sent(const Subject& who, int limit) {
  if (limit < 1 || limit > kMaxPage)
    return make_error(ErrorCode::invalid_argument, "limit must be between 1 and " + std::to_string(kMaxPage));
  return storage::read_value<std::vector<Alert>>(
      db_, [&](storage::Session& s) { return repo_.sent(s, who.user_id, limit); });
}

Result<AlertView> AlertsService::get(const Subject& who, std::int64_t id) {
  return storage::read_value<AlertView>(db_, [&](storage::Session& s) -> Result<AlertView> {
    MERIDIAN_ASSIGN_OR_RETURN(auto a, load(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto rel, relationship(s, a, who));
    MERIDIAN_TRY(policy_.require(who, Action::read_alert, {0, "", rel}));
    AlertView out{std::move(a), std::nullopt};
    MERIDIAN_ASSIGN_OR_RETURN(out.mine, repo_.receipt(s, id, who.user_id));
    return out;
  });
}

Result<RecipientPage> AlertsService::recipients(const Subject& who, std::int64_t id, std::int64_t after, int limit) {
  if (limit < 1 || limit > kMaxPage)
    return make_error(ErrorCode::invalid_argument, "limit must be between 1 and " + std::to_string(kMaxPage));
  return storage::read_value<RecipientPage>(db_, [&](storage::Session& s) -> Result<RecipientPage> {
    MERIDIAN_ASSIGN_OR_RETURN(auto a, load(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto rel, relationship(s, a, who));
    MERIDIAN_TRY(policy_.require(who, Action::track_alert, {0, "", rel}));
    RecipientPage out;
    MERIDIAN_ASSIGN_OR_RETURN(out.items, repo_.receipts(s, id, after, limit + 1));
    if (static_cast<int>(out.items.size()) > limit) {
      out.items.resize(limit);
      out.next = out.items.back().user_id;
    }
    return out;
  });
}

Result<std::vector<Alert>> AlertsService::undelivered(const Subject& who, int limit) {
  if (limit < 1 || limit > kMaxPage)
    return make_error(ErrorCode::invalid_argument, "limit must be between 1 and " + std::to_string(kMaxPage));
  const UnixMillis now = clock_.now_ms();
  return storage::read_value<std::vector<Alert>>(
      db_, [&](storage::Session& s) { return repo_.undelivered(s, who.user_id, now, limit); });
}

Result<std::optional<ReceiptChange>> AlertsService::delivered(const Subject& who, std::int64_t id) {
  const UnixMillis now = clock_.now_ms();
  using Out = std::optional<ReceiptChange>;
  return storage::write_value<Out>(db_, [&](storage::Session& s) -> Result<Out> {
    MERIDIAN_ASSIGN_OR_RETURN(auto a, load(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto rel, relationship(s, a, who));
    MERIDIAN_TRY(policy_.require(who, Action::read_alert, {0, "", rel}));
    // No receipt row (the sender or an admin, not a recipient): nothing to set.
    MERIDIAN_ASSIGN_OR_RETURN(auto changed, repo_.mark_delivered(s, id, who.user_id, now));
    if (!changed) return Out{};
    MERIDIAN_ASSIGN_OR_RETURN(auto mine, repo_.receipt(s, id, who.user_id));
    return Out(ReceiptChange{std::move(a), std::move(*mine), "delivered"});
  });
}

Result<AlertsService::Read> AlertsService::mark_read(const Subject& who, std::int64_t id) {
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<Read>(db_, [&](storage::Session& s) -> Result<Read> {
    MERIDIAN_ASSIGN_OR_RETURN(auto a, load(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto rel, relationship(s, a, who));
    MERIDIAN_TRY(policy_.require(who, Action::read_alert, {0, "", rel}));
    MERIDIAN_ASSIGN_OR_RETURN(auto changed, repo_.mark_read(s, id, who.user_id, now));
    Read out{AlertView{std::move(a), std::nullopt}, std::nullopt};
    MERIDIAN_ASSIGN_OR_RETURN(out.view.mine, repo_.receipt(s, id, who.user_id));
    if (changed && out.view.mine) out.change = ReceiptChange{out.view.alert, *out.view.mine, "read"};
    return out;
  });
}

Result<Acknowledged> AlertsService::acknowledge(const Subject& who, std::int64_t id, std::string comment,
                                                const std::string& ip) {
  if (comment.size() > 2000) return make_error(ErrorCode::invalid_argument, "comment is longer than 2000 bytes");
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<Acknowledged>(db_, [&](storage::Session& s) -> Result<Acknowledged> {
    MERIDIAN_TRY(lock(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto a, load(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto rel, relationship(s, a, who));
    MERIDIAN_TRY(policy_.require(who, Action::acknowledge_alert, {0, "", rel}));
    MERIDIAN_ASSIGN_OR_RETURN(auto mine, repo_.receipt(s, id, who.user_id));
    if (!mine) return make_error(ErrorCode::forbidden, "only its recipients acknowledge an alert");
    Acknowledged out;
    if (!mine->acknowledged_at) {
      MERIDIAN_TRY(repo_.acknowledge(s, id, who.user_id, now, comment));
      MERIDIAN_TRY(repo_.set_ack_count(s, id, a.ack_count + 1, now));
      MERIDIAN_TRY(audit(s, who, ip, "alert.ack", id));
      out.changed = true;
      ++a.ack_count;
      if (a.status == Status::open) {
        bool reached = a.ack_count >= 1;
        if (a.quorum) {
          MERIDIAN_ASSIGN_OR_RETURN(auto counted, repo_.quorum_acks(s, id, *a.quorum));
          reached = counted >= a.quorum->count;
        } else if (a.require_ack) {
          // Everyone on the frozen list; people an escalation step added may acknowledge
          // for themselves but are not waited for.
          MERIDIAN_ASSIGN_OR_RETURN(auto waiting, repo_.original_unacknowledged(s, id));
          reached = waiting == 0;
        }
        if (reached) {
          MERIDIAN_TRY(repo_.set_status(s, id, Status::acknowledged, now));
          MERIDIAN_TRY(stop_escalation(s, id, now, "acknowledged"));
        }
      }
      MERIDIAN_ASSIGN_OR_RETURN(a, load(s, id));
      MERIDIAN_ASSIGN_OR_RETURN(mine, repo_.receipt(s, id, who.user_id));
    }
    out.alert = std::move(a);
    out.receipt = std::move(*mine);
    return out;
  });
}

Result<AlertsService::Resolution> AlertsService::resolve(const Subject& who, std::int64_t id, const std::string& ip) {
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<Resolution>(db_, [&](storage::Session& s) -> Result<Resolution> {
    MERIDIAN_TRY(lock(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto a, load(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto rel, relationship(s, a, who));
    MERIDIAN_TRY(policy_.require(who, Action::resolve_alert, {0, "", rel}));
    return resolve_in(s, std::move(a), audit::Actor::from(who, ip), now);
  });
}

// Under the alert's lock: resolved, every pending step cancelled, audited; once.
Result<AlertsService::Resolution> AlertsService::resolve_in(storage::Session& s, Alert a, const audit::Actor& actor,
                                                            UnixMillis now) {
  Resolution out;
  if (a.status != Status::resolved) {
    MERIDIAN_TRY(repo_.set_status(s, a.id, Status::resolved, now));
    MERIDIAN_TRY(stop_escalation(s, a.id, now, "resolved"));
    MERIDIAN_TRY(audit_as(s, actor, "alert.resolve", a.id));
    MERIDIAN_ASSIGN_OR_RETURN(a, load(s, a.id));
    MERIDIAN_ASSIGN_OR_RETURN(out.recipients, repo_.recipient_ids(s, a.id));
    out.changed = true;
  }
  out.alert = std::move(a);
  return out;
}

Result<std::vector<StepState>> AlertsService::escalation(const Subject& who, std::int64_t id) {
  return storage::read_value<std::vector<StepState>>(db_, [&](storage::Session& s) -> Result<std::vector<StepState>> {
    MERIDIAN_ASSIGN_OR_RETURN(auto a, load(s, id));
    MERIDIAN_ASSIGN_OR_RETURN(auto rel, relationship(s, a, who));
    MERIDIAN_TRY(policy_.require(who, Action::track_alert, {0, "", rel}));
    return repo_.steps(s, id);
  });
}

Result<std::vector<std::int64_t>> AlertsService::claim_steps(const std::string& node, std::int64_t lease_ms,
                                                             int limit) {
  const UnixMillis now = clock_.now_ms();
  auto due = storage::read_value<bool>(db_, [&](storage::Session& s) { return repo_.any_step_due(s, now); });
  if (!due.ok()) return due.error();
  if (!*due) return std::vector<std::int64_t>{};
  return storage::write_value<std::vector<std::int64_t>>(
      db_, [&](storage::Session& s) { return repo_.claim_steps(s, node, now, now + lease_ms, limit); });
}

Result<std::optional<Escalated>> AlertsService::fire_step(std::int64_t step_id, const std::string& node) {
  using Out = std::optional<Escalated>;
  return storage::write_value<Out>(db_, [&](storage::Session& s) -> Result<Out> {
    MERIDIAN_ASSIGN_OR_RETURN(auto claimed, repo_.step(s, step_id));
    if (!claimed) return Out{};
    MERIDIAN_TRY(lock(s, claimed->alert_id));
    // Read again under the alert's lock: an acknowledgement may have cancelled it meanwhile.
    MERIDIAN_ASSIGN_OR_RETURN(auto st, repo_.step(s, step_id));
    if (!st || st->state != "claimed" || st->claimed_by != node) return Out{};
    const UnixMillis now = clock_.now_ms();
    MERIDIAN_ASSIGN_OR_RETURN(auto a, load(s, st->alert_id));
    const bool expired = a.expires_at && *a.expires_at <= now;
    if (a.status != Status::open || expired) {
      MERIDIAN_TRY(repo_.cancel_claimed(s, step_id, node, now, expired ? "expired" : status_name(a.status)));
      return Out{};
    }
    Escalated out;
    if (st->step.notify == StepNotify::again) {
      MERIDIAN_ASSIGN_OR_RETURN(out.notified, repo_.unacknowledged(s, a.id, std::nullopt));
    } else {
      MERIDIAN_ASSIGN_OR_RETURN(auto people, st->step.notify == StepNotify::leads
                                                 ? repo_.leads_of_waiting(s, a.id)
                                                 : repo_.resolve(s, st->step.audience));
      MERIDIAN_TRY(withhold_by_country(a.category, people, false));
      MERIDIAN_TRY(repo_.add_recipients(s, a.id, people, st->step_no));
      std::vector<std::int64_t> ids;
      for (const auto& p : people) ids.push_back(p.user_id);
      MERIDIAN_ASSIGN_OR_RETURN(out.notified, repo_.unacknowledged(s, a.id, ids));
    }
    const auto notified = static_cast<std::int64_t>(out.notified.size());
    MERIDIAN_ASSIGN_OR_RETURN(auto fired, repo_.mark_fired(s, step_id, node, now, notified));
    if (!fired) return Out{};
    if (audit_) {
      const std::string detail = json::serialize(boost::json::object{{"step", st->step_no}, {"notified", notified}});
      MERIDIAN_TRY(audit_->record(s, audit::Actor::anonymous("system", "local"), "alert.escalate",
                                  "alert:" + std::to_string(a.id), "ok", detail));
    }
    MERIDIAN_ASSIGN_OR_RETURN(out.alert, load(s, a.id));
    MERIDIAN_ASSIGN_OR_RETURN(auto now_step, repo_.step(s, step_id));
    out.step = std::move(*now_step);
    MERIDIAN_ASSIGN_OR_RETURN(out.steps, repo_.step_count(s, a.id));
    return Out(std::move(out));
  });
}

Result<ReleaseRound> AlertsService::release_held(int limit) {
  const UnixMillis now = clock_.now_ms();
  auto due = storage::read_value<bool>(db_, [&](storage::Session& s) { return repo_.any_held_due(s, now); });
  if (!due.ok()) return due.error();
  if (!*due) return ReleaseRound{};
  return storage::write_value<ReleaseRound>(db_, [&](storage::Session& s) -> Result<ReleaseRound> {
    ReleaseRound out;
    MERIDIAN_ASSIGN_OR_RETURN(auto rows, repo_.release_held(s, now, limit));
    out.rows = rows.size();
    std::sort(rows.begin(), rows.end(), [](const HeldRelease& x, const HeldRelease& y) {
      return std::pair(x.alert_id, x.user_id) < std::pair(y.alert_id, y.user_id);
    });
    for (const auto& r : rows) {
      if (out.alerts.empty() || out.alerts.back().alert.id != r.alert_id) {
        MERIDIAN_ASSIGN_OR_RETURN(auto a, load(s, r.alert_id));
        out.alerts.push_back(Released{std::move(a), {}});
      }
      out.alerts.back().users.push_back(r.user_id);
    }
    // Resolved or expired meanwhile: nothing to page anyone about.
    std::erase_if(out.alerts, [&](const Released& r) {
      return r.alert.status == Status::resolved || (r.alert.expires_at && *r.alert.expires_at <= now);
    });
    return out;
  });
}

}  // namespace meridian::alerts
