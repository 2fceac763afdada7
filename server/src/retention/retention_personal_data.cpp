#include "retention/retention_personal_data.hpp"

#include <boost/json/object.hpp>
#include <vector>

namespace meridian::retention {
namespace {

using platform::PersonalRecordCount;

constexpr const char* kCountHolds = "SELECT COUNT(*) FROM legal_holds WHERE created_by = ?";
constexpr const char* kCountPolicies = "SELECT COUNT(*) FROM retention_policies WHERE updated_by = ?";
constexpr const char* kReason = "retention: the policies and holds an administrator set name the account by id only";

Result<std::vector<PersonalRecordCount>> counts(storage::Session& s, std::int64_t user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto holds, storage::query_integer(s, kCountHolds, {user_id}));
  MERIDIAN_ASSIGN_OR_RETURN(auto policies, storage::query_integer(s, kCountPolicies, {user_id}));
  return std::vector<PersonalRecordCount>{{"retention.holds_set", holds}, {"retention.policies_set", policies}};
}

Result<boost::json::object> collect(storage::Session& s, std::int64_t user_id) {
  return platform::export_queries(
      s, user_id,
      {{"holds_set",
        "SELECT scope, created_at FROM legal_holds WHERE created_by = ? ORDER BY scope",
        {"scope", "created_at"}},
       {"policies_set",
        "SELECT scope, keep_days, updated_at FROM retention_policies WHERE updated_by = ? ORDER BY scope",
        {"scope", "keep_days", "updated_at"}}});
}

Result<void> erase_records(storage::Session& s, std::int64_t user_id, platform::ErasureReport& report) {
  MERIDIAN_ASSIGN_OR_RETURN(auto kept, counts(s, user_id));
  bool any = false;
  for (const auto& k : kept) any = any || k.count > 0;
  if (!any) return {};
  report.kept = std::move(kept);
  report.reasons_kept.emplace_back(kReason);
  return {};
}

}  // namespace

RetentionPersonalData::RetentionPersonalData(storage::Database& db)
    : StoredPersonalData(db, {"retention", counts, collect, erase_records, {"retention_policies", "legal_holds"}}) {}

}  // namespace meridian::retention
