// Remote support sessions: an agent starts one (from a support conversation, for a
// customer account, or for a walk-in caller) and gets a single-use code; the customer
// redeems it (or joins from their account) for a token scoped to that one session; the
// consent ladder is asked and answered step by step; either side ends it. Every event is
// appended to the session's hash-chained log in the same transaction as the change.
// Who may do what is the policy's (resource kind remote_support_session: the customer is
// a member, an admin reviewing a manager, the session's agent its owner). Transport-free:
// the routes turn requests into calls and deliver what comes back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "chat/support_service.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "identity/failure_throttle.hpp"
#include "identity/identity_service.hpp"
#include "policy/policy.hpp"
#include "region/feature_toggles.hpp"
#include "remote_support/live_sessions.hpp"
#include "remote_support/remote_support_repository.hpp"
#include "storage/database.hpp"

namespace meridian::remote_support {

inline constexpr const char* kScreenShareFeature = "remote_support.screen_share";
inline constexpr const char* kTokenPrefix = "mrs_";

struct RemoteSupportOptions {
  std::int64_t code_ttl_seconds = 600;
  std::int64_t token_ttl_seconds = 2 * 3600;  // and never past the session's end
  // Wrong codes: locked after this many failures per typed code and per address within
  // the window (loopback tests and benchmarks all come from one address: configurable).
  identity::ThrottleRule per_code{0, 5};
  identity::ThrottleRule per_address{0, 10};
  std::int64_t lockout_seconds = 15 * 60;
  std::int64_t failure_window_seconds = 15 * 60;
  double annotations_per_second = 30;
  // The queue: a request waiting this long is flagged to the agents once; one waiting
  // this long is closed as expired; the check runs this often.
  std::int64_t waiting_alert_seconds = 5 * 60;
  std::int64_t request_ttl_seconds = 2 * 3600;
  std::int64_t queue_check_ms = 5000;
};

struct NewSession {
  std::optional<std::int64_t> conversation_id;
  std::optional<std::int64_t> customer_user_id;
};

struct IssuedCode {
  RemoteSession session;
  std::string code;  // shown once to the agent, stored only hashed
};

struct RedeemRequest {
  std::string code;
  std::string name;
  std::string email;
  std::string topic;
  std::string country;  // what the caller states (ISO alpha-2); an account's country wins
};

struct CustomerPass {
  std::string token;
  RemoteSession session;
};

// Whether screen sharing may be asked for in this session, and why not.
struct ScreenShare {
  bool allowed = true;
  std::string reason;
};

struct Revocation {
  RemoteSession session;
  std::vector<Step> revoked;
};

// What the caller may see of a session's log: addresses only for its agent and admins.
struct SessionLog {
  std::vector<LogRow> rows;
  bool with_addresses = false;
};

struct LogCheck {
  bool intact = true;
  std::optional<std::int64_t> first_bad_seq;
  std::int64_t entries = 0;
};

class RemoteSupportService final {
 public:
  // support: a session started from a support conversation is bound to it (the agent must
  // see it); toggles: the per-country screen share feature (null: allowed everywhere).
  RemoteSupportService(storage::Database& db, const policy::Policy& policy, const Clock& clock,
                       RemoteSupportOptions options, identity::IdentityService& identity,
                       chat::SupportService* support = nullptr, region::FeatureToggles* toggles = nullptr,
                       audit::AuditLog* audit = nullptr);

  Result<IssuedCode> create(const Subject& who, const NewSession& in, const std::string& ip);
  // A fresh code for a session nobody joined yet (the old one stops working).
  Result<IssuedCode> new_code(const Subject& who, std::int64_t id, const std::string& ip);
  // No account: the code for a token scoped to its session. Wrong codes are counted per
  // typed code and per address; a locked key answers rate_limited before the code is looked at.
  Result<CustomerPass> redeem(const RedeemRequest& in, const std::string& ip);
  // The customer account the session is for joins from their support view (no code).
  Result<CustomerPass> join_as_customer(const Subject& who, std::int64_t id, const std::string& ip);
  // Tokens with kTokenPrefix: the customer's Subject, scoped "remote_support:<id>";
  // not_found when the token is none of ours (the caller then tries others).
  Result<Subject> authenticate(std::string_view token);

