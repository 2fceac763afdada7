#include "remote_support/remote_support_repository.hpp"

#include <array>
#include <string>
#include <string_view>

#include "storage/row_columns.hpp"

namespace meridian::remote_support {
namespace {

using storage::Params;
using storage::Row;

constexpr const char* kSessionColumns = R"sql(
  SELECT r.id, r.conversation_id, r.agent_id, a.display_name, a.country, r.customer_user_id,
         COALESCE(c.name, ''), COALESCE(c.email, ''), COALESCE(c.topic, ''), r.customer_country, r.status,
         r.code_expires_at, r.code_used_at, r.token_expires_at, r.consent_chat, r.consent_view, r.consent_annotate,
         r.ever_granted, r.paused, r.annotations, r.created_at, r.redeemed_at, r.ended_at, r.ended_by, r.log_count,
         r.log_head, CASE WHEN sc.customer_id IS NULL THEN 0 ELSE 1 END, r.approval, r.approval_reason,
         r.approval_by, COALESCE(ab.display_name, ''), r.approval_requested_at, r.approval_decided_at,
         r.separate_questions, r.policy_changed_at
  FROM remote_support_sessions r
  JOIN users a ON a.id = r.agent_id
  LEFT JOIN remote_support_customers c ON c.session_id = r.id
  LEFT JOIN remote_support_sensitive_customers sc ON sc.customer_id = r.customer_user_id
  LEFT JOIN users ab ON ab.id = r.approval_by
)sql";

ConsentState state_of(const std::string& text) {
  ConsentState s = ConsentState::not_asked;
  parse_consent_state(text, s);
  return s;
}

// The steps a comma-separated list names ("chat,view").
std::array<bool, 3> ever_of(const std::string& text) {
  const std::string ever = "," + text + ",";
  std::array<bool, 3> granted{};
  for (Step step : kSteps)
    granted[static_cast<std::size_t>(step)] = ever.find("," + std::string(step_name(step)) + ",") != std::string::npos;
  return granted;
}

RemoteSession session_from(const Row& r) {
  RemoteSession s;
  std::array<ConsentState, 3> states{};
  std::array<bool, 3> granted{};
  const auto state = [&states](std::size_t i) {
    return storage::text_as([&states, i](const std::string& t) { states[i] = state_of(t); });
  };
  storage::read_columns(
      r, s.id, s.conversation_id, s.agent_id, s.agent_name, s.agent_country, s.customer_user_id, s.customer_name,
      s.customer_email, s.topic, s.customer_country,
      storage::text_as([&s](const std::string& t) { parse_session_status(t, s.status); }), s.code_expires_at,
      s.code_used_at, s.token_expires_at, state(0), state(1), state(2),
      storage::text_as([&granted](const std::string& t) { granted = ever_of(t); }), s.paused, s.annotations,
      s.created_at, s.redeemed_at, s.ended_at, s.ended_by, s.log_count, s.log_head, s.customer_sensitive,
      storage::text_as([&s](const std::string& t) { parse_approval(t, s.approval); }), s.approval_reason, s.approval_by,
      s.approval_by_name, s.approval_requested_at, s.approval_decided_at, s.separate_questions, s.policy_changed_at);
  s.consent = ConsentLadder(states, granted);
  return s;
}

LogRow log_from(const Row& r) {
  LogRow out;
  auto& e = out.entry;
  storage::read_columns(r, e.session_id, e.seq, e.at, e.actor, e.event, e.country, e.data, e.prev_hash, e.hash,
                        out.person.user_id, out.person.name, out.person.address);
  return out;
}

constexpr const char* kSensitiveColumns = R"sql(
  SELECT sc.customer_id, u.display_name, u.email, u.country, sc.note, sc.marked_by, COALESCE(m.display_name, ''),
         sc.marked_at
  FROM remote_support_sensitive_customers sc
  JOIN users u ON u.id = sc.customer_id
  LEFT JOIN users m ON m.id = sc.marked_by
)sql";

SensitiveCustomer sensitive_from(const Row& r) {
  SensitiveCustomer c;
  storage::read_columns(r, c.customer_id, c.name, c.email, c.country, c.note, c.marked_by, c.marked_by_name,
                        c.marked_at);
  return c;
}

