#include "files/files_personal_data.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "files/files_service.hpp"
#include "files/share_links.hpp"
#include "region/feature_toggles.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"
#include "testing/personal_data_checks.hpp"
#include "testing/temp_disk_store.hpp"
#include "testing/upload.hpp"

namespace meridian::files {
namespace {

using testing::count_of;

class FilesPersonalDataTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    toggles_ = std::make_unique<region::FeatureToggles>(*db_, *audit_, clock_, 0);
    files_ = std::make_unique<FilesService>(*db_, *store_, clock_);
    links_ = std::make_unique<ShareLinks>(*db_, *files_, *toggles_, hasher_, clock_);
    port_ = std::make_unique<FilesPersonalData>(*db_, clock_, *files_);
    ana_ = caller("ana", UserKind::employee, "192.0.2.7");
    ben_ = caller("ben", UserKind::employee, "192.0.2.8");
  }

  std::int64_t personal(const Caller& who) {
    auto spaces = files_->list_spaces(who.subject);
    EXPECT_TRUE(spaces.ok());
    for (const auto& s : *spaces)
      if (s.kind == SpaceKind::personal && s.owner_user_id == who.subject.user_id) return s.id;
    ADD_FAILURE() << "no personal space";
    return 0;
  }

  std::int64_t upload(const Caller& who, std::int64_t space, const std::string& name, const std::string& bytes) {
    auto node = testing::upload_bytes(*files_, *store_, who, space, 0, name, bytes);
    EXPECT_TRUE(node.ok()) << (node.ok() ? "" : node.error().message);
    return node.ok() ? node->id : 0;
  }

  std::vector<std::string> everything() {
    return rows_of({"SELECT * FROM file_spaces ORDER BY id", "SELECT * FROM file_nodes ORDER BY id",
                    "SELECT * FROM file_versions ORDER BY id", "SELECT * FROM file_blobs ORDER BY id",
                    "SELECT * FROM file_grants ORDER BY id", "SELECT * FROM file_links ORDER BY id",
                    "SELECT * FROM file_activity ORDER BY id"});
  }

  std::vector<std::string> of(std::int64_t id) {
    return rows_of({"SELECT * FROM file_grants WHERE grantee_kind = 'user' AND grantee_id = ? ORDER BY id",
                    "SELECT * FROM file_links WHERE created_by = ? ORDER BY id",
                    "SELECT * FROM file_nodes WHERE locked_by = ? ORDER BY id",
                    "SELECT * FROM file_activity WHERE actor_user_id = ? ORDER BY id"},
                   {id});
  }

  testing::TempDiskStore store_{"meridian-pd-files"};
  std::unique_ptr<region::FeatureToggles> toggles_;
  std::unique_ptr<FilesService> files_;
  std::unique_ptr<ShareLinks> links_;
  std::unique_ptr<FilesPersonalData> port_;
  Caller ana_, ben_;
};

TEST_P(FilesPersonalDataTest, ErasureDeletesThePersonalSpacesFilesAndRevokesLinksDropsGrantsAndLocks) {
  const auto anas_space = personal(ana_);
  const auto anas_file = upload(ana_, anas_space, "diary.txt", "dear diary");
  ASSERT_TRUE(links_->create(ana_, anas_file, {}).ok());
  // Ben lets Ana edit his space; she adds a file there and locks it.
  const auto bens_space = personal(ben_);
  ASSERT_TRUE(files_->add_grant(ben_, bens_space, 0, "user", ana_.subject.user_id, FileRole::editor).ok());
  const auto in_bens = upload(ana_, bens_space, "notes.txt", "for ben");
  ASSERT_TRUE(files_->lock(ana_, in_bens, 600).ok());
  const auto bens_file = upload(ben_, bens_space, "plan.txt", "bens plan");
  ASSERT_TRUE(links_->create(ben_, bens_file, {}).ok());

  const auto seen = testing::disclose(*port_, ana_.subject.user_id);
  ASSERT_TRUE(seen);
  EXPECT_EQ(count_of(seen->records, "files.files"), 1);
  EXPECT_EQ(count_of(seen->records, "files.grants"), 1);
  EXPECT_EQ(count_of(seen->records, "files.share_links"), 1);
  EXPECT_EQ(count_of(seen->records, "files.locks"), 1);
  const auto& json = seen->json;
  EXPECT_EQ(json.at("personal_files").as_array().size(), 1u);
  EXPECT_FALSE(json.at("activity").as_array().empty());

  const auto ben_before = of(ben_.subject.user_id);
  clock_.advance_ms(1000);
  auto report = port_->erase_personal_data(ana_.subject.user_id);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(count_of(report->erased, "files.grants"), 1);
  EXPECT_EQ(count_of(report->erased, "files.locks"), 1);
  EXPECT_EQ(count_of(report->pseudonymised, "files.share_links"), 0);  // it went with her diary
  EXPECT_EQ(count_of(report->erased, "files.files"), 1);
  EXPECT_EQ(count_of(report->erased, "files.versions"), 1);
  EXPECT_TRUE(report->kept.empty());
  EXPECT_TRUE(report->reasons_kept.empty());
  // The diary's object is gone from the store; Ben's files are still there.
  EXPECT_EQ(rows("SELECT COUNT(*) FROM file_nodes WHERE space_id = ?", {anas_space}), std::vector<std::string>{"0|"});
  auto objects = store_->list("");
  ASSERT_TRUE(objects.ok());
  EXPECT_EQ(objects->size(), 2u);  // Ben's plan and Ana's notes in Ben's space

  // Of Ana: her revoked link and her activity without address; nothing else names her.
  for (const auto& line : of(ana_.subject.user_id)) {
    const bool link = line.find("FROM file_links") != std::string::npos;
    const bool activity = line.find("FROM file_activity") != std::string::npos;
    EXPECT_TRUE(link || activity) << line;
    EXPECT_EQ(line.find("192.0.2.7"), std::string::npos) << line;
  }
  EXPECT_EQ(rows("SELECT COUNT(*) FROM file_links WHERE created_by = ? AND revoked_at = 0", {ana_.subject.user_id}),
            std::vector<std::string>{"0|"});
  EXPECT_EQ(ben_before, of(ben_.subject.user_id));

  clock_.advance_ms(1000);
  auto again = testing::erase_again(*port_, ana_.subject.user_id, [&] { return everything(); });
  ASSERT_TRUE(again);
  EXPECT_EQ(again->reasons_kept, report->reasons_kept);
}

INSTANTIATE_TEST_SUITE_P(Stores, FilesPersonalDataTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::files
