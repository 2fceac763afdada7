// The alerts module's storage port: all of its SQL, portable over storage::Session.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alerts/alert.hpp"
#include "alerts/quiet_hours.hpp"
#include "core/result.hpp"
#include "policy/policy.hpp"
#include "storage/database.hpp"

namespace meridian::alerts {

struct Resolved {
  std::int64_t user_id = 0;
  std::string country;
  std::string time_zone;
  WorkingBand working;
  std::optional<UnixMillis> held_until;  // quiet hours: not pushed before then
};

// Held alerts released for these people (quiet hours ended).
struct HeldRelease {
  std::int64_t alert_id = 0;
  std::int64_t user_id = 0;
};

// An integration with what authenticates it.
struct StoredIntegration {
  Integration integration;
  std::string secret_hash;
  std::optional<std::string> signing_key;
};

class AlertsRepository final {
 public:
  using S = storage::Session;

  // The audience's recipients now: active employees and agents only, by id.
  Result<std::vector<Resolved>> resolve(S& s, const Audience& audience);
  Result<std::string> display_name(S& s, std::int64_t user_id);
  // The person's relationship to a team: manager = a lead of it, member, or none.
  Result<policy::Relationship> team_relationship(S& s, std::int64_t team_id, std::int64_t user_id);
  Result<bool> leads_a_team(S& s, std::int64_t user_id);
  // The open (unresolved) alert with this deduplication key.
  Result<std::optional<std::int64_t>> open_with_key(S& s, const std::string& dedup_key);
  // nullopt: the key was taken meanwhile (another node sent the same alert first).
  Result<std::optional<std::int64_t>> insert(S& s, const Alert& a, const std::string& audience_json);
  Result<void> insert_recipients(S& s, std::int64_t alert_id, const std::vector<Resolved>& recipients);
  // A repeat of an open alert: its latest title, body and priority, one more in its count.
  Result<void> repeat(S& s, std::int64_t alert_id, const NewAlert& in, UnixMillis now);

  Result<std::optional<Alert>> alert(S& s, std::int64_t id);
  Result<std::optional<Receipt>> receipt(S& s, std::int64_t alert_id, std::int64_t user_id);
  // Received by the user (newest first) and their receipt of each.
  Result<std::vector<std::pair<Alert, Receipt>>> received(S& s, std::int64_t user_id, std::int64_t limit);
  Result<std::vector<Alert>> sent(S& s, std::int64_t sender_id, std::int64_t limit);
  // Recipients after `after_user_id`, by user id, with their names.
  Result<std::vector<std::int64_t>> recipient_ids(S& s, std::int64_t alert_id);
  Result<std::vector<Receipt>> receipts(S& s, std::int64_t alert_id, std::int64_t after_user_id, std::int64_t limit);

  // Not resolved, not expired at `now`, no delivered receipt: oldest first.
  // Not delivered, not held (quiet hours), still open.
  Result<std::vector<Alert>> undelivered(S& s, std::int64_t user_id, UnixMillis now, std::int64_t limit);
  // Ends up to `limit` holds due at `now`; the ones this call ended.
  Result<std::vector<HeldRelease>> release_held(S& s, UnixMillis now, std::int64_t limit);

  // Each is true when it set the receipt now (false: set before, or not a recipient).
  Result<bool> mark_delivered(S& s, std::int64_t alert_id, std::int64_t user_id, UnixMillis at);
  Result<bool> mark_read(S& s, std::int64_t alert_id, std::int64_t user_id, UnixMillis at);
  Result<void> acknowledge(S& s, std::int64_t alert_id, std::int64_t user_id, UnixMillis at,
                           const std::string& comment);
  // Acknowledgements that count for the quorum (all when it names no countries or teams).
  Result<std::int64_t> quorum_acks(S& s, std::int64_t alert_id, const Quorum& quorum);
  Result<void> set_ack_count(S& s, std::int64_t alert_id, std::int64_t count, UnixMillis now);
  Result<void> set_status(S& s, std::int64_t alert_id, Status status, UnixMillis at);
  // Recipients of the frozen list (not those a step added) who have not acknowledged.
  Result<std::int64_t> original_unacknowledged(S& s, std::int64_t alert_id);

