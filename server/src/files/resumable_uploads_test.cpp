#include "files/resumable_uploads.hpp"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "core/random.hpp"
#include "files/maintenance_job.hpp"
#include "identity/identity_service.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"
#include "testing/temp_disk_store.hpp"

namespace meridian::files {
namespace {
namespace fs = std::filesystem;

std::string bytes_of(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng());
  return out;
}

std::string sha256_raw(std::string_view b) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), out);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

std::string sha1_raw(std::string_view b) {
  unsigned char out[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(b.data()), b.size(), out);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

// Every database, each with bytes appended in place (the local store's way) and with
// staged multipart parts (the way S3 receives them): "<database>" / "<database>+parts".
std::vector<std::string> upload_modes() {
  std::vector<std::string> out;
  for (const auto& kind : storage::testing::test_database_kinds()) {
    out.push_back(kind);
    out.push_back(kind + "+parts");
  }
  return out;
}

class ResumableUploadsTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    FilesOptions options;
    options.personal_quota_bytes = 10 * 1000 * 1000;
    files_ = std::make_unique<FilesService>(*db_, *store_, clock_, options);
    ResumableOptions ro;
    ro.staging_dir = store_.root() / "uploads";
    ro.part_bytes = 1000;
    ro.in_place = in_place();
    ro.ttl_ms = 3600 * 1000;
    uploads_ = std::make_unique<ResumableUploads>(*db_, *files_, clock_, ro);
    ana_.subject = person("ana");
    ben_.subject = person("ben");
    auto spaces = files_->list_spaces(ana_.subject);
    ASSERT_TRUE(spaces.ok());
    space_ = spaces->front().id;
  }

  // "<database>" or "<database>+parts".
  std::string store_kind() const override { return GetParam().substr(0, GetParam().find('+')); }
  bool in_place() const { return GetParam().find('+') == std::string::npos; }

  // Sends bytes [from, to) in one PATCH; `cut` drops it before finishing.
  Result<UploadPatch::Done> send(const std::string& token, const std::string& data, std::size_t from, std::size_t to,
                                 bool cut = false, std::optional<ChunkChecksum> checksum = std::nullopt) {
    auto patch = uploads_->patch(ana_, token, static_cast<std::int64_t>(from), std::move(checksum));
    if (!patch) return patch.error();
    for (std::size_t i = from; i < to; i += 333)
      MERIDIAN_TRY((*patch)->write(std::string_view(data).substr(i, std::min<std::size_t>(333, to - i))));
    if (cut) return make_error(ErrorCode::unavailable, "cut");
    return (*patch)->finish();
  }

  std::string content(std::int64_t node) {
    auto d = files_->open_download(ana_, node, 0, false);
    EXPECT_TRUE(d.ok());
    auto source = store_->get(d->object_key, 0, std::nullopt);
    auto bytes = objectstore::read_all(**source);
    return bytes ? *bytes : std::string{};
  }

  std::size_t staging_files() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(store_.root() / "uploads")) ++n;
    return n;
  }

  testing::TempDiskStore store_{"meridian-tus", "objects"};
  std::unique_ptr<FilesService> files_;
  std::unique_ptr<ResumableUploads> uploads_;
  Caller ana_, ben_;
  std::int64_t space_ = 0;
};

