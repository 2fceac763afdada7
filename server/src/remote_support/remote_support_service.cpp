#include "remote_support/remote_support_service.hpp"

#include <algorithm>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/random.hpp"
#include "region/countries.hpp"
#include "remote_support/access_code.hpp"

namespace meridian::remote_support {
namespace {

using policy::Action;
using policy::Relationship;
using storage::read_value;
using storage::write_value;

// Walk-in callers have no account: their Subject's user id is negative and far from the
// meeting guests' (-guest id), so that nothing addressed to one reaches the other.
constexpr std::int64_t kCallerIdBase = 1'000'000'000'000;

constexpr std::size_t kMaxNameBytes = 100;
constexpr std::size_t kMaxEmailBytes = 254;
constexpr std::size_t kMaxTopicBytes = 500;
constexpr std::size_t kMaxReasonBytes = 500;

std::string code_key(const std::string& code_hash) { return "remote_support.code:" + code_hash; }
std::string address_key(const std::string& ip) { return "remote_support.address:" + ip; }

std::string json_text(boost::json::object o) { return boost::json::serialize(o); }

Result<std::string> clean(std::string_view text, std::string_view what, std::size_t max, bool required) {
  std::string out(text);
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n' || out.back() == '\t')) out.pop_back();
  std::size_t start = 0;
  while (start < out.size() && (out[start] == ' ' || out[start] == '\n' || out[start] == '\t')) ++start;
  out.erase(0, start);
  if (required && out.empty()) return make_error(ErrorCode::invalid_argument, std::string(what) + " is required");
  if (out.size() > max)
    return make_error(ErrorCode::invalid_argument,
                      std::string(what) + " must be at most " + std::to_string(max) + " bytes");
  return out;
}

// A sensitive customer's screen only after a supervisor approved (the server's rule, not
// only the page's).
Result<void> require_approval(const RemoteSession& rs) {
  if (!rs.customer_sensitive || rs.approval == Approval::approved) return {};
  if (rs.approval == Approval::refused)
    return make_error(ErrorCode::forbidden,
                      "a supervisor refused viewing this sensitive customer's screen: " + rs.approval_reason);
  return make_error(ErrorCode::forbidden,
                    "this customer is marked sensitive: a supervisor must approve before their screen is asked for");
}

// What a redeem found out: the pass, or the refusal to answer after the failure was counted.
struct RedeemOutcome {
  std::optional<CustomerPass> pass;
  std::optional<Error> refused;
};

}  // namespace

std::string session_scope(std::int64_t id) { return "remote_support:" + std::to_string(id); }

RemoteSupportService::RemoteSupportService(storage::Database& db, const policy::Policy& policy, const Clock& clock,
                                           RemoteSupportOptions options, identity::IdentityService& identity,
                                           chat::SupportService* support, region::FeatureToggles* toggles,
                                           audit::AuditLog* audit)
    : db_(db),
      policy_(policy),
      clock_(clock),
      options_(options),
      identity_(identity),
      support_(support),
      toggles_(toggles),
      audit_(audit),
      throttle_(clock, identity::ThrottleTimes{options.lockout_seconds * 1000, options.failure_window_seconds * 1000}),
      live_(options.annotations_per_second) {}

Relationship RemoteSupportService::relationship(const Subject& who, const RemoteSession& s) const {
  if (!who.scope.empty()) return who.scope == session_scope(s.id) ? Relationship::member : Relationship::none;
  if (who.user_id == s.agent_id) return Relationship::owner;
  if (policy_.permits(who, Action::review_remote_support) || is_supervisor(who)) return Relationship::manager;
  // A customer account sees its own sessions (and joins them for a token, join_as_customer).
  if (s.customer_user_id && *s.customer_user_id == who.user_id) return Relationship::member;
  return Relationship::none;
}

Result<RemoteSession> RemoteSupportService::reload(storage::Session& s, std::int64_t id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto rs, repo_.session(s, id));
  if (!rs) return make_error(ErrorCode::not_found, "no such remote support session");
  return std::move(*rs);
}

Result<RemoteSession> RemoteSupportService::load_for(storage::Session& s, const Subject& who, std::int64_t id,
                                                     Action action) {
  if (!who.scope.empty() && who.scope != session_scope(id))
    return make_error(ErrorCode::unauthenticated, "this token is valid only for its own support session");
  MERIDIAN_ASSIGN_OR_RETURN(auto rs, repo_.session(s, id));
  if (!rs) return make_error(ErrorCode::not_found, "no such remote support session");
  policy::Resource r;
  r.relationship = relationship(who, *rs);
  MERIDIAN_TRY(policy_.require(who, action, r));
  return std::move(*rs);
}

RemoteSupportService::LogActor RemoteSupportService::actor_of(const Subject& who, const RemoteSession& s,
                                                              const std::string& ip) const {
  LogActor a;
  a.person.address = ip;
  if (!who.scope.empty() || (s.customer_user_id && *s.customer_user_id == who.user_id && who.user_id != s.agent_id)) {
    a.actor = customer_actor(s);
    a.country = s.customer_country;
    a.person.user_id = s.customer_user_id;
    a.person.name = s.customer_name;
    return a;
  }
  a.actor = (who.user_id == s.agent_id ? "agent:" : "admin:") + std::to_string(who.user_id);
  a.country = who.country;
  a.person.user_id = who.user_id;
  a.person.name = who.user_id == s.agent_id ? s.agent_name : who.email;
  return a;
}

Result<void> RemoteSupportService::append(storage::Session& s, const RemoteSession& rs, const LogActor& actor,
                                          std::string_view event, std::string data) {
  MERIDIAN_ASSIGN_OR_RETURN(auto last, repo_.last_entry(s, rs.id));
  LogEntry e;
  e.session_id = rs.id;
  e.at = clock_.now_ms();
  e.actor = actor.actor;
  e.event = std::string(event);
  e.country = actor.country;
  e.data = std::move(data);
  return repo_.append(s, chained(last, std::move(e)), actor.person);
}

