#include "alerts/alerts_json.hpp"

#include <boost/json/array.hpp>

#include "core/json_fields.hpp"
#include "core/json_values.hpp"

namespace meridian::alerts {
namespace {

namespace bj = boost::json;

template <class T>
bj::array array_of(const std::vector<T>& items) {
  bj::array out;
  for (const auto& i : items) out.emplace_back(i);
  return out;
}

Result<std::vector<std::int64_t>> ids_in(const bj::object& o, std::string_view key, std::size_t max) {
  std::vector<std::int64_t> out;
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) return make_error(ErrorCode::invalid_argument, std::string(key) + " must be an array of ids");
  if (v->as_array().size() > max)
    return make_error(ErrorCode::invalid_argument,
                      std::string(key) + " has more than " + std::to_string(max) + " items");
  for (const auto& x : v->as_array()) {
    if (!x.is_int64() || x.as_int64() < 1)
      return make_error(ErrorCode::invalid_argument, std::string(key) + " must be an array of positive ids");
    out.push_back(x.as_int64());
  }
  return out;
}

Result<std::vector<std::string>> strings_in(const bj::object& o, std::string_view key, std::size_t max) {
  MERIDIAN_ASSIGN_OR_RETURN(auto v, json::optional_string_array(o, key, max));
  return v.value_or(std::vector<std::string>{});
}

Result<EscalationStep> step_from(const bj::value& v, std::size_t n) {
  const std::string where = "escalation[" + std::to_string(n) + "]";
  if (!v.is_object()) return make_error(ErrorCode::invalid_argument, where + " must be an object");
  const auto& o = v.as_object();
  if (auto known = json::reject_unknown_fields(o, {"after_minutes", "after_seconds", "notify", "audience"});
      !known.ok())
    return make_error(ErrorCode::invalid_argument, where + ": " + known.error().message);
  EscalationStep step;
  const auto* minutes = o.if_contains("after_minutes");
  MERIDIAN_ASSIGN_OR_RETURN(auto seconds, json::optional_int(o, "after_seconds"));
  if ((minutes != nullptr) == seconds.has_value())
    return make_error(ErrorCode::invalid_argument, where + " needs after_minutes or after_seconds (one of them)");
  if (minutes) {
    if (!minutes->is_number())
      return make_error(ErrorCode::invalid_argument, where + ".after_minutes must be a number");
    const double m = minutes->to_number<double>();
    // Out of range stays out of range (validate names the limits) without overflowing.
    step.after_ms = m >= 0 && m <= 1e8 ? static_cast<std::int64_t>(m * 60'000.0) : -1;
  } else {
    step.after_ms = *seconds >= 0 && *seconds <= 1'000'000'000 ? *seconds * 1000 : -1;
  }
  MERIDIAN_ASSIGN_OR_RETURN(auto notify, json::optional_string(o, "notify", 20));
  const auto* audience = o.if_contains("audience");
  step.notify = audience ? StepNotify::audience : StepNotify::again;
  if (notify && !parse_step_notify(*notify, step.notify))
    return make_error(ErrorCode::invalid_argument, where + ".notify must be again, audience or leads");
  if (step.notify == StepNotify::audience) {
    if (!audience) return make_error(ErrorCode::invalid_argument, where + " notifies an audience but names none");
    MERIDIAN_ASSIGN_OR_RETURN(step.audience, audience_from(*audience));
  } else if (audience) {
    return make_error(ErrorCode::invalid_argument, where + " notifies " +
                                                       (step.notify == StepNotify::leads ? "the team leads" : "again") +
                                                       ": it takes no audience");
  }
  return step;
}

}  // namespace

bj::object audience_json(const Audience& a) {
  return bj::object{{"user_ids", array_of(a.user_ids)},   {"team_ids", array_of(a.team_ids)},
                    {"countries", array_of(a.countries)}, {"regions", array_of(a.regions)},
                    {"roles", array_of(a.roles)},         {"exclude_user_ids", array_of(a.exclude_user_ids)}};
}

bj::object alert_json(const Alert& a) {
  bj::object o{{"id", a.id},
               {"title", a.title},
               {"body", a.body},
               {"priority", priority_name(a.priority)},
               {"category", category_name(a.category)},
               {"status", status_name(a.status)},
               {"interrupts", a.interrupts()},
               {"sender", bj::object{{"id", json::nullable(a.sender_id)},
                                     {"name", a.sender_name},
                                     {"integration_id", json::nullable(a.integration_id)}}},
               {"require_ack", a.require_ack},
               {"repeat_count", a.repeat_count},
               {"recipient_count", a.recipient_count},
               {"ack_count", a.ack_count},
               {"created_at", a.created_at},
               {"updated_at", a.updated_at},
               {"expires_at", json::nullable(a.expires_at)},
               {"acknowledged_at", json::nullable(a.acknowledged_at)},
               {"resolved_at", json::nullable(a.resolved_at)}};
  o["quorum"] = a.quorum ? bj::value(bj::object{{"count", a.quorum->count},
                                                {"countries", array_of(a.quorum->countries)},
                                                {"team_ids", array_of(a.quorum->team_ids)}})
                         : bj::value(nullptr);
  o["dedup_key"] = json::nullable(a.dedup_key);
  return o;
}

bj::object receipt_json(const Receipt& r) {
  return bj::object{{"user_id", r.user_id},
                    {"display_name", r.display_name},
                    {"country", r.country},
                    {"delivered_at", json::nullable(r.delivered_at)},
                    {"read_at", json::nullable(r.read_at)},
                    {"acknowledged_at", json::nullable(r.acknowledged_at)},
                    {"comment", r.comment}};
}

bj::object view_json(const AlertView& v) {
  bj::object o = alert_json(v.alert);
  o["me"] = v.mine ? bj::value(receipt_json(*v.mine)) : bj::value(nullptr);
  return o;
}

bj::object count_json(const AudienceCount& c) {
  bj::object by;
  for (const auto& [country, n] : c.by_country) by[country] = n;
  return bj::object{{"recipient_count", c.total}, {"by_country", std::move(by)}};
}

bj::object step_json(const StepState& x) {
  bj::object o{{"step", x.step_no},
               {"after_ms", x.step.after_ms},
               {"notify", step_notify_name(x.step.notify)},
               {"state", x.state},
               {"due_at", x.due_at},
               {"fired_at", json::nullable(x.fired_at)},
               {"node", json::nullable(x.claimed_by)},
               {"notified", x.notified},
               {"cancelled_at", json::nullable(x.cancelled_at)},
               {"cancel_reason", x.cancel_reason}};
  o["audience"] =
      x.step.notify == StepNotify::audience ? bj::value(audience_json(x.step.audience)) : bj::value(nullptr);
  return o;
}

Result<Audience> audience_from(const bj::value& v) {
  if (!v.is_object()) return make_error(ErrorCode::invalid_argument, "audience must be an object");
  const auto& o = v.as_object();
  MERIDIAN_TRY(
      json::reject_unknown_fields(o, {"user_ids", "team_ids", "countries", "regions", "roles", "exclude_user_ids"}));
  Audience a;
  MERIDIAN_ASSIGN_OR_RETURN(a.user_ids, ids_in(o, "user_ids", kMaxAudienceIds));
  MERIDIAN_ASSIGN_OR_RETURN(a.team_ids, ids_in(o, "team_ids", kMaxAudienceTerms));
  MERIDIAN_ASSIGN_OR_RETURN(a.countries, strings_in(o, "countries", kMaxAudienceTerms));
  MERIDIAN_ASSIGN_OR_RETURN(a.regions, strings_in(o, "regions", kMaxAudienceTerms));
  MERIDIAN_ASSIGN_OR_RETURN(a.roles, strings_in(o, "roles", kMaxAudienceTerms));
  MERIDIAN_ASSIGN_OR_RETURN(a.exclude_user_ids, ids_in(o, "exclude_user_ids", kMaxAudienceIds));
  return a;
}

Result<NewAlert> new_alert_from(const bj::object& body) {
  NewAlert in;
  MERIDIAN_ASSIGN_OR_RETURN(in.title, json::required_string(body, "title", kMaxTitleBytes + 1));
  MERIDIAN_ASSIGN_OR_RETURN(auto text, json::optional_string(body, "body", kMaxBodyBytes + 1));
  in.body = text.value_or("");
  MERIDIAN_ASSIGN_OR_RETURN(auto priority, json::required_string(body, "priority", 20));
  if (!parse_priority(priority, in.priority))
    return make_error(ErrorCode::invalid_argument, "priority must be info, warning or critical");
  MERIDIAN_ASSIGN_OR_RETURN(auto category, json::optional_string(body, "category", 20));
  if (category && !parse_category(*category, in.category))
    return make_error(ErrorCode::invalid_argument, "category must be system, announcement, compliance or emergency");
  const auto* audience = body.if_contains("audience");
  if (!audience) return make_error(ErrorCode::invalid_argument, "audience is required");
  MERIDIAN_ASSIGN_OR_RETURN(in.audience, audience_from(*audience));
  MERIDIAN_ASSIGN_OR_RETURN(auto require_ack, json::optional_bool(body, "require_ack"));
  in.require_ack = require_ack.value_or(false);
  if (const auto* q = body.if_contains("quorum"); q && !q->is_null()) {
    if (!q->is_object()) return make_error(ErrorCode::invalid_argument, "quorum must be an object");
    const auto& qo = q->as_object();
    MERIDIAN_TRY(json::reject_unknown_fields(qo, {"count", "countries", "team_ids"}));
    Quorum quorum;
    MERIDIAN_ASSIGN_OR_RETURN(auto count, json::optional_int(qo, "count"));
    if (!count) return make_error(ErrorCode::invalid_argument, "quorum.count is required");
    quorum.count = *count;
    MERIDIAN_ASSIGN_OR_RETURN(quorum.countries, strings_in(qo, "countries", kMaxAudienceTerms));
    MERIDIAN_ASSIGN_OR_RETURN(quorum.team_ids, ids_in(qo, "team_ids", kMaxAudienceTerms));
    in.quorum = std::move(quorum);
  }
  MERIDIAN_ASSIGN_OR_RETURN(in.dedup_key, json::optional_string(body, "dedup_key", 201));
  MERIDIAN_ASSIGN_OR_RETURN(auto expires, json::optional_int(body, "expires_at"));
  in.expires_at = expires;
  if (const auto* e = body.if_contains("escalation"); e && !e->is_null()) {
    if (!e->is_array()) return make_error(ErrorCode::invalid_argument, "escalation must be an array of steps");
    if (e->as_array().size() > kMaxEscalationSteps)
      return make_error(ErrorCode::invalid_argument,
                        "escalation has more than " + std::to_string(kMaxEscalationSteps) + " steps");
    std::size_t n = 0;
    for (const auto& step : e->as_array()) {
      MERIDIAN_ASSIGN_OR_RETURN(auto parsed, step_from(step, n++));
      in.escalation.push_back(std::move(parsed));
    }
  }
  return in;
}

bj::object schedule_json(const Schedule& x) {
  bj::array upcoming;
  if (x.next_at && x.state == "active" && !x.recipient_local)
    if (auto next = recurrence::next_occurrences(x.series, *x.next_at - 1, 5); next.ok())
      for (auto at : *next) upcoming.emplace_back(at);
  bj::object o{{"id", x.id},
               {"sender_id", x.sender_id},
               {"title", x.title},
               {"at", recurrence::format_local(x.series.start)},
               {"time_zone", x.recipient_local ? bj::value(nullptr) : bj::value(x.series.zone)},
               {"recipient_local", x.recipient_local},
               {"rrule", x.series.rrule},
               {"state", x.state},
               {"next_at", json::nullable(x.next_at)},
               {"upcoming", std::move(upcoming)},
               {"fired_count", x.fired_count},
               {"last_fired_at", json::nullable(x.last_fired_at)},
               {"last_alert_id", json::nullable(x.last_alert_id)},
               {"created_at", x.created_at}};
  if (auto alert = json::parse_object(x.alert_json); alert.ok()) o["alert"] = std::move(*alert);
  if (x.recipient_local) {
    bj::array zones;
    for (const auto& z : x.zones)
      zones.push_back(bj::object{{"time_zone", z.time_zone},
                                 {"state", z.state},
                                 {"next_at", json::nullable(z.next_at)},
                                 {"fired_count", z.fired_count}});
    o["zones"] = std::move(zones);
  }
  return o;
}

Result<NewSchedule> new_schedule_from(const bj::object& body) {
  NewSchedule in;
  const auto* alert = body.if_contains("alert");
  if (!alert || !alert->is_object())
    return make_error(ErrorCode::invalid_argument, "alert must be an object (the POST /alerts body)");
  if (auto known = json::reject_unknown_fields(alert->as_object(), kAlertFields); !known.ok())
    return make_error(ErrorCode::invalid_argument, "alert: " + known.error().message);
  MERIDIAN_ASSIGN_OR_RETURN(in.alert, new_alert_from(alert->as_object()));
  in.alert_json = json::serialize(alert->as_object());
  MERIDIAN_ASSIGN_OR_RETURN(auto at, json::required_string(body, "at", 40));
  MERIDIAN_ASSIGN_OR_RETURN(in.series.start, recurrence::parse_local(at));
  MERIDIAN_ASSIGN_OR_RETURN(auto zone, json::optional_string(body, "time_zone", 100));
  if (const auto* local = body.if_contains("recipient_local")) {
    if (!local->is_bool()) return make_error(ErrorCode::invalid_argument, "recipient_local must be true or false");
    in.recipient_local = local->as_bool();
  }
  if (in.recipient_local == zone.has_value())
    return make_error(ErrorCode::invalid_argument,
                      "give either time_zone (an IANA zone) or recipient_local: true (each recipient's own zone)");
  in.series.zone = zone.value_or("");
  MERIDIAN_ASSIGN_OR_RETURN(auto rrule, json::optional_string(body, "rrule", 500));
  in.series.rrule = rrule.value_or("");
  return in;
}

bj::object integration_json(const Integration& x) {
  bj::object out{{"id", x.id},
                 {"name", x.name},
                 {"kind", x.kind},
                 {"audience", audience_json(x.audience)},
                 {"require_ack", x.require_ack},
                 {"created_at", x.created_at},
                 {"webhook_path", "/api/v1/integrations/" + x.kind + "/" + x.name}};
  out["created_by"] = json::nullable(x.created_by);
  out["alertmanager_url"] = json::nullable(x.alertmanager_url);
  return out;
}

Result<Integration> integration_from(const bj::object& body) {
  MERIDIAN_TRY(json::reject_unknown_fields(body, {"name", "kind", "audience", "require_ack", "alertmanager_url"}));
  Integration x;
  MERIDIAN_ASSIGN_OR_RETURN(x.name, json::required_string(body, "name", 64));
  MERIDIAN_ASSIGN_OR_RETURN(auto kind, json::optional_string(body, "kind", 40));
  x.kind = kind.value_or("alertmanager");
  const auto* audience = body.if_contains("audience");
  if (!audience) return make_error(ErrorCode::invalid_argument, "audience is required");
  MERIDIAN_ASSIGN_OR_RETURN(x.audience, audience_from(*audience));
  MERIDIAN_ASSIGN_OR_RETURN(auto ack, json::optional_bool(body, "require_ack"));
  x.require_ack = ack.value_or(false);
  MERIDIAN_ASSIGN_OR_RETURN(x.alertmanager_url, json::optional_string(body, "alertmanager_url", 500));
  if (x.alertmanager_url) {
    auto& url = *x.alertmanager_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    const bool web = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
    if (!web || url.find_first_of(" \t\r\n") != std::string::npos)
      return make_error(ErrorCode::invalid_argument,
                        "alertmanager_url must be Alertmanager's base URL (http:// or https://)");
    if (x.kind != "alertmanager")
      return make_error(ErrorCode::invalid_argument, "alertmanager_url is for integrations of kind alertmanager");
  }
  return x;
}

}  // namespace meridian::alerts
