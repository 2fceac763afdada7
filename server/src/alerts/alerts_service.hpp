// Alerts: sending to a resolved, frozen audience; receipts; acknowledgement with quorum;
// resolution. Who may do what is the policy's (resource kind alert: a recipient is a
// member, an admin a manager, the sender the owner); every send, acknowledgement and
// resolution is in the audit log, in the same transaction as the change.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "alerts/alert.hpp"
#include "alerts/alertmanager.hpp"
#include "alerts/alerts_repository.hpp"
#include "alerts/webhook.hpp"
#include "audit/audit_log.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "platform/feature_gate.hpp"
#include "platform/ports.hpp"
#include "policy/policy.hpp"
#include "storage/database.hpp"

namespace meridian::alerts {

inline constexpr int kMaxPage = 200;

struct AudienceCount {
  std::int64_t total = 0;
  std::map<std::string, std::int64_t> by_country;  // "412 people: 300 in DE, 80 in AT, 32 in CH"
};

struct Sent {
  Alert alert;
  std::vector<std::int64_t> recipients;  // those to notify (alert.new); none for a repeat
  std::vector<std::int64_t> held;        // quiet hours: in their list, notified when their working hours begin
  bool deduplicated = false;             // a repeat of an open alert: counted and updated, nobody notified again
  // A repeat: everyone whose view of the alert changed (its recipients and its sender), to
  // hear alert.updated, which updates a list but pages nobody.
  std::vector<std::int64_t> informed;
};

// A receipt that was set just now, for the sender's tracking view (alert.receipt).
struct ReceiptChange {
  Alert alert;
  Receipt receipt;
  std::string kind;  // "delivered", "read" or "acknowledged"
};

struct Acknowledged {
  Alert alert;
  Receipt receipt;
  bool changed = false;  // false: acknowledged before; nothing new recorded
};

// A step that fired: whom it notified (recipients who had not acknowledged, among its
// target), and the alert as it is now (a named target may have added recipients).
struct Escalated {
  Alert alert;
  StepState step;
  std::int64_t steps = 0;  // how many steps the alert's policy has
  std::vector<std::int64_t> notified;
};

// A scheduled alert to create: the alert (checked now, sent at each occurrence as its
// sender, whose right to send is checked again then) and when.
struct NewSchedule {
  NewAlert alert;
  std::string alert_json;     // the same alert as its POST /alerts body
  recurrence::Series series;  // series.zone is empty when recipient_local
  bool recipient_local = false;
};

// Held alerts whose recipients' working hours began: notify them now.
struct Released {
  Alert alert;
  std::vector<std::int64_t> users;
};
struct ReleaseRound {
  std::size_t rows = 0;  // holds ended (some may be of alerts resolved meanwhile)
  std::vector<Released> alerts;
};

// An integration just created: its secret is shown this once (only its hash is kept).
struct CreatedIntegration {
  Integration integration;
  std::string secret;
};

// What one Alertmanager webhook did: alerts sent or repeated (dedup), alerts resolved,
// and resolved alerts Meridian had no open alert for (ignored).
struct Bridged {
  std::vector<Sent> sent;
  std::vector<std::pair<Alert, std::vector<std::int64_t>>> resolved;  // the alert and its recipients
  std::int64_t ignored = 0;
};

// What may authenticate a request to the generic webhook: the secret as a bearer token, or
// a signature with its timestamp (webhook.hpp).
struct WebhookCredentials {
  std::string_view bearer;
  std::string_view timestamp;
  std::string_view signature;
};
// An integration that authenticated a request; with its signature when it was signed.
struct SignedIntegration {
  Integration integration;
  std::optional<std::string> signature;
};

struct RecipientPage {
  std::vector<Receipt> items;
  std::optional<std::int64_t> next;  // the cursor of the next page
};

// An alert as one person sees it: their receipt when they are a recipient.
struct AlertView {
  Alert alert;
  std::optional<Receipt> mine;
};

class AlertsService final {
 public:
  // features: the per-country toggles alerts.<category> (null: every category everywhere).
  AlertsService(storage::Database& db, const policy::Policy& policy, const Clock& clock,
                audit::AuditLog* audit = nullptr, platform::FeatureGate* features = nullptr)
      : db_(db), policy_(policy), clock_(clock), audit_(audit), features_(features) {}

