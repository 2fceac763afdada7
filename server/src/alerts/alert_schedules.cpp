// Scheduled alerts: AlertsService's members that create, list, pause, resume, cancel,
// claim and fire schedules (the rest of the service is in alerts_service.cpp).
#include <algorithm>
#include <set>

#include "alerts/alerts_json.hpp"
#include "alerts/alerts_service.hpp"
#include "core/json_fields.hpp"
#include "core/log.hpp"

namespace meridian::alerts {
namespace {

using policy::Action;
using policy::Relationship;

constexpr const char* kActive = "active";
constexpr const char* kPaused = "paused";

recurrence::Series in_zone(const recurrence::Series& series, const std::string& zone) {
  recurrence::Series out = series;
  out.zone = zone;
  return out;
}

// The distinct valid zones of the people an audience reaches now.
Result<std::set<std::string>> zones_of(AlertsRepository& repo, storage::Session& s, const Audience& audience) {
  MERIDIAN_ASSIGN_OR_RETURN(auto people, repo.resolve(s, audience));
  std::set<std::string> zones;
  for (const auto& p : people)
    if (recurrence::known_zone(p.time_zone)) zones.insert(p.time_zone);
  return zones;
}

Result<Audience> stored_audience(const Schedule& x) {
  MERIDIAN_ASSIGN_OR_RETURN(auto body, json::parse_object(x.alert_json));
  MERIDIAN_ASSIGN_OR_RETURN(auto in, new_alert_from(body));
  return in.audience;
}

}  // namespace

Result<Schedule> AlertsService::schedule(const Subject& who, NewSchedule in, const std::string& ip) {
  MERIDIAN_TRY(storage::read_value<bool>(db_, [&](storage::Session& s) -> Result<bool> {
    MERIDIAN_TRY(may_send_some(s, who));
    return true;
  }));
  MERIDIAN_TRY(validate(in.alert));
  MERIDIAN_TRY(storage::read_value<bool>(db_, [&](storage::Session& s) -> Result<bool> {
    MERIDIAN_TRY(may_send(s, who, in.alert));
    return true;
  }));
  if (!in.series.rrule.empty()) MERIDIAN_TRY(recurrence::check_rule(in.series.rrule));
  if (in.recipient_local && in.alert.dedup_key)
    return make_error(ErrorCode::invalid_argument,
                      "dedup_key does not go with recipient_local (each time zone gets its own alert)");
  if (!in.recipient_local && !recurrence::known_zone(in.series.zone))
    return make_error(ErrorCode::invalid_argument, "time_zone: '" + in.series.zone + "' is not an IANA time zone");
  const UnixMillis now = clock_.now_ms();
  Schedule x;
  x.sender_id = who.user_id;
  x.title = in.alert.title;
  x.alert_json = std::move(in.alert_json);
  x.series = std::move(in.series);
  x.recipient_local = in.recipient_local;
  x.state = kActive;
  x.created_at = now;
  if (!x.recipient_local) {
    MERIDIAN_ASSIGN_OR_RETURN(x.next_at, recurrence::next_after(x.series, now));
    if (!x.next_at)
      return make_error(ErrorCode::invalid_argument, x.series.rrule.empty() ? "at is in the past in " + x.series.zone
                                                                            : "the rule has no occurrence after now");
  }
  return storage::write_value<Schedule>(db_, [&](storage::Session& s) -> Result<Schedule> {
    MERIDIAN_ASSIGN_OR_RETURN(x.id, repo_.insert_schedule(s, x));
    if (x.recipient_local) {
      MERIDIAN_ASSIGN_OR_RETURN(auto zones, zones_of(repo_, s, in.alert.audience));
      if (zones.empty())
        return make_error(ErrorCode::invalid_argument,
                          "the audience reaches nobody (only active employees and agents receive alerts)");
      MERIDIAN_TRY(add_new_zones(s, x, now));
      MERIDIAN_ASSIGN_OR_RETURN(x.next_at, repo_.earliest_zone(s, x.id));
      if (!x.next_at)
        return make_error(ErrorCode::invalid_argument, x.series.rrule.empty()
                                                           ? "at is in the past in every recipient's time zone"
                                                           : "the rule has no occurrence after now");
      MERIDIAN_TRY(repo_.resume_schedule(s, x.id, x.next_at, now));
      MERIDIAN_ASSIGN_OR_RETURN(x.zones, repo_.schedule_zones(s, x.id));
    }
    if (audit_)
      MERIDIAN_TRY(audit_->record(s, audit::Actor::from(who, ip), "alert.schedule",
                                  "alert_schedule:" + std::to_string(x.id), "ok"));
    return x;
  });
}

Result<std::vector<Schedule>> AlertsService::schedules(const Subject& who, int limit) {
  if (limit < 1 || limit > kMaxPage)
    return make_error(ErrorCode::invalid_argument, "limit must be between 1 and " + std::to_string(kMaxPage));
  const std::int64_t sender = who.has_role(Role::admin) ? 0 : who.user_id;
  return storage::read_value<std::vector<Schedule>>(db_, [&](storage::Session& s) -> Result<std::vector<Schedule>> {
    MERIDIAN_TRY(may_send_some(s, who));
    MERIDIAN_ASSIGN_OR_RETURN(auto list, repo_.schedules(s, sender, limit));
    for (auto& x : list) {
      if (!x.recipient_local) continue;
      MERIDIAN_ASSIGN_OR_RETURN(x.zones, repo_.schedule_zones(s, x.id));
    }
    return list;
  });
}

Result<Schedule> AlertsService::load_schedule(storage::Session& s, std::int64_t id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto x, repo_.schedule(s, id));
  if (!x) return make_error(ErrorCode::not_found, "no such schedule");
  if (x->recipient_local) {
    MERIDIAN_ASSIGN_OR_RETURN(x->zones, repo_.schedule_zones(s, id));
  }
  return std::move(*x);
}

