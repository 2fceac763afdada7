#include "alerts/alerts_repository.hpp"

#include <sstream>

#include "alerts/alerts_json.hpp"
#include "core/json_fields.hpp"
#include "storage/row_columns.hpp"

namespace meridian::alerts {
namespace {

using storage::Params;
using storage::Row;
using storage::text_as;

constexpr const char* kAlertColumns =
    "a.id, a.title, a.body, a.priority, a.category, a.status, a.sender_id, a.sender_name, a.require_ack, "
    "a.quorum_count, a.quorum_countries, a.quorum_team_ids, a.dedup_key, a.repeat_count, a.recipient_count, "
    "a.ack_count, a.created_at, a.updated_at, a.expires_at, a.acknowledged_at, a.resolved_at, a.integration_id";
constexpr std::size_t kAlertColumnCount = 22;

std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// An audience stored as JSON (written from a checked one); an unreadable one reads as
// empty (it reaches nobody).
Audience stored_audience(const std::string& text) {
  if (auto o = json::parse_object(text); o.ok())
    if (auto a = audience_from(*o); a.ok()) return std::move(*a);
  return {};
}

Alert alert_from(const Row& r) {
  Alert a;
  std::int64_t quorum_count = 0;
  std::string quorum_countries, quorum_team_ids;
  storage::read_columns(r, a.id, a.title, a.body, text_as([&](const std::string& t) { parse_priority(t, a.priority); }),
                        text_as([&](const std::string& t) { parse_category(t, a.category); }),
                        text_as([&](const std::string& t) { parse_status(t, a.status); }), a.sender_id, a.sender_name,
                        a.require_ack, quorum_count, quorum_countries, quorum_team_ids, a.dedup_key, a.repeat_count,
                        a.recipient_count, a.ack_count, a.created_at, a.updated_at, a.expires_at, a.acknowledged_at,
                        a.resolved_at, a.integration_id);
  if (quorum_count > 0) {
    Quorum q;
    q.count = quorum_count;
    q.countries = split(quorum_countries);
    for (const auto& id : split(quorum_team_ids)) q.team_ids.push_back(std::stoll(id));
    a.quorum = std::move(q);
  }
  return a;
}

// Receipt columns starting at `at`: user_id, display_name, country, delivered, read, acknowledged, comment.
Receipt receipt_from(const Row& r, std::size_t at) {
  Receipt x;
  storage::read_columns_from(r, at, x.user_id, x.display_name, x.country, x.delivered_at, x.read_at, x.acknowledged_at,
                             x.comment);
  return x;
}

constexpr const char* kReceiptColumns =
    "r.user_id, u.display_name, r.country, r.delivered_at, r.read_at, r.acknowledged_at, r.ack_comment";

constexpr const char* kStepColumns =
    "id, alert_id, step_no, after_ms, notify, audience, state, due_at, claimed_by, lease_until, fired_at, notified, "
    "cancelled_at, cancel_reason";

StepState step_from(const Row& r) {
  StepState x;
  storage::read_columns(r, x.id, x.alert_id, x.step_no, x.step.after_ms,
                        text_as([&](const std::string& t) { parse_step_notify(t, x.step.notify); }),
                        text_as([&](const std::string& t) { x.step.audience = stored_audience(t); }), x.state, x.due_at,
                        x.claimed_by, x.lease_until, x.fired_at, x.notified, x.cancelled_at, x.cancel_reason);
  return x;
}

constexpr const char* kScheduleColumns =
    "id, sender_id, title, alert, starts_local, time_zone, rrule, state, next_at, fired_count, last_fired_at, "
    "last_alert_id, created_at, claimed_by, recipient_local";

Schedule schedule_from(const Row& r) {
  Schedule x;
  storage::read_columns(r, x.id, x.sender_id, x.title, x.alert_json, text_as([&](const std::string& t) {
                          if (auto start = recurrence::parse_local(t); start.ok()) x.series.start = *start;
                        }),
                        x.series.zone, x.series.rrule, x.state, x.next_at, x.fired_count, x.last_fired_at,
                        x.last_alert_id, x.created_at, x.claimed_by, x.recipient_local);
  return x;
}

ScheduleZone zone_from(const Row& r) {
  ScheduleZone z;
  storage::read_columns(r, z.id, z.time_zone, z.state, z.next_at, z.claimed_by, z.fired_count);
  return z;
}

constexpr const char* kIntegrationColumns =
    "id, name, kind, audience, require_ack, created_by, created_at, active, alertmanager_url";

Integration integration_row(const Row& r) {
  Integration x;
  storage::read_columns(r, x.id, x.name, x.kind,
                        text_as([&](const std::string& t) { x.audience = stored_audience(t); }), x.require_ack,
                        x.created_by, x.created_at, x.active, x.alertmanager_url);
  return x;
}

// A person as an audience resolves them, from kResolvedColumns.
constexpr const char* kResolvedColumns =
    "SELECT u.id, u.country, u.time_zone, u.work_start_minute, u.work_end_minute, u.work_days FROM users u "
    "WHERE u.active = 1 AND u.kind IN ('employee', 'agent') AND ";

Resolved resolved_from(const Row& r) {
  return Resolved{
      r.integer(0), r.text(1), r.text(2), WorkingBand{r.text(2), r.integer(3), r.integer(4), r.text(5)}, {}};
}

// A recipient-local schedule is never claimed itself: its zones are.
constexpr const char* kScheduleDue =
    "(state = 'active' AND recipient_local = 0 AND next_at <= ? AND (lease_until IS NULL OR lease_until <= ?))";
constexpr const char* kZoneDue =
    "(state = 'active' AND next_at <= ? AND (lease_until IS NULL OR lease_until <= ?) AND schedule_id IN "
    "(SELECT id FROM alert_schedules WHERE state = 'active'))";

}  // namespace

Result<std::vector<Resolved>> AlertsRepository::resolve(S& s, const Audience& a) {
  std::string any;
  Params params;
  auto term = [&](const std::string& sql) { any += (any.empty() ? "" : " OR ") + sql; };
  if (!a.user_ids.empty()) {
    term("u.id IN (" + placeholders(a.user_ids.size()) + ")");
    for (auto id : a.user_ids) params.push_back(id);
  }
  if (!a.team_ids.empty()) {
    term("u.id IN (SELECT user_id FROM team_members WHERE team_id IN (" + placeholders(a.team_ids.size()) + "))");
    for (auto id : a.team_ids) params.push_back(id);
  }
  if (!a.countries.empty()) {
    term("u.country IN (" + placeholders(a.countries.size()) + ")");
    for (const auto& c : a.countries) params.push_back(c);
  }
  if (!a.regions.empty()) {
    term("u.region IN (" + placeholders(a.regions.size()) + ")");
    for (const auto& r : a.regions) params.push_back(r);
  }
  if (!a.roles.empty()) {
    term("u.id IN (SELECT user_id FROM user_roles WHERE role IN (" + placeholders(a.roles.size()) + "))");
    for (const auto& r : a.roles) params.push_back(r);
  }
  if (any.empty()) return std::vector<Resolved>{};
  std::string sql = std::string(kResolvedColumns) + "(" + any + ")";
  if (a.time_zone) {
    sql += " AND u.time_zone = ?";
    params.push_back(*a.time_zone);
  }
  if (!a.exclude_user_ids.empty()) {
    sql += " AND u.id NOT IN (" + placeholders(a.exclude_user_ids.size()) + ")";
    for (auto id : a.exclude_user_ids) params.push_back(id);
  }
  sql += " ORDER BY u.id";
  return storage::query_rows(s, sql, params, resolved_from);
}

Result<policy::Relationship> AlertsRepository::team_relationship(S& s, std::int64_t team_id, std::int64_t user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto role,
                            storage::query_row(s,
                                               "SELECT role FROM team_members WHERE team_id = ? AND "
                                               "user_id = ?",
                                               {team_id, user_id}, [](const storage::Row& r) { return r.text(0); }));
  if (!role) return policy::Relationship::none;
  return *role == "lead" ? policy::Relationship::manager : policy::Relationship::member;
}