  // Quiet hours ask the shared working-time component (availability) when there is one;
  // without it, each recipient's single band (quiet_hours.hpp).
  void use_working_time(platform::WorkingTime* working) { working_ = working; }

  // Who the audience reaches now, for the composer (nothing is stored).
  Result<AudienceCount> preview(const Subject& who, const Audience& audience);
  Result<Sent> send(const Subject& who, NewAlert in, const std::string& ip = "");

  Result<std::vector<AlertView>> received(const Subject& who, int limit);
  Result<std::vector<Alert>> sent(const Subject& who, int limit);
  Result<AlertView> get(const Subject& who, std::int64_t id);
  Result<RecipientPage> recipients(const Subject& who, std::int64_t id, std::int64_t after, int limit);

  // Alerts sent to this person that no device of theirs has confirmed yet (no delivered
  // receipt), not resolved and not expired, oldest first: pushed when a socket connects.
  Result<std::vector<Alert>> undelivered(const Subject& who, int limit);

  // A recipient's receipts. delivered: a device of theirs has it; read: they opened it.
  // Each returns the change when the receipt was set now (nullopt: it was set before).
  Result<std::optional<ReceiptChange>> delivered(const Subject& who, std::int64_t id);
  struct Read {
    AlertView view;
    std::optional<ReceiptChange> change;
  };
  Result<Read> mark_read(const Subject& who, std::int64_t id);
  // Recipients only (others: 404, or 403 for its sender and admins who may see it).
  // Repeating it changes nothing. An acknowledgement after resolution is recorded as a
  // receipt but the alert stays resolved.
  Result<Acknowledged> acknowledge(const Subject& who, std::int64_t id, std::string comment,
                                   const std::string& ip = "");
  // The sender or an admin; resolving twice changes nothing (changed: false).
  struct Resolution {
    Alert alert;
    std::vector<std::int64_t> recipients;
    bool changed = false;
  };
  Result<Resolution> resolve(const Subject& who, std::int64_t id, const std::string& ip = "");

  // Scheduled alerts (alert_schedules.cpp). Creating needs the right to send; the first
  // occurrence must lie ahead. Listing: one's own (admins: everyone's). Pausing, resuming
  // and cancelling: its sender or an admin (others 404). A resumed schedule goes on with
  // its next occurrence after now (those that fell into the pause are not sent).
  Result<Schedule> schedule(const Subject& who, NewSchedule in, const std::string& ip = "");
  Result<std::vector<Schedule>> schedules(const Subject& who, int limit);
  Result<Schedule> cancel_schedule(const Subject& who, std::int64_t id, const std::string& ip = "");
  Result<Schedule> pause_schedule(const Subject& who, std::int64_t id, const std::string& ip = "");
  Result<Schedule> resume_schedule(const Subject& who, std::int64_t id, const std::string& ip = "");
  Result<std::vector<std::int64_t>> claim_schedules(const std::string& node, std::int64_t lease_ms, int limit);
  // Sends the due occurrence of a schedule this node claimed (nullopt: nothing was sent)
  // and moves it to its next occurrence after now: occurrences missed while no node ran
  // are not sent one by one, only the latest, once. A sender who may no longer send (or is
  // gone) stops the schedule.
  Result<std::optional<Sent>> fire_schedule(std::int64_t id, const std::string& node);
  // The same for one time zone of a recipient-local schedule: the occurrence goes to the
  // audience's people in that zone (one alert per zone and occurrence).
  Result<std::vector<std::int64_t>> claim_schedule_zones(const std::string& node, std::int64_t lease_ms, int limit);
  Result<std::optional<Sent>> fire_schedule_zone(std::int64_t zone_id, const std::string& node);
  // Quiet hours: ends up to `limit` holds that are due, each by exactly one caller (node);
  // the still open, unexpired alerts among them to push to those people.
  Result<ReleaseRound> release_held(int limit);