TEST_P(ResumableUploadsTest, CutAtRandomOffsetsAndResumedIsByteExact) {
  const std::string data = bytes_of(25'000, 1);
  auto state = uploads_->create(ana_, space_, 0, "big.bin", static_cast<std::int64_t>(data.size()));
  ASSERT_TRUE(state.ok()) << state.error().message;
  std::mt19937 rng(42);
  std::size_t offset = 0;
  std::optional<UploadPatch::Done> last;
  while (offset < data.size()) {
    std::size_t to = std::min(data.size(), offset + 1 + rng() % 6000);
    const bool cut = to < data.size() && rng() % 2 == 0;
    auto r = send(state->token, data, offset, to, cut);
    auto now = uploads_->status(ana_.subject, state->token);
    if (to == data.size() && !cut) {
      ASSERT_TRUE(r.ok()) << r.error().message;
      last = *r;
      break;
    }
    ASSERT_TRUE(now.ok());
    EXPECT_EQ(now->offset, static_cast<std::int64_t>(to)) << "a cut PATCH keeps what arrived";
    offset = static_cast<std::size_t>(now->offset);
  }
  ASSERT_TRUE(last && last->file);
  EXPECT_EQ(last->offset, static_cast<std::int64_t>(data.size()));
  EXPECT_EQ(last->file->size, static_cast<std::int64_t>(data.size()));
  EXPECT_TRUE(content(last->file->id) == data);
  EXPECT_EQ(uploads_->status(ana_.subject, state->token).error().code, ErrorCode::not_found);
  EXPECT_EQ(staging_files(), 0u);
}

TEST_P(ResumableUploadsTest, WrongOffsetIsAConflict) {
  auto state = uploads_->create(ana_, space_, 0, "x.bin", 100);
  ASSERT_TRUE(state.ok());
  auto patch = uploads_->patch(ana_, state->token, 5, std::nullopt);
  ASSERT_FALSE(patch.ok());
  EXPECT_EQ(patch.error().code, ErrorCode::conflict);
}

TEST_P(ResumableUploadsTest, OnlyOnePatchAtATime) {
  auto state = uploads_->create(ana_, space_, 0, "x.bin", 100);
  auto first = uploads_->patch(ana_, state->token, 0, std::nullopt);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(uploads_->patch(ana_, state->token, 0, std::nullopt).error().code, ErrorCode::conflict);
}

TEST_P(ResumableUploadsTest, ChecksumMismatchDiscardsThePatch) {
  const std::string data = bytes_of(3000, 2);
  auto state = uploads_->create(ana_, space_, 0, "c.bin", 3000);
  ASSERT_TRUE(state.ok());
  auto good = send(state->token, data, 0, 1500, false, ChunkChecksum{"sha256", sha256_raw(data.substr(0, 1500))});
  ASSERT_TRUE(good.ok()) << good.error().message;
  auto bad = send(state->token, data, 1500, 3000, false, ChunkChecksum{"sha1", sha1_raw("something else")});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "checksum mismatch");
  EXPECT_EQ(uploads_->status(ana_.subject, state->token)->offset, 1500);
  auto cut = send(state->token, data, 1500, 2000, true, ChunkChecksum{"sha1", sha1_raw(data.substr(1500, 1500))});
  EXPECT_EQ(uploads_->status(ana_.subject, state->token)->offset, 1500) << "a cut checksummed PATCH keeps nothing";
  auto rest = send(state->token, data, 1500, 3000, false, ChunkChecksum{"sha1", sha1_raw(data.substr(1500))});
  ASSERT_TRUE(rest.ok()) << rest.error().message;
  ASSERT_TRUE(rest->file);
  EXPECT_TRUE(content(rest->file->id) == data);
  EXPECT_EQ(rest->file->sha256.size(), 64u);
}

TEST_P(ResumableUploadsTest, OthersCanNotSeeOrTouchAnUpload) {
  auto state = uploads_->create(ana_, space_, 0, "mine.bin", 10);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(uploads_->status(ben_.subject, state->token).error().code, ErrorCode::not_found);
  EXPECT_EQ(uploads_->patch(ben_, state->token, 0, std::nullopt).error().code, ErrorCode::not_found);
  EXPECT_EQ(uploads_->terminate(ben_.subject, state->token).error().code, ErrorCode::not_found);
  // Nor create one in someone else's space.
  EXPECT_EQ(uploads_->create(ben_, space_, 0, "x.bin", 10).error().code, ErrorCode::not_found);
}

