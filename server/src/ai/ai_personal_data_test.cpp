#include "ai/ai_personal_data.hpp"

#include <gtest/gtest.h>

#include "ai/ai_test_support.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/personal_data_checks.hpp"

namespace meridian::ai {
namespace {

using meridian::testing::count_of;

class AiPersonalDataTest : public testing::AiTest {};

TEST_P(AiPersonalDataTest, ErasureDeletesTheIndexOfWhatThePersonUploadedAndNothingElse) {
  const auto ana = person("ana");
  const auto ben = person("ben");
  upload(ana, personal_space(ana), 0, "a.md", "Refunds are accepted within 30 days.");
  upload(ana, personal_space(ana), 0, "b.md", "Trains are preferred for short trips.");
  const auto bens = upload(ben, personal_space(ben), 0, "c.md", "Parking is free in the east garage.");
  // A question each asked through a streamed answer (their words and what they were shown).
  for (const auto& [who, q] : {std::pair{ana, "How long for refunds?"}, std::pair{ben, "Where is parking?"}})
    ASSERT_TRUE(db_->write([&](storage::Session& s) -> Result<void> {
                     StoredAnswer a{0, who.user_id, "files:all", q, "done", "builtin", "Within 30 days.", "", "", 1, 1};
                     return AiRepository{}.create_answer(s, a).ok() ? Result<void>{}
                                                                    : make_error(ErrorCode::internal, "x");
                   })
                    .ok());
  AiPersonalData port(*db_);

  auto listed = port.list_personal_data(ana.user_id);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(count_of(listed->records, "ai.indexed_files"), 2);
  EXPECT_EQ(count_of(listed->records, "ai.index_chunks"), 2);
  EXPECT_EQ(count_of(listed->records, "ai.answers"), 1);
  auto exported = port.export_personal_data(ana.user_id);
  ASSERT_TRUE(exported.ok());
  EXPECT_NE(exported->json.find("\"name\":\"a.md\""), std::string::npos);
  EXPECT_NE(exported->json.find("How long for refunds?"), std::string::npos);
  EXPECT_EQ(exported->json.find("Where is parking?"), std::string::npos);
  EXPECT_EQ(exported->json.find("Refunds"), std::string::npos);  // the index's text is the file's own

  auto erased = port.erase_personal_data(ana.user_id);
  ASSERT_TRUE(erased.ok());
  EXPECT_EQ(count_of(erased->erased, "ai.indexed_files"), 2);
  EXPECT_EQ(count_of(erased->erased, "ai.answers"), 1);
  EXPECT_EQ(rows("SELECT question FROM ai_answers"), std::vector<std::string>{"Where is parking?|"});
  EXPECT_EQ(rows("SELECT file_id FROM ai_documents"), std::vector<std::string>{std::to_string(bens.id) + "|"});
  EXPECT_EQ(rows("SELECT COUNT(*) FROM ai_postings WHERE chunk_id NOT IN (SELECT id FROM ai_chunks)"),
            std::vector<std::string>{"0|"});
  auto again = meridian::testing::erase_again(port, ana.user_id, [&] {
    return rows_of({"SELECT * FROM ai_documents ORDER BY file_id", "SELECT * FROM ai_chunks ORDER BY id",
                    "SELECT * FROM ai_answers ORDER BY id"});
  });
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->kept.empty());
  EXPECT_EQ(count_of(port.list_personal_data(ana.user_id)->records, "ai.indexed_files"), 0);
}

INSTANTIATE_TEST_SUITE_P(Stores, AiPersonalDataTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::ai
