// Objects as files under a root folder (the embedded default: data_dir/objects).
// Writes go to a temporary file that is fsynced and renamed into place, so a reader
// sees a whole object or none, also after a crash. Multipart uploads keep parts in
// .multipart/<id>/, or (open_append) one file there that becomes the object by rename.
#pragma once

#include <filesystem>

#include "objectstore/object_store.hpp"

namespace meridian::objectstore {

class LocalDiskStore final : public ObjectStore {
 public:
  // Creates the root if needed and removes temporary files a crash left behind.
  // `durable` = false skips every fsync (files.fsync = false): still atomic by rename,
  // but a power loss may leave a committed object empty or partial. For disposable data
  // or measurements only.
  explicit LocalDiskStore(std::filesystem::path root, bool durable = true);

  std::uint64_t min_part_bytes() const override { return 1; }
  // A multipart upload may instead append into one file that is renamed at completion.
  bool appends_in_place() const override { return true; }
  Result<std::unique_ptr<ObjectWriter>> put(std::string_view key) override;
  Result<std::unique_ptr<net::BodySource>> get(std::string_view key, std::uint64_t offset,
                                               std::optional<std::uint64_t> length) override;
  Result<std::uint64_t> size(std::string_view key) override;
  Result<void> remove(std::string_view key) override;
  Result<std::vector<std::string>> list(std::string_view prefix) override;
  Result<std::unique_ptr<MultipartUpload>> start_multipart(std::string_view key) override;
  Result<std::unique_ptr<MultipartUpload>> resume_multipart(std::string_view key, std::string_view upload_id) override;

  const std::filesystem::path& root() const { return root_; }
  bool durable() const { return durable_; }

 private:
  std::filesystem::path root_;
  bool durable_;
};

}  // namespace meridian::objectstore