Result<bool> AlertsRepository::leads_a_team(S& s, std::int64_t user_id) {
  return storage::query_exists(s, "SELECT 1 FROM team_members WHERE user_id = ? AND role = 'lead'", {user_id});
}

Result<std::string> AlertsRepository::display_name(S& s, std::int64_t user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto name, storage::query_row(s, "SELECT display_name FROM users WHERE id = ?", {user_id},
                                                          [](const Row& r) { return r.text(0); }));
  return name.value_or(std::string());
}

Result<std::optional<std::int64_t>> AlertsRepository::open_with_key(S& s, const std::string& dedup_key) {
  return storage::query_row(s, "SELECT id FROM alerts WHERE dedup_key = ? AND resolved_at IS NULL", {dedup_key},
                            [](const storage::Row& r) { return r.integer(0); });
}

Result<std::optional<std::int64_t>> AlertsRepository::insert(S& s, const Alert& a, const std::string& audience_json) {
  std::string team_ids;
  if (a.quorum)
    for (auto id : a.quorum->team_ids) team_ids += (team_ids.empty() ? "" : ",") + std::to_string(id);
  // One by one: a braced list of this many variants trips GCC 12's maybe-uninitialized.
  Params params;
  params.reserve(18);
  params.emplace_back(a.title);
  params.emplace_back(a.body);
  params.emplace_back(std::string(priority_name(a.priority)));
  params.emplace_back(std::string(category_name(a.category)));
  params.emplace_back(std::string(status_name(a.status)));
  params.push_back(storage::nullable(a.sender_id));
  params.emplace_back(a.sender_name);
  params.emplace_back(std::int64_t{a.require_ack ? 1 : 0});
  params.emplace_back(a.quorum ? a.quorum->count : std::int64_t{0});
  params.emplace_back(a.quorum ? joined(a.quorum->countries) : std::string());
  params.emplace_back(team_ids);
  params.push_back(storage::nullable(a.dedup_key));
  params.emplace_back(audience_json);
  params.emplace_back(a.recipient_count);
  params.emplace_back(a.created_at);
  params.emplace_back(a.updated_at);
  params.push_back(storage::nullable(a.expires_at));
  params.push_back(storage::nullable(a.integration_id));
  return storage::query_row(
      s,
      "INSERT INTO alerts (title, body, priority, category, status, sender_id, sender_name, require_ack, "
      "quorum_count, quorum_countries, quorum_team_ids, dedup_key, audience, recipient_count, created_at, "
      "updated_at, expires_at, integration_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      // The open-dedup index settles a race between two senders: the loser finds the winner's.
      "ON CONFLICT DO NOTHING RETURNING id",
      params, [](const Row& r) { return r.integer(0); });
}

