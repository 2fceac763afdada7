// One conformance suite, run on the local disk adapter and on the S3 adapter against a
// real s3rver (npm) that the suite starts on a free loopback port and stops.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "core/random.hpp"
#include "objectstore/local_disk_store.hpp"
#include "objectstore/s3_store.hpp"

extern char** environ;

namespace meridian::objectstore {
namespace {
namespace fs = std::filesystem;

fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("meridian-objectstore-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string pattern_bytes(std::size_t n, std::uint32_t seed = 7) {
  std::string out(n, '\0');
  for (auto& c : out) {
    seed = seed * 1103515245u + 12345u;
    c = static_cast<char>(seed >> 24);
  }
  return out;
}

std::string sha256(std::string_view bytes) {
  Sha256 h;
  h.update(bytes);
  return h.hex_digest();
}

// s3rver on 127.0.0.1, port chosen by the OS, read from its "listening on" line.
class S3rverProcess {
 public:
  S3rverProcess() {
    dir_ = temp_dir("s3rver");
    int out[2];
    if (::pipe(out) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::string script = MERIDIAN_S3RVER_JS;
    std::string dir = dir_.string();
    const char* argv[] = {"node", script.c_str(), "-d", dir.c_str(), "-a", "127.0.0.1", "-p", "0", "-s", nullptr};
    if (posix_spawnp(&pid_, "node", &actions, nullptr, const_cast<char* const*>(argv), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    if (pid_ <= 0) {
      ::close(out[0]);
      return;
    }
    FILE* f = ::fdopen(out[0], "r");
    char line[512];
    while (std::fgets(line, sizeof line, f)) {
      std::string s(line);
      auto at = s.find("listening on 127.0.0.1:");
      if (at != std::string::npos) {
        port_ = std::stoi(s.substr(at + std::string("listening on 127.0.0.1:").size()));
        break;
      }
    }
    // Keep the pipe open (s3rver logs each request) but drained by nobody: silence it
    // by reading in the background would need a thread; s3rver's log lines are short
    // and the pipe buffer (64 KiB) is enough for this suite.
    stdout_ = f;
  }
  ~S3rverProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (stdout_) std::fclose(stdout_);
    fs::remove_all(dir_);
  }
  int port() const { return port_; }

 private:
  fs::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  FILE* stdout_ = nullptr;
};

enum class Adapter { local, s3 };

class ObjectStoreConformance : public ::testing::TestWithParam<Adapter> {
 protected:
  static void SetUpTestSuite() { init_crypto(); }
  static void TearDownTestSuite() { s3rver_.reset(); }

  void SetUp() override {
    if (GetParam() == Adapter::local) {
      root_ = temp_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
      store_ = std::make_unique<LocalDiskStore>(root_ / "objects");
      return;
    }
    if (!fs::exists(MERIDIAN_S3RVER_JS)) GTEST_SKIP() << "s3rver not installed: run scripts/install-deps.sh --test";
    if (!s3rver_) s3rver_ = std::make_unique<S3rverProcess>();
    ASSERT_GT(s3rver_->port(), 0) << "s3rver did not start";
    S3Options o;
    o.endpoint = "http://127.0.0.1:" + std::to_string(s3rver_->port());
    o.bucket = "b" + random_token(6);
    for (auto& c : o.bucket) c = static_cast<char>(std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : 'x');
    o.access_key = "S3RVER";
    o.secret_key = "S3RVER";
    o.part_bytes = 5 * 1024 * 1024;
    auto s3 = std::make_unique<S3Store>(o);
    ASSERT_TRUE(s3->create_bucket().ok());
    store_ = std::move(s3);
  }
  void TearDown() override {
    store_.reset();
    if (!root_.empty()) fs::remove_all(root_);
  }

  Result<ObjectInfo> put(const std::string& key, const std::string& bytes, std::size_t chunk = 100 * 1000) {
    auto writer = store_->put(key);
    if (!writer) return writer.error();
    for (std::size_t i = 0; i < bytes.size(); i += chunk)
      MERIDIAN_TRY((*writer)->write(std::string_view(bytes).substr(i, chunk)));
    return (*writer)->commit();
  }
  std::string get(const std::string& key, std::uint64_t offset = 0, std::optional<std::uint64_t> length = {}) {
    auto source = store_->get(key, offset, length);
    if (!source) {
      ADD_FAILURE() << source.error().message;
      return {};
    }
    auto bytes = read_all(**source);
    EXPECT_TRUE(bytes.ok());
    return bytes ? *bytes : std::string{};
  }
  std::vector<std::string> keys(const std::string& prefix = "") {
    auto listed = store_->list(prefix);
    EXPECT_TRUE(listed.ok());
    auto out = listed ? *listed : std::vector<std::string>{};
    std::sort(out.begin(), out.end());
    return out;
  }

  static inline std::unique_ptr<S3rverProcess> s3rver_;
  fs::path root_;
  std::unique_ptr<ObjectStore> store_;
};

TEST_P(ObjectStoreConformance, PutThenGetIsByteExactWithSha256) {
  std::string bytes = pattern_bytes(1234567);
  auto info = put("eu/objects/a1", bytes);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->size, bytes.size());
  EXPECT_EQ(info->sha256_hex, sha256(bytes));
  EXPECT_TRUE(get("eu/objects/a1") == bytes);
  auto size = store_->size("eu/objects/a1");
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, bytes.size());
}

TEST_P(ObjectStoreConformance, LargeWriteSpanningSeveralPartsRoundTrips) {
  std::string bytes = pattern_bytes(11 * 1024 * 1024 + 3);
  auto info = put("eu/big", bytes, 1 << 20);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->sha256_hex, sha256(bytes));
  EXPECT_TRUE(get("eu/big") == bytes);
  EXPECT_EQ(keys(), std::vector<std::string>{"eu/big"});
}

TEST_P(ObjectStoreConformance, EmptyObject) {
  ASSERT_TRUE(put("eu/empty", "").ok());
  EXPECT_EQ(get("eu/empty"), "");
  EXPECT_EQ(*store_->size("eu/empty"), 0u);
}

TEST_P(ObjectStoreConformance, RangedReads) {
  std::string bytes = pattern_bytes(100000);
  ASSERT_TRUE(put("k", bytes).ok());
  EXPECT_TRUE(get("k", 10, 20) == bytes.substr(10, 20));
  EXPECT_TRUE(get("k", 99999) == bytes.substr(99999));
  EXPECT_TRUE(get("k", 0, 1) == bytes.substr(0, 1));
  EXPECT_EQ(get("k", 100000), "");
  EXPECT_FALSE(store_->get("k", 100001).ok());
  EXPECT_FALSE(store_->get("k", 50, 99999).ok());
}

TEST_P(ObjectStoreConformance, MissingObjectIsNotFound) {
  auto source = store_->get("nope", 0, std::nullopt);
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.error().code, ErrorCode::not_found);
  auto size = store_->size("nope");
  ASSERT_FALSE(size.ok());
  EXPECT_EQ(size.error().code, ErrorCode::not_found);
}