Result<void> RemoteSupportService::append_counts(storage::Session& s, const RemoteSession& rs,
                                                 const LiveSessions::Counts& counts) {
  LogActor system{"system", "", {}};
  if (counts.annotations > 0) {
    MERIDIAN_TRY(repo_.add_annotations(s, rs.id, counts.annotations));
    MERIDIAN_TRY(append(s, rs, system, "annotations", json_text({{"count", counts.annotations}})));
  }
  if (counts.chat > 0) MERIDIAN_TRY(append(s, rs, system, "chat", json_text({{"messages", counts.chat}})));
  return {};
}

Result<IssuedCode> RemoteSupportService::issue_code(storage::Session& s, const Subject& who, const RemoteSession& rs,
                                                    const std::string& ip, bool replaces) {
  IssuedCode out;
  out.code = new_access_code();
  const UnixMillis expires = clock_.now_ms() + options_.code_ttl_seconds * 1000;
  MERIDIAN_TRY(repo_.set_code(s, rs.id, access_code_hash(out.code), expires));
  MERIDIAN_TRY(append(s, rs, actor_of(who, rs, ip), "code_issued",
                      json_text({{"expires_at", expires}, {"replaces_earlier", replaces}})));
  MERIDIAN_ASSIGN_OR_RETURN(out.session, reload(s, rs.id));
  return out;
}

Result<IssuedCode> RemoteSupportService::create(const Subject& who, const NewSession& in, const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, Action::start_remote_support));
  NewSessionRow row;
  row.agent_id = who.user_id;
  row.created_at = clock_.now_ms();
  if (in.conversation_id) {
    if (!support_) return make_error(ErrorCode::unavailable, "support conversations are not available");
    MERIDIAN_ASSIGN_OR_RETURN(auto sc, support_->get(who, *in.conversation_id));
    if (sc.status == chat::SupportStatus::closed)
      return make_error(ErrorCode::conflict, "this support conversation is closed");
    if (in.customer_user_id && *in.customer_user_id != sc.customer_id)
      return make_error(ErrorCode::invalid_argument, "customer_user_id is not the customer of this conversation");
    row.conversation_id = sc.conversation_id;
    row.customer_user_id = sc.customer_id;
    row.customer_country = sc.customer_country;
    row.customer_name = sc.customer_name;
  } else if (in.customer_user_id) {
    MERIDIAN_TRY(customer_into(*in.customer_user_id, row));
  }
  return write_value<IssuedCode>(db_, [&](storage::Session& s) { return insert_new(s, who, row, ip); });
}

Result<void> RemoteSupportService::customer_into(std::int64_t customer_id, NewSessionRow& row) {
  auto u = identity_.user(customer_id);
  if (!u.ok() && u.error().code == ErrorCode::not_found) return make_error(ErrorCode::not_found, "no such customer");
  if (!u.ok()) return u.error();
  if (u->kind != UserKind::customer || !u->active)
    return make_error(ErrorCode::invalid_argument, "customer_user_id must name an active customer account");
  row.customer_user_id = u->id;
  row.customer_country = u->country;
  row.customer_name = u->display_name;
  row.customer_email = u->email;
  return {};
}

Result<IssuedCode> RemoteSupportService::insert_new(storage::Session& s, const Subject& who, NewSessionRow& row,
                                                    const std::string& ip) {
  row.code_hash = "";  // issue_code sets the first code, logged after "requested"
  MERIDIAN_ASSIGN_OR_RETURN(auto consent_policy, repo_.consent_policy(s));
  row.separate_questions = consent_policy.separate_questions;
  if (consent_policy.separate_questions < kSeparateQuestions) row.policy_changed_at = consent_policy.changed_at;
  MERIDIAN_ASSIGN_OR_RETURN(auto id, repo_.insert_session(s, row));
  MERIDIAN_ASSIGN_OR_RETURN(auto rs, reload(s, id));
  boost::json::object data{{"customer", row.customer_user_id ? customer_actor(rs) : std::string("walk_in")},
                           {"separate_questions", row.separate_questions}};
  if (row.conversation_id) data["conversation_id"] = *row.conversation_id;
  MERIDIAN_TRY(append(s, rs, actor_of(who, rs, ip), "requested", json_text(std::move(data))));
  if (audit_) {
    MERIDIAN_TRY(audit_->record(s, audit::Actor::from(who, ip), "remote_support.session.create",
                                "remote_support_session:" + std::to_string(id), "ok",
                                json_text({{"walk_in", !row.customer_user_id.has_value()}})));
  }
  return issue_code(s, who, rs, ip, false);
}

Result<SupportRequest> RemoteSupportService::request_help(const Subject& who, const std::string& topic,
                                                          const std::string& /*ip*/) {
  if (who.kind != UserKind::customer || !who.scope.empty())
    return make_error(ErrorCode::forbidden, "only a customer account asks for remote support");
  if (topic.size() > 500) return make_error(ErrorCode::invalid_argument, "topic is longer than 500 characters");
  return write_value<SupportRequest>(db_, [&](storage::Session& s) -> Result<SupportRequest> {
    MERIDIAN_ASSIGN_OR_RETURN(auto waiting, repo_.waiting_request_of(s, who.user_id));
    if (waiting) return make_error(ErrorCode::conflict, "you are already waiting for an agent");
    MERIDIAN_ASSIGN_OR_RETURN(auto id, repo_.insert_request(s, who.user_id, who.country, topic, clock_.now_ms()));
    MERIDIAN_ASSIGN_OR_RETURN(auto q, repo_.request(s, id));
    return *q;
  });
}

Result<std::vector<SupportRequest>> RemoteSupportService::queue(const Subject& who) {
  MERIDIAN_TRY(policy_.require(who, Action::start_remote_support));
  return read_value<std::vector<SupportRequest>>(db_, [&](storage::Session& s) { return repo_.waiting_requests(s); });
}

Result<std::optional<SupportRequest>> RemoteSupportService::my_request(const Subject& who) {
  if (who.kind != UserKind::customer || !who.scope.empty())
    return make_error(ErrorCode::forbidden, "only a customer account has requests of their own");
  return read_value<std::optional<SupportRequest>>(
      db_, [&](storage::Session& s) { return repo_.waiting_request_of(s, who.user_id); });
}