Result<void> AlertsRepository::insert_recipients(S& s, std::int64_t alert_id, const std::vector<Resolved>& recipients) {
  // Batches keep the statement under every store's limit on placeholders.
  constexpr std::size_t kBatch = 300;
  for (std::size_t i = 0; i < recipients.size(); i += kBatch) {
    const std::size_t n = std::min(kBatch, recipients.size() - i);
    std::string sql = "INSERT INTO alert_recipients (alert_id, user_id, country, held_until) VALUES ";
    Params params;
    for (std::size_t j = 0; j < n; ++j) {
      sql += j ? ", (?, ?, ?, ?)" : "(?, ?, ?, ?)";
      params.push_back(alert_id);
      params.push_back(recipients[i + j].user_id);
      params.push_back(recipients[i + j].country);
      params.push_back(storage::nullable(recipients[i + j].held_until));
    }
    MERIDIAN_TRY(storage::exec(s, sql, params));
  }
  return {};
}

Result<void> AlertsRepository::repeat(S& s, std::int64_t alert_id, const NewAlert& in, UnixMillis now) {
  return storage::exec(
      s,
      "UPDATE alerts SET title = ?, body = ?, priority = ?, repeat_count = repeat_count + 1, updated_at = ? "
      "WHERE id = ?",
      {in.title, in.body, std::string(priority_name(in.priority)), now, alert_id});
}

Result<std::optional<Alert>> AlertsRepository::alert(S& s, std::int64_t id) {
  return storage::query_row(s, std::string("SELECT ") + kAlertColumns + " FROM alerts a WHERE a.id = ?", {id},
                            alert_from);
}

Result<std::optional<Receipt>> AlertsRepository::receipt(S& s, std::int64_t alert_id, std::int64_t user_id) {
  return storage::query_row(s,
                            std::string("SELECT ") + kReceiptColumns +
                                " FROM alert_recipients r JOIN users u ON u.id = r.user_id "
                                "WHERE r.alert_id = ? AND r.user_id = ?",
                            {alert_id, user_id}, [](const storage::Row& r) { return receipt_from(r, 0); });
}

Result<std::vector<std::pair<Alert, Receipt>>> AlertsRepository::received(S& s, std::int64_t user_id,
                                                                          std::int64_t limit) {
  return storage::query_rows(
      s,
      std::string("SELECT ") + kAlertColumns + ", " + kReceiptColumns +
          " FROM alert_recipients r JOIN alerts a ON a.id = r.alert_id JOIN users u ON u.id = r.user_id "
          "WHERE r.user_id = ? ORDER BY a.id DESC LIMIT ?",
      {user_id, limit}, [](const Row& r) { return std::pair(alert_from(r), receipt_from(r, kAlertColumnCount)); });
}

Result<std::vector<Alert>> AlertsRepository::sent(S& s, std::int64_t sender_id, std::int64_t limit) {
  return storage::query_rows(s,
                             std::string("SELECT ") + kAlertColumns +
                                 " FROM alerts a WHERE a.sender_id = ? "
                                 "ORDER BY a.id DESC LIMIT ?",
                             {sender_id, limit}, alert_from);
}

Result<std::vector<std::int64_t>> AlertsRepository::recipient_ids(S& s, std::int64_t alert_id) {
  return storage::query_integers(s, "SELECT user_id FROM alert_recipients WHERE alert_id = ? ORDER BY user_id",
                                 {alert_id});
}

