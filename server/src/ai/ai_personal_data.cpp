#include "ai/ai_personal_data.hpp"

#include <boost/json/array.hpp>

#include "ai/ai_repository.hpp"

namespace meridian::ai {
namespace {

using platform::PersonalRecordCount;

constexpr std::int64_t kAllAnswers = 1'000'000;

Result<std::vector<PersonalRecordCount>> count_records(storage::Session& s, std::int64_t user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto docs, AiRepository{}.documents_of(s, user_id));
  std::int64_t chunks = 0;
  for (const auto& d : docs) chunks += d.chunk_count;
  MERIDIAN_ASSIGN_OR_RETURN(auto answers, AiRepository{}.answers_of(s, user_id, "", kAllAnswers));
  MERIDIAN_ASSIGN_OR_RETURN(auto usage, AiRepository{}.count_usage_of(s, user_id));
  return std::vector<PersonalRecordCount>{{"ai.indexed_files", static_cast<std::int64_t>(docs.size())},
                                          {"ai.index_chunks", chunks},
                                          {"ai.answers", static_cast<std::int64_t>(answers.size())},
                                          {"ai.usage_days", usage}};
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
  // The questions they asked and the answers they were given (their own words and what was shown to them).
  MERIDIAN_ASSIGN_OR_RETURN(auto asked, AiRepository{}.answers_of(s, user_id, "", kAllAnswers));
  boost::json::array answers;
  for (const auto& a : asked)
    answers.push_back(boost::json::object{{"id", a.id},
                                          {"scope", a.scope},
                                          {"question", a.question},
                                          {"status", a.status},
                                          {"provider", a.provider},
                                          {"answer", a.text},
                                          {"created_at", a.created_at}});
  return boost::json::object{{"indexed_files", std::move(files)}, {"answers", std::move(answers)}};
}

Result<void> erase_records(storage::Session& s, std::int64_t user_id, platform::ErasureReport& report) {
  AiRepository repo;
  MERIDIAN_ASSIGN_OR_RETURN(auto docs, repo.documents_of(s, user_id));
  std::int64_t chunks = 0;
  for (const auto& d : docs) {
    chunks += d.chunk_count;
    MERIDIAN_TRY(repo.delete_document(s, d.file_id));
  }
  MERIDIAN_ASSIGN_OR_RETURN(auto answers, repo.delete_answers_of(s, user_id));
  // Their token counts go too (the organisation's month then counts them no more).
  MERIDIAN_ASSIGN_OR_RETURN(auto usage, repo.count_usage_of(s, user_id));
  MERIDIAN_TRY(repo.delete_usage_of(s, user_id));
  report.erased = {{"ai.indexed_files", static_cast<std::int64_t>(docs.size())},
                   {"ai.index_chunks", chunks},
                   {"ai.answers", answers},
                   {"ai.usage_days", usage}};
  return {};
}

}  // namespace

AiPersonalData::AiPersonalData(storage::Database& db)
    : StoredPersonalData(db, {"ai",
                              count_records,
                              collect,
                              erase_records,
                              {"ai_documents", "ai_chunks", "ai_postings", "ai_answers", "ai_usage"}}) {}

}  // namespace meridian::ai