Result<SupportRequest> RemoteSupportService::request(const Subject& who, std::int64_t request_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto q, read_value<std::optional<SupportRequest>>(
                                        db_, [&](storage::Session& s) { return repo_.request(s, request_id); }));
  const bool own = q && who.scope.empty() && q->customer_user_id == who.user_id;
  if (!q || (!own && !policy_.permits(who, Action::start_remote_support)))
    return make_error(ErrorCode::not_found, "no such request");
  return *q;
}

Result<RemoteSupportService::Accepted> RemoteSupportService::accept(const Subject& who, std::int64_t request_id,
                                                                    const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, Action::start_remote_support));
  MERIDIAN_ASSIGN_OR_RETURN(auto found, read_value<std::optional<SupportRequest>>(
                                            db_, [&](storage::Session& s) { return repo_.request(s, request_id); }));
  if (!found) return make_error(ErrorCode::not_found, "no such request");
  NewSessionRow row;
  row.agent_id = who.user_id;
  row.created_at = clock_.now_ms();
  MERIDIAN_TRY(customer_into(found->customer_user_id, row));
  return write_value<Accepted>(db_, [&](storage::Session& s) -> Result<Accepted> {
    MERIDIAN_ASSIGN_OR_RETURN(auto taken, repo_.accept_request(s, request_id, who.user_id, row.created_at));
    if (!taken) return make_error(ErrorCode::conflict, "this request was accepted by another agent or withdrawn");
    MERIDIAN_ASSIGN_OR_RETURN(auto issued, insert_new(s, who, row, ip));
    MERIDIAN_TRY(repo_.set_request_session(s, request_id, issued.session.id));
    MERIDIAN_TRY(append(s, issued.session, actor_of(who, issued.session, ip), "accepted",
                        json_text({{"request_id", request_id}, {"waited_ms", row.created_at - found->created_at}})));
    MERIDIAN_ASSIGN_OR_RETURN(auto q, repo_.request(s, request_id));
    MERIDIAN_ASSIGN_OR_RETURN(issued.session, reload(s, issued.session.id));
    return Accepted{*q, std::move(issued)};
  });
}

Result<SupportRequest> RemoteSupportService::withdraw(const Subject& who, std::int64_t request_id) {
  return write_value<SupportRequest>(db_, [&](storage::Session& s) -> Result<SupportRequest> {
    MERIDIAN_ASSIGN_OR_RETURN(auto q, repo_.request(s, request_id));
    if (!q || q->customer_user_id != who.user_id || !who.scope.empty())
      return make_error(ErrorCode::not_found, "no such request");
    MERIDIAN_ASSIGN_OR_RETURN(auto changed, repo_.withdraw_request(s, request_id, clock_.now_ms()));
    if (!changed) return make_error(ErrorCode::conflict, "this request is no longer waiting");
    MERIDIAN_ASSIGN_OR_RETURN(q, repo_.request(s, request_id));
    return *q;
  });
}

Result<std::vector<std::int64_t>> RemoteSupportService::queue_audience() {
  return read_value<std::vector<std::int64_t>>(db_, [&](storage::Session& s) { return repo_.queue_staff_ids(s); });
}

Result<RemoteSupportService::QueueSweep> RemoteSupportService::sweep_queue() {
  const UnixMillis now = clock_.now_ms();
  QueueSweep out;
  // Each row in its own short transaction: the conditional update decides which node
  // announces it, and a long queue does not hold the writer.
  auto each = [&](UnixMillis created_by, bool unflagged, auto change,
                  std::vector<SupportRequest>& into) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(auto due, read_value<std::vector<SupportRequest>>(db_, [&](storage::Session& s) {
                                return repo_.waiting_since(s, created_by, unflagged);
                              }));
    for (const auto& q : due) {
      MERIDIAN_ASSIGN_OR_RETURN(auto won, write_value<std::optional<SupportRequest>>(
                                              db_, [&](storage::Session& s) -> Result<std::optional<SupportRequest>> {
                                                MERIDIAN_ASSIGN_OR_RETURN(auto changed, change(s, q.id));
                                                if (!changed) return std::optional<SupportRequest>{};
                                                return repo_.request(s, q.id);
                                              }));
      if (won) into.push_back(std::move(*won));
    }
    return {};
  };
  MERIDIAN_TRY(each(
      now - options_.request_ttl_seconds * 1000, false,
      [&](storage::Session& s, std::int64_t id) { return repo_.expire_request(s, id, now); }, out.expired));
  MERIDIAN_TRY(each(
      now - options_.waiting_alert_seconds * 1000, true,
      [&](storage::Session& s, std::int64_t id) { return repo_.flag_overdue(s, id, now); }, out.overdue));
  return out;
}