Result<std::vector<Receipt>> AlertsRepository::receipts(S& s, std::int64_t alert_id, std::int64_t after_user_id,
                                                        std::int64_t limit) {
  return storage::query_rows(s,
                             std::string("SELECT ") + kReceiptColumns +
                                 " FROM alert_recipients r JOIN users u ON u.id = r.user_id "
                                 "WHERE r.alert_id = ? AND r.user_id > ? ORDER BY r.user_id LIMIT ?",
                             {alert_id, after_user_id, limit},
                             [](const storage::Row& r) { return receipt_from(r, 0); });
}

Result<std::vector<Alert>> AlertsRepository::undelivered(S& s, std::int64_t user_id, UnixMillis now,
                                                         std::int64_t limit) {
  return storage::query_rows(s,
                             std::string("SELECT ") + kAlertColumns +
                                 " FROM alert_recipients r JOIN alerts a ON a.id = r.alert_id "
                                 "WHERE r.user_id = ? AND r.delivered_at IS NULL AND r.held_until IS NULL "
                                 "AND a.resolved_at IS NULL "
                                 "AND (a.expires_at IS NULL OR a.expires_at > ?) ORDER BY a.id LIMIT ?",
                             {user_id, now, limit}, alert_from);
}

Result<std::vector<HeldRelease>> AlertsRepository::release_held(S& s, UnixMillis now, std::int64_t limit) {
  return storage::query_rows(
      s,
      "UPDATE alert_recipients SET held_until = NULL WHERE held_until <= ? AND (alert_id, user_id) IN "
      "(SELECT alert_id, user_id FROM alert_recipients WHERE held_until <= ? ORDER BY held_until LIMIT ?) "
      "RETURNING alert_id, user_id",
      {now, now, limit}, [](const Row& r) {
        return HeldRelease{r.integer(0), r.integer(1)};
      });
}

Result<bool> AlertsRepository::mark_delivered(S& s, std::int64_t alert_id, std::int64_t user_id, UnixMillis at) {
  return storage::exec_changed(
      s, "UPDATE alert_recipients SET delivered_at = ? WHERE alert_id = ? AND user_id = ? AND delivered_at IS NULL",
      {at, alert_id, user_id});
}

Result<bool> AlertsRepository::mark_read(S& s, std::int64_t alert_id, std::int64_t user_id, UnixMillis at) {
  return storage::exec_changed(s,
                               "UPDATE alert_recipients SET delivered_at = COALESCE(delivered_at, ?), read_at = ? "
                               "WHERE alert_id = ? AND user_id = ? AND read_at IS NULL",
                               {at, at, alert_id, user_id});
}

Result<void> AlertsRepository::acknowledge(S& s, std::int64_t alert_id, std::int64_t user_id, UnixMillis at,
                                           const std::string& comment) {
  return storage::exec(
      s,
      "UPDATE alert_recipients SET delivered_at = COALESCE(delivered_at, ?), read_at = COALESCE(read_at, ?), "
      "acknowledged_at = ?, ack_comment = ? WHERE alert_id = ? AND user_id = ? AND acknowledged_at IS NULL",
      {at, at, at, comment, alert_id, user_id});
}

Result<std::int64_t> AlertsRepository::quorum_acks(S& s, std::int64_t alert_id, const Quorum& q) {
  std::string sql = "SELECT COUNT(*) FROM alert_recipients r WHERE r.alert_id = ? AND r.acknowledged_at IS NOT NULL";
  Params params{alert_id};
  std::string any;
  if (!q.countries.empty()) {
    any = "r.country IN (" + placeholders(q.countries.size()) + ")";
    for (const auto& c : q.countries) params.push_back(c);
  }
  if (!q.team_ids.empty()) {
    any += (any.empty() ? "" : " OR ") +
           std::string("r.user_id IN (SELECT user_id FROM team_members WHERE team_id IN (") +
           placeholders(q.team_ids.size()) + "))";
    for (auto id : q.team_ids) params.push_back(id);
  }
  if (!any.empty()) sql += " AND (" + any + ")";
  return storage::query_integer(s, sql, params);
}

Result<void> AlertsRepository::set_ack_count(S& s, std::int64_t alert_id, std::int64_t count, UnixMillis now) {
  return storage::exec(s, "UPDATE alerts SET ack_count = ?, updated_at = ? WHERE id = ?", {count, now, alert_id});
}

Result<void> AlertsRepository::set_status(S& s, std::int64_t alert_id, Status status, UnixMillis at) {
  const char* column = status == Status::resolved ? "resolved_at" : "acknowledged_at";
  return storage::exec(s, std::string("UPDATE alerts SET status = ?, updated_at = ?, ") + column + " = ? WHERE id = ?",
                       {std::string(status_name(status)), at, at, alert_id});
}