  Result<RemoteSession> get(const Subject& who, std::int64_t id);
  // Agents: the sessions they ran; admins: everyone's; customer accounts: their own.
  Result<std::vector<RemoteSession>> list(const Subject& who, std::optional<SessionStatus> status, int limit);
  Result<SessionLog> log(const Subject& who, std::int64_t id);
  Result<LogCheck> verify(const Subject& who, std::int64_t id);
  ScreenShare screen_share(const RemoteSession& s);
  // Which side the subject is on in this session (agent: its agent; customer: its token).
  Result<Side> side(const Subject& who, const RemoteSession& s);
  // What a person of this subject's relationship may see: the customer's e-mail only for
  // the agent and admins.
  bool sees_contact_details(const Subject& who, const RemoteSession& s);

  // Live: a connection becomes one side of a running session (logged "joined").
  struct Joined {
    RemoteSession session;
    Side side;
    std::optional<std::uint64_t> replaced;  // the side's previous connection
  };
  Result<Joined> join(const Subject& who, std::int64_t id, std::uint64_t connection, const std::string& ip);
  Result<RemoteSession> ask(const Subject& who, std::int64_t id, Step step, const std::string& ip);
  // Neighbouring steps as one question (lowest first), only as far as the session's
  // consent policy allows (forbidden otherwise).
  Result<RemoteSession> ask_steps(const Subject& who, std::int64_t id, const std::vector<Step>& steps,
                                  const std::string& ip);

  // The minimum consent policy: staff read it; admins (manage_support) set it, audited;
  // a lowered policy is shown to the customers of the sessions started under it.
  Result<ConsentPolicy> consent_policy(const Subject& who);
  Result<ConsentPolicy> set_consent_policy(const Subject& who, std::int64_t separate_questions, const std::string& ip);
  // The queue. A customer account asks for help (one waiting request at a time); staff who
  // start sessions see the waiting requests and accept one, which starts a session for
  // that customer bound to the accepting agent (logged 'accepted' with the wait); the
  // customer withdraws their own waiting request.
  Result<SupportRequest> request_help(const Subject& who, const std::string& topic, const std::string& ip);
  Result<std::vector<SupportRequest>> queue(const Subject& who);
  // The customer's own waiting request, if any (so a reloaded page shows the wait).
  Result<std::optional<SupportRequest>> my_request(const Subject& who);
  // One request: its customer, or staff who work the queue; anyone else not_found.
  Result<SupportRequest> request(const Subject& who, std::int64_t request_id);
  struct Accepted {
    SupportRequest request;
    IssuedCode issued;
  };
  Result<Accepted> accept(const Subject& who, std::int64_t request_id, const std::string& ip);
  // The withdrawn request.
  Result<SupportRequest> withdraw(const Subject& who, std::int64_t request_id);
  // Who hears of the queue's changes besides the request's customer: the active agents
  // and admins (everyone who may read the queue).
  Result<std::vector<std::int64_t>> queue_audience();
  // Requests waiting past the options' times: flagged as waiting too long, or expired.
  // Each is in the answer of exactly one call, on whichever node's conditional update won.
  struct QueueSweep {
    std::vector<SupportRequest> overdue;
    std::vector<SupportRequest> expired;
  };
  Result<QueueSweep> sweep_queue();
  // Per-agent figures for admins: sessions, median time to accept, median duration.
  struct AgentFigures {
    std::int64_t agent_id = 0;
    std::string name;
    std::int64_t sessions = 0;
    std::int64_t accepted = 0;
    std::optional<std::int64_t> median_accept_ms;
    std::int64_t ended = 0;
    std::optional<std::int64_t> median_duration_ms;
  };
  Result<std::vector<AgentFigures>> figures(const Subject& who);
  UnixMillis now() const { return clock_.now_ms(); }