namespace {
std::optional<std::int64_t> median(std::vector<std::int64_t> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const auto n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
}  // namespace

Result<std::vector<RemoteSupportService::AgentFigures>> RemoteSupportService::figures(const Subject& who) {
  MERIDIAN_TRY(policy_.require(who, Action::review_remote_support));
  MERIDIAN_ASSIGN_OR_RETURN(
      auto times, read_value<std::vector<AgentTimes>>(db_, [&](storage::Session& s) { return repo_.agent_times(s); }));
  std::vector<AgentFigures> out;
  for (auto& t : times) {
    AgentFigures f;
    f.agent_id = t.agent_id;
    f.name = t.name;
    f.sessions = t.sessions;
    f.accepted = static_cast<std::int64_t>(t.accept_ms.size());
    f.median_accept_ms = median(t.accept_ms);
    f.ended = static_cast<std::int64_t>(t.duration_ms.size());
    f.median_duration_ms = median(t.duration_ms);
    out.push_back(std::move(f));
  }
  return out;
}

Result<IssuedCode> RemoteSupportService::new_code(const Subject& who, std::int64_t id, const std::string& ip) {
  return write_value<IssuedCode>(db_, [&](storage::Session& s) -> Result<IssuedCode> {
    MERIDIAN_ASSIGN_OR_RETURN(auto rs, load_for(s, who, id, Action::conduct_remote_support_session));
    if (rs.status != SessionStatus::waiting)
      return make_error(ErrorCode::conflict, "the customer has joined already or the session ended");
    return issue_code(s, who, rs, ip, true);
  });
}

Result<CustomerPass> RemoteSupportService::issue_token(storage::Session& s, const RemoteSession& rs) {
  CustomerPass pass;
  pass.token = std::string(kTokenPrefix) + random_token(32);
  const UnixMillis now = clock_.now_ms();
  MERIDIAN_ASSIGN_OR_RETURN(bool spent,
                            repo_.redeem(s, rs.id, sha256_hex(pass.token), now + options_.token_ttl_seconds * 1000, now,
                                         rs.customer_country));
  if (!spent) return make_error(ErrorCode::conflict, "this code was used already");
  MERIDIAN_ASSIGN_OR_RETURN(pass.session, reload(s, rs.id));
  return pass;
}

Result<CustomerPass> RemoteSupportService::redeem(const RedeemRequest& in, const std::string& ip) {
  MERIDIAN_ASSIGN_OR_RETURN(auto name, clean(in.name, "name", kMaxNameBytes, true));
  MERIDIAN_ASSIGN_OR_RETURN(auto email, clean(in.email, "email", kMaxEmailBytes, false));
  MERIDIAN_ASSIGN_OR_RETURN(auto topic, clean(in.topic, "topic", kMaxTopicBytes, false));
  if (!email.empty() && email.find('@') == std::string::npos)
    return make_error(ErrorCode::invalid_argument, "email must be an e-mail address");
  if (!in.country.empty() && !region::is_country_code(in.country))
    return make_error(ErrorCode::invalid_argument, "country must be an ISO 3166-1 alpha-2 code such as DE");
  const auto code = normalise_access_code(in.code);
  // A malformed code is a failed guess too, counted under its own text.
  const std::string hash = access_code_hash(code ? *code : in.code);
  const std::vector<std::string> keys{code_key(hash), address_key(ip)};
  const UnixMillis now = clock_.now_ms();

  auto outcome = write_value<RedeemOutcome>(db_, [&](storage::Session& s) -> Result<RedeemOutcome> {
    MERIDIAN_TRY(throttle_.require_unlocked(s, keys, "too many wrong codes"));
    RedeemOutcome out;
    auto fail = [&](Error e) -> Result<RedeemOutcome> {
      MERIDIAN_TRY(throttle_.record_failure(s, keys[0], options_.per_code));
      MERIDIAN_TRY(throttle_.record_failure(s, keys[1], options_.per_address));
      if (audit_)
        MERIDIAN_TRY(audit_->record(s, audit::Actor::anonymous("", ip), "remote_support.redeem", "remote_support",
                                    "failed", json_text({{"reason", error_code_name(e.code)}})));
      out.refused = std::move(e);
      return out;
    };
    if (!code) return fail(make_error(ErrorCode::invalid_argument, "a code is 8 letters and digits"));
    MERIDIAN_ASSIGN_OR_RETURN(auto found, repo_.session_by_code(s, hash));
    if (!found) return fail(make_error(ErrorCode::not_found, "no support session has this code"));
    RemoteSession rs = std::move(*found);
    if (rs.code_used_at || rs.status != SessionStatus::waiting)
      return fail(make_error(ErrorCode::conflict, "this code was used already; ask your agent for a new one"));
    if (rs.code_expires_at <= now)
      return fail(make_error(ErrorCode::conflict, "this code has expired; ask your agent for a new one"));
    if (!rs.customer_user_id && !in.country.empty()) rs.customer_country = in.country;
    MERIDIAN_ASSIGN_OR_RETURN(auto pass, issue_token(s, rs));
    // The account's own name and e-mail stay for a session made for an account.
    MERIDIAN_TRY(repo_.set_customer(s, rs.id, rs.customer_user_id ? rs.customer_name : name,
                                    rs.customer_user_id ? rs.customer_email : email, topic));
    MERIDIAN_TRY(throttle_.clear(s, keys[0]));
    MERIDIAN_ASSIGN_OR_RETURN(pass.session, reload(s, rs.id));
    MERIDIAN_TRY(append(s, pass.session,
                        LogActor{customer_actor(pass.session), pass.session.customer_country,
                                 LogPerson{pass.session.customer_user_id, pass.session.customer_name, ip}},
                        "code_redeemed", json_text({{"via", "code"}})));
    out.pass = std::move(pass);
    return out;
  });
  if (!outcome.ok()) return outcome.error();
  if (outcome->refused) return *outcome->refused;
  return std::move(*outcome->pass);
}

Result<CustomerPass> RemoteSupportService::join_as_customer(const Subject& who, std::int64_t id,
                                                            const std::string& ip) {
  if (!who.scope.empty()) return make_error(ErrorCode::unauthenticated, "sign in with your account to join");
  return write_value<CustomerPass>(db_, [&](storage::Session& s) -> Result<CustomerPass> {
    MERIDIAN_ASSIGN_OR_RETURN(auto rs, load_for(s, who, id, Action::read_remote_support_session));
    if (!rs.customer_user_id || *rs.customer_user_id != who.user_id)
      return make_error(ErrorCode::forbidden, "only the customer this session is for joins it");
    if (rs.status != SessionStatus::waiting)
      return make_error(ErrorCode::conflict, "this session was joined already or has ended");
    MERIDIAN_ASSIGN_OR_RETURN(auto pass, issue_token(s, rs));
    MERIDIAN_TRY(
        append(s, pass.session, actor_of(who, pass.session, ip), "code_redeemed", json_text({{"via", "account"}})));
    return pass;
  });
}

Result<Subject> RemoteSupportService::authenticate(std::string_view token) {
  if (token.rfind(kTokenPrefix, 0) != 0) return make_error(ErrorCode::not_found, "not a remote support token");
  const std::string hash = sha256_hex(token);
  auto found = read_value<std::optional<RemoteSession>>(
      db_, [&](storage::Session& s) { return repo_.session_by_token(s, hash); });
  if (!found.ok()) return found.error();
  if (!*found) return make_error(ErrorCode::not_found, "not a remote support token");
  const RemoteSession& rs = **found;
  if (rs.status == SessionStatus::ended)
    return make_error(ErrorCode::unauthenticated, "this support session has ended");
  if (!rs.token_expires_at || *rs.token_expires_at <= clock_.now_ms())
    return make_error(ErrorCode::unauthenticated, "this support session token has expired");
  Subject out;
  out.user_id = rs.customer_user_id ? *rs.customer_user_id : -(kCallerIdBase + rs.id);
  out.kind = UserKind::customer;
  out.roles = {Role::customer};
  out.country = rs.customer_country;
  out.scope = session_scope(rs.id);
  out.expires_at = *rs.token_expires_at;
  return out;
}

Result<RemoteSession> RemoteSupportService::get(const Subject& who, std::int64_t id) {
  return read_value<RemoteSession>(
      db_, [&](storage::Session& s) { return load_for(s, who, id, Action::read_remote_support_session); });
}

Result<std::vector<RemoteSession>> RemoteSupportService::list(const Subject& who, std::optional<SessionStatus> status,
                                                              int limit) {
  if (!who.scope.empty())
    return make_error(ErrorCode::unauthenticated, "this token is valid only for its own support session");
  SessionFilter f;
  f.status = status;
  f.limit = std::clamp(limit, 1, 200);
  if (policy_.permits(who, Action::review_remote_support)) {
    // every session
  } else if (policy_.permits(who, Action::start_remote_support)) {
    f.agent_id = who.user_id;
  } else {
    f.customer_id = who.user_id;
  }
  return read_value<std::vector<RemoteSession>>(db_, [&](storage::Session& s) { return repo_.sessions(s, f); });
}

Result<SessionLog> RemoteSupportService::log(const Subject& who, std::int64_t id) {
  return read_value<SessionLog>(db_, [&](storage::Session& s) -> Result<SessionLog> {
    MERIDIAN_ASSIGN_OR_RETURN(auto rs, load_for(s, who, id, Action::read_remote_support_session));
    SessionLog out;
    MERIDIAN_ASSIGN_OR_RETURN(out.rows, repo_.log(s, id));
    out.with_addresses = relationship(who, rs) >= Relationship::manager;
    return out;
  });
}

Result<LogCheck> RemoteSupportService::verify(const Subject& who, std::int64_t id) {
  return read_value<LogCheck>(db_, [&](storage::Session& s) -> Result<LogCheck> {
    MERIDIAN_ASSIGN_OR_RETURN(auto rs, load_for(s, who, id, Action::read_remote_support_session));
    MERIDIAN_ASSIGN_OR_RETURN(auto rows, repo_.log(s, id));
    std::vector<LogEntry> entries;
    for (auto& r : rows) entries.push_back(std::move(r.entry));
    auto check = verify_chain(entries);
    LogCheck out{check.intact, check.first_bad_seq, static_cast<std::int64_t>(entries.size())};
    // The session keeps the chain's head: a removed last entry breaks the chain too.
    const std::string head = entries.empty() ? std::string(kGenesisHash) : entries.back().hash;
    if (out.intact && (rs.log_count != out.entries || rs.log_head != head)) {
      out.intact = false;
      out.first_bad_seq = std::min<std::int64_t>(rs.log_count, out.entries) + 1;
    }
    return out;
  });
}

ScreenShare RemoteSupportService::screen_share(const RemoteSession& s) {
  if (!toggles_ || s.customer_country.empty()) return {};
  auto refused = toggles_->require(kScreenShareFeature, s.customer_country);
  if (refused.ok() || refused.error().code != ErrorCode::forbidden) return {};
  return ScreenShare{false, refused.error().message};
}

Result<Side> RemoteSupportService::side(const Subject& who, const RemoteSession& s) {
  const auto r = relationship(who, s);
  if (r == Relationship::owner) return Side::agent;
  if (r == Relationship::member && !who.scope.empty()) return Side::customer;
  if (r == Relationship::member)
    return make_error(ErrorCode::forbidden, "join from your support view first (it gives this tab a session token)");
  if (r == Relationship::manager)
    return make_error(ErrorCode::forbidden, "only the session's agent and customer join it");
  return make_error(ErrorCode::not_found, "no such remote support session");
}

bool RemoteSupportService::sees_contact_details(const Subject& who, const RemoteSession& s) {
  return relationship(who, s) >= Relationship::manager;
}

Result<RemoteSupportService::Joined> RemoteSupportService::join(const Subject& who, std::int64_t id,
                                                                std::uint64_t connection, const std::string& ip) {
  Joined out;
  auto joined = live_.change(id, [&](LiveSessions::Counts) -> Result<RemoteSession> {
    return write_value<RemoteSession>(db_, [&](storage::Session& s) -> Result<RemoteSession> {
      MERIDIAN_ASSIGN_OR_RETURN(auto rs, load_for(s, who, id, Action::read_remote_support_session));
      MERIDIAN_ASSIGN_OR_RETURN(out.side, side(who, rs));
      if (rs.status == SessionStatus::ended) return make_error(ErrorCode::conflict, "this support session has ended");
      MERIDIAN_TRY(append(s, rs, actor_of(who, rs, ip), "joined", json_text({{"side", side_name(out.side)}})));
      return rs;
    });
  });
  if (!joined.ok()) return joined.error();
  out.session = std::move(*joined);
  out.replaced = live_.join(out.session, out.side, connection);
  return out;
}

Result<RemoteSession> RemoteSupportService::consent_change(
    const Subject& who, std::int64_t id, const std::string& ip, Side needed,
    const std::function<Result<std::string>(RemoteSession&)>& change) {
  return live_.change(id, [&](LiveSessions::Counts counts) -> Result<RemoteSession> {
    return write_value<RemoteSession>(db_, [&](storage::Session& s) -> Result<RemoteSession> {
      const Action action =
          needed == Side::agent ? Action::conduct_remote_support_session : Action::read_remote_support_session;
      MERIDIAN_TRY(load_for(s, who, id, action));
      // Then the row locked and read again, so that concurrent changes queue (PostgreSQL).
      MERIDIAN_TRY(storage::lock_row(s, "remote_support_sessions", id));
      MERIDIAN_ASSIGN_OR_RETURN(auto rs, reload(s, id));
      MERIDIAN_ASSIGN_OR_RETURN(auto side_now, side(who, rs));
      if (side_now != needed)
        return make_error(ErrorCode::forbidden, needed == Side::customer ? "only the customer answers for their screen"
                                                                         : "only the session's agent asks");
      if (rs.status != SessionStatus::active)
        return make_error(ErrorCode::conflict, rs.status == SessionStatus::ended ? "this support session has ended"
                                                                                 : "the customer has not joined yet");
      MERIDIAN_ASSIGN_OR_RETURN(auto event_data, change(rs));
      MERIDIAN_TRY(append_counts(s, rs, counts));
      MERIDIAN_TRY(repo_.save_consent(s, id, rs.consent, rs.paused));
      const auto sep = event_data.find(' ');
      MERIDIAN_TRY(append(s, rs, actor_of(who, rs, ip), event_data.substr(0, sep),
                          sep == std::string::npos ? "{}" : event_data.substr(sep + 1)));
      return reload(s, id);
    });
  });
}

Result<RemoteSession> RemoteSupportService::ask(const Subject& who, std::int64_t id, Step step, const std::string& ip) {
  return ask_steps(who, id, {step}, ip);
}

Result<RemoteSession> RemoteSupportService::ask_steps(const Subject& who, std::int64_t id,
                                                      const std::vector<Step>& steps, const std::string& ip) {
  if (steps.empty() || steps.size() > kSteps.size())
    return make_error(ErrorCode::invalid_argument, "steps must name one to three steps");
  for (std::size_t i = 1; i < steps.size(); ++i)
    if (static_cast<int>(steps[i]) != static_cast<int>(steps[i - 1]) + 1)
      return make_error(ErrorCode::invalid_argument, "steps asked together are neighbours, lowest first");
  return consent_change(who, id, ip, Side::agent, [&](RemoteSession& rs) -> Result<std::string> {
    // The policy the session started under: 3 separate questions means one step at a time.
    const auto most = static_cast<std::size_t>(kSeparateQuestions - rs.separate_questions + 1);
    if (steps.size() > most)
      return make_error(ErrorCode::forbidden,
                        "the consent policy asks at least " + std::to_string(rs.separate_questions) +
                            " separate questions: " +
                            (most == 1 ? std::string("ask these steps one at a time")
                                       : "ask at most " + std::to_string(most) + " steps in one question"));
    if (steps.back() != Step::chat) {
      auto share = screen_share(rs);
      if (!share.allowed) return make_error(ErrorCode::forbidden, share.reason);
      MERIDIAN_TRY(require_approval(rs));
    }
    MERIDIAN_TRY(rs.consent.ask_together(steps.front(), steps.back()));
    if (steps.size() == 1) return "consent_asked " + json_text({{"step", step_name(steps.front())}});
    boost::json::array names;
    for (Step st : steps) names.push_back(boost::json::value(step_name(st)));
    return "consent_asked " + json_text({{"step", step_name(steps.front())}, {"together", std::move(names)}});
  });
}

Result<ConsentPolicy> RemoteSupportService::consent_policy(const Subject& who) {
  if (!policy_.permits(who, Action::start_remote_support) && !policy_.permits(who, Action::manage_support))
    return make_error(ErrorCode::forbidden, "only staff of remote support read the consent policy");
  return read_value<ConsentPolicy>(db_, [&](storage::Session& s) { return repo_.consent_policy(s); });
}

Result<ConsentPolicy> RemoteSupportService::set_consent_policy(const Subject& who, std::int64_t separate_questions,
                                                               const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, Action::manage_support));
  if (separate_questions < 1 || separate_questions > kSeparateQuestions)
    return make_error(ErrorCode::invalid_argument, "separate_questions must be 1, 2 or 3");
  return write_value<ConsentPolicy>(db_, [&](storage::Session& s) -> Result<ConsentPolicy> {
    MERIDIAN_ASSIGN_OR_RETURN(auto before, repo_.consent_policy(s));
    MERIDIAN_TRY(repo_.add_consent_policy(s, separate_questions, who.user_id, clock_.now_ms()));
    if (audit_)
      MERIDIAN_TRY(audit_->record(s, audit::Actor::from(who, ip), "remote_support.consent_policy.change",
                                  "remote_support", separate_questions < before.separate_questions ? "lowered" : "ok",
                                  json_text({{"from", before.separate_questions},
                                             {"to", separate_questions},
                                             {"lowered", separate_questions < before.separate_questions},
                                             {"shown_to_customers", separate_questions < kSeparateQuestions}})));
    return repo_.consent_policy(s);
  });
}