Result<std::int64_t> AlertsRepository::original_unacknowledged(S& s, std::int64_t alert_id) {
  return storage::query_integer(s,
                                "SELECT COUNT(*) FROM alert_recipients WHERE alert_id = ? AND via_step IS NULL "
                                "AND acknowledged_at IS NULL",
                                {alert_id});
}

Result<void> AlertsRepository::insert_step(S& s, std::int64_t alert_id, std::int64_t step_no,
                                           const EscalationStep& step, const std::string& audience_json,
                                           UnixMillis due_at) {
  return storage::exec(
      s,
      "INSERT INTO alert_escalation_steps (alert_id, step_no, after_ms, notify, audience, state, "
      "due_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)",
      {alert_id, step_no, step.after_ms, std::string(step_notify_name(step.notify)), audience_json, due_at});
}

Result<std::vector<StepState>> AlertsRepository::steps(S& s, std::int64_t alert_id) {
  return storage::query_rows(
      s, std::string("SELECT ") + kStepColumns + " FROM alert_escalation_steps WHERE alert_id = ? ORDER BY step_no",
      {alert_id}, step_from);
}

Result<std::optional<StepState>> AlertsRepository::step(S& s, std::int64_t step_id) {
  return storage::query_row(s, std::string("SELECT ") + kStepColumns + " FROM alert_escalation_steps WHERE id = ?",
                            {step_id}, step_from);
}

Result<std::int64_t> AlertsRepository::step_count(S& s, std::int64_t alert_id) {
  return storage::query_integer(s, "SELECT COUNT(*) FROM alert_escalation_steps WHERE alert_id = ?", {alert_id});
}

Result<void> AlertsRepository::cancel_steps(S& s, std::int64_t alert_id, UnixMillis at, const std::string& reason) {
  return storage::exec(s,
                       "UPDATE alert_escalation_steps SET state = 'cancelled', cancelled_at = ?, cancel_reason = ?, "
                       "lease_until = NULL WHERE alert_id = ? AND state IN ('pending', 'claimed')",
                       {at, reason, alert_id});
}

Result<bool> AlertsRepository::any_step_due(S& s, UnixMillis now) {
  return storage::query_exists(s,
                               "SELECT 1 FROM alert_escalation_steps WHERE (state = 'pending' AND due_at <= ?) "
                               "OR (state = 'claimed' AND lease_until <= ?) LIMIT 1",
                               {now, now});
}

Result<std::vector<std::int64_t>> AlertsRepository::claim_steps(S& s, const std::string& node, UnixMillis now,
                                                                UnixMillis lease_until, std::int64_t limit) {
  constexpr const char* kDue = "((state = 'pending' AND due_at <= ?) OR (state = 'claimed' AND lease_until <= ?))";
  return storage::query_integers(
      s,
      std::string("UPDATE alert_escalation_steps SET state = 'claimed', claimed_by = ?, lease_until = ? "
                  "WHERE id IN (SELECT id FROM alert_escalation_steps WHERE ") +
          kDue + " ORDER BY due_at, id LIMIT ?) AND " + kDue + " RETURNING id",
      {node, lease_until, now, now, limit, now, now});
}

Result<bool> AlertsRepository::mark_fired(S& s, std::int64_t step_id, const std::string& node, UnixMillis at,
                                          std::int64_t notified) {
  return storage::exec_changed(s,
                               "UPDATE alert_escalation_steps SET state = 'fired', fired_at = ?, notified = ?, "
                               "lease_until = NULL WHERE id = ? AND state = 'claimed' AND claimed_by = ?",
                               {at, notified, step_id, node});
}

Result<bool> AlertsRepository::cancel_claimed(S& s, std::int64_t step_id, const std::string& node, UnixMillis at,
                                              const std::string& reason) {
  return storage::exec_changed(s,
                               "UPDATE alert_escalation_steps SET state = 'cancelled', cancelled_at = ?, "
                               "cancel_reason = ?, lease_until = NULL WHERE id = ? AND state = 'claimed' "
                               "AND claimed_by = ?",
                               {at, reason, step_id, node});
}

Result<std::vector<std::int64_t>> AlertsRepository::unacknowledged(
    S& s, std::int64_t alert_id, const std::optional<std::vector<std::int64_t>>& among) {
  // Someone an info or warning alert is still held for (quiet hours) is not interrupted
  // by its escalation either: they get it when their working hours begin.
  std::string sql =
      "SELECT user_id FROM alert_recipients WHERE alert_id = ? AND acknowledged_at IS NULL AND held_until IS NULL";
  Params params{alert_id};
  if (among) {
    if (among->empty()) return std::vector<std::int64_t>{};
    sql += " AND user_id IN (" + placeholders(among->size()) + ")";
    for (auto id : *among) params.push_back(id);
  }
  return storage::query_integers(s, sql + " ORDER BY user_id", params);
}