  Result<RemoteSession> answer(const Subject& who, std::int64_t id, Step step, bool grant, const std::string& ip);
  Result<Revocation> revoke(const Subject& who, std::int64_t id, Step step, const std::string& ip);
  Result<RemoteSession> set_paused(const Subject& who, std::int64_t id, bool paused, const std::string& ip);
  // Either side (or an admin); ending twice is a conflict. Its connections, to tell.
  struct Ended {
    RemoteSession session;
    Connections connections;
  };
  Result<Ended> end(const Subject& who, std::int64_t id, const std::string& ip);

  // Supervisors approve viewing a sensitive customer's screen: admins (policy action
  // approve_remote_support) for every session, and the leads of the session's agent's
  // teams (the team role "lead", identity's) for that agent's sessions.
  bool is_supervisor(const Subject& who) const;
  Result<bool> supervises(const Subject& who, const RemoteSession& s);
  // Who hears of this session's approval request live: admins and the agent's team leads.
  Result<std::vector<std::int64_t>> supervisor_ids(const RemoteSession& s);
  // The session's agent asks a supervisor before asking a sensitive customer for the screen.
  Result<RemoteSession> request_approval(const Subject& who, std::int64_t id, const std::string& ip);
  // A supervisor (not the session's agent) approves, or refuses with a reason.
  Result<RemoteSession> decide_approval(const Subject& who, std::int64_t id, bool approve, const std::string& reason,
                                        const std::string& ip);
  // Supervisors: the requests waiting for a decision, oldest first.
  Result<std::vector<RemoteSession>> pending_approvals(const Subject& who);

  // Admins mark customer accounts sensitive (manage_support); agents see it on the session.
  Result<std::vector<SensitiveCustomer>> sensitive_customers(const Subject& who);
  Result<SensitiveCustomer> mark_sensitive(const Subject& who, std::int64_t customer_id, const std::string& note,
                                           const std::string& ip);
  Result<void> unmark_sensitive(const Subject& who, std::int64_t customer_id, const std::string& ip);

  LiveSessions& live() { return live_; }
  const RemoteSupportOptions& options() const { return options_; }

 private:
  policy::Relationship relationship(const Subject& who, const RemoteSession& s) const;
  // The session, or the refusal: a scoped token of another session is unauthenticated;
  // a session the caller may not see is not_found.
  Result<RemoteSession> load_for(storage::Session& s, const Subject& who, std::int64_t id, policy::Action action);
  Result<RemoteSession> reload(storage::Session& s, std::int64_t id);
  // Appends one event to the session's chain, naming the actor beside it.
  struct LogActor {
    std::string actor;
    std::string country;
    LogPerson person;
  };
  LogActor actor_of(const Subject& who, const RemoteSession& s, const std::string& ip) const;
  Result<void> append(storage::Session& s, const RemoteSession& rs, const LogActor& actor, std::string_view event,
                      std::string data = "{}");
  // Annotation and chat counts relayed since the last write, as log entries.
  Result<void> append_counts(storage::Session& s, const RemoteSession& rs, const LiveSessions::Counts& counts);
  // Inserts a new session (the policy in force, 'requested' logged and audited) and its code.
  Result<IssuedCode> insert_new(storage::Session& s, const Subject& who, NewSessionRow& row, const std::string& ip);
  // Fills the row's customer from an active customer account.
  Result<void> customer_into(std::int64_t customer_id, NewSessionRow& row);
  Result<IssuedCode> issue_code(storage::Session& s, const Subject& who, const RemoteSession& rs, const std::string& ip,
                                bool replaces);
  Result<CustomerPass> issue_token(storage::Session& s, const RemoteSession& rs);
  // A consent change by one side, under the live session's lock.
  Result<RemoteSession> consent_change(
      const Subject& who, std::int64_t id, const std::string& ip, Side needed,
      const std::function<Result<std::string>(RemoteSession&)>& change);  // answers the event name

  storage::Database& db_;
  const policy::Policy& policy_;
  const Clock& clock_;
  RemoteSupportOptions options_;
  identity::IdentityService& identity_;
  chat::SupportService* support_;
  region::FeatureToggles* toggles_;
  audit::AuditLog* audit_;
  identity::FailureThrottle throttle_;
  RemoteSupportRepository repo_;
  LiveSessions live_;
};

// "remote_support:<id>": the scope of a customer's token.
std::string session_scope(std::int64_t id);

}  // namespace meridian::remote_support
