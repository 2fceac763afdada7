#include "ai/ai_personal_data.hpp"

#include <boost/json/array.hpp>

#include "ai/ai_repository.hpp"

namespace meridian::ai {
namespace {

using platform::PersonalRecordCount;

Result<std::vector<PersonalRecordCount>> count_records(storage::Session& s, std::int64_t user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto docs, AiRepository{}.documents_of(s, user_id));
  std::int64_t chunks = 0;
  for (const auto& d : docs) chunks += d.chunk_count;
  return std::vector<PersonalRecordCount>{{"ai.indexed_files", static_cast<std::int64_t>(docs.size())},
                                          {"ai.index_chunks", chunks}};
}

// What was indexed, not the index itself (its text is the files' own).
Result<boost::json::object> collect(storage::Session& s, std::int64_t user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto docs, AiRepository{}.documents_of(s, user_id));
  boost::json::array files;
  for (const auto& d : docs)
    files.push_back(boost::json::object{{"file_id", d.file_id},
                                        {"version", d.version},
                                        {"name", d.name},
                                        {"status", d.status},
                                        {"chunks", d.chunk_count},
                                        {"updated_at", d.updated_at}});
  return boost::json::object{{"indexed_files", std::move(files)}};
}

Result<void> erase_records(storage::Session& s, std::int64_t user_id, platform::ErasureReport& report) {
  AiRepository repo;
  MERIDIAN_ASSIGN_OR_RETURN(auto docs, repo.documents_of(s, user_id));
  std::int64_t chunks = 0;
  for (const auto& d : docs) {
    chunks += d.chunk_count;
    MERIDIAN_TRY(repo.delete_document(s, d.file_id));
  }
  report.erased = {{"ai.indexed_files", static_cast<std::int64_t>(docs.size())}, {"ai.index_chunks", chunks}};
  return {};
}

}  // namespace

AiPersonalData::AiPersonalData(storage::Database& db)
    : StoredPersonalData(db,
                         {"ai", count_records, collect, erase_records, {"ai_documents", "ai_chunks", "ai_postings"}}) {}

}  // namespace meridian::ai
