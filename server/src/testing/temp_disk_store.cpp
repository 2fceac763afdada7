#include "testing/temp_disk_store.hpp"

#include <unistd.h>

#include "core/random.hpp"

namespace meridian::testing {

namespace {

std::filesystem::path fresh_folder(const std::string& prefix) {
  init_crypto();
  return std::filesystem::temp_directory_path() /
         (prefix + "-" + std::to_string(::getpid()) + "-" + random_token(6));
}

}  // namespace

TempDiskStore::TempDiskStore(const std::string& prefix, const std::string& subfolder)
    : root_(fresh_folder(prefix)),
      store_(std::make_unique<objectstore::LocalDiskStore>(subfolder.empty() ? root_ : root_ / subfolder)) {}

TempDiskStore::~TempDiskStore() {
  store_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(root_, ignored);
}

}  // namespace meridian::testing
