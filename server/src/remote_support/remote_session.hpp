// A remote support session as the module stores and returns it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "remote_support/consent_ladder.hpp"

namespace meridian::remote_support {

// waiting: a code is out, nobody redeemed it; active: the customer is in; ended.
enum class SessionStatus { waiting, active, ended };
const char* session_status_name(SessionStatus s);
bool parse_session_status(std::string_view text, SessionStatus& out);

// A supervisor's approval, needed before the agent asks to see a sensitive customer's
// screen: none (not asked), pending, approved, refused (with a reason).
enum class Approval { none, pending, approved, refused };
const char* approval_name(Approval a);
bool parse_approval(std::string_view text, Approval& out);

// Which side of a session someone is on.
enum class Side { agent, customer };
const char* side_name(Side s);

struct RemoteSession {
  std::int64_t id = 0;
  std::optional<std::int64_t> conversation_id;
  std::int64_t agent_id = 0;
  std::string agent_name;
  std::string agent_country;
  std::optional<std::int64_t> customer_user_id;  // none: a walk-in caller
  std::string customer_name;
  std::string customer_email;
  std::string topic;
  std::string customer_country;  // the account's, or what the caller stated
  SessionStatus status = SessionStatus::waiting;
  UnixMillis code_expires_at = 0;
  std::optional<UnixMillis> code_used_at;
  std::optional<UnixMillis> token_expires_at;
  ConsentLadder consent;
  bool paused = false;
  std::int64_t annotations = 0;
  UnixMillis created_at = 0;
  std::optional<UnixMillis> redeemed_at;
  std::optional<UnixMillis> ended_at;
  std::string ended_by;  // "agent", "customer", "system"
  std::int64_t log_count = 0;
  std::string log_head;
  // The customer account is marked sensitive now (a walk-in caller never is).
  bool customer_sensitive = false;
  Approval approval = Approval::none;
  std::string approval_reason;
  std::optional<std::int64_t> approval_by;  // the supervisor who decided
  std::string approval_by_name;
  std::optional<UnixMillis> approval_requested_at;
  std::optional<UnixMillis> approval_decided_at;
  // The minimum consent policy the session started under (3: each step asked alone) and
  // when an admin set it, if lower.
  std::int64_t separate_questions = 3;
  std::optional<UnixMillis> policy_changed_at;
};

// The pseudonymous id the log's chain names the customer by.
std::string customer_actor(const RemoteSession& s);
inline std::string agent_actor(const RemoteSession& s) { return "agent:" + std::to_string(s.agent_id); }

}  // namespace meridian::remote_support