TEST_P(ObjectStoreConformance, RemoveIsIdempotentAndLeavesNothing) {
  ASSERT_TRUE(put("eu/x/y", "hello").ok());
  EXPECT_TRUE(store_->remove("eu/x/y").ok());
  EXPECT_TRUE(store_->remove("eu/x/y").ok());
  EXPECT_TRUE(keys().empty());
  EXPECT_EQ(store_->size("eu/x/y").error().code, ErrorCode::not_found);
}

TEST_P(ObjectStoreConformance, AbandonedWriterLeavesNoObject) {
  {
    auto writer = store_->put("eu/abandoned");
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->write(pattern_bytes(7 * 1024 * 1024)).ok());  // past one S3 part
  }
  EXPECT_TRUE(keys().empty());
  EXPECT_EQ(store_->size("eu/abandoned").error().code, ErrorCode::not_found);
  if (GetParam() == Adapter::local) {
    EXPECT_TRUE(fs::is_empty(root_ / "objects" / ".tmp"));
  }
}

TEST_P(ObjectStoreConformance, OverwriteReplacesWholly) {
  ASSERT_TRUE(put("k", "first version").ok());
  ASSERT_TRUE(put("k", "2nd").ok());
  EXPECT_EQ(get("k"), "2nd");
}

TEST_P(ObjectStoreConformance, ListFiltersByPrefix) {
  ASSERT_TRUE(put("eu/a", "1").ok());
  ASSERT_TRUE(put("eu/sub/b", "2").ok());
  ASSERT_TRUE(put("us/c", "3").ok());
  EXPECT_EQ(keys("eu/"), (std::vector<std::string>{"eu/a", "eu/sub/b"}));
  EXPECT_EQ(keys("us/"), (std::vector<std::string>{"us/c"}));
  EXPECT_EQ(keys().size(), 3u);
}

