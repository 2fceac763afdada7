// Content stored once per region and hash: a blob row names one object and counts the
// versions that hold it; the last version to go takes the object with it. Blobs are
// shared by every space of a region, so the space locks do not order them: a write that
// changes reference counts locks every blob it will touch first, in ascending id, after
// its space row (docs/architecture.md, "Lock order"). Objects that no blob names and no
// upload in flight will name are garbage.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "files/files_repository.hpp"
#include "objectstore/object_store.hpp"
#include "storage/database.hpp"

namespace meridian::files {

class BlobStore final {
 public:
  using S = storage::Session;

  BlobStore(storage::Database& db, objectstore::ObjectStore& store) : db_(db), store_(store) {}

  // ---- inside a write transaction

  // Locks these blob rows in ascending id; a blob gone meanwhile is skipped.
  Result<void> lock(S& s, std::vector<std::int64_t> ids);
  // The blobs a new version of node_id touches (0: a new file): the one of the same
  // content, which it is deduplicated onto, and those of the versions it prunes (all but
  // the newest keep - 1).
  Result<std::vector<std::int64_t>> touched_by_new_version(S& s, std::int64_t node_id, int keep,
                                                           std::optional<std::int64_t> same_content);
  // The blobs of every version in the tree below (and of) node_id.
  Result<std::vector<std::int64_t>> touched_by_tree(S& s, std::int64_t space_id, std::int64_t node_id);

  Result<std::optional<std::int64_t>> find(S& s, const std::string& region, const std::string& sha256);
  // One more reference to the blob of that content, made with `object_key` when the region
  // has none. The answer names the object that holds the content: when it is not
  // `object_key`, that object is a duplicate for the caller to remove after commit.
  Result<BlobRow> add(S& s, const std::string& region, const std::string& sha256, std::int64_t size,
                      const std::string& object_key, UnixMillis now);
  Result<void> add_reference(S& s, std::int64_t blob_id);
  // Drops one reference; the blob's object key when it was the last one (the row is gone;
  // the caller removes the object after commit).
  Result<std::optional<std::string>> release(S& s, std::int64_t blob_id);

  // ---- outside transactions

  // An upload writing this object has not recorded it yet: garbage collection spares it.
  void track_upload(const std::string& object_key);
  void forget_upload(const std::string& object_key);
  // Objects no longer named (after the transaction that released them committed). One
  // that can not be removed now is left for collect_garbage().
  void remove_objects(const std::vector<std::string>& keys);
  // Removes stored objects that no blob row names (a crash between commit and record);
  // objects of uploads in flight are kept. Returns how many were removed.
  Result<std::size_t> collect_garbage();

 private:
  storage::Database& db_;
  objectstore::ObjectStore& store_;
  FilesRepository repo_;
  std::mutex in_flight_mutex_;
  std::set<std::string> in_flight_;
};

}  // namespace meridian::files
