#include "net/static_files.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace meridian::net {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("meridian-static-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "web" / "assets");
    write(base_ / "web" / "index.html", "<html></html>");
    write(base_ / "web" / "main-ABCD1234.js", "x");
    write(base_ / "web" / "assets" / "logo.svg", "<svg/>");
    write(base_ / "secret.txt", "secret");
    fs::create_symlink(base_ / "secret.txt", base_ / "web" / "leak.txt");
  }
  void TearDown() override { fs::remove_all(base_); }
  static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

  fs::path base_;
};

TEST_F(StaticFilesTest, ServesFilesWithTypeAndCachePolicy) {
  StaticFiles files((base_ / "web").string());
  auto js = files.resolve("/main-ABCD1234.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js->cache_control, "public, max-age=31536000, immutable");
  auto index = files.resolve("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->path.filename(), "index.html");
  EXPECT_EQ(index->cache_control, "no-cache");
  EXPECT_EQ(files.resolve("/assets/logo.svg")->content_type, "image/svg+xml");
}

TEST_F(StaticFilesTest, ClientRoutesFallBackToIndexButMissingFilesDoNot) {
  StaticFiles files((base_ / "web").string());
  auto route = files.resolve("/admin/users");
  ASSERT_TRUE(route);
  EXPECT_EQ(route->path.filename(), "index.html");
  EXPECT_FALSE(files.resolve("/missing.js"));
}

TEST_F(StaticFilesTest, RefusesEveryTraversalSpelling) {
  StaticFiles files((base_ / "web").string());
  for (const char* path : {"/../secret.txt", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd",
                           "/assets/..%5c..%5cetc%5cpasswd", "/assets/../index.html", "/%2E%2E/secret.txt",
                           "/a\\b", "/x%00.js", "/leak.txt", "/%zz"}) {
    EXPECT_FALSE(files.resolve(path)) << path;
  }
}

TEST(StaticFiles, RecognisesContentHashes) {
  EXPECT_TRUE(StaticFiles::has_content_hash("main-OTHGVBKC.js"));
  EXPECT_TRUE(StaticFiles::has_content_hash("chunk-2ZQ5V4NU.js"));
  EXPECT_TRUE(StaticFiles::has_content_hash("styles.1a2b3c4d5e6f7a8b.css"));
  EXPECT_FALSE(StaticFiles::has_content_hash("index.html"));
  EXPECT_FALSE(StaticFiles::has_content_hash("app-settings.json"));
  EXPECT_FALSE(StaticFiles::has_content_hash("favicon.ico"));
}

}  // namespace
}  // namespace meridian::net