Result<void> AlertsRepository::add_recipients(S& s, std::int64_t alert_id, const std::vector<Resolved>& people,
                                              std::int64_t step_no) {
  for (const auto& p : people)
    MERIDIAN_TRY(
        storage::exec(s,
                      "INSERT INTO alert_recipients (alert_id, user_id, country, via_step) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT DO NOTHING",
                      {alert_id, p.user_id, p.country, step_no}));
  return storage::exec(
      s, "UPDATE alerts SET recipient_count = (SELECT COUNT(*) FROM alert_recipients WHERE alert_id = ?) WHERE id = ?",
      {alert_id, alert_id});
}

Result<std::int64_t> AlertsRepository::insert_schedule(S& s, const Schedule& x) {
  Params params;
  params.reserve(11);
  params.emplace_back(x.sender_id);
  params.emplace_back(x.title);
  params.emplace_back(x.alert_json);
  params.emplace_back(recurrence::format_local(x.series.start));
  params.emplace_back(x.series.zone);
  params.emplace_back(x.series.rrule);
  params.emplace_back(std::int64_t{x.recipient_local ? 1 : 0});
  params.emplace_back(x.state);
  params.push_back(storage::nullable(x.next_at));
  params.emplace_back(x.created_at);
  params.emplace_back(x.created_at);
  MERIDIAN_ASSIGN_OR_RETURN(
      auto id,
      storage::query_row(
          s,
          "INSERT INTO alert_schedules (sender_id, title, alert, starts_local, time_zone, rrule, recipient_local, "
          "state, next_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
          params, [](const Row& r) { return r.integer(0); }));
  if (!id) return make_error(ErrorCode::internal, "the schedule was not stored");
  return *id;
}

Result<std::optional<Schedule>> AlertsRepository::schedule(S& s, std::int64_t id) {
  return storage::query_row(s, std::string("SELECT ") + kScheduleColumns + " FROM alert_schedules WHERE id = ?", {id},
                            schedule_from);
}

Result<std::vector<Schedule>> AlertsRepository::schedules(S& s, std::int64_t sender_id, std::int64_t limit) {
  return storage::query_rows(s,
                             std::string("SELECT ") + kScheduleColumns +
                                 " FROM alert_schedules WHERE (? = 0 OR sender_id = ?) ORDER BY id DESC LIMIT ?",
                             {sender_id, sender_id, limit}, schedule_from);
}

Result<bool> AlertsRepository::any_zone_due(S& s, UnixMillis now) {
  return storage::query_exists(s, std::string("SELECT 1 FROM alert_schedule_zones WHERE ") + kZoneDue + " LIMIT 1",
                               {now, now});
}

Result<bool> AlertsRepository::any_held_due(S& s, UnixMillis now) {
  return storage::query_exists(s, "SELECT 1 FROM alert_recipients WHERE held_until <= ? LIMIT 1", {now});
}

Result<bool> AlertsRepository::any_schedule_due(S& s, UnixMillis now) {
  return storage::query_exists(s, std::string("SELECT 1 FROM alert_schedules WHERE ") + kScheduleDue + " LIMIT 1",
                               {now, now});
}

Result<std::vector<std::int64_t>> AlertsRepository::claim_schedules(S& s, const std::string& node, UnixMillis now,
                                                                    UnixMillis lease_until, std::int64_t limit) {
  return storage::query_integers(s,
                                 std::string("UPDATE alert_schedules SET claimed_by = ?, lease_until = ? "
                                             "WHERE id IN (SELECT id FROM alert_schedules WHERE ") +
                                     kScheduleDue + " ORDER BY next_at, id LIMIT ?) AND " + kScheduleDue +
                                     " RETURNING id",
                                 {node, lease_until, now, now, limit, now, now});
}

Result<void> AlertsRepository::schedule_fired(S& s, std::int64_t id, std::optional<UnixMillis> next,
                                              std::optional<std::int64_t> alert_id, UnixMillis at) {
  return storage::exec(
      s,
      "UPDATE alert_schedules SET next_at = ?, state = ?, fired_count = fired_count + 1, "
      "last_fired_at = ?, last_alert_id = COALESCE(?, last_alert_id), claimed_by = NULL, "
      "lease_until = NULL, updated_at = ? WHERE id = ?",
      {storage::nullable(next), std::string(next ? "active" : "done"), at, storage::nullable(alert_id), at, id});
}

Result<void> AlertsRepository::set_schedule_state(S& s, std::int64_t id, const std::string& state, UnixMillis at) {
  return storage::exec(s,
                       "UPDATE alert_schedules SET state = ?, next_at = NULL, claimed_by = NULL, lease_until = NULL, "
                       "updated_at = ? WHERE id = ?",
                       {state, at, id});
}

Result<void> AlertsRepository::pause_schedule(S& s, std::int64_t id, UnixMillis at) {
  return storage::exec(s,
                       "UPDATE alert_schedules SET state = 'paused', claimed_by = NULL, lease_until = NULL, "
                       "updated_at = ? WHERE id = ?",
                       {at, id});
}

