#include "files/blob_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "core/random.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"
#include "testing/temp_disk_store.hpp"

namespace meridian::files {
namespace {
namespace fs = std::filesystem;
using storage::Session;

class BlobStoreTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StoreTest::SetUp());
    blobs_ = std::make_unique<BlobStore>(*db_, *store_);
  }

  // Runs fn in a write transaction and hands back its value (the test fails on an error).
  template <typename T, typename F>
  T in_write(F&& fn) {
    auto r = storage::write_value<T>(*db_, [&](Session& s) -> Result<T> { return fn(s); });
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : T{};
  }

  BlobRow add(const std::string& region, const std::string& sha256, const std::string& key) {
    return in_write<BlobRow>([&](Session& s) { return blobs_->add(s, region, sha256, 10, key, 1); });
  }
  std::optional<std::string> release(std::int64_t blob_id) {
    return in_write<std::optional<std::string>>([&](Session& s) { return blobs_->release(s, blob_id); });
  }
  std::optional<std::int64_t> find(const std::string& region, const std::string& sha256) {
    return in_write<std::optional<std::int64_t>>([&](Session& s) { return blobs_->find(s, region, sha256); });
  }

  void put_object(const std::string& key) {
    auto writer = store_->put(key);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->write("bytes").ok());
    ASSERT_TRUE((*writer)->commit().ok());
  }
  std::vector<std::string> objects() {
    auto keys = store_->list("");
    EXPECT_TRUE(keys.ok());
    auto out = keys ? *keys : std::vector<std::string>{};
    std::sort(out.begin(), out.end());
    return out;
  }

  // A space with one file; versions are added with add_version.
  std::int64_t make_node(std::int64_t parent_id = 0, const std::string& name = "a.txt", bool folder = false) {
    return in_write<std::int64_t>([&](Session& s) -> Result<std::int64_t> {
      if (space_id_ == 0) {
        Space space;
        space.kind = SpaceKind::team;
        space.name = "Blobs";
        space.region = "eu";
        space.quota_bytes = 1000;
        MERIDIAN_ASSIGN_OR_RETURN(space_id_, repo_.insert_space(s, space, 1, 1));
      }
      return repo_.insert_node(s, space_id_, parent_id, folder, name, 1, 1);
    });
  }
  std::int64_t add_version(std::int64_t node_id, const std::string& content) {
    const auto blob = add("eu", content, "eu/objects/" + content);
    return in_write<std::int64_t>([&](Session& s) -> Result<std::int64_t> {
      MERIDIAN_ASSIGN_OR_RETURN(auto number, repo_.next_version_number(s, node_id));
      MERIDIAN_TRY(repo_.insert_version(s, node_id, number, blob.id, 10, "text/plain", 1, 1));
      return blob.id;
    });
  }

  testing::TempDiskStore store_{"meridian-blobs"};
  std::unique_ptr<BlobStore> blobs_;
  FilesRepository repo_;
  std::int64_t space_id_ = 0;
};

TEST_P(BlobStoreTest, SameContentInARegionIsOneBlobWhoseObjectGoesWithTheLastReference) {
  const auto first = add("eu", "aaaa", "eu/objects/first");
  EXPECT_EQ(first.object_key, "eu/objects/first");
  EXPECT_EQ(first.ref_count, 1);
  const auto second = add("eu", "aaaa", "eu/objects/second");
  EXPECT_EQ(second.id, first.id);
  EXPECT_EQ(second.object_key, "eu/objects/first") << "the second upload's object is the duplicate";
  EXPECT_EQ(second.ref_count, 2);
  EXPECT_EQ(release(first.id), std::nullopt);
  EXPECT_EQ(find("eu", "aaaa"), first.id);
  EXPECT_EQ(release(first.id), "eu/objects/first");
  EXPECT_EQ(find("eu", "aaaa"), std::nullopt);
}

TEST_P(BlobStoreTest, SameContentInAnotherRegionIsABlobOfItsOwn) {
  const auto eu = add("eu", "aaaa", "eu/objects/one");
  const auto us = add("us", "aaaa", "us/objects/one");
  EXPECT_NE(eu.id, us.id);
  EXPECT_EQ(us.object_key, "us/objects/one");
  EXPECT_EQ(release(eu.id), "eu/objects/one");
  EXPECT_EQ(find("us", "aaaa"), us.id);
}

TEST_P(BlobStoreTest, ARestoredVersionHoldsOneMoreReference) {
  const auto blob = add("eu", "aaaa", "eu/objects/one");
  in_write<bool>([&](Session& s) -> Result<bool> {
    MERIDIAN_TRY(blobs_->add_reference(s, blob.id));
    return true;
  });
  EXPECT_EQ(release(blob.id), std::nullopt);
  EXPECT_EQ(release(blob.id), "eu/objects/one");
}

TEST_P(BlobStoreTest, ReleasingABlobThatIsGoneReleasesNothing) { EXPECT_EQ(release(12345), std::nullopt); }