  // Escalation. audience_json: the step's audience as JSON ("" for notify again).
  Result<void> insert_step(S& s, std::int64_t alert_id, std::int64_t step_no, const EscalationStep& step,
                           const std::string& audience_json, UnixMillis due_at);
  Result<std::vector<StepState>> steps(S& s, std::int64_t alert_id);
  Result<std::optional<StepState>> step(S& s, std::int64_t step_id);
  Result<std::int64_t> step_count(S& s, std::int64_t alert_id);
  // Every step not fired yet (pending or claimed) becomes cancelled.
  Result<void> cancel_steps(S& s, std::int64_t alert_id, UnixMillis at, const std::string& reason);
  // Whether any step is due at `now` (a read: an idle round writes nothing).
  Result<bool> any_step_due(S& s, UnixMillis now);
  // Claims up to `limit` steps due at `now` (pending, or claimed by a node whose lease
  // ended) for `node` until `lease_until`. Concurrent claimers get disjoint sets: the
  // outer condition is checked again on each row after its lock is had (PostgreSQL), and
  // SQLite runs one writer at a time.
  Result<std::vector<std::int64_t>> claim_steps(S& s, const std::string& node, UnixMillis now, UnixMillis lease_until,
                                                std::int64_t limit);
  // Only while `node` holds the claim: true when this call made it fired.
  Result<bool> mark_fired(S& s, std::int64_t step_id, const std::string& node, UnixMillis at, std::int64_t notified);
  Result<bool> cancel_claimed(S& s, std::int64_t step_id, const std::string& node, UnixMillis at,
                              const std::string& reason);
  // Recipients who have not acknowledged and are not held (quiet hours), all of them or
  // only those among `among`.
  Result<std::vector<std::int64_t>> unacknowledged(S& s, std::int64_t alert_id,
                                                   const std::optional<std::vector<std::int64_t>>& among);
  // Scheduled alerts. Claims work as for steps: due = active with next_at <= now, and no
  // claim or one whose lease ended.
  Result<std::int64_t> insert_schedule(S& s, const Schedule& x);
  Result<std::optional<Schedule>> schedule(S& s, std::int64_t id);
  // The sender's (or, with sender 0, everyone's), newest first.
  Result<std::vector<Schedule>> schedules(S& s, std::int64_t sender_id, std::int64_t limit);
  // Cheap reads before the claims, so an idle round writes nothing.
  Result<bool> any_schedule_due(S& s, UnixMillis now);
  Result<bool> any_zone_due(S& s, UnixMillis now);
  Result<bool> any_held_due(S& s, UnixMillis now);
  Result<std::vector<std::int64_t>> claim_schedules(S& s, const std::string& node, UnixMillis now,
                                                    UnixMillis lease_until, std::int64_t limit);
  // After an occurrence: the next one (nullopt: done), the alert it sent (if any); frees the claim.
  Result<void> schedule_fired(S& s, std::int64_t id, std::optional<UnixMillis> next,
                              std::optional<std::int64_t> alert_id, UnixMillis at);
  // Ends it (done, stopped, cancelled): no next occurrence, no claim.
  Result<void> set_schedule_state(S& s, std::int64_t id, const std::string& state, UnixMillis at);
  // Paused keeps nothing due; resumed it is active again from `next`.
  Result<void> pause_schedule(S& s, std::int64_t id, UnixMillis at);
  Result<void> resume_schedule(S& s, std::int64_t id, std::optional<UnixMillis> next, UnixMillis at);
  // A recipient-local schedule's zones.
  Result<std::vector<ScheduleZone>> schedule_zones(S& s, std::int64_t schedule_id);
  Result<std::optional<std::int64_t>> zone_schedule_id(S& s, std::int64_t zone_id);
  Result<void> insert_schedule_zone(S& s, std::int64_t schedule_id, const std::string& time_zone,
                                    std::optional<UnixMillis> next);
  // Due zones of active schedules, claimed as schedules are.
  Result<std::vector<std::int64_t>> claim_schedule_zones(S& s, const std::string& node, UnixMillis now,
                                                         UnixMillis lease_until, std::int64_t limit);
  // After a zone's occurrence (or on resume): its next one (nullopt: done); frees the claim.
  Result<void> zone_moved(S& s, std::int64_t zone_id, std::optional<UnixMillis> next, bool fired);
  // The schedule's next_at: the earliest of its active zones (nullopt: none is left).
  Result<std::optional<UnixMillis>> earliest_zone(S& s, std::int64_t schedule_id);
  // The person as a Subject (kind, roles, country, region) for a send on their behalf;
  // nullopt when the account is gone or deactivated.
  Result<std::optional<Subject>> active_subject(S& s, std::int64_t user_id);

  // Integrations. nullopt: the name is taken. signing_key: a webhook integration's secret.
  Result<std::optional<std::int64_t>> insert_integration(S& s, const Integration& x, const std::string& secret_hash,
                                                         const std::string& audience_json,
                                                         const std::optional<std::string>& signing_key);
  // An active integration by name, with its secret's hash (and signing key).
  Result<std::optional<StoredIntegration>> integration_named(S& s, const std::string& name);
  // Remembers a signed request's signature; false: it was seen before (a replay). Forgets
  // those seen before `forget_before` first.
  Result<bool> remember_signature(S& s, std::int64_t integration_id, const std::string& signature, UnixMillis now,
                                  UnixMillis forget_before);
  Result<std::optional<Integration>> integration(S& s, std::int64_t id);
  Result<std::vector<Integration>> integrations(S& s);
  Result<void> deactivate_integration(S& s, std::int64_t id);
  // Silences in Alertmanager (alert_silences): the labels of an alert an Alertmanager
  // integration sent; claim_silence moves it from state `from` to `to` for exactly one
  // caller, answering its labels (from none) or its silence id (from created).
  Result<void> keep_labels(S& s, std::int64_t alert_id, const std::string& labels_json);
  Result<std::optional<std::string>> claim_silence(S& s, std::int64_t alert_id, const char* from, const char* to);
  Result<void> set_silence(S& s, std::int64_t alert_id, const std::string& state,
                           const std::optional<std::string>& silence_id, const std::string& error);
  // Its state and silence id.
  Result<std::optional<std::pair<std::string, std::string>>> silence_of(S& s, std::int64_t alert_id);
  Result<void> rotate_integration(S& s, std::int64_t id, const std::string& secret_hash,
                                  const std::optional<std::string>& signing_key, std::int64_t by);

  // The team leads (active employees and agents) of every team that a recipient of the
  // frozen list who has not acknowledged belongs to.
  Result<std::vector<Resolved>> leads_of_waiting(S& s, std::int64_t alert_id);

  // Adds those not yet recipients, marked with the step that added them; recounts.
  Result<void> add_recipients(S& s, std::int64_t alert_id, const std::vector<Resolved>& people, std::int64_t step_no);
};

}  // namespace meridian::alerts
