#include "platform/personal_data.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace meridian::platform {

Result<PersonalDataSummary> StoredPersonalData::list_personal_data(std::int64_t user_id) {
  return storage::read_value<PersonalDataSummary>(db_, [&](storage::Session& s) -> Result<PersonalDataSummary> {
    MERIDIAN_ASSIGN_OR_RETURN(auto records, parts_.count(s, user_id));
    return PersonalDataSummary{std::string(module()), std::move(records)};
  });
}

Result<PersonalDataExport> StoredPersonalData::export_personal_data(std::int64_t user_id) {
  return storage::read_value<PersonalDataExport>(db_, [&](storage::Session& s) -> Result<PersonalDataExport> {
    MERIDIAN_ASSIGN_OR_RETURN(auto json, parts_.collect(s, user_id));
    return PersonalDataExport{std::string(module()), boost::json::serialize(json)};
  });
}

Result<ErasureReport> StoredPersonalData::erase_personal_data(std::int64_t user_id) {
  return storage::write_value<ErasureReport>(db_, [&](storage::Session& s) -> Result<ErasureReport> {
    ErasureReport report;
    report.module = std::string(module());
    MERIDIAN_TRY(parts_.erase(s, user_id, report));
    return report;
  });
}

Result<std::vector<std::string>> holds_on_person(storage::Session& s, std::int64_t user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(
      auto rows, s.query("SELECT scope, reason FROM legal_holds WHERE kind = 'user' AND target_id = ? ORDER BY scope",
                         {user_id}));
  std::vector<std::string> out;
  for (const auto& r : rows)
    out.push_back("legal hold '" + r.text(0) + "'" + (r.text(1).empty() ? std::string() : ": " + r.text(1)));
  return out;
}

Result<boost::json::array> export_rows(storage::Session& s, std::string_view sql, const storage::Params& params,
                                       std::initializer_list<const char*> keys) {
  auto rows = s.query(sql, params);
  if (!rows.ok()) return rows.error();
  boost::json::array out;
  for (const auto& r : *rows) {
    boost::json::object o;
    std::size_t i = 0;
    for (const char* key : keys) {
      const storage::Value& v = r.at(i++);
      if (auto n = std::get_if<std::int64_t>(&v))
        o[key] = *n;
      else if (auto d = std::get_if<double>(&v))
        o[key] = *d;
      else if (auto t = std::get_if<std::string>(&v))
        o[key] = *t;
      else
        o[key] = nullptr;
    }
    out.push_back(std::move(o));
  }
  return out;
}

Result<boost::json::object> export_queries(storage::Session& s, std::int64_t user_id,
                                           std::initializer_list<ExportQuery> queries) {
  boost::json::object out;
  for (const ExportQuery& q : queries) {
    MERIDIAN_ASSIGN_OR_RETURN(out[q.key], export_rows(s, q.sql, {user_id}, q.columns));
  }
  return out;
}

}  // namespace meridian::platform
