#include "remote_support/remote_support_json.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "core/json_values.hpp"

namespace meridian::remote_support {
namespace {

// What the agent can see right now, in the words the customer page shows.
std::string agent_sees(const RemoteSession& s) {
  if (s.status == SessionStatus::ended) return "Nothing: the session has ended.";
  if (s.status == SessionStatus::waiting) return "Nothing yet: the customer has not joined.";
  const auto& c = s.consent;
  if (c.allows(Step::view)) {
    if (s.paused) return "Nothing of your screen: sharing is paused. The agent can chat with you.";
    if (c.allows(Step::annotate))
      return "Your shared screen, window or tab, and the agent can point and draw on it (you see the drawings).";
    return "Your shared screen, window or tab (only what you chose to share). The agent cannot click or type.";
  }
  if (c.allows(Step::chat)) return "Nothing of your screen. The agent can chat with you.";
  return "Nothing of your screen.";
}

std::string csv_field(std::string_view v) {
  bool quote = v.find_first_of(",\"\n\r") != std::string_view::npos;
  // Spreadsheet formula injection: a cell starting with these is read as text.
  std::string out = (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) ? "'" : "";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return quote ? "\"" + out + "\"" : out;
}

}  // namespace

boost::json::object summary_json(const RemoteSession& s) {
  boost::json::array granted;
  for (Step step : kSteps)
    if (s.consent.ever_granted(step)) granted.push_back(boost::json::value(step_name(step)));
  const UnixMillis from = s.redeemed_at.value_or(s.created_at);
  return {{"started_at", from},
          {"ended_at", json::nullable(s.ended_at)},
          {"duration_ms", s.ended_at ? *s.ended_at - from : 0},
          {"steps_granted", std::move(granted)},
          {"ended_by", s.ended_by},
          {"annotations", s.annotations}};
}

boost::json::object session_json(const RemoteSession& s, const ScreenShare& share, bool contact_details) {
  boost::json::object consent;
  for (Step step : kSteps) consent[step_name(step)] = consent_state_name(s.consent.state(step));
  boost::json::object customer{
      {"name", s.customer_name}, {"country", s.customer_country}, {"walk_in", !s.customer_user_id.has_value()}};
  if (s.customer_user_id) customer["user_id"] = *s.customer_user_id;
  if (contact_details) {
    customer["email"] = s.customer_email;
    customer["sensitive"] = s.customer_sensitive;
  }
  // The customer sees whether a supervisor is being asked; staff also who decided and why.
  boost::json::object approval{{"needed", s.customer_sensitive},
                               {"status", approval_name(s.approval)},
                               {"requested_at", json::nullable(s.approval_requested_at)},
                               {"decided_at", json::nullable(s.approval_decided_at)}};
  if (contact_details) {
    approval["reason"] = s.approval_reason;
    approval["decided_by"] =
        s.approval_by ? boost::json::value(boost::json::object{{"id", *s.approval_by}, {"name", s.approval_by_name}})
                      : boost::json::value(nullptr);
  }
  boost::json::object out{{"id", s.id},
                          {"status", session_status_name(s.status)},
                          {"conversation_id", json::nullable(s.conversation_id)},
                          {"agent", boost::json::object{{"id", s.agent_id}, {"name", s.agent_name}}},
                          {"customer", std::move(customer)},
                          {"topic", s.topic},
                          {"consent", std::move(consent)},
                          {"approval", std::move(approval)},
                          {"consent_policy", boost::json::object{{"separate_questions", s.separate_questions},
                                                                 {"lowered", s.separate_questions < kSeparateQuestions},
                                                                 {"changed_at", json::nullable(s.policy_changed_at)}}},
                          {"paused", s.paused},
                          {"screen_share", boost::json::object{{"allowed", share.allowed}, {"reason", share.reason}}},
                          {"agent_sees", agent_sees(s)},
                          {"created_at", s.created_at},
                          {"code_expires_at", s.status == SessionStatus::waiting ? boost::json::value(s.code_expires_at)
                                                                                 : boost::json::value(nullptr)},
                          {"redeemed_at", json::nullable(s.redeemed_at)},
                          {"ended_at", json::nullable(s.ended_at)},
                          {"ended_by", s.ended_by}};
  if (s.status == SessionStatus::ended) out["summary"] = summary_json(s);
  return out;
}

boost::json::object log_json(const SessionLog& log) {
  boost::json::array items;
  for (const auto& r : log.rows) {
    const auto& e = r.entry;
    boost::json::value data;
    try {
      data = boost::json::parse(e.data);
    } catch (...) {
      data = e.data;
    }
    boost::json::object item{
        {"seq", e.seq},     {"at", e.at},           {"actor", e.actor},        {"actor_name", r.person.name},
        {"event", e.event}, {"country", e.country}, {"data", std::move(data)}, {"prev_hash", e.prev_hash},
        {"hash", e.hash}};
    if (log.with_addresses) item["address"] = r.person.address;
    items.push_back(std::move(item));
  }
  return {{"items", std::move(items)}};
}

boost::json::object consent_policy_json(const ConsentPolicy& p) {
  return {{"separate_questions", p.separate_questions},
          {"default", kSeparateQuestions},
          {"lowered", p.separate_questions < kSeparateQuestions},
          {"changed_at", json::nullable(p.changed_at)},
          {"changed_by",
           p.changed_by ? boost::json::value(boost::json::object{{"id", *p.changed_by}, {"name", p.changed_by_name}})
                        : boost::json::value(nullptr)}};
}

boost::json::object request_json(const SupportRequest& q, UnixMillis now) {
  const UnixMillis until = q.status == "waiting" ? now : q.closed_at.value_or(now);
  return {
      {"id", q.id},
      {"customer", boost::json::object{{"id", q.customer_user_id}, {"name", q.customer_name}, {"country", q.country}}},
      {"topic", q.topic},
      {"status", q.status},
      {"created_at", q.created_at},
      {"waiting_ms", until - q.created_at},
      {"accepted_by",
       q.accepted_by ? boost::json::value(boost::json::object{{"id", *q.accepted_by}, {"name", q.accepted_by_name}})
                     : boost::json::value(nullptr)},
      {"accepted_at", json::nullable(q.accepted_at)},
      {"session_id", json::nullable(q.session_id)},
      {"overdue_at", json::nullable(q.overdue_at)}};
}

boost::json::object sensitive_json(const SensitiveCustomer& c) {
  return {{"customer_id", c.customer_id},
          {"name", c.name},
          {"email", c.email},
          {"country", c.country},
          {"note", c.note},
          {"marked_by", c.marked_by
                            ? boost::json::value(boost::json::object{{"id", *c.marked_by}, {"name", c.marked_by_name}})
                            : boost::json::value(nullptr)},
          {"marked_at", c.marked_at}};
}

std::string log_csv(const SessionLog& log) {
  std::string out = "seq,at,actor,actor_name,event,country,data,prev_hash,hash";
  if (log.with_addresses) out += ",address";
  out += "\r\n";
  for (const auto& r : log.rows) {
    const auto& e = r.entry;
    out += std::to_string(e.seq) + "," + std::to_string(e.at) + "," + csv_field(e.actor) + "," +
           csv_field(r.person.name) + "," + csv_field(e.event) + "," + csv_field(e.country) + "," + csv_field(e.data) +
           "," + e.prev_hash + "," + e.hash;
    if (log.with_addresses) out += "," + csv_field(r.person.address);
    out += "\r\n";
  }
  return out;
}

}  // namespace meridian::remote_support
