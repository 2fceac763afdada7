// Priority alerts: what an alert is, who it reaches and the receipts each recipient
// leaves. One state machine per alert: open -> acknowledged -> resolved; resolve always
// wins (an acknowledgement after it is recorded as a receipt but changes no state). Per
// recipient, delivered, read and acknowledged are separate receipts (docs/architecture.md,
// "Alerts").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/subject.hpp"
#include "recurrence/recurrence.hpp"

namespace meridian::alerts {

enum class Priority { info, warning, critical };
enum class Category { system, announcement, compliance, emergency };
enum class Status { open, acknowledged, resolved };

const char* priority_name(Priority p);
bool parse_priority(std::string_view text, Priority& out);
const char* category_name(Category c);
bool parse_category(std::string_view text, Category& out);
const char* status_name(Status s);
bool parse_status(std::string_view text, Status& out);

inline constexpr std::size_t kMaxTitleBytes = 200;
inline constexpr std::size_t kMaxBodyBytes = 10'000;
inline constexpr std::size_t kMaxAudienceIds = 10'000;  // user ids (and exclusions) in one audience
inline constexpr std::size_t kMaxAudienceTerms = 200;   // teams, countries, regions or roles

// Who an alert is for: the union of these, minus the exclusions. Resolved once, when the
// alert is sent (the recipients are frozen then), to active staff only: customers and
// guests never receive internal alerts.
struct Audience {
  std::vector<std::int64_t> user_ids;
  std::vector<std::int64_t> team_ids;
  std::vector<std::string> countries;  // ISO 3166-1 alpha-2
  std::vector<std::string> regions;
  std::vector<std::string> roles;
  std::vector<std::int64_t> exclude_user_ids;
  // Not part of the API: only people in this time zone (a recipient-local schedule's
  // occurrence in one zone).
  std::optional<std::string> time_zone;

  bool empty() const {
    return user_ids.empty() && team_ids.empty() && countries.empty() && regions.empty() && roles.empty();
  }
};

// N acknowledgements, optionally only those of recipients in these countries or teams.
struct Quorum {
  std::int64_t count = 0;
  std::vector<std::string> countries;
  std::vector<std::int64_t> team_ids;
};

// One step of an escalation policy: `after_ms` after the alert was sent, while it is still
// open (not acknowledged by its rule, not resolved, not expired), notify again those
// recipients who have not acknowledged (again), or a named target (audience: resolved when
// the step fires; those not yet recipients become recipients of this step), or the team
// leads of the recipients still waiting (leads: the leads of every team a recipient of the
// frozen list who has not acknowledged belongs to, resolved when the step fires; they become
// recipients of this step, as a named target's people do).
enum class StepNotify { again, audience, leads };
const char* step_notify_name(StepNotify n);
bool parse_step_notify(std::string_view text, StepNotify& out);

inline constexpr std::size_t kMaxEscalationSteps = 10;
inline constexpr std::int64_t kMinStepAfterMs = 1'000;
inline constexpr std::int64_t kMaxStepAfterMs = 7LL * 24 * 3600 * 1000;

struct EscalationStep {
  std::int64_t after_ms = 0;
  StepNotify notify = StepNotify::again;
  Audience audience;  // notify == audience
};

// A step as stored: pending -> claimed (by a node, until its lease ends) -> fired, or
// cancelled (the alert was acknowledged, resolved or expired first).
struct StepState {
  std::int64_t id = 0;
  std::int64_t alert_id = 0;
  std::int64_t step_no = 0;
  EscalationStep step;
  std::string state;
  UnixMillis due_at = 0;
  std::optional<std::string> claimed_by;
  std::optional<UnixMillis> lease_until;
  std::optional<UnixMillis> fired_at;
  std::int64_t notified = 0;
  std::optional<UnixMillis> cancelled_at;
  std::string cancel_reason;
};

struct NewAlert {
  std::string title;
  std::string body;  // the chat's safe Markdown subset, rendered by the client
  Priority priority = Priority::info;
  Category category = Category::announcement;
  Audience audience;
  bool require_ack = false;  // every recipient must acknowledge
  std::optional<Quorum> quorum;
  std::optional<std::string> dedup_key;  // a repeat of an open alert with this key updates it
  std::optional<UnixMillis> expires_at;
  std::vector<EscalationStep> escalation;  // in order of after_ms
};

struct Alert {
  std::int64_t id = 0;
  std::string title;
  std::string body;
  Priority priority = Priority::info;
  Category category = Category::announcement;
  Status status = Status::open;
  std::optional<std::int64_t> sender_id;  // nullopt: an integration
  std::string sender_name;                // the integration's name when sent by one
  std::optional<std::int64_t> integration_id;
  bool require_ack = false;
  std::optional<Quorum> quorum;
  std::optional<std::string> dedup_key;
  std::int64_t repeat_count = 1;
  std::int64_t recipient_count = 0;
  std::int64_t ack_count = 0;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
  std::optional<UnixMillis> expires_at;
  std::optional<UnixMillis> acknowledged_at;
  std::optional<UnixMillis> resolved_at;

  // Emergency alerts are delivered as critical: they interrupt, whatever the hour.
  bool interrupts() const { return priority == Priority::critical || category == Category::emergency; }
};

// One time zone of a recipient-local schedule: its people get the occurrence at the
// schedule's wall-clock time in this zone. state: active or done.
struct ScheduleZone {
  std::int64_t id = 0;
  std::string time_zone;
  std::string state;
  std::optional<UnixMillis> next_at;
  std::optional<std::string> claimed_by;
  std::int64_t fired_count = 0;
};

// An alert sent at a wall-clock time in a zone, once or by an RRULE (recurrence::Series),
// or at that wall-clock time in each recipient's own zone (recipient_local; series.zone is
// then empty and zones holds one row per zone). state: active (next_at is the next
// occurrence), paused, done (the series ended), stopped (its sender may no longer send) or
// cancelled.
struct Schedule {
  std::int64_t id = 0;
  std::int64_t sender_id = 0;
  std::string title;
  std::string alert_json;  // the POST /alerts body sent at each occurrence
  recurrence::Series series;
  bool recipient_local = false;
  std::vector<ScheduleZone> zones;
  std::string state;
  std::optional<UnixMillis> next_at;
  std::optional<std::string> claimed_by;
  std::int64_t fired_count = 0;
  std::optional<UnixMillis> last_fired_at;
  std::optional<std::int64_t> last_alert_id;
  UnixMillis created_at = 0;
};

// An incoming integration (today: a Prometheus Alertmanager webhook receiver). Its
// configuration is its policy: everything it sends goes to `audience` (resolved at each
// send, like any alert's), nothing else. It authenticates with its own secret (a bearer
// token; only its SHA-256 is stored). Created by an admin (who may send to anyone).
struct Integration {
  std::int64_t id = 0;
  std::string name;  // [a-z0-9-], 1 to 64: the last segment of its webhook URL
  std::string kind = "alertmanager";
  Audience audience;
  bool require_ack = false;
  std::optional<std::int64_t> created_by;
  UnixMillis created_at = 0;
  bool active = true;
  // Alertmanager's base URL (http or https): an acknowledged alert of this integration is
  // silenced there until it is resolved (alertmanager_silences.hpp). nullopt: no silences.
  std::optional<std::string> alertmanager_url;
};

struct Receipt {
  std::int64_t user_id = 0;
  std::string display_name;
  std::string country;
  std::optional<UnixMillis> delivered_at;
  std::optional<UnixMillis> read_at;
  std::optional<UnixMillis> acknowledged_at;
  std::string comment;
};

}  // namespace meridian::alerts