  // Integrations (alert_integrations.cpp). Admins (send_alert: they may send to anyone)
  // create, list and remove them; an integration sends to its configured audience only.
  Result<CreatedIntegration> create_integration(const Subject& who, Integration in, const std::string& ip = "");
  Result<std::vector<Integration>> integrations(const Subject& who);
  Result<Integration> remove_integration(const Subject& who, std::int64_t id, const std::string& ip = "");
  // A new secret (shown this once); the admin who rotates it vouches for it from now on
  // (created_by), which lifts a suspension.
  Result<CreatedIntegration> rotate_integration(const Subject& who, std::int64_t id, const std::string& ip = "");
  // The active integration of this name whose secret is `token`; one refusal
  // (unauthenticated, the same message) for a missing or wrong secret and an unknown name.
  Result<Integration> integration_by_secret(const std::string& name, std::string_view token);
  // An integration sends with its creator's right: forbidden, saying why, when its creator
  // is deactivated, erased or no longer an administrator. suspension(): that reason, or nullopt.
  Result<void> vouched_for(const Integration& x);
  Result<std::optional<std::string>> suspension(const Integration& x);
  // Alertmanager's webhook through this integration: each firing alert is sent (or, while
  // the alert of its fingerprint is open, repeated: counted, nobody paged again); each
  // resolved one resolves the open alert of its fingerprint. Every alert is checked first:
  // one bad alert refuses the whole payload (400) before anything is stored.
  Result<Bridged> from_alertmanager(const Integration& integration, const AmPayload& payload,
                                    const std::string& ip = "");

  // The generic webhook (kind webhook): the integration that signed this body (or sent its
  // secret as a bearer token). A wrong signature or secret and an unknown name get the one
  // 401 of integration_by_secret; a request signed with the key but with a timestamp more
  // than kWebhookWindowMs from now is refused (401, saying so).
  Result<SignedIntegration> webhook_integration(const std::string& name, const WebhookCredentials& c,
                                                std::string_view body);
  // Its alert: refused while the integration is suspended, checked, then (when signed) its
  // signature is remembered in the store: the same signed request a second time, on any
  // node, is refused (conflict) and sends nothing. Then sent or resolved as Alertmanager's.
  Result<Bridged> from_webhook(const SignedIntegration& in, const WebhookAlert& a, const std::string& ip = "");

  // Two-way Alertmanager bridge (an integration with alertmanager_url). silence(): when the
  // alert is acknowledged, exactly one caller (on any node) creates a silence in
  // Alertmanager with one matcher per label of the alert, until its expiry (or
  // kDefaultSilenceMs); its id, nullopt when there is nothing to silence (not an
  // acknowledged Alertmanager alert, no URL, done before). unsilence(): a resolved alert's
  // silence is expired. A failure is stored (state failed) and answered; the
  // acknowledgement or resolution stands either way. silence_state(): {state, silence id}.
  Result<std::optional<std::string>> silence(const Alert& a);
  Result<void> unsilence(const Alert& a);
  Result<std::optional<std::pair<std::string, std::string>>> silence_state(std::int64_t alert_id);

  // The alert's escalation steps and their states (those who may track it).
  Result<std::vector<StepState>> escalation(const Subject& who, std::int64_t id);
  // Claims due steps for `node` (an id unique to this process) for lease_ms; the claimed
  // step ids. Steps claimed by a node whose lease ended are claimed again.
  Result<std::vector<std::int64_t>> claim_steps(const std::string& node, std::int64_t lease_ms, int limit);
  // Fires one step this node claimed, when it still holds the claim and the alert is still
  // open (otherwise the step is cancelled): nullopt when nothing fired. Runs under the
  // alert's row lock, as acknowledgements and resolutions do, so a step never fires after
  // the acknowledgement or resolution that cancels it.
  Result<std::optional<Escalated>> fire_step(std::int64_t step_id, const std::string& node);

