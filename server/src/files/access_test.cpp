// Search by name (only what the searcher may read) and short-lived download tokens.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/random.hpp"
#include "files/download_tokens.hpp"
#include "files/file_search.hpp"
#include "identity/identity_service.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"
#include "testing/temp_disk_store.hpp"
#include "testing/upload.hpp"

namespace meridian::files {
namespace {
namespace fs = std::filesystem;

TEST(DownloadTokensTest, ATokenOpensOneFileUntilItExpires) {
  init_crypto();
  ManualClock clock;
  DownloadTokens tokens(clock, "", 60'000);
  auto t = tokens.issue(7, 42, 3);
  EXPECT_EQ(t.expires_at, clock.now_ms() + 60'000);
  auto ok = tokens.verify(t.token, 42);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->user_id, 7);
  EXPECT_EQ(ok->node_id, 42);
  EXPECT_EQ(ok->version, 3);
  // Another file: refused, whatever the path says.
  EXPECT_EQ(tokens.verify(t.token, 43).error().code, ErrorCode::forbidden);
  // Changing any field breaks the MAC.
  std::string forged = t.token;
  forged.replace(0, 1, "8");
  EXPECT_EQ(tokens.verify(forged, 42).error().code, ErrorCode::unauthenticated);
  std::string other_node = "7.43.3." + std::to_string(t.expires_at) + t.token.substr(t.token.rfind('.'));
  EXPECT_EQ(tokens.verify(other_node, 43).error().code, ErrorCode::unauthenticated);
  const std::vector<std::string> malformed{"", ".", "a.b.c.d.e", "7.42.3", std::string(300, 'x')};
  for (const auto& bad : malformed) EXPECT_EQ(tokens.verify(bad, 42).error().code, ErrorCode::unauthenticated) << bad;
  // Expiry, to the millisecond.
  clock.advance_ms(59'999);
  EXPECT_TRUE(tokens.verify(t.token, 42).ok());
  clock.advance_ms(1);
  EXPECT_EQ(tokens.verify(t.token, 42).error().code, ErrorCode::unauthenticated);
  // Another process (another random key) does not accept it; a shared secret does.
  DownloadTokens other(clock);
  auto fresh = tokens.issue(7, 42, 0);
  EXPECT_EQ(other.verify(fresh.token, 42).error().code, ErrorCode::unauthenticated);
  DownloadTokens a(clock, "shared"), b(clock, "shared");
  EXPECT_TRUE(b.verify(a.issue(1, 2, 0).token, 2).ok());
}

TEST(FileSearchTest, LikeEscapeQuotesWildcards) {
  EXPECT_EQ(like_escape("50%_off!"), "50!%!_off!!");
  EXPECT_EQ(like_escape("plain"), "plain");
}

class FileSearchDbTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    files_ = std::make_unique<FilesService>(*db_, *store_, clock_);
    search_ = std::make_unique<FileSearch>(*db_, *files_);
    ana_ = caller("ana", UserKind::employee, "198.51.100.1");
    ben_ = caller("ben", UserKind::employee, "198.51.100.1");
    cleo_ = caller("cleo", UserKind::customer, "198.51.100.1");
  }

  std::int64_t personal(const Caller& who) {
    auto spaces = files_->list_spaces(who.subject);
    EXPECT_TRUE(spaces.ok());
    return spaces->front().id;
  }

  std::int64_t put(const Caller& who, std::int64_t space, std::int64_t parent, const std::string& name) {
    auto node = testing::upload_bytes(*files_, *store_, who, space, parent, name, "hello");
    EXPECT_TRUE(node.ok()) << (node.ok() ? "" : node.error().message);
    return node.ok() ? node->id : 0;
  }

  std::vector<std::string> names(const Caller& who, const std::string& text, std::int64_t space = 0) {
    SearchQuery q;
    q.text = text;
    q.space_id = space;
    auto hits = search_->search(who.subject, q);
    EXPECT_TRUE(hits.ok()) << hits.error().message;
    std::vector<std::string> out;
    if (hits.ok())
      for (const auto& h : *hits) out.push_back(h.node.name);
    std::sort(out.begin(), out.end());
    return out;
  }

  testing::TempDiskStore store_{"meridian-search"};
  std::unique_ptr<FilesService> files_;
  std::unique_ptr<FileSearch> search_;
  Caller ana_, ben_, cleo_;
};

TEST_P(FileSearchDbTest, FindsOnlyWhatTheSearcherMayRead) {
  const auto ana_space = personal(ana_);
  const auto ben_space = personal(ben_);
  auto folder = files_->create_folder(ana_, ana_space, 0, "Reports");
  ASSERT_TRUE(folder.ok());
  put(ana_, ana_space, folder->id, "Budget 2026.xlsx");
  const auto shared = put(ana_, ana_space, folder->id, "budget-shared.txt");
  put(ben_, ben_space, 0, "ben budget.txt");

  // Case-insensitive, anywhere in the name, folders too.
  EXPECT_EQ(names(ana_, "BUDGET"), (std::vector<std::string>{"Budget 2026.xlsx", "budget-shared.txt"}));
  EXPECT_EQ(names(ana_, "port"), (std::vector<std::string>{"Reports"}));
  // Ben sees only his own file, never Ana's.
  EXPECT_EQ(names(ben_, "budget"), (std::vector<std::string>{"ben budget.txt"}));
  // The customer sees nothing of either.
  EXPECT_TRUE(names(cleo_, "budget").empty());

  // One file shared with Ben: that file appears (with no folder he may not read), the
  // other file in the same folder still does not.
  ASSERT_TRUE(files_->add_grant(ana_, ana_space, shared, "user", ben_.subject.user_id, FileRole::viewer).ok());
  EXPECT_EQ(names(ben_, "budget"), (std::vector<std::string>{"ben budget.txt", "budget-shared.txt"}));
  SearchQuery q;
  q.text = "budget-shared";
  auto hits = search_->search(ben_.subject, q);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_TRUE((*hits)[0].path.empty());
  EXPECT_EQ((*hits)[0].space.owner_name, "ana");
  EXPECT_EQ((*hits)[0].node.role, FileRole::viewer);
  // Ana sees the folder in the path.
  hits = search_->search(ana_.subject, q);
  ASSERT_EQ(hits->size(), 1u);
  ASSERT_EQ((*hits)[0].path.size(), 1u);
  EXPECT_EQ((*hits)[0].path[0].name, "Reports");

  // Limited to one space; a space the caller can not see is "not found".
  EXPECT_EQ(names(ben_, "budget", ben_space), (std::vector<std::string>{"ben budget.txt"}));
  SearchQuery other;
  other.text = "budget";
  other.space_id = ben_space;
  EXPECT_EQ(search_->search(cleo_.subject, other).error().code, ErrorCode::not_found);
}

TEST_P(FileSearchDbTest, WildcardsAreLiteralAndEmptyTextIsRefused) {
  const auto space = personal(ana_);
  put(ana_, space, 0, "50% off.txt");
  put(ana_, space, 0, "500 offers.txt");
  EXPECT_EQ(names(ana_, "50%"), (std::vector<std::string>{"50% off.txt"}));
  EXPECT_TRUE(names(ana_, "_").empty());
  SearchQuery q;
  q.text = "   ";
  EXPECT_EQ(search_->search(ana_.subject, q).error().code, ErrorCode::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Databases, FileSearchDbTest, ::testing::ValuesIn(storage::testing::test_database_kinds()));

}  // namespace
}  // namespace meridian::files
