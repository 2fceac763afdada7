// All of remote support's SQL: sessions, their customer details, and the hash-chained log
// with its personal side table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "remote_support/remote_session.hpp"
#include "remote_support/session_log.hpp"
#include "storage/database.hpp"

namespace meridian::remote_support {

struct NewSessionRow {
  std::optional<std::int64_t> conversation_id;
  std::int64_t agent_id = 0;
  std::optional<std::int64_t> customer_user_id;
  std::string customer_country;
  std::string customer_name;
  std::string customer_email;
  std::string code_hash;
  UnixMillis code_expires_at = 0;
  UnixMillis created_at = 0;
  std::int64_t separate_questions = 3;
  std::optional<UnixMillis> policy_changed_at;
};

// The minimum consent policy in force: how many separate questions a session asks at
// least (kSeparateQuestions, 3, unless an admin lowered it).
inline constexpr std::int64_t kSeparateQuestions = 3;
struct ConsentPolicy {
  std::int64_t separate_questions = kSeparateQuestions;
  std::optional<std::int64_t> changed_by;
  std::string changed_by_name;
  std::optional<UnixMillis> changed_at;
};

// A customer's request for help in the queue (waiting, accepted, withdrawn or expired).
struct SupportRequest {
  std::int64_t id = 0;
  std::int64_t customer_user_id = 0;
  std::string customer_name;
  std::string country;
  std::string topic;
  std::string status;  // waiting, accepted, withdrawn, expired
  UnixMillis created_at = 0;
  std::optional<std::int64_t> accepted_by;
  std::string accepted_by_name;
  std::optional<UnixMillis> accepted_at;
  std::optional<std::int64_t> session_id;
  std::optional<UnixMillis> closed_at;
  std::optional<UnixMillis> overdue_at;  // when it was flagged as waiting too long
};

// One agent's figures: sessions, and each accepted request's wait and each ended
// session's duration (the service takes the medians).
struct AgentTimes {
  std::int64_t agent_id = 0;
  std::string name;
  std::int64_t sessions = 0;
  std::vector<std::int64_t> accept_ms;
  std::vector<std::int64_t> duration_ms;
};

// Who an entry names, kept beside the chain (erasable).
struct LogPerson {
  std::optional<std::int64_t> user_id;
  std::string name;
  std::string address;
};

struct LogRow {
  LogEntry entry;
  LogPerson person;
};

struct SessionFilter {
  std::optional<std::int64_t> agent_id;     // none: every agent's
  std::optional<std::int64_t> customer_id;  // a customer account's sessions
  std::optional<SessionStatus> status;
  std::optional<Approval> approval;
  int limit = 50;
};

// A customer account an admin marked sensitive.
struct SensitiveCustomer {
  std::int64_t customer_id = 0;
  std::string name;
  std::string email;
  std::string country;
  std::string note;
  std::optional<std::int64_t> marked_by;
  std::string marked_by_name;
  UnixMillis marked_at = 0;
};

class RemoteSupportRepository final {
 public:
  Result<std::int64_t> insert_session(storage::Session& s, const NewSessionRow& row);
  Result<std::optional<RemoteSession>> session(storage::Session& s, std::int64_t id);
  // The newest session whose (current or spent) code has this hash.
  Result<std::optional<RemoteSession>> session_by_code(storage::Session& s, const std::string& code_hash);
  Result<std::optional<RemoteSession>> session_by_token(storage::Session& s, const std::string& token_hash);
  Result<std::vector<RemoteSession>> sessions(storage::Session& s, const SessionFilter& filter);

  Result<void> set_code(storage::Session& s, std::int64_t id, const std::string& code_hash, UnixMillis expires_at);
  // Spends the code and stores the customer's token: false when the code was spent already
  // (a concurrent redeem won), so that a code is used exactly once.
  Result<bool> redeem(storage::Session& s, std::int64_t id, const std::string& token_hash, UnixMillis token_expires_at,
                      UnixMillis now, const std::string& customer_country);
  Result<void> set_customer(storage::Session& s, std::int64_t id, const std::string& name, const std::string& email,
                            const std::string& topic);
  Result<void> save_consent(storage::Session& s, std::int64_t id, const ConsentLadder& consent, bool paused);
  Result<void> add_annotations(storage::Session& s, std::int64_t id, std::int64_t count);
  // false when it had ended already.
  Result<bool> end(storage::Session& s, std::int64_t id, UnixMillis now, const std::string& by);

  // pending (a new request: reason and decider cleared), or the decision with its reason.
  Result<void> set_approval(storage::Session& s, std::int64_t id, Approval approval, const std::string& reason,
                            std::optional<std::int64_t> by, UnixMillis now);

  Result<std::optional<SensitiveCustomer>> sensitive_customer(storage::Session& s, std::int64_t customer_id);
  Result<std::vector<SensitiveCustomer>> sensitive_customers(storage::Session& s);
  Result<void> mark_sensitive(storage::Session& s, std::int64_t customer_id, const std::string& note, std::int64_t by,
                              UnixMillis now);
  // false when the customer was not marked.
  Result<bool> unmark_sensitive(storage::Session& s, std::int64_t customer_id);
  // Active accounts with the admin role (supervisors of every session).
  Result<std::vector<std::int64_t>> admin_ids(storage::Session& s);

  Result<std::int64_t> insert_request(storage::Session& s, std::int64_t customer_id, const std::string& country,
                                      const std::string& topic, UnixMillis now);
  Result<std::optional<SupportRequest>> request(storage::Session& s, std::int64_t id);
  Result<std::optional<SupportRequest>> waiting_request_of(storage::Session& s, std::int64_t customer_id);
  // Waiting requests, oldest first.
  Result<std::vector<SupportRequest>> waiting_requests(storage::Session& s);
  // false when it is no longer waiting (another agent took it, or it was withdrawn).
  Result<bool> accept_request(storage::Session& s, std::int64_t id, std::int64_t agent_id, UnixMillis now);
  Result<void> set_request_session(storage::Session& s, std::int64_t id, std::int64_t session_id);
  Result<bool> withdraw_request(storage::Session& s, std::int64_t id, UnixMillis now);
  // Waiting requests created at or before `created_by`; `unflagged`: only those not yet
  // flagged as waiting too long. Oldest first.
  Result<std::vector<SupportRequest>> waiting_since(storage::Session& s, UnixMillis created_by, bool unflagged);
  // Conditional updates: true only for the one call (of any node) that changed the row.
  Result<bool> flag_overdue(storage::Session& s, std::int64_t id, UnixMillis now);
  Result<bool> expire_request(storage::Session& s, std::int64_t id, UnixMillis now);
  // Active accounts that work the queue (the agent and admin roles): who hears of its changes.
  Result<std::vector<std::int64_t>> queue_staff_ids(storage::Session& s);
  // Every agent with a session or an accepted request, by name.
  Result<std::vector<AgentTimes>> agent_times(storage::Session& s);

  Result<ConsentPolicy> consent_policy(storage::Session& s);
  Result<void> add_consent_policy(storage::Session& s, std::int64_t separate_questions, std::int64_t by,
                                  UnixMillis now);

  Result<std::optional<LogEntry>> last_entry(storage::Session& s, std::int64_t session_id);
  // Appends the entry and its person and moves the session's head.
  Result<void> append(storage::Session& s, const LogEntry& e, const LogPerson& person);
  Result<std::vector<LogRow>> log(storage::Session& s, std::int64_t session_id);
};

}  // namespace meridian::remote_support