Result<RemoteSession> RemoteSupportService::answer(const Subject& who, std::int64_t id, Step step, bool grant,
                                                   const std::string& ip) {
  return consent_change(who, id, ip, Side::customer, [&](RemoteSession& rs) -> Result<std::string> {
    // The answer covers every step asked with this one (a lowered consent policy).
    const Step top = rs.consent.asked_with(step);
    if (grant && top != Step::chat) {
      auto share = screen_share(rs);
      if (!share.allowed) return make_error(ErrorCode::forbidden, share.reason);
      MERIDIAN_TRY(require_approval(rs));
    }
    MERIDIAN_TRY(rs.consent.answer(step, grant));
    boost::json::object data{{"step", step_name(step)}};
    if (top != step) {
      boost::json::array together;
      for (auto j = static_cast<int>(step); j <= static_cast<int>(top); ++j)
        together.push_back(boost::json::value(step_name(static_cast<Step>(j))));
      data["together"] = std::move(together);
    }
    return std::string(grant ? "consent_granted " : "consent_denied ") + json_text(std::move(data));
  });
}

Result<Revocation> RemoteSupportService::revoke(const Subject& who, std::int64_t id, Step step, const std::string& ip) {
  std::vector<Step> revoked;
  auto changed = consent_change(who, id, ip, Side::customer, [&](RemoteSession& rs) -> Result<std::string> {
    MERIDIAN_ASSIGN_OR_RETURN(revoked, rs.consent.revoke(step));
    if (!rs.consent.allows(Step::view)) rs.paused = false;
    boost::json::array steps;
    for (Step s : revoked) steps.push_back(boost::json::value(step_name(s)));
    return "consent_revoked " + json_text({{"step", step_name(step)}, {"revoked", std::move(steps)}});
  });
  if (!changed.ok()) return changed.error();
  return Revocation{std::move(*changed), std::move(revoked)};
}