Result<void> AlertsRepository::resume_schedule(S& s, std::int64_t id, std::optional<UnixMillis> next, UnixMillis at) {
  return storage::exec(s,
                       "UPDATE alert_schedules SET state = ?, next_at = ?, claimed_by = NULL, lease_until = NULL, "
                       "updated_at = ? WHERE id = ?",
                       {std::string(next ? "active" : "done"), storage::nullable(next), at, id});
}

Result<std::vector<ScheduleZone>> AlertsRepository::schedule_zones(S& s, std::int64_t schedule_id) {
  return storage::query_rows(s,
                             "SELECT id, time_zone, state, next_at, claimed_by, fired_count FROM alert_schedule_zones "
                             "WHERE schedule_id = ? ORDER BY time_zone",
                             {schedule_id}, zone_from);
}

Result<std::optional<std::int64_t>> AlertsRepository::zone_schedule_id(S& s, std::int64_t zone_id) {
  return storage::query_row(s, "SELECT schedule_id FROM alert_schedule_zones WHERE id = ?", {zone_id},
                            [](const Row& r) { return r.integer(0); });
}

Result<void> AlertsRepository::insert_schedule_zone(S& s, std::int64_t schedule_id, const std::string& time_zone,
                                                    std::optional<UnixMillis> next) {
  return storage::exec(s,
                       "INSERT INTO alert_schedule_zones (schedule_id, time_zone, state, next_at) VALUES (?, ?, ?, ?)",
                       {schedule_id, time_zone, std::string(next ? "active" : "done"), storage::nullable(next)});
}

Result<std::vector<std::int64_t>> AlertsRepository::claim_schedule_zones(S& s, const std::string& node, UnixMillis now,
                                                                         UnixMillis lease_until, std::int64_t limit) {
  return storage::query_integers(s,
                                 std::string("UPDATE alert_schedule_zones SET claimed_by = ?, lease_until = ? "
                                             "WHERE id IN (SELECT id FROM alert_schedule_zones WHERE ") +
                                     kZoneDue + " ORDER BY next_at, id LIMIT ?) AND " + kZoneDue + " RETURNING id",
                                 {node, lease_until, now, now, limit, now, now});
}

Result<void> AlertsRepository::zone_moved(S& s, std::int64_t zone_id, std::optional<UnixMillis> next, bool fired) {
  return storage::exec(
      s,
      "UPDATE alert_schedule_zones SET next_at = ?, state = ?, fired_count = fired_count + ?, "
      "claimed_by = NULL, lease_until = NULL WHERE id = ?",
      {storage::nullable(next), std::string(next ? "active" : "done"), std::int64_t{fired ? 1 : 0}, zone_id});
}

Result<std::optional<UnixMillis>> AlertsRepository::earliest_zone(S& s, std::int64_t schedule_id) {
  return storage::query_row(
      s,
      "SELECT next_at FROM alert_schedule_zones WHERE schedule_id = ? AND state = 'active' AND next_at IS NOT NULL "
      "ORDER BY next_at LIMIT 1",
      {schedule_id}, [](const Row& r) { return r.integer(0); });
}

Result<std::optional<Subject>> AlertsRepository::active_subject(S& s, std::int64_t user_id) {
  auto who = storage::query_row(s, "SELECT id, kind, country, region, email FROM users WHERE id = ? AND active = 1",
                                {user_id}, [](const Row& r) {
                                  Subject x;
                                  x.user_id = r.integer(0);
                                  parse_user_kind(r.text(1), x.kind);
                                  x.country = r.text(2);
                                  x.region = r.text(3);
                                  x.email = r.text(4);
                                  return x;
                                });
  if (!who.ok() || !*who) return who;
  auto roles = storage::query_rows(s, "SELECT role FROM user_roles WHERE user_id = ?", {user_id},
                                   [](const Row& r) { return r.text(0); });
  if (!roles.ok()) return roles.error();
  for (const auto& name : *roles) {
    Role role;
    if (parse_role(name, role)) (*who)->roles.push_back(role);
  }
  return who;
}

Result<std::optional<std::int64_t>> AlertsRepository::insert_integration(
    S& s, const Integration& x, const std::string& secret_hash, const std::string& audience_json,
    const std::optional<std::string>& signing_key) {
  return storage::query_row(
      s,
      "INSERT INTO alert_integrations (name, kind, secret_hash, audience, require_ack, created_by, created_at, "
      "signing_key, alertmanager_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
      {x.name, x.kind, secret_hash, audience_json, std::int64_t{x.require_ack ? 1 : 0}, storage::nullable(x.created_by),
       x.created_at, storage::nullable(signing_key), storage::nullable(x.alertmanager_url)},
      [](const Row& r) { return r.integer(0); });
}