constexpr const char* kRequestColumns = R"sql(
  SELECT q.id, q.customer_user_id, u.display_name, q.country, q.topic, q.status, q.created_at, q.accepted_by,
         COALESCE(a.display_name, ''), q.accepted_at, q.session_id, q.closed_at, q.overdue_at
  FROM remote_support_requests q
  JOIN users u ON u.id = q.customer_user_id
  LEFT JOIN users a ON a.id = q.accepted_by
)sql";

SupportRequest request_from(const Row& r) {
  SupportRequest q;
  storage::read_columns(r, q.id, q.customer_user_id, q.customer_name, q.country, q.topic, q.status, q.created_at,
                        q.accepted_by, q.accepted_by_name, q.accepted_at, q.session_id, q.closed_at, q.overdue_at);
  return q;
}

std::string ever_text(const ConsentLadder& c) {
  std::string out;
  for (Step step : kSteps) {
    if (!c.ever_granted(step)) continue;
    if (!out.empty()) out += ',';
    out += step_name(step);
  }
  return out;
}

}  // namespace

Result<std::int64_t> RemoteSupportRepository::insert_session(storage::Session& s, const NewSessionRow& row) {
  MERIDIAN_ASSIGN_OR_RETURN(
      const std::int64_t id,
      storage::query_integer(
          s,
          "INSERT INTO remote_support_sessions (conversation_id, agent_id, customer_user_id, customer_country, "
          "status, code_hash, code_expires_at, created_at, log_head, separate_questions, policy_changed_at) "
          "VALUES (?, ?, ?, ?, 'waiting', ?, ?, ?, ?, ?, ?) RETURNING id",
          {storage::nullable(row.conversation_id), row.agent_id, storage::nullable(row.customer_user_id),
           row.customer_country, row.code_hash, row.code_expires_at, row.created_at, std::string(kGenesisHash),
           row.separate_questions, storage::nullable(row.policy_changed_at)}));
  MERIDIAN_TRY(storage::exec(s, "INSERT INTO remote_support_customers (session_id, name, email) VALUES (?, ?, ?)",
                             {id, row.customer_name, row.customer_email}));
  return id;
}

Result<std::optional<RemoteSession>> RemoteSupportRepository::session(storage::Session& s, std::int64_t id) {
  return storage::query_row(s, std::string(kSessionColumns) + " WHERE r.id = ?", {id}, session_from);
}

Result<std::optional<RemoteSession>> RemoteSupportRepository::session_by_code(storage::Session& s,
                                                                              const std::string& code_hash) {
  return storage::query_row(s, std::string(kSessionColumns) + " WHERE r.code_hash = ? ORDER BY r.id DESC LIMIT 1",
                            {code_hash}, session_from);
}

Result<std::optional<RemoteSession>> RemoteSupportRepository::session_by_token(storage::Session& s,
                                                                               const std::string& token_hash) {
  return storage::query_row(s, std::string(kSessionColumns) + " WHERE r.token_hash = ?", {token_hash}, session_from);
}

Result<std::vector<RemoteSession>> RemoteSupportRepository::sessions(storage::Session& s, const SessionFilter& f) {
  std::string sql = std::string(kSessionColumns) + " WHERE 1 = 1";
  Params p;
  if (f.agent_id) {
    sql += " AND r.agent_id = ?";
    p.push_back(*f.agent_id);
  }
  if (f.customer_id) {
    sql += " AND r.customer_user_id = ?";
    p.push_back(*f.customer_id);
  }
  if (f.status) {
    sql += " AND r.status = ?";
    p.push_back(std::string(session_status_name(*f.status)));
  }
  if (f.approval) {
    sql += " AND r.approval = ?";
    p.push_back(std::string(approval_name(*f.approval)));
  }
  sql += " ORDER BY r.id DESC LIMIT ?";
  p.push_back(std::int64_t{f.limit});
  return storage::query_rows(s, sql, p, session_from);
}

Result<void> RemoteSupportRepository::set_code(storage::Session& s, std::int64_t id, const std::string& code_hash,
                                               UnixMillis expires_at) {
  return storage::exec(
      s, "UPDATE remote_support_sessions SET code_hash = ?, code_expires_at = ?, code_used_at = NULL WHERE id = ?",
      {code_hash, expires_at, id});
}