Result<RemoteSession> RemoteSupportService::set_paused(const Subject& who, std::int64_t id, bool paused,
                                                       const std::string& ip) {
  return consent_change(who, id, ip, Side::customer, [&](RemoteSession& rs) -> Result<std::string> {
    if (!rs.consent.allows(Step::view)) return make_error(ErrorCode::conflict, "the screen is not being shared");
    if (rs.paused == paused)
      return make_error(ErrorCode::conflict, paused ? "sharing is paused already" : "sharing is not paused");
    rs.paused = paused;
    return std::string(paused ? "paused" : "resumed");
  });
}

Result<RemoteSupportService::Ended> RemoteSupportService::end(const Subject& who, std::int64_t id,
                                                              const std::string& ip) {
  auto ended = live_.change(id, [&](LiveSessions::Counts counts) -> Result<RemoteSession> {
    return write_value<RemoteSession>(db_, [&](storage::Session& s) -> Result<RemoteSession> {
      MERIDIAN_TRY(load_for(s, who, id, Action::end_remote_support_session));
      MERIDIAN_TRY(storage::lock_row(s, "remote_support_sessions", id));
      MERIDIAN_ASSIGN_OR_RETURN(auto rs, reload(s, id));
      if (rs.status == SessionStatus::ended) return make_error(ErrorCode::conflict, "this support session has ended");
      const auto r = relationship(who, rs);
      const std::string by = r == Relationship::owner ? "agent" : r == Relationship::member ? "customer" : "admin";
      MERIDIAN_TRY(append_counts(s, rs, counts));
      rs.consent.revoke_all();
      rs.paused = false;
      MERIDIAN_TRY(repo_.save_consent(s, id, rs.consent, rs.paused));
      MERIDIAN_TRY(repo_.end(s, id, clock_.now_ms(), by));
      boost::json::array granted;
      for (Step step : kSteps)
        if (rs.consent.ever_granted(step)) granted.push_back(boost::json::value(step_name(step)));
      const UnixMillis from = rs.redeemed_at.value_or(rs.created_at);
      MERIDIAN_TRY(append(
          s, rs, actor_of(who, rs, ip), "ended",
          json_text({{"by", by}, {"duration_ms", clock_.now_ms() - from}, {"steps_granted", std::move(granted)}})));
      return reload(s, id);
    });
  });
  if (!ended.ok()) return ended.error();
  return Ended{std::move(*ended), live_.forget(id)};
}