Result<Schedule> AlertsService::owned_schedule(storage::Session& s, const Subject& who, std::int64_t id) {
  auto locked = storage::lock_row(s, "alert_schedules", id);
  if (!locked.ok() && locked.error().code == ErrorCode::not_found)
    return make_error(ErrorCode::not_found, "no such schedule");
  MERIDIAN_TRY(locked);
  MERIDIAN_ASSIGN_OR_RETURN(auto x, load_schedule(s, id));
  const Relationship rel = x.sender_id == who.user_id  ? Relationship::owner
                           : who.has_role(Role::admin) ? Relationship::manager
                                                       : Relationship::none;
  // Someone else's schedule is not there for them (404, as for alerts they cannot see).
  if (rel == Relationship::none) return make_error(ErrorCode::not_found, "no such schedule");
  MERIDIAN_TRY(policy_.require(who, Action::resolve_alert, {0, "", rel}));
  return x;
}

Result<Schedule> AlertsService::cancel_schedule(const Subject& who, std::int64_t id, const std::string& ip) {
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<Schedule>(db_, [&](storage::Session& s) -> Result<Schedule> {
    MERIDIAN_ASSIGN_OR_RETURN(auto x, owned_schedule(s, who, id));
    if (x.state != kActive && x.state != kPaused) return x;
    MERIDIAN_TRY(repo_.set_schedule_state(s, id, "cancelled", now));
    if (audit_)
      MERIDIAN_TRY(audit_->record(s, audit::Actor::from(who, ip), "alert.schedule.cancel",
                                  "alert_schedule:" + std::to_string(id), "ok"));
    return load_schedule(s, id);
  });
}

Result<Schedule> AlertsService::pause_schedule(const Subject& who, std::int64_t id, const std::string& ip) {
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<Schedule>(db_, [&](storage::Session& s) -> Result<Schedule> {
    MERIDIAN_ASSIGN_OR_RETURN(auto x, owned_schedule(s, who, id));
    if (x.state == kPaused) return x;
    if (x.state != kActive) return make_error(ErrorCode::conflict, "the schedule is " + x.state);
    MERIDIAN_TRY(repo_.pause_schedule(s, id, now));
    if (audit_)
      MERIDIAN_TRY(audit_->record(s, audit::Actor::from(who, ip), "alert.schedule.pause",
                                  "alert_schedule:" + std::to_string(id), "ok"));
    return load_schedule(s, id);
  });
}