Result<std::optional<StoredIntegration>> AlertsRepository::integration_named(S& s, const std::string& name) {
  return storage::query_row(s,
                            std::string("SELECT ") + kIntegrationColumns +
                                ", secret_hash, signing_key FROM alert_integrations WHERE name = ? AND active = 1",
                            {name}, [](const Row& r) {
                              StoredIntegration x{integration_row(r), r.text(9), std::nullopt};
                              if (!r.is_null(10)) x.signing_key = r.text(10);
                              return x;
                            });
}

Result<bool> AlertsRepository::remember_signature(S& s, std::int64_t integration_id, const std::string& signature,
                                                  UnixMillis now, UnixMillis forget_before) {
  MERIDIAN_TRY(storage::exec(s, "DELETE FROM alert_webhook_seen WHERE seen_at < ?", {forget_before}));
  MERIDIAN_ASSIGN_OR_RETURN(
      auto added, storage::query_row(s,
                                     "INSERT INTO alert_webhook_seen (integration_id, signature, "
                                     "seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING "
                                     "RETURNING integration_id",
                                     {integration_id, signature, now}, [](const Row& r) { return r.integer(0); }));
  return added.has_value();
}

Result<std::optional<Integration>> AlertsRepository::integration(S& s, std::int64_t id) {
  return storage::query_row(s, std::string("SELECT ") + kIntegrationColumns + " FROM alert_integrations WHERE id = ?",
                            {id}, integration_row);
}

Result<std::vector<Integration>> AlertsRepository::integrations(S& s) {
  return storage::query_rows(
      s, std::string("SELECT ") + kIntegrationColumns + " FROM alert_integrations WHERE active = 1 ORDER BY name", {},
      integration_row);
}

Result<void> AlertsRepository::deactivate_integration(S& s, std::int64_t id) {
  // Its name is freed for a new one; the alerts it sent keep their integration_id.
  return storage::exec(s,
                       "UPDATE alert_integrations SET active = 0, name = name || ':removed:' || CAST(id AS TEXT) "
                       "WHERE id = ? AND active = 1",
                       {id});
}

Result<void> AlertsRepository::rotate_integration(S& s, std::int64_t id, const std::string& secret_hash,
                                                  const std::optional<std::string>& signing_key, std::int64_t by) {
  return storage::exec(
      s, "UPDATE alert_integrations SET secret_hash = ?, signing_key = ?, created_by = ? WHERE id = ? AND active = 1",
      {secret_hash, storage::nullable(signing_key), by, id});
}

Result<void> AlertsRepository::keep_labels(S& s, std::int64_t alert_id, const std::string& labels_json) {
  return storage::exec(s, "INSERT INTO alert_silences (alert_id, labels) VALUES (?, ?) ON CONFLICT DO NOTHING",
                       {alert_id, labels_json});
}

Result<std::optional<std::string>> AlertsRepository::claim_silence(S& s, std::int64_t alert_id, const char* from,
                                                                   const char* to) {
  return storage::query_row(s,
                            std::string("UPDATE alert_silences SET state = ? WHERE alert_id = ? AND state = ? "
                                        "RETURNING ") +
                                (std::string_view(from) == "none" ? "labels" : "silence_id"),
                            {std::string(to), alert_id, std::string(from)}, [](const Row& r) { return r.text(0); });
}

Result<void> AlertsRepository::set_silence(S& s, std::int64_t alert_id, const std::string& state,
                                           const std::optional<std::string>& silence_id, const std::string& error) {
  return storage::exec(
      s, "UPDATE alert_silences SET state = ?, silence_id = COALESCE(?, silence_id), error = ? WHERE alert_id = ?",
      {state, storage::nullable(silence_id), error, alert_id});
}

Result<std::optional<std::pair<std::string, std::string>>> AlertsRepository::silence_of(S& s, std::int64_t alert_id) {
  return storage::query_row(s, "SELECT state, COALESCE(silence_id, '') FROM alert_silences WHERE alert_id = ?",
                            {alert_id}, [](const Row& r) { return std::pair(r.text(0), r.text(1)); });
}

Result<std::vector<Resolved>> AlertsRepository::leads_of_waiting(S& s, std::int64_t alert_id) {
  return storage::query_rows(
      s,
      std::string(kResolvedColumns) +
          "u.id IN (SELECT l.user_id FROM team_members l WHERE l.role = 'lead' AND l.team_id IN "
          "(SELECT m.team_id FROM team_members m JOIN alert_recipients r ON r.user_id = "
          "m.user_id WHERE r.alert_id = ? AND r.via_step IS NULL AND r.acknowledged_at IS NULL)) "
          "ORDER BY u.id",
      {alert_id}, resolved_from);
}

}  // namespace meridian::alerts