bool RemoteSupportService::is_supervisor(const Subject& who) const {
  return who.scope.empty() && policy_.permits(who, Action::approve_remote_support);
}

Result<bool> RemoteSupportService::supervises(const Subject& who, const RemoteSession& s) {
  if (!who.scope.empty()) return false;
  if (is_supervisor(who)) return true;
  if (who.kind != UserKind::employee && who.kind != UserKind::agent) return false;
  MERIDIAN_ASSIGN_OR_RETURN(auto me, identity_.user(who.user_id));
  MERIDIAN_ASSIGN_OR_RETURN(auto agent, identity_.user(s.agent_id));
  for (const auto& led : me.teams)
    if (led.lead)
      for (const auto& t : agent.teams)
        if (t.id == led.id) return true;
  return false;
}

Result<std::vector<std::int64_t>> RemoteSupportService::supervisor_ids(const RemoteSession& s) {
  MERIDIAN_ASSIGN_OR_RETURN(
      auto out, read_value<std::vector<std::int64_t>>(db_, [&](storage::Session& ss) { return repo_.admin_ids(ss); }));
  MERIDIAN_ASSIGN_OR_RETURN(auto agent, identity_.user(s.agent_id));
  for (const auto& t : agent.teams) {
    MERIDIAN_ASSIGN_OR_RETURN(auto leads, identity_.team_leads(t.id));
    out.insert(out.end(), leads.begin(), leads.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<RemoteSession> RemoteSupportService::request_approval(const Subject& who, std::int64_t id,
                                                             const std::string& ip) {
  return write_value<RemoteSession>(db_, [&](storage::Session& s) -> Result<RemoteSession> {
    MERIDIAN_TRY(load_for(s, who, id, Action::conduct_remote_support_session));
    MERIDIAN_TRY(storage::lock_row(s, "remote_support_sessions", id));
    MERIDIAN_ASSIGN_OR_RETURN(auto rs, reload(s, id));
    if (rs.status == SessionStatus::ended) return make_error(ErrorCode::conflict, "this support session has ended");
    if (!rs.customer_sensitive)
      return make_error(ErrorCode::conflict, "this customer is not marked sensitive: no approval is needed");
    if (rs.approval == Approval::pending) return make_error(ErrorCode::conflict, "an approval is pending already");
    if (rs.approval == Approval::approved) return make_error(ErrorCode::conflict, "viewing is approved already");
    MERIDIAN_TRY(repo_.set_approval(s, id, Approval::pending, "", std::nullopt, clock_.now_ms()));
    MERIDIAN_TRY(append(s, rs, actor_of(who, rs, ip), "approval_requested", json_text({{"step", "view"}})));
    if (audit_)
      MERIDIAN_TRY(audit_->record(s, audit::Actor::from(who, ip), "remote_support.approval.request",
                                  "remote_support_session:" + std::to_string(id), "ok", "{}"));
    return reload(s, id);
  });
}

Result<RemoteSession> RemoteSupportService::decide_approval(const Subject& who, std::int64_t id, bool approve,
                                                            const std::string& reason, const std::string& ip) {
  const auto refused = make_error(
      ErrorCode::forbidden,
      "only a supervisor (an admin, or a lead of the agent's team) approves viewing a sensitive customer's screen");
  if (!who.scope.empty() || (who.kind != UserKind::employee && who.kind != UserKind::agent)) return refused;
  MERIDIAN_ASSIGN_OR_RETURN(auto why, clean(reason, "reason", kMaxReasonBytes, !approve));
  // A team lead is no manager in the policy's sense: whether they supervise this session
  // is asked of identity (outside the transaction: it reads through its own).
  auto current = read_value<RemoteSession>(db_, [&](storage::Session& s) { return reload(s, id); });
  if (!current.ok())
    return is_supervisor(who) || current.error().code != ErrorCode::not_found ? current.error() : refused;
  MERIDIAN_ASSIGN_OR_RETURN(bool supervisor, supervises(who, *current));
  if (!supervisor) return refused;
  return write_value<RemoteSession>(db_, [&](storage::Session& s) -> Result<RemoteSession> {
    MERIDIAN_TRY(storage::lock_row(s, "remote_support_sessions", id));
    MERIDIAN_ASSIGN_OR_RETURN(auto rs, reload(s, id));
    if (rs.agent_id == who.user_id)
      return make_error(ErrorCode::forbidden, "another supervisor decides on your own session's request");
    if (rs.status == SessionStatus::ended) return make_error(ErrorCode::conflict, "this support session has ended");
    if (rs.approval != Approval::pending)
      return make_error(ErrorCode::conflict, "no approval is pending for this session");
    MERIDIAN_TRY(
        repo_.set_approval(s, id, approve ? Approval::approved : Approval::refused, why, who.user_id, clock_.now_ms()));
    LogActor actor{"supervisor:" + std::to_string(who.user_id), who.country, LogPerson{who.user_id, who.email, ip}};
    MERIDIAN_TRY(append(s, rs, actor, approve ? "approval_granted" : "approval_refused",
                        json_text({{"step", "view"}, {"with_reason", !why.empty()}})));
    if (audit_)
      MERIDIAN_TRY(audit_->record(s, audit::Actor::from(who, ip), "remote_support.approval.decide",
                                  "remote_support_session:" + std::to_string(id), approve ? "approved" : "refused",
                                  json_text({{"reason", why}})));
    return reload(s, id);
  });
}

Result<std::vector<RemoteSession>> RemoteSupportService::pending_approvals(const Subject& who) {
  const auto refused = make_error(ErrorCode::forbidden, "only a supervisor sees the approvals waiting for a decision");
  if (!who.scope.empty()) return refused;
  bool leads_a_team = false;
  if (!is_supervisor(who)) {
    if (who.kind != UserKind::employee && who.kind != UserKind::agent) return refused;
    MERIDIAN_ASSIGN_OR_RETURN(auto me, identity_.user(who.user_id));
    for (const auto& t : me.teams) leads_a_team = leads_a_team || t.lead;
    if (!leads_a_team) return refused;
  }
  SessionFilter f;
  f.approval = Approval::pending;
  f.limit = 200;
  MERIDIAN_ASSIGN_OR_RETURN(
      auto all, read_value<std::vector<RemoteSession>>(db_, [&](storage::Session& s) { return repo_.sessions(s, f); }));
  std::vector<RemoteSession> out;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    MERIDIAN_ASSIGN_OR_RETURN(bool mine, supervises(who, *it));
    if (mine) out.push_back(std::move(*it));
  }
  return out;
}

Result<std::vector<SensitiveCustomer>> RemoteSupportService::sensitive_customers(const Subject& who) {
  MERIDIAN_TRY(policy_.require(who, Action::manage_support));
  return read_value<std::vector<SensitiveCustomer>>(db_,
                                                    [&](storage::Session& s) { return repo_.sensitive_customers(s); });
}

Result<SensitiveCustomer> RemoteSupportService::mark_sensitive(const Subject& who, std::int64_t customer_id,
                                                               const std::string& note, const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, Action::manage_support));
  MERIDIAN_ASSIGN_OR_RETURN(auto text, clean(note, "note", kMaxReasonBytes, false));
  auto u = identity_.user(customer_id);
  if (!u.ok() && u.error().code == ErrorCode::not_found) return make_error(ErrorCode::not_found, "no such customer");
  if (!u.ok()) return u.error();
  if (u->kind != UserKind::customer)
    return make_error(ErrorCode::invalid_argument, "only customer accounts are marked sensitive");
  return write_value<SensitiveCustomer>(db_, [&](storage::Session& s) -> Result<SensitiveCustomer> {
    MERIDIAN_TRY(repo_.mark_sensitive(s, customer_id, text, who.user_id, clock_.now_ms()));
    if (audit_)
      MERIDIAN_TRY(audit_->record(s, audit::Actor::from(who, ip), "remote_support.customer.mark_sensitive",
                                  "user:" + std::to_string(customer_id), "ok", json_text({{"note", text}})));
    MERIDIAN_ASSIGN_OR_RETURN(auto out, repo_.sensitive_customer(s, customer_id));
    if (!out) return make_error(ErrorCode::internal, "the sensitive mark was not stored");
    return std::move(*out);
  });
}

Result<void> RemoteSupportService::unmark_sensitive(const Subject& who, std::int64_t customer_id,
                                                    const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, Action::manage_support));
  return db_.write([&](storage::Session& s) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(bool removed, repo_.unmark_sensitive(s, customer_id));
    if (!removed) return make_error(ErrorCode::not_found, "this customer is not marked sensitive");
    if (audit_)
      MERIDIAN_TRY(audit_->record(s, audit::Actor::from(who, ip), "remote_support.customer.unmark_sensitive",
                                  "user:" + std::to_string(customer_id), "ok", "{}"));
    return {};
  });
}

}  // namespace meridian::remote_support
