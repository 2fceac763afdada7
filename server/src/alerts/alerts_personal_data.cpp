#include "alerts/alerts_personal_data.hpp"

#include <boost/json/object.hpp>
#include <string>
#include <vector>

namespace meridian::alerts {
namespace {

using platform::PersonalRecordCount;

constexpr const char* kErasedName = "Former user";
constexpr const char* kCountReceipts = "SELECT COUNT(*) FROM alert_recipients WHERE user_id = ?";
constexpr const char* kCountSent = "SELECT COUNT(*) FROM alerts WHERE sender_id = ?";
constexpr const char* kCountSchedules = "SELECT COUNT(*) FROM alert_schedules WHERE sender_id = ?";
constexpr const char* kCountIntegrations = "SELECT COUNT(*) FROM alert_integrations WHERE created_by = ?";

Result<std::vector<PersonalRecordCount>> count_records(storage::Session& s, std::int64_t user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto receipts, storage::query_integer(s, kCountReceipts, {user_id}));
  MERIDIAN_ASSIGN_OR_RETURN(auto sent, storage::query_integer(s, kCountSent, {user_id}));
  MERIDIAN_ASSIGN_OR_RETURN(auto schedules, storage::query_integer(s, kCountSchedules, {user_id}));
  MERIDIAN_ASSIGN_OR_RETURN(auto integrations, storage::query_integer(s, kCountIntegrations, {user_id}));
  return std::vector<PersonalRecordCount>{{"alerts.receipts", receipts},
                                          {"alerts.sent", sent},
                                          {"alerts.schedules", schedules},
                                          {"alerts.integrations", integrations}};
}

Result<boost::json::object> collect(storage::Session& s, std::int64_t user_id) {
  return platform::export_queries(
      s, user_id,
      {{"received",
        "SELECT a.id, a.title, a.body, a.priority, a.category, a.created_at, r.delivered_at, r.read_at, "
        "r.acknowledged_at, r.ack_comment FROM alert_recipients r JOIN alerts a ON a.id = r.alert_id WHERE "
        "r.user_id = ? ORDER BY a.id",
        {"id", "title", "body", "priority", "category", "created_at", "delivered_at", "read_at", "acknowledged_at",
         "ack_comment"}},
       {"sent",
        "SELECT id, title, body, priority, category, status, recipient_count, ack_count, created_at, resolved_at "
        "FROM alerts WHERE sender_id = ? ORDER BY id",
        {"id", "title", "body", "priority", "category", "status", "recipients", "acknowledged", "created_at",
         "resolved_at"}},
       {"schedules",
        "SELECT id, title, alert, starts_local, time_zone, rrule, state, fired_count, created_at FROM "
        "alert_schedules WHERE sender_id = ? ORDER BY id",
        {"id", "title", "alert", "starts_local", "time_zone", "rrule", "state", "fired_count", "created_at"}},
       {"integrations_created",
        "SELECT id, name, kind, created_at FROM alert_integrations WHERE created_by = ? ORDER BY id",
        {"id", "name", "kind", "created_at"}}});
}

Result<void> erase_records(storage::Session& s, std::int64_t user_id, platform::ErasureReport& report) {
  MERIDIAN_ASSIGN_OR_RETURN(auto receipts, storage::query_integer(s, kCountReceipts, {user_id}));
  MERIDIAN_ASSIGN_OR_RETURN(auto sent, storage::query_integer(s, kCountSent, {user_id}));
  MERIDIAN_ASSIGN_OR_RETURN(auto schedules, storage::query_integer(s, kCountSchedules, {user_id}));
  MERIDIAN_ASSIGN_OR_RETURN(auto integrations, storage::query_integer(s, kCountIntegrations, {user_id}));
  MERIDIAN_ASSIGN_OR_RETURN(auto holds, platform::holds_on_person(s, user_id));
  if (!holds.empty()) {
    report.kept = {{"alerts.receipts", receipts},
                   {"alerts.sent", sent},
                   {"alerts.schedules", schedules},
                   {"alerts.integrations", integrations}};
    report.reasons_kept = std::move(holds);
    return {};
  }
  MERIDIAN_TRY(storage::exec(s, "UPDATE alert_recipients SET ack_comment = '' WHERE user_id = ? AND ack_comment <> ''",
                             {user_id}));
  MERIDIAN_TRY(storage::exec(s, "UPDATE alerts SET sender_name = ? WHERE sender_id = ? AND sender_name <> ?",
                             {std::string(kErasedName), user_id, std::string(kErasedName)}));
  // Their scheduled alerts go with them (what they already sent stays, as above): an
  // erased account sends nothing more.
  MERIDIAN_TRY(storage::exec(s,
                             "DELETE FROM alert_schedule_zones WHERE schedule_id IN (SELECT id FROM alert_schedules "
                             "WHERE sender_id = ?)",
                             {user_id}));
  MERIDIAN_TRY(storage::exec(s, "DELETE FROM alert_schedules WHERE sender_id = ?", {user_id}));
  // An integration they configured belongs to the organisation: it stays, without its creator.
  MERIDIAN_TRY(storage::exec(s, "UPDATE alert_integrations SET created_by = NULL WHERE created_by = ?", {user_id}));
  report.pseudonymised = {{"alerts.receipts", receipts}, {"alerts.sent", sent}, {"alerts.integrations", integrations}};
  report.erased = {{"alerts.schedules", schedules}};
  return {};
}

}  // namespace

AlertsPersonalData::AlertsPersonalData(storage::Database& db)
    : StoredPersonalData(
          db, {"alerts",
               count_records,
               collect,
               erase_records,
               {"alerts", "alert_recipients", "alert_schedules", "alert_schedule_zones", "alert_integrations"}}) {}

}  // namespace meridian::alerts