TEST_P(BlobStoreTest, ANewVersionTouchesTheSameContentAndTheVersionsItPrunes) {
  const auto node = make_node();
  const auto v1 = add_version(node, "one"), v2 = add_version(node, "two");
  add_version(node, "three");
  add_version(node, "four");
  const auto same = add("eu", "five", "eu/objects/five").id;
  // Keeping 3 with the new one: the newest two stay, versions 2 and 1 go.
  auto touched = in_write<std::vector<std::int64_t>>(
      [&](Session& s) { return blobs_->touched_by_new_version(s, node, 3, same); });
  EXPECT_EQ(touched, (std::vector<std::int64_t>{same, v2, v1}));
  // A new file prunes nothing.
  touched = in_write<std::vector<std::int64_t>>(
      [&](Session& s) { return blobs_->touched_by_new_version(s, 0, 3, std::nullopt); });
  EXPECT_TRUE(touched.empty());
}

TEST_P(BlobStoreTest, ATreeTouchesTheBlobsOfEveryVersionBelowIt) {
  const auto folder = make_node(0, "docs", true);
  const auto inner = make_node(folder, "inner", true);
  const auto a = make_node(folder, "a.txt"), b = make_node(inner, "b.txt"), outside = make_node(0, "c.txt");
  const auto ba = add_version(a, "a1"), bb = add_version(b, "b1");
  add_version(outside, "c1");
  const auto shared = add_version(b, "a1");  // the same content as a's: one blob
  EXPECT_EQ(shared, ba);
  auto touched =
      in_write<std::vector<std::int64_t>>([&](Session& s) { return blobs_->touched_by_tree(s, space_id_, folder); });
  std::sort(touched.begin(), touched.end());
  auto expected = std::vector<std::int64_t>{ba, bb};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(touched, expected);
}

TEST_P(BlobStoreTest, GarbageIsWhatNoBlobNamesAndNoUploadInFlightWillName) {
  put_object("eu/objects/named");
  add("eu", "aaaa", "eu/objects/named");
  put_object("eu/objects/orphan");
  put_object("eu/objects/in-flight");
  blobs_->track_upload("eu/objects/in-flight");
  put_object("eu/other/kept");  // not an object of a blob at all
  auto removed = blobs_->collect_garbage();
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1u);
  EXPECT_EQ(objects(), (std::vector<std::string>{"eu/objects/in-flight", "eu/objects/named", "eu/other/kept"}));
  blobs_->forget_upload("eu/objects/in-flight");
  removed = blobs_->collect_garbage();
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1u);
  EXPECT_EQ(objects(), (std::vector<std::string>{"eu/objects/named", "eu/other/kept"}));
}

TEST_P(BlobStoreTest, RemovedObjectsAreGoneAndAMissingOneIsNoError) {
  put_object("eu/objects/one");
  blobs_->remove_objects({"eu/objects/one", "eu/objects/never-stored"});
  EXPECT_TRUE(objects().empty());
}

// PostgreSQL: a test transaction holds the middle blob; a writer locking all three waits
// there. It must hold the lower one and not yet the higher one: ascending, whatever order
// it was given.
TEST_P(BlobStoreTest, BlobsAreLockedInAscendingIdOrder) {
  if (db_->dialect() != storage::Dialect::postgres) GTEST_SKIP() << "SQLite writes one transaction at a time";
  const auto low = add("eu", "1", "eu/objects/1").id, mid = add("eu", "2", "eu/objects/2").id,
             high = add("eu", "3", "eu/objects/3").id;
  Result<void> locked = make_error(ErrorCode::internal, "not run");
  {
    storage::testing::RowLockHolder holder(*db_, "SELECT 1 FROM file_blobs WHERE id = ? FOR NO KEY UPDATE", {mid});
    std::thread writer([&] {
      locked = db_->write([&](Session& s) { return blobs_->lock(s, {high, low, mid, low}); });
    });
    EXPECT_TRUE(storage::testing::wait_for_lock_waiters(*db_, 1));
    auto free_now = in_write<std::vector<std::int64_t>>([&](Session& s) -> Result<std::vector<std::int64_t>> {
      auto rows = s.query("SELECT id FROM file_blobs WHERE id IN (?, ?) ORDER BY id FOR NO KEY UPDATE SKIP LOCKED",
                          {low, high});
      if (!rows) return rows.error();
      std::vector<std::int64_t> ids;
      for (const auto& r : *rows) ids.push_back(r.integer(0));
      return ids;
    });
    EXPECT_EQ(free_now, (std::vector<std::int64_t>{high}));
    EXPECT_TRUE(holder.release());
    writer.join();
  }
  EXPECT_TRUE(locked.ok()) << locked.error().message;
}

INSTANTIATE_TEST_SUITE_P(Databases, BlobStoreTest, ::testing::ValuesIn(storage::testing::test_database_kinds()));

}  // namespace
}  // namespace meridian::files