 private:
  // The send in the caller's transaction (policy and validation done); nullopt: the
  // dedup_key was taken meanwhile, try again (it will be a repeat).
  Result<std::optional<Sent>> send_in(storage::Session& s, const Subject& who, const NewAlert& in,
                                      const std::string& ip, UnixMillis now);
  // Who an alert is sent as: a person, or an integration (no user id).
  struct Sender {
    std::optional<std::int64_t> user_id;
    std::string name;
    std::optional<std::int64_t> integration_id;
    audit::Actor actor;
  };
  // The send itself, for a sender the policy (or the integration's configuration) allowed.
  Result<std::optional<Sent>> deliver_in(storage::Session& s, const Sender& sender, const NewAlert& in, UnixMillis now);
  Result<Resolution> resolve_in(storage::Session& s, Alert a, const audit::Actor& actor, UnixMillis now);
  // One alert from an integration: firing sends (or repeats) it, resolved resolves the open
  // alert of its key; what happened is added to `out`.
  Result<void> apply_bridged(const Sender& sender, const NewAlert& n, bool firing, UnixMillis now, Bridged& out);
  Result<void> audit_as(storage::Session& s, const audit::Actor& actor, std::string_view action, std::int64_t alert_id);
  Result<Alert> load(storage::Session& s, std::int64_t id);
  // alerts.<category>: people in a country where the category is off do not receive it;
  // refused with the reason when that leaves nobody (and `refuse_empty`).
  Result<void> withhold_by_country(Category category, std::vector<Resolved>& people, bool refuse_empty);
  // The policy's word on sending this alert: admins (send_alert) to anyone; a team lead
  // (send_alert_to_team) when the audience and every step's audience are teams they lead;
  // everyone else 403.
  Result<void> may_send(storage::Session& s, const Subject& who, const NewAlert& in);
  // May send to someone at all (admins, or the lead of a team): the composer and schedules.
  Result<void> may_send_some(storage::Session& s, const Subject& who);
  // Scheduled alerts' helpers (alert_schedules.cpp).
  Result<Schedule> owned_schedule(storage::Session& s, const Subject& who, std::int64_t id);
  Result<Schedule> load_schedule(storage::Session& s, std::int64_t id);
  // The occurrence's send as the schedule's sender: nullopt when the schedule was stopped
  // (sender gone or no longer allowed, the stored alert unreadable) or the audience
  // reached nobody this time (skipped).
  struct Occurrence {
    bool stopped = false;
    std::optional<Sent> sent;
  };
  Result<Occurrence> send_occurrence(storage::Session& s, const Schedule& x, const std::optional<std::string>& zone,
                                     UnixMillis now);
  // Adds a zone row for every zone the audience reaches now and the schedule lacks.
  Result<void> add_new_zones(storage::Session& s, const Schedule& x, UnixMillis now);
  Result<void> lock(storage::Session& s, std::int64_t id);
  // member: a recipient; manager: an admin; owner: the sender (the strongest wins).
  Result<policy::Relationship> relationship(storage::Session& s, const Alert& a, const Subject& who);
  Result<void> audit(storage::Session& s, const Subject& who, const std::string& ip, std::string_view action,
                     std::int64_t alert_id);
  // The alert left `open` (acknowledged or resolved): no step fires any more.
  Result<void> stop_escalation(storage::Session& s, std::int64_t alert_id, UnixMillis now, const char* why);

  storage::Database& db_;
  const policy::Policy& policy_;
  const Clock& clock_;
  audit::AuditLog* audit_;
  platform::WorkingTime* working_ = nullptr;
  platform::FeatureGate* features_ = nullptr;
  AlertsRepository repo_;
};

// The checks of a new alert (sizes, names, an audience and a consistent quorum).
Result<void> validate(const NewAlert& in);

}  // namespace meridian::alerts