TEST_P(ObjectStoreConformance, InvalidKeysAreRefused) {
  for (const char* key : {"", "../x", "a/../b", "a//b", "/a", "a/", ".hidden", "a b", "a\\b", "a\nb"}) {
    auto writer = store_->put(key);
    ASSERT_FALSE(writer.ok()) << key;
    EXPECT_EQ(writer.error().code, ErrorCode::invalid_argument);
    EXPECT_FALSE(store_->get(key, 0, std::nullopt).ok());
    EXPECT_FALSE(store_->remove(key).ok());
  }
}

TEST_P(ObjectStoreConformance, MultipartJoinsPartsInOrderAndCanBeResumed) {
  const std::size_t part = static_cast<std::size_t>(std::max<std::uint64_t>(store_->min_part_bytes(), 1));
  std::string p1 = pattern_bytes(part, 1), p2 = pattern_bytes(part, 2), p3 = pattern_bytes(1000, 3);
  auto upload = store_->start_multipart("eu/mp");
  ASSERT_TRUE(upload.ok()) << upload.error().message;
  std::string id = (*upload)->upload_id();
  std::vector<std::string> etags(3);
  auto s2 = net::memory_source(p2);
  auto e2 = (*upload)->upload_part(2, *s2);
  ASSERT_TRUE(e2.ok()) << e2.error().message;
  etags[1] = *e2;
  auto s1 = net::memory_source(p1);
  etags[0] = *(*upload)->upload_part(1, *s1);
  upload->reset();  // e.g. a restart: continue by id
  auto resumed = store_->resume_multipart("eu/mp", id);
  ASSERT_TRUE(resumed.ok());
  auto s3 = net::memory_source(p3);
  etags[2] = *(*resumed)->upload_part(3, *s3);
  EXPECT_TRUE(keys().empty());  // nothing visible before complete
  auto done = (*resumed)->complete(etags);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_TRUE(get("eu/mp") == p1 + p2 + p3);
  EXPECT_EQ(keys(), std::vector<std::string>{"eu/mp"});
}

TEST_P(ObjectStoreConformance, AbortedMultipartLeavesNothing) {
  auto upload = store_->start_multipart("eu/gone");
  ASSERT_TRUE(upload.ok());
  auto s1 = net::memory_source(pattern_bytes(1000));
  ASSERT_TRUE((*upload)->upload_part(1, *s1).ok());
  ASSERT_TRUE((*upload)->abort().ok());
  EXPECT_TRUE(keys().empty());
  if (GetParam() == Adapter::local) {
    EXPECT_TRUE(fs::is_empty(root_ / "objects" / ".multipart"));
  }
}