Result<Schedule> AlertsService::resume_schedule(const Subject& who, std::int64_t id, const std::string& ip) {
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<Schedule>(db_, [&](storage::Session& s) -> Result<Schedule> {
    MERIDIAN_ASSIGN_OR_RETURN(auto x, owned_schedule(s, who, id));
    if (x.state == kActive) return x;
    if (x.state != kPaused) return make_error(ErrorCode::conflict, "the schedule is " + x.state);
    // Occurrences that fell into the pause are not sent: the next one after now.
    std::optional<UnixMillis> next;
    if (x.recipient_local) {
      for (const auto& z : x.zones) {
        if (z.state != kActive) continue;
        MERIDIAN_ASSIGN_OR_RETURN(auto zone_next, recurrence::next_after(in_zone(x.series, z.time_zone), now));
        MERIDIAN_TRY(repo_.zone_moved(s, z.id, zone_next, false));
      }
      MERIDIAN_TRY(add_new_zones(s, x, now));
      MERIDIAN_ASSIGN_OR_RETURN(next, repo_.earliest_zone(s, id));
    } else {
      MERIDIAN_ASSIGN_OR_RETURN(next, recurrence::next_after(x.series, now));
    }
    MERIDIAN_TRY(repo_.resume_schedule(s, id, next, now));
    if (audit_)
      MERIDIAN_TRY(audit_->record(s, audit::Actor::from(who, ip), "alert.schedule.resume",
                                  "alert_schedule:" + std::to_string(id), "ok"));
    return load_schedule(s, id);
  });
}

Result<std::vector<std::int64_t>> AlertsService::claim_schedules(const std::string& node, std::int64_t lease_ms,
                                                                 int limit) {
  const UnixMillis now = clock_.now_ms();
  auto due = storage::read_value<bool>(db_, [&](storage::Session& s) { return repo_.any_schedule_due(s, now); });
  if (!due.ok()) return due.error();
  if (!*due) return std::vector<std::int64_t>{};
  return storage::write_value<std::vector<std::int64_t>>(
      db_, [&](storage::Session& s) { return repo_.claim_schedules(s, node, now, now + lease_ms, limit); });
}

Result<std::vector<std::int64_t>> AlertsService::claim_schedule_zones(const std::string& node, std::int64_t lease_ms,
                                                                      int limit) {
  const UnixMillis now = clock_.now_ms();
  auto due = storage::read_value<bool>(db_, [&](storage::Session& s) { return repo_.any_zone_due(s, now); });
  if (!due.ok()) return due.error();
  if (!*due) return std::vector<std::int64_t>{};
  return storage::write_value<std::vector<std::int64_t>>(
      db_, [&](storage::Session& s) { return repo_.claim_schedule_zones(s, node, now, now + lease_ms, limit); });
}

Result<void> AlertsService::add_new_zones(storage::Session& s, const Schedule& x, UnixMillis now) {
  auto audience = stored_audience(x);
  if (!audience.ok()) return {};  // an unreadable alert stops the schedule when it is due
  MERIDIAN_ASSIGN_OR_RETURN(auto zones, zones_of(repo_, s, *audience));
  MERIDIAN_ASSIGN_OR_RETURN(auto have, repo_.schedule_zones(s, x.id));
  for (const auto& zone : zones) {
    if (std::any_of(have.begin(), have.end(), [&](const ScheduleZone& z) { return z.time_zone == zone; })) continue;
    MERIDIAN_ASSIGN_OR_RETURN(auto next, recurrence::next_after(in_zone(x.series, zone), now));
    if (next) MERIDIAN_TRY(repo_.insert_schedule_zone(s, x.id, zone, next));
  }
  return {};
}

Result<AlertsService::Occurrence> AlertsService::send_occurrence(storage::Session& s, const Schedule& x,
                                                                 const std::optional<std::string>& zone,
                                                                 UnixMillis now) {
  Occurrence out;
  auto stop = [&](const std::string& why) -> Result<Occurrence> {
    log::warn("alerts.schedule_stopped", {{"schedule", x.id}, {"reason", why}});
    MERIDIAN_TRY(repo_.set_schedule_state(s, x.id, "stopped", now));
    if (audit_)
      MERIDIAN_TRY(audit_->record(s, audit::Actor::anonymous("system", "local"), "alert.schedule.stop",
                                  "alert_schedule:" + std::to_string(x.id), "failed",
                                  json::serialize(boost::json::object{{"reason", why}})));
    out.stopped = true;
    return out;
  };
  MERIDIAN_ASSIGN_OR_RETURN(auto sender, repo_.active_subject(s, x.sender_id));
  if (!sender) return stop("the sender's account is deactivated");
  auto body = json::parse_object(x.alert_json);
  if (!body.ok()) return stop("the stored alert is unreadable");
  auto in = new_alert_from(*body);
  if (!in.ok()) return stop(in.error().message);
  // The right to send is checked again at each occurrence (a lead who no longer leads the team).
  if (auto may = may_send(s, *sender, *in); !may.ok()) {
    if (may.error().code != ErrorCode::forbidden) return may.error();
    return stop("the sender may no longer send this alert: " + may.error().message);
  }
  in->audience.time_zone = zone;
  auto sent = send_in(s, *sender, *in, "scheduler", now);
  if (!sent.ok() && sent.error().code != ErrorCode::invalid_argument) return sent.error();
  if (sent.ok() && !*sent) return make_error(ErrorCode::unavailable, "dedup_key race; tried again after the lease");
  // An audience that reaches nobody this time skips this occurrence, not the series.
  if (!sent.ok()) {
    log::warn("alerts.schedule_skipped", {{"schedule", x.id}, {"reason", sent.error().message}});
    return out;
  }
  out.sent = std::move(**sent);
  return out;
}