Result<bool> RemoteSupportRepository::redeem(storage::Session& s, std::int64_t id, const std::string& token_hash,
                                             UnixMillis token_expires_at, UnixMillis now,
                                             const std::string& customer_country) {
  return storage::exec_changed(
      s,
      "UPDATE remote_support_sessions SET code_used_at = ?, token_hash = ?, token_expires_at = ?, redeemed_at = ?, "
      "status = 'active', customer_country = ? WHERE id = ? AND code_used_at IS NULL AND status = 'waiting'",
      {now, token_hash, token_expires_at, now, customer_country, id});
}

Result<void> RemoteSupportRepository::set_customer(storage::Session& s, std::int64_t id, const std::string& name,
                                                   const std::string& email, const std::string& topic) {
  return storage::exec(s, "UPDATE remote_support_customers SET name = ?, email = ?, topic = ? WHERE session_id = ?",
                       {name, email, topic, id});
}

Result<void> RemoteSupportRepository::save_consent(storage::Session& s, std::int64_t id, const ConsentLadder& c,
                                                   bool paused) {
  storage::Params p;
  for (Step step : kSteps) p.emplace_back(std::string(consent_state_name(c.state(step))));
  p.emplace_back(ever_text(c));
  p.emplace_back(std::int64_t{paused ? 1 : 0});
  p.emplace_back(id);
  return storage::exec(s,
                       "UPDATE remote_support_sessions SET consent_chat = ?, consent_view = ?, consent_annotate = ?, "
                       "ever_granted = ?, paused = ? WHERE id = ?",
                       p);
}

Result<void> RemoteSupportRepository::add_annotations(storage::Session& s, std::int64_t id, std::int64_t count) {
  return storage::exec(s, "UPDATE remote_support_sessions SET annotations = annotations + ? WHERE id = ?", {count, id});
}

Result<bool> RemoteSupportRepository::end(storage::Session& s, std::int64_t id, UnixMillis now, const std::string& by) {
  return storage::exec_changed(s,
                               "UPDATE remote_support_sessions SET status = 'ended', ended_at = ?, ended_by = ?, "
                               "code_used_at = COALESCE(code_used_at, ?) WHERE id = ? AND status <> 'ended'",
                               {now, by, now, id});
}

Result<void> RemoteSupportRepository::set_approval(storage::Session& s, std::int64_t id, Approval approval,
                                                   const std::string& reason, std::optional<std::int64_t> by,
                                                   UnixMillis now) {
  if (approval == Approval::pending)
    return storage::exec(s,
                         "UPDATE remote_support_sessions SET approval = 'pending', approval_reason = '', "
                         "approval_by = NULL, approval_requested_at = ?, approval_decided_at = NULL WHERE id = ?",
                         {now, id});
  return storage::exec(s,
                       "UPDATE remote_support_sessions SET approval = ?, approval_reason = ?, approval_by = ?, "
                       "approval_decided_at = ? WHERE id = ?",
                       {std::string(approval_name(approval)), reason, storage::nullable(by), now, id});
}

Result<std::optional<SensitiveCustomer>> RemoteSupportRepository::sensitive_customer(storage::Session& s,
                                                                                     std::int64_t customer_id) {
  return storage::query_row(s, std::string(kSensitiveColumns) + " WHERE sc.customer_id = ?", {customer_id},
                            sensitive_from);
}

Result<std::vector<SensitiveCustomer>> RemoteSupportRepository::sensitive_customers(storage::Session& s) {
  return storage::query_rows(s, std::string(kSensitiveColumns) + " ORDER BY u.display_name, u.id", {}, sensitive_from);
}

Result<void> RemoteSupportRepository::mark_sensitive(storage::Session& s, std::int64_t customer_id,
                                                     const std::string& note, std::int64_t by, UnixMillis now) {
  MERIDIAN_TRY(storage::exec(s, "DELETE FROM remote_support_sensitive_customers WHERE customer_id = ?", {customer_id}));
  return storage::exec(s,
                       "INSERT INTO remote_support_sensitive_customers (customer_id, note, marked_by, marked_at) "
                       "VALUES (?, ?, ?, ?)",
                       {customer_id, note, by, now});
}

Result<bool> RemoteSupportRepository::unmark_sensitive(storage::Session& s, std::int64_t customer_id) {
  return storage::exec_changed(s, "DELETE FROM remote_support_sensitive_customers WHERE customer_id = ?",
                               {customer_id});
}

