// The alerts module's schema (versions 200-299).
#include "storage/migrations/schema_parts.hpp"

namespace meridian::storage {
namespace {

const Migration kMigrations[] = {
    // An alert and its frozen recipients with their receipts. quorum_countries and
    // quorum_team_ids are comma-separated lists; audience keeps what the sender asked for.
    {200, "alerts and their recipients", R"sql(
CREATE TABLE alerts (
  id {{ID}},
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  priority TEXT NOT NULL,
  category TEXT NOT NULL,
  status TEXT NOT NULL,
  sender_id BIGINT REFERENCES users(id),
  sender_name TEXT NOT NULL,
  require_ack BIGINT NOT NULL DEFAULT 0,
  quorum_count BIGINT NOT NULL DEFAULT 0,
  quorum_countries TEXT NOT NULL DEFAULT '',
  quorum_team_ids TEXT NOT NULL DEFAULT '',
  dedup_key TEXT,
  repeat_count BIGINT NOT NULL DEFAULT 1,
  audience TEXT NOT NULL,
  recipient_count BIGINT NOT NULL,
  ack_count BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  expires_at BIGINT,
  acknowledged_at BIGINT,
  resolved_at BIGINT
);
CREATE INDEX alerts_sender ON alerts(sender_id, id);
CREATE UNIQUE INDEX alerts_open_dedup ON alerts(dedup_key) WHERE dedup_key IS NOT NULL AND resolved_at IS NULL;
CREATE TABLE alert_recipients (
  alert_id BIGINT NOT NULL REFERENCES alerts(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  country TEXT NOT NULL,
  delivered_at BIGINT,
  read_at BIGINT,
  acknowledged_at BIGINT,
  ack_comment TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (alert_id, user_id)
);
CREATE INDEX alert_recipients_user ON alert_recipients(user_id, alert_id);
)sql"},
    // Escalation: each step of an alert's policy is one row, fired at most once by whichever
    // node claims it first (state pending -> claimed -> fired, or cancelled by the
    // acknowledgement or resolution). A claim holds until lease_until; a node that dies
    // holding one leaves it to be claimed again after that. audience is JSON (notify =
    // 'audience'). A recipient added by a step keeps its step number in via_step.
    {201, "alert escalation steps", R"sql(
CREATE TABLE alert_escalation_steps (
  id {{ID}},
  alert_id BIGINT NOT NULL REFERENCES alerts(id),
  step_no BIGINT NOT NULL,
  after_ms BIGINT NOT NULL,
  notify TEXT NOT NULL,
  audience TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  due_at BIGINT NOT NULL,
  claimed_by TEXT,
  lease_until BIGINT,
  fired_at BIGINT,
  notified BIGINT NOT NULL DEFAULT 0,
  cancelled_at BIGINT,
  cancel_reason TEXT NOT NULL DEFAULT '',
  UNIQUE (alert_id, step_no)
);
CREATE INDEX alert_escalation_due ON alert_escalation_steps(state, due_at);
ALTER TABLE alert_recipients ADD COLUMN via_step BIGINT;
)sql"},
    // Scheduled alerts: the alert (the POST /alerts body) sent at a wall-clock time in an
    // IANA zone, once or by an RRULE. next_at is the next occurrence as an instant (NULL
    // once the series ended); like escalation steps, a node claims a due schedule with a
    // lease before it sends. A schedule in each recipient's local time (recipient_local)
    // has one row per time zone of its audience in alert_schedule_zones, each with its own
    // next_at and claim; its own next_at is then the earliest of them (never claimed).
    {202, "scheduled alerts", R"sql(
CREATE TABLE alert_schedules (
  id {{ID}},
  sender_id BIGINT NOT NULL REFERENCES users(id),
  title TEXT NOT NULL,
  alert TEXT NOT NULL,
  starts_local TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  rrule TEXT NOT NULL DEFAULT '',
  recipient_local BIGINT NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  next_at BIGINT,
  claimed_by TEXT,
  lease_until BIGINT,
  fired_count BIGINT NOT NULL DEFAULT 0,
  last_fired_at BIGINT,
  last_alert_id BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX alert_schedules_due ON alert_schedules(state, next_at);
CREATE INDEX alert_schedules_sender ON alert_schedules(sender_id, id);
CREATE TABLE alert_schedule_zones (
  id {{ID}},
  schedule_id BIGINT NOT NULL REFERENCES alert_schedules(id),
  time_zone TEXT NOT NULL,
  state TEXT NOT NULL,
  next_at BIGINT,
  claimed_by TEXT,
  lease_until BIGINT,
  fired_count BIGINT NOT NULL DEFAULT 0,
  UNIQUE (schedule_id, time_zone)
);
CREATE INDEX alert_schedule_zones_due ON alert_schedule_zones(state, next_at);
)sql"},
    // Quiet hours: an info or warning alert reaching someone outside their working hours
    // is held for them until held_until (the start of their working hours): in their list,
    // not pushed; the scheduler releases it then (one UPDATE .. RETURNING per batch, so
    // each row is released by one node).
    {203, "alert quiet hours", R"sql(
ALTER TABLE alert_recipients ADD COLUMN held_until BIGINT;
CREATE INDEX alert_recipients_held ON alert_recipients(held_until);
)sql"},
    // Team leads (issue 11: "lead" is a role of a team member, set in Admin -> Teams; a lead
    // may send alerts to their team). The column is identity's; it lives in alerts' range
    // because the alerts issue brought it.
    {204, "team leads", R"sql(
ALTER TABLE team_members ADD COLUMN role TEXT NOT NULL DEFAULT 'member';
CREATE INDEX team_members_lead ON team_members(team_id, role);
)sql"},
    // Incoming integrations (Alertmanager webhooks): a name (its URL), the SHA-256 of its
    // secret, and its configuration, which is its policy (the audience it sends to, as JSON).
    // An alert it sent keeps its id.
    {205, "alert integrations", R"sql(
CREATE TABLE alert_integrations (
  id {{ID}},
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  audience TEXT NOT NULL,
  require_ack BIGINT NOT NULL DEFAULT 0,
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL,
  active BIGINT NOT NULL DEFAULT 1
);
ALTER TABLE alerts ADD COLUMN integration_id BIGINT REFERENCES alert_integrations(id);
)sql"},
    // The generic JSON webhook (kind webhook): its signing key (HMAC verification needs the
    // secret itself; only webhook integrations have one), and the signatures of the signed
    // requests it accepted within the time window, so a replay is refused by every node.
    {206, "alert webhook signatures", R"sql(
ALTER TABLE alert_integrations ADD COLUMN signing_key TEXT;
CREATE TABLE alert_webhook_seen (
  integration_id BIGINT NOT NULL REFERENCES alert_integrations(id),
  signature TEXT NOT NULL,
  seen_at BIGINT NOT NULL,
  PRIMARY KEY (integration_id, signature)
);
CREATE INDEX alert_webhook_seen_at ON alert_webhook_seen(seen_at);
)sql"},
    // Two-way Alertmanager bridge: an integration may name its Alertmanager (v2 API); an
    // alert it sent keeps its labels, and the silence made when it is acknowledged
    // (state none -> posting -> created -> removing -> removed, or failed with the error).
    {207, "alert silences", R"sql(
ALTER TABLE alert_integrations ADD COLUMN alertmanager_url TEXT;
CREATE TABLE alert_silences (
  alert_id BIGINT PRIMARY KEY REFERENCES alerts(id),
  labels TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'none',
  silence_id TEXT,
  error TEXT
);
)sql"},
};

}  // namespace

std::span<const Migration> alerts_migrations() { return kMigrations; }

}  // namespace meridian::storage
