// Remote support sessions, summaries and log entries as JSON, and the log's CSV export.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "remote_support/remote_support_service.hpp"

namespace meridian::remote_support {

// A session as one side sees it: the customer's e-mail only when `contact_details`;
// what the agent can see now in plain words (`agent_sees`), and the summary once ended.
boost::json::object session_json(const RemoteSession& s, const ScreenShare& share, bool contact_details);
// Duration, steps granted, who ended it, annotations counted.
boost::json::object summary_json(const RemoteSession& s);
boost::json::object log_json(const SessionLog& log);
boost::json::object sensitive_json(const SensitiveCustomer& c);
boost::json::object consent_policy_json(const ConsentPolicy& p);
// A request in the queue; waiting_ms counts to `now` while it waits, else to its acceptance.
boost::json::object request_json(const SupportRequest& q, UnixMillis now);
// One row per entry: seq, at, actor, event, country, data, prev_hash, hash (and name,
// address for those who see them).
std::string log_csv(const SessionLog& log);

}  // namespace meridian::remote_support
