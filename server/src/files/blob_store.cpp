#include "files/blob_store.hpp"

#include <algorithm>
#include <utility>

#include "core/log.hpp"

namespace meridian::files {

// Two uploads in two spaces, each pruning the blob the other deduplicates onto, locked
// them in opposite orders and one was a deadlock victim: hence one order for everyone.
Result<void> BlobStore::lock(S& s, std::vector<std::int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (auto id : ids) {
    auto locked = storage::lock_row(s, "file_blobs", id);
    if (!locked && locked.error().code != ErrorCode::not_found) return locked.error();
  }
  return {};
}

Result<std::vector<std::int64_t>> BlobStore::touched_by_new_version(S& s, std::int64_t node_id, int keep,
                                                                    std::optional<std::int64_t> same_content) {
  std::vector<std::int64_t> out;
  if (same_content) out.push_back(*same_content);
  if (node_id == 0) return out;
  auto versions = repo_.versions_newest_first(s, node_id);
  if (!versions) return versions.error();
  for (std::size_t i = static_cast<std::size_t>(std::max(keep, 1) - 1); i < versions->size(); ++i)
    out.push_back((*versions)[i].blob_id);
  return out;
}

Result<std::vector<std::int64_t>> BlobStore::touched_by_tree(S& s, std::int64_t space_id, std::int64_t node_id) {
  return repo_.blob_ids_of_tree(s, space_id, node_id);
}

Result<std::optional<std::int64_t>> BlobStore::find(S& s, const std::string& region, const std::string& sha256) {
  return repo_.blob_by_content(s, region, sha256);
}

Result<BlobRow> BlobStore::add(S& s, const std::string& region, const std::string& sha256, std::int64_t size,
                               const std::string& object_key, UnixMillis now) {
  return repo_.upsert_blob(s, region, sha256, size, object_key, now);
}

Result<void> BlobStore::add_reference(S& s, std::int64_t blob_id) { return repo_.add_blob_references(s, blob_id, 1); }

Result<std::optional<std::string>> BlobStore::release(S& s, std::int64_t blob_id) {
  MERIDIAN_TRY(repo_.add_blob_references(s, blob_id, -1));
  auto blob = repo_.blob(s, blob_id);
  if (!blob) return blob.error();
  if (!*blob || (*blob)->ref_count > 0) return std::optional<std::string>{};
  MERIDIAN_TRY(repo_.delete_blob(s, blob_id));
  return std::optional<std::string>(std::move((*blob)->object_key));
}

void BlobStore::track_upload(const std::string& object_key) {
  std::lock_guard lock(in_flight_mutex_);
  in_flight_.insert(object_key);
}

void BlobStore::forget_upload(const std::string& object_key) {
  std::lock_guard lock(in_flight_mutex_);
  in_flight_.erase(object_key);
}

void BlobStore::remove_objects(const std::vector<std::string>& keys) {
  for (const auto& key : keys) {
    auto r = store_.remove(key);
    if (!r)
      log::warn("files.object_remove_failed",
                {{"key", std::string_view(key)}, {"error", std::string_view(r.error().message)}});
  }
}

Result<std::size_t> BlobStore::collect_garbage() {
  auto listed = store_.list("");
  if (!listed) return listed.error();
  auto known = storage::read_value<std::set<std::string>>(
      db_, [&](S& s) -> Result<std::set<std::string>> { return repo_.blob_object_keys(s); });
  if (!known) return known.error();
  std::size_t removed = 0;
  for (const auto& key : *listed) {
    if (key.find("/objects/") == std::string::npos || known->count(key)) continue;
    {
      std::lock_guard lock(in_flight_mutex_);
      if (in_flight_.count(key)) continue;
    }
    if (store_.remove(key)) ++removed;
  }
  return removed;
}

}  // namespace meridian::files
