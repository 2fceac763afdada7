#include "remote_support/remote_support_personal_data.hpp"

#include <string>
#include <vector>

namespace meridian::remote_support {
namespace {

using platform::PersonalRecordCount;

constexpr const char* kCustomerDetails =
    "SELECT COUNT(*) FROM remote_support_customers WHERE session_id IN "
    "(SELECT id FROM remote_support_sessions WHERE customer_user_id = ?) AND (name <> '' OR email <> '' OR topic <> "
    "'')";

Result<std::vector<PersonalRecordCount>> count_records(storage::Session& s, std::int64_t user_id) {
  std::vector<PersonalRecordCount> out;
  for (const auto& [kind, sql] : {
           std::pair{"remote_support.sessions_as_customer",
                     "SELECT COUNT(*) FROM remote_support_sessions WHERE customer_user_id = ?"},
           std::pair{"remote_support.sessions_as_agent",
                     "SELECT COUNT(*) FROM remote_support_sessions WHERE agent_id = ?"},
           std::pair{"remote_support.customer_details", kCustomerDetails},
           std::pair{"remote_support.log_names", "SELECT COUNT(*) FROM remote_support_log_people WHERE user_id = ?"},
           std::pair{"remote_support.sensitive_mark",
                     "SELECT COUNT(*) FROM remote_support_sensitive_customers WHERE customer_id = ?"},
           std::pair{"remote_support.requests",
                     "SELECT COUNT(*) FROM remote_support_requests WHERE customer_user_id = ?"},
       }) {
    MERIDIAN_ASSIGN_OR_RETURN(auto n, storage::query_integer(s, sql, {user_id}));
    out.push_back({kind, n});
  }
  return out;
}

Result<boost::json::object> collect(storage::Session& s, std::int64_t user_id) {
  return platform::export_queries(
      s, user_id,
      {{"sessions_as_customer",
        "SELECT r.id, r.created_at, r.status, r.customer_country, COALESCE(c.name, ''), COALESCE(c.email, ''), "
        "COALESCE(c.topic, '') FROM remote_support_sessions r LEFT JOIN remote_support_customers c "
        "ON c.session_id = r.id WHERE r.customer_user_id = ? ORDER BY r.id",
        {"id", "created_at", "status", "country", "name", "email", "topic"}},
       {"sessions_as_agent",
        "SELECT id, created_at, status FROM remote_support_sessions WHERE agent_id = ? ORDER BY id",
        {"id", "created_at", "status"}},
       {"log_names",
        "SELECT session_id, seq, name, address FROM remote_support_log_people WHERE user_id = ? "
        "ORDER BY session_id, seq",
        {"session_id", "seq", "name", "address"}},
       {"sensitive_mark",
        "SELECT note, marked_at FROM remote_support_sensitive_customers WHERE customer_id = ?",
        {"note", "marked_at"}},
       {"requests",
        "SELECT id, created_at, status, country, topic FROM remote_support_requests WHERE customer_user_id = ? "
        "ORDER BY id",
        {"id", "created_at", "status", "country", "topic"}}});
}

Result<void> erase_records(storage::Session& s, std::int64_t user_id, platform::ErasureReport& report) {
  MERIDIAN_ASSIGN_OR_RETURN(auto details, storage::query_integer(s, kCustomerDetails, {user_id}));
  MERIDIAN_TRY(storage::exec(s,
                             "UPDATE remote_support_customers SET name = '', email = '', topic = '' WHERE session_id "
                             "IN (SELECT id FROM remote_support_sessions WHERE customer_user_id = ?)",
                             {user_id}));
  MERIDIAN_ASSIGN_OR_RETURN(
      auto names,
      storage::query_integer(s, "SELECT COUNT(*) FROM remote_support_log_people WHERE user_id = ?", {user_id}));
  MERIDIAN_TRY(storage::exec(
      s, "UPDATE remote_support_log_people SET name = '', address = '', user_id = NULL WHERE user_id = ?", {user_id}));
  MERIDIAN_ASSIGN_OR_RETURN(
      auto marks, storage::query_integer(
                      s, "SELECT COUNT(*) FROM remote_support_sensitive_customers WHERE customer_id = ?", {user_id}));
  MERIDIAN_TRY(storage::exec(s, "DELETE FROM remote_support_sensitive_customers WHERE customer_id = ?", {user_id}));
  MERIDIAN_TRY(storage::exec(s, "UPDATE remote_support_sensitive_customers SET marked_by = NULL WHERE marked_by = ?",
                             {user_id}));
  MERIDIAN_TRY(
      storage::exec(s, "UPDATE remote_support_consent_policy SET changed_by = NULL WHERE changed_by = ?", {user_id}));
  MERIDIAN_ASSIGN_OR_RETURN(
      auto requests,
      storage::query_integer(s, "SELECT COUNT(*) FROM remote_support_requests WHERE customer_user_id = ?", {user_id}));
  MERIDIAN_TRY(storage::exec(s, "DELETE FROM remote_support_requests WHERE customer_user_id = ?", {user_id}));
  MERIDIAN_TRY(
      storage::exec(s, "UPDATE remote_support_requests SET accepted_by = NULL WHERE accepted_by = ?", {user_id}));
  report.erased.push_back({"remote_support.requests", requests});
  report.erased.push_back({"remote_support.sensitive_mark", marks});
  report.erased.push_back({"remote_support.customer_details", details});
  report.erased.push_back({"remote_support.log_names", names});
  MERIDIAN_ASSIGN_OR_RETURN(
      auto sessions, storage::query_integer(
                         s, "SELECT COUNT(*) FROM remote_support_sessions WHERE customer_user_id = ? OR agent_id = ?",
                         {user_id, user_id}));
  report.kept.push_back({"remote_support.sessions", sessions});
  if (sessions > 0)
    report.reasons_kept.push_back(
        "remote support session logs are tamper-evident security records: they keep pseudonymous ids and events "
        "only, no names, e-mails or addresses");
  return {};
}

}  // namespace

RemoteSupportPersonalData::RemoteSupportPersonalData(storage::Database& db)
    : StoredPersonalData(db, {"remote_support",
                              count_records,
                              collect,
                              erase_records,
                              {"remote_support_sessions", "remote_support_customers", "remote_support_log",
                               "remote_support_log_people", "remote_support_sensitive_customers",
                               "remote_support_consent_policy", "remote_support_requests"}}) {}

}  // namespace meridian::remote_support