Result<std::optional<Sent>> AlertsService::fire_schedule(std::int64_t id, const std::string& node) {
  using Out = std::optional<Sent>;
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<Out>(db_, [&](storage::Session& s) -> Result<Out> {
    auto locked = storage::lock_row(s, "alert_schedules", id);
    if (!locked.ok() && locked.error().code == ErrorCode::not_found) return Out{};
    MERIDIAN_TRY(locked);
    MERIDIAN_ASSIGN_OR_RETURN(auto x, repo_.schedule(s, id));
    // Still ours and still due (cancelled or paused meanwhile, or another node took it over: nothing).
    if (!x || x->state != kActive || x->recipient_local || x->claimed_by != node || !x->next_at || *x->next_at > now)
      return Out{};
    // The next occurrence after now: those missed while no node ran are not sent one by one.
    MERIDIAN_ASSIGN_OR_RETURN(auto next, recurrence::next_after(x->series, std::max(now, *x->next_at)));
    MERIDIAN_ASSIGN_OR_RETURN(auto occurrence, send_occurrence(s, *x, std::nullopt, now));
    if (occurrence.stopped) return Out{};
    std::optional<std::int64_t> alert_id;
    if (occurrence.sent) alert_id = occurrence.sent->alert.id;
    MERIDIAN_TRY(repo_.schedule_fired(s, id, next, alert_id, now));
    return std::move(occurrence.sent);
  });
}

Result<std::optional<Sent>> AlertsService::fire_schedule_zone(std::int64_t zone_id, const std::string& node) {
  using Out = std::optional<Sent>;
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<Out>(db_, [&](storage::Session& s) -> Result<Out> {
    MERIDIAN_ASSIGN_OR_RETURN(auto schedule_id, repo_.zone_schedule_id(s, zone_id));
    if (!schedule_id) return Out{};
    // Under the schedule's lock, as pausing and cancelling are.
    MERIDIAN_TRY(storage::lock_row(s, "alert_schedules", *schedule_id));
    MERIDIAN_ASSIGN_OR_RETURN(auto x, load_schedule(s, *schedule_id));
    auto zone = std::find_if(x.zones.begin(), x.zones.end(), [&](const ScheduleZone& z) { return z.id == zone_id; });
    if (x.state != kActive || zone == x.zones.end() || zone->state != kActive || zone->claimed_by != node ||
        !zone->next_at || *zone->next_at > now)
      return Out{};
    MERIDIAN_ASSIGN_OR_RETURN(
        auto next, recurrence::next_after(in_zone(x.series, zone->time_zone), std::max(now, *zone->next_at)));
    MERIDIAN_ASSIGN_OR_RETURN(auto occurrence, send_occurrence(s, x, zone->time_zone, now));
    if (occurrence.stopped) return Out{};
    MERIDIAN_TRY(repo_.zone_moved(s, zone_id, next, true));
    // People who moved into a zone the schedule did not have get it from now on.
    MERIDIAN_TRY(add_new_zones(s, x, now));
    MERIDIAN_ASSIGN_OR_RETURN(auto earliest, repo_.earliest_zone(s, x.id));
    std::optional<std::int64_t> alert_id;
    if (occurrence.sent) alert_id = occurrence.sent->alert.id;
    MERIDIAN_TRY(repo_.schedule_fired(s, x.id, earliest, alert_id, now));
    return std::move(occurrence.sent);
  });
}

}  // namespace meridian::alerts
