// A LocalDiskStore in a temporary folder of its own, removed with it: the object store of
// the files tests.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "objectstore/local_disk_store.hpp"

namespace meridian::testing {

class TempDiskStore final {
 public:
  // The folder is "<prefix>-<pid>-<random>" in the system's temporary folder; the store
  // keeps its objects there, or in `subfolder` of it when one is named.
  explicit TempDiskStore(const std::string& prefix, const std::string& subfolder = "");
  ~TempDiskStore();
  TempDiskStore(const TempDiskStore&) = delete;
  TempDiskStore& operator=(const TempDiskStore&) = delete;

  objectstore::LocalDiskStore& operator*() { return *store_; }
  objectstore::LocalDiskStore* operator->() { return store_.get(); }
  // The temporary folder (removed with the store).
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
  std::unique_ptr<objectstore::LocalDiskStore> store_;
};

}  // namespace meridian::testing