Result<std::vector<std::int64_t>> RemoteSupportRepository::admin_ids(storage::Session& s) {
  return storage::query_integers(s,
                                 "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id "
                                 "WHERE r.role = 'admin' AND u.active = 1 ORDER BY u.id");
}

Result<std::int64_t> RemoteSupportRepository::insert_request(storage::Session& s, std::int64_t customer_id,
                                                             const std::string& country, const std::string& topic,
                                                             UnixMillis now) {
  return storage::query_integer(s,
                                "INSERT INTO remote_support_requests (customer_user_id, country, topic, status, "
                                "created_at) VALUES (?, ?, ?, 'waiting', ?) RETURNING id",
                                {customer_id, country, topic, now});
}

Result<std::optional<SupportRequest>> RemoteSupportRepository::request(storage::Session& s, std::int64_t id) {
  return storage::query_row(s, std::string(kRequestColumns) + " WHERE q.id = ?", {id}, request_from);
}

Result<std::optional<SupportRequest>> RemoteSupportRepository::waiting_request_of(storage::Session& s,
                                                                                  std::int64_t customer_id) {
  return storage::query_row(
      s, std::string(kRequestColumns) + " WHERE q.customer_user_id = ? AND q.status = 'waiting' ORDER BY q.id LIMIT 1",
      {customer_id}, request_from);
}

Result<std::vector<SupportRequest>> RemoteSupportRepository::waiting_requests(storage::Session& s) {
  return storage::query_rows(s, std::string(kRequestColumns) + " WHERE q.status = 'waiting' ORDER BY q.id", {},
                             request_from);
}

Result<bool> RemoteSupportRepository::accept_request(storage::Session& s, std::int64_t id, std::int64_t agent_id,
                                                     UnixMillis now) {
  return storage::exec_changed(s,
                               "UPDATE remote_support_requests SET status = 'accepted', accepted_by = ?, "
                               "accepted_at = ?, closed_at = ? WHERE id = ? AND status = 'waiting'",
                               {agent_id, now, now, id});
}

Result<void> RemoteSupportRepository::set_request_session(storage::Session& s, std::int64_t id,
                                                          std::int64_t session_id) {
  return storage::exec(s, "UPDATE remote_support_requests SET session_id = ? WHERE id = ?", {session_id, id});
}

Result<bool> RemoteSupportRepository::withdraw_request(storage::Session& s, std::int64_t id, UnixMillis now) {
  return storage::exec_changed(
      s, "UPDATE remote_support_requests SET status = 'withdrawn', closed_at = ? WHERE id = ? AND status = 'waiting'",
      {now, id});
}

Result<std::vector<SupportRequest>> RemoteSupportRepository::waiting_since(storage::Session& s, UnixMillis created_by,
                                                                           bool unflagged) {
  return storage::query_rows(s,
                             std::string(kRequestColumns) + " WHERE q.status = 'waiting' AND q.created_at <= ?" +
                                 (unflagged ? " AND q.overdue_at IS NULL" : "") + " ORDER BY q.id",
                             {created_by}, request_from);
}

Result<bool> RemoteSupportRepository::flag_overdue(storage::Session& s, std::int64_t id, UnixMillis now) {
  return storage::exec_changed(
      s, "UPDATE remote_support_requests SET overdue_at = ? WHERE id = ? AND status = 'waiting' AND overdue_at IS NULL",
      {now, id});
}

Result<bool> RemoteSupportRepository::expire_request(storage::Session& s, std::int64_t id, UnixMillis now) {
  return storage::exec_changed(
      s, "UPDATE remote_support_requests SET status = 'expired', closed_at = ? WHERE id = ? AND status = 'waiting'",
      {now, id});
}

Result<std::vector<std::int64_t>> RemoteSupportRepository::queue_staff_ids(storage::Session& s) {
  return storage::query_integers(s,
                                 "SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id "
                                 "WHERE r.role IN ('agent', 'admin') AND u.active = 1 ORDER BY u.id");
}