TEST_P(ObjectStoreConformance, InPlaceAppendsBecomeTheObjectAtCompletion) {
  if (!store_->appends_in_place()) {
    auto upload = store_->start_multipart("eu/no-append");
    ASSERT_TRUE(upload.ok());
    EXPECT_FALSE((*upload)->open_append(0).ok()) << "stores without in-place appends say so";
    ASSERT_TRUE((*upload)->abort().ok());
    return;
  }
  const std::string data = pattern_bytes(5000, 7);
  auto upload = store_->start_multipart("eu/app");
  ASSERT_TRUE(upload.ok());
  const std::string id = (*upload)->upload_id();
  {
    auto file = (*upload)->open_append(0);
    ASSERT_TRUE(file.ok()) << file.error().message;
    ASSERT_TRUE((*file)->write(std::string_view(data).substr(0, 2000)).ok());
    ASSERT_TRUE((*file)->sync().ok());
    ASSERT_TRUE((*file)->write("bytes nobody recorded").ok());  // e.g. a crash before the offset was saved
  }
  upload->reset();
  auto resumed = store_->resume_multipart("eu/app", id);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ((*resumed)->open_append(2100).error().code, ErrorCode::conflict) << "fewer bytes than the offset";
  {
    auto file = (*resumed)->open_append(2000);  // drops what lies beyond
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*file)->write(std::string_view(data).substr(2000, 1000)).ok());
    ASSERT_TRUE((*file)->write("refused").ok());
    ASSERT_TRUE((*file)->truncate(3000).ok());
    ASSERT_TRUE((*file)->write(std::string_view(data).substr(3000)).ok());
  }
  EXPECT_TRUE(keys().empty()) << "nothing visible before completion";
  EXPECT_FALSE((*resumed)->complete_appended(4999).ok()) << "the length must match";
  ASSERT_TRUE((*resumed)->complete_appended(5000).ok());
  EXPECT_TRUE(get("eu/app") == data);
  EXPECT_EQ(keys(), std::vector<std::string>{"eu/app"});
  EXPECT_TRUE(fs::is_empty(root_ / "objects" / ".multipart"));
}

// Known answer (FIPS 180-2 "abc") and a hash carried across saved states at every split
// around block boundaries equals the one-shot hash; states of the earlier libsodium
// build (its struct as hex) still continue correctly; garbage is refused.
TEST(Sha256Test, KnownAnswerAndResumableStatesAtEverySplit) {
  EXPECT_EQ(sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string data = pattern_bytes(300, 7);
  const std::string whole = sha256(data);
  for (std::size_t split : {0, 1, 55, 56, 63, 64, 65, 127, 128, 129, 200, 300}) {
    Sha256 first;
    first.update(std::string_view(data).substr(0, split));
    Sha256 second;
    ASSERT_TRUE(second.load_state(first.save_state())) << split;
    second.update(std::string_view(data).substr(split));
    EXPECT_EQ(second.hex_digest(), whole) << split;

    crypto_hash_sha256_state old{};
    crypto_hash_sha256_init(&old);
    crypto_hash_sha256_update(&old, reinterpret_cast<const unsigned char*>(data.data()), split);
    std::string hex(sizeof old * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(&old), sizeof old);
    hex.pop_back();
    Sha256 from_old;
    ASSERT_TRUE(from_old.load_state(hex)) << split;
    from_old.update(std::string_view(data).substr(split));
    EXPECT_EQ(from_old.hex_digest(), whole) << split;
  }
  Sha256 h;
  EXPECT_FALSE(h.load_state(""));
  EXPECT_FALSE(h.load_state("s2:zz"));
  EXPECT_FALSE(h.load_state("s2:" + std::string(80, '0') + "01"));  // 1 bit counted, no byte kept
  EXPECT_FALSE(h.load_state("deadbeef"));
}

INSTANTIATE_TEST_SUITE_P(Adapters, ObjectStoreConformance, ::testing::Values(Adapter::local, Adapter::s3),
                         [](const auto& info) { return info.param == Adapter::local ? "LocalDisk" : "S3"; });

}  // namespace
}  // namespace meridian::objectstore
