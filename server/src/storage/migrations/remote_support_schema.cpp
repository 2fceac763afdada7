// The remote_support module's schema (versions 400-499).
#include "storage/migrations/schema_parts.hpp"

namespace meridian::storage {
namespace {

const Migration kMigrations[] = {
    // A session, its single-use code and customer token (hashes only), the consent ladder's
    // state, and the head of its hash-chained log (log_count, log_head) so that a removed
    // last entry is noticed too. The customer's name, e-mail and topic and the log's names
    // and addresses are personal data in tables of their own: an erasure clears them and
    // the chain, which holds pseudonymous ids only, stays intact.
    {400, "remote support sessions and their hash-chained log", R"sql(
CREATE TABLE remote_support_sessions (
  id {{ID}},
  conversation_id BIGINT REFERENCES conversations(id),
  agent_id BIGINT NOT NULL REFERENCES users(id),
  customer_user_id BIGINT REFERENCES users(id),
  customer_country TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  code_hash TEXT,
  code_expires_at BIGINT,
  code_used_at BIGINT,
  token_hash TEXT,
  token_expires_at BIGINT,
  consent_chat TEXT NOT NULL DEFAULT 'not_asked',
  consent_view TEXT NOT NULL DEFAULT 'not_asked',
  consent_annotate TEXT NOT NULL DEFAULT 'not_asked',
  ever_granted TEXT NOT NULL DEFAULT '',
  paused BIGINT NOT NULL DEFAULT 0,
  annotations BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  redeemed_at BIGINT,
  ended_at BIGINT,
  ended_by TEXT NOT NULL DEFAULT '',
  log_count BIGINT NOT NULL DEFAULT 0,
  log_head TEXT NOT NULL
);
CREATE INDEX remote_support_sessions_code ON remote_support_sessions(code_hash);
CREATE UNIQUE INDEX remote_support_sessions_token ON remote_support_sessions(token_hash) WHERE token_hash IS NOT NULL;
CREATE INDEX remote_support_sessions_agent ON remote_support_sessions(agent_id, id);
CREATE INDEX remote_support_sessions_customer ON remote_support_sessions(customer_user_id, id);
CREATE TABLE remote_support_customers (
  session_id BIGINT PRIMARY KEY REFERENCES remote_support_sessions(id),
  name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  topic TEXT NOT NULL DEFAULT ''
);
CREATE TABLE remote_support_log (
  session_id BIGINT NOT NULL REFERENCES remote_support_sessions(id),
  seq BIGINT NOT NULL,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  event TEXT NOT NULL,
  country TEXT NOT NULL,
  data TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (session_id, seq)
);
CREATE TABLE remote_support_log_people (
  session_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  user_id BIGINT REFERENCES users(id),
  name TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (session_id, seq),
  FOREIGN KEY (session_id, seq) REFERENCES remote_support_log(session_id, seq)
);
CREATE INDEX remote_support_log_people_user ON remote_support_log_people(user_id);
)sql"},
    // Customers marked sensitive (e.g. tax clients) by an admin: the agent needs a
    // supervisor's approval before asking to see their screen. A session's approval
    // (none, pending, approved, refused), its reason and who decided sit on the session.
    {401, "remote support sensitive customers and supervisor approval", R"sql(
CREATE TABLE remote_support_sensitive_customers (
  customer_id BIGINT PRIMARY KEY REFERENCES users(id),
  note TEXT NOT NULL DEFAULT '',
  marked_by BIGINT REFERENCES users(id),
  marked_at BIGINT NOT NULL
);
ALTER TABLE remote_support_sessions ADD COLUMN approval TEXT NOT NULL DEFAULT 'none';
ALTER TABLE remote_support_sessions ADD COLUMN approval_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE remote_support_sessions ADD COLUMN approval_by BIGINT REFERENCES users(id);
ALTER TABLE remote_support_sessions ADD COLUMN approval_requested_at BIGINT;
ALTER TABLE remote_support_sessions ADD COLUMN approval_decided_at BIGINT;
CREATE INDEX remote_support_sessions_approval ON remote_support_sessions(approval);
)sql"},
    // The minimum consent policy: how many separate questions a session asks at least (3:
    // chat, view and annotate each alone; 2: two neighbouring steps may be asked as one;
    // 1: all three at once). Every change is a row (the newest is in force); a session
    // keeps the policy it started under, shown to its customer when lower than 3.
    {402, "remote support minimum consent policy", R"sql(
CREATE TABLE remote_support_consent_policy (
  id {{ID}},
  separate_questions BIGINT NOT NULL,
  changed_by BIGINT REFERENCES users(id),
  changed_at BIGINT NOT NULL
);
ALTER TABLE remote_support_sessions ADD COLUMN separate_questions BIGINT NOT NULL DEFAULT 3;
ALTER TABLE remote_support_sessions ADD COLUMN policy_changed_at BIGINT;
)sql"},
    // The queue: a customer asks for help from their support view; an agent accepts (the
    // session is then started for that customer, bound to the agent) or the customer withdraws.
    {403, "remote support queue of waiting requests", R"sql(
CREATE TABLE remote_support_requests (
  id {{ID}},
  customer_user_id BIGINT NOT NULL REFERENCES users(id),
  country TEXT NOT NULL DEFAULT '',
  topic TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  accepted_by BIGINT REFERENCES users(id),
  accepted_at BIGINT,
  session_id BIGINT REFERENCES remote_support_sessions(id),
  closed_at BIGINT
);
CREATE INDEX remote_support_requests_status ON remote_support_requests(status, id);
CREATE INDEX remote_support_requests_customer ON remote_support_requests(customer_user_id, id);
)sql"},
    // A request waiting longer than the configured time is flagged once (overdue_at, set by
    // a conditional update, so exactly one node announces it); one waiting past its time to
    // live is closed as expired.
    {404, "remote support requests flagged as waiting too long", R"sql(
ALTER TABLE remote_support_requests ADD COLUMN overdue_at BIGINT;
)sql"},
};

}  // namespace

std::span<const Migration> remote_support_migrations() { return kMigrations; }

}  // namespace meridian::storage