Result<std::vector<AgentTimes>> RemoteSupportRepository::agent_times(storage::Session& s) {
  MERIDIAN_ASSIGN_OR_RETURN(
      auto agents, storage::query_rows(s,
                                       "SELECT u.id, u.display_name, (SELECT COUNT(*) FROM remote_support_sessions r "
                                       "WHERE r.agent_id = u.id) FROM users u WHERE u.id IN "
                                       "(SELECT agent_id FROM remote_support_sessions UNION "
                                       "SELECT accepted_by FROM remote_support_requests WHERE accepted_by IS NOT NULL) "
                                       "ORDER BY u.display_name, u.id",
                                       {}, [](const Row& r) {
                                         AgentTimes a;
                                         storage::read_columns(r, a.agent_id, a.name, a.sessions);
                                         return a;
                                       }));
  for (auto& a : agents) {
    MERIDIAN_ASSIGN_OR_RETURN(a.accept_ms,
                              storage::query_integers(s,
                                                      "SELECT accepted_at - created_at FROM remote_support_requests "
                                                      "WHERE accepted_by = ? AND status = 'accepted' ORDER BY id",
                                                      {a.agent_id}));
    MERIDIAN_ASSIGN_OR_RETURN(
        a.duration_ms, storage::query_integers(s,
                                               "SELECT ended_at - redeemed_at FROM remote_support_sessions WHERE "
                                               "agent_id = ? AND ended_at IS NOT NULL AND redeemed_at IS NOT NULL "
                                               "ORDER BY id",
                                               {a.agent_id}));
  }
  return agents;
}

Result<ConsentPolicy> RemoteSupportRepository::consent_policy(storage::Session& s) {
  MERIDIAN_ASSIGN_OR_RETURN(
      auto row, storage::query_row(s,
                                   "SELECT p.separate_questions, p.changed_by, COALESCE(u.display_name, ''), "
                                   "p.changed_at FROM remote_support_consent_policy p "
                                   "LEFT JOIN users u ON u.id = p.changed_by ORDER BY p.id DESC LIMIT 1",
                                   {}, [](const Row& r) {
                                     ConsentPolicy p;
                                     storage::read_columns(r, p.separate_questions, p.changed_by, p.changed_by_name,
                                                           p.changed_at);
                                     return p;
                                   }));
  return row.value_or(ConsentPolicy{});
}

Result<void> RemoteSupportRepository::add_consent_policy(storage::Session& s, std::int64_t separate_questions,
                                                         std::int64_t by, UnixMillis now) {
  return storage::exec(s,
                       "INSERT INTO remote_support_consent_policy (separate_questions, changed_by, changed_at) "
                       "VALUES (?, ?, ?)",
                       {separate_questions, by, now});
}

Result<std::optional<LogEntry>> RemoteSupportRepository::last_entry(storage::Session& s, std::int64_t session_id) {
  return storage::query_row(
      s,
      "SELECT l.session_id, l.seq, l.at, l.actor, l.event, l.country, l.data, l.prev_hash, l.hash, NULL, '', '' "
      "FROM remote_support_log l WHERE l.session_id = ? ORDER BY l.seq DESC LIMIT 1",
      {session_id}, [](const Row& r) { return log_from(r).entry; });
}

Result<void> RemoteSupportRepository::append(storage::Session& s, const LogEntry& e, const LogPerson& person) {
  MERIDIAN_TRY(storage::exec(s,
                             "INSERT INTO remote_support_log (session_id, seq, at, actor, event, country, data, "
                             "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             {e.session_id, e.seq, e.at, e.actor, e.event, e.country, e.data, e.prev_hash, e.hash}));
  MERIDIAN_TRY(storage::exec(s,
                             "INSERT INTO remote_support_log_people (session_id, seq, user_id, name, address) "
                             "VALUES (?, ?, ?, ?, ?)",
                             {e.session_id, e.seq, storage::nullable(person.user_id), person.name, person.address}));
  return storage::exec(s, "UPDATE remote_support_sessions SET log_count = ?, log_head = ? WHERE id = ?",
                       {e.seq, e.hash, e.session_id});
}

Result<std::vector<LogRow>> RemoteSupportRepository::log(storage::Session& s, std::int64_t session_id) {
  return storage::query_rows(
      s,
      "SELECT l.session_id, l.seq, l.at, l.actor, l.event, l.country, l.data, l.prev_hash, l.hash, p.user_id, "
      "COALESCE(p.name, ''), COALESCE(p.address, '') FROM remote_support_log l "
      "LEFT JOIN remote_support_log_people p ON p.session_id = l.session_id AND p.seq = l.seq "
      "WHERE l.session_id = ? ORDER BY l.seq",
      {session_id}, log_from);
}

}  // namespace meridian::remote_support
