// Who hears, after the commit, that a file got new content or that files went: the AI
// module's indexer (issue 12) keeps its index of file contents current with it. Called on
// the thread that made the change; a listener only takes note and returns.
#pragma once

#include <cstdint>
#include <vector>

namespace meridian::files {

class FileListener {
 public:
  virtual ~FileListener() = default;
  // A file's current version is new: uploaded, a new version, or restored.
  virtual void version_stored(std::int64_t node_id, std::int64_t version) = 0;
  // These files or folders, with everything in them, were deleted.
  virtual void removed(const std::vector<std::int64_t>& node_ids) = 0;
};

}  // namespace meridian::files