TEST_P(ResumableUploadsTest, QuotaAndNamesAreCheckedAtCreation) {
  EXPECT_EQ(uploads_->create(ana_, space_, 0, "huge.bin", 10 * 1000 * 1000 + 1).error().code, ErrorCode::too_large);
  EXPECT_EQ(uploads_->create(ana_, space_, 0, "../x", 10).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(uploads_->create(ana_, space_, 0, "zero.bin", 0).error().code, ErrorCode::invalid_argument);
}

TEST_P(ResumableUploadsTest, TerminationAndExpiryLeaveNothing) {
  const std::string data = bytes_of(2500, 3);
  auto a = uploads_->create(ana_, space_, 0, "a.bin", 2500);
  auto b = uploads_->create(ana_, space_, 0, "b.bin", 2500);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(send(a->token, data, 0, 1200).ok());
  ASSERT_TRUE(send(b->token, data, 0, 1700).ok());
  ASSERT_TRUE(uploads_->terminate(ana_.subject, a->token).ok());
  EXPECT_EQ(uploads_->status(ana_.subject, a->token).error().code, ErrorCode::not_found);
  clock_.advance_ms(3601 * 1000);
  EXPECT_EQ(uploads_->status(ana_.subject, b->token).error().code, ErrorCode::not_found);
  auto expired = uploads_->expire();
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(*expired, 1u);
  EXPECT_EQ(staging_files(), 0u);
  EXPECT_TRUE(store_->list("")->empty());
  EXPECT_TRUE(fs::is_empty(store_.root() / "objects" / ".multipart"));
}

TEST_P(ResumableUploadsTest, MaintenanceJobExpiresUploadsAndCollectsOrphansPeriodically) {
  const std::string data = bytes_of(1500, 4);
  auto stale = uploads_->create(ana_, space_, 0, "stale.bin", 2500);
  ASSERT_TRUE(stale.ok());
  ASSERT_TRUE(send(stale->token, data, 0, 1500).ok());
  auto orphan = store_->put("eu/objects/orphan");
  ASSERT_TRUE((*orphan)->write("lost").ok());
  ASSERT_TRUE((*orphan)->commit().ok());
  clock_.advance_ms(3601 * 1000);
  MaintenanceJob job(*files_, *uploads_, std::chrono::milliseconds(10));
  job.start();
  for (int i = 0; i < 500 && job.runs() < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  job.stop();
  EXPECT_GE(job.runs(), 1);
  EXPECT_TRUE(store_->list("")->empty()) << "the orphan object went";
  EXPECT_EQ(staging_files(), 0u);
  EXPECT_TRUE(fs::is_empty(store_.root() / "objects" / ".multipart")) << "the expired upload's bytes went";
}

TEST_P(ResumableUploadsTest, APatchInProgressRecordsWhatArrivedEveryCheckpoint) {
  // Parts far larger than the checkpoint: staged bytes are recorded without a part sent.
  ResumableOptions ro = uploads_->options();
  ro.part_bytes = 1'000'000;
  ro.checkpoint_bytes = 1000;
  uploads_ = std::make_unique<ResumableUploads>(*db_, *files_, clock_, ro);
  const std::string data = bytes_of(5000, 5);
  auto state = uploads_->create(ana_, space_, 0, "whole.bin", 5000);
  ASSERT_TRUE(state.ok());
  auto patch = uploads_->patch(ana_, state->token, 0, std::nullopt);
  ASSERT_TRUE(patch.ok());
  ASSERT_TRUE((*patch)->write(std::string_view(data).substr(0, 3500)).ok());
  // What a crash now (the PATCH neither finished nor cut) would find.
  auto now = uploads_->status(ana_.subject, state->token);
  ASSERT_TRUE(now.ok());
  EXPECT_GE(now->offset, 3500 - 1000) << "at most one checkpoint's bytes are unrecorded";
  ASSERT_TRUE((*patch)->write(std::string_view(data).substr(3500)).ok());
  auto done = (*patch)->finish();
  ASSERT_TRUE(done.ok()) << done.error().message;
  ASSERT_TRUE(done->file);
  EXPECT_TRUE(content(done->file->id) == data);
}

TEST_P(ResumableUploadsTest, StopRecordsWhatArrivedAndThenLeavesStorageAlone) {
  const std::string data = bytes_of(2000, 6);
  auto state = uploads_->create(ana_, space_, 0, "stopped.bin", 2000);
  ASSERT_TRUE(state.ok());
  auto patch = uploads_->patch(ana_, state->token, 0, std::nullopt);
  ASSERT_TRUE(patch.ok());
  ASSERT_TRUE((*patch)->write(std::string_view(data).substr(0, 700)).ok());
  uploads_->stop();
  EXPECT_EQ(uploads_->status(ana_.subject, state->token)->offset, 700) << "what arrived is recorded at the stop";
  EXPECT_EQ((*patch)->write("more").error().code, ErrorCode::unavailable);
  EXPECT_EQ((*patch)->finish().error().code, ErrorCode::unavailable);
  EXPECT_EQ(uploads_->create(ana_, space_, 0, "new.bin", 10).error().code, ErrorCode::unavailable);
  EXPECT_EQ(uploads_->patch(ana_, state->token, 700, std::nullopt).error().code, ErrorCode::unavailable);
  // Storage goes away before the request ends (as at a graceful stop): ending it touches nothing.
  db_.reset();
  patch->reset();
}

INSTANTIATE_TEST_SUITE_P(Databases, ResumableUploadsTest, ::testing::ValuesIn(upload_modes()));

}  // namespace
}  // namespace meridian::files
