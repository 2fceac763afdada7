// The backfill of the file index: every file stored before the index existed (an upgrade)
// or while indexing was off is indexed in the background, in file id order, in small
// batches between the upload queue's jobs. One node at a time does it (the store lease
// ai.index.backfill, renewed each batch; a node that dies loses it when it runs out), and
// the checkpoint (every file up to `after_id` handled) is saved after each file, only if
// nobody moved it meanwhile, so a restart or another node goes on from there and no file
// is indexed twice by the backfill. Files already indexed at their current version (by the
// upload queue) are counted and skipped. Admins read the progress (GET /ai/index/backfill).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "ai/ai_repository.hpp"
#include "ai/file_index.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "files/files_service.hpp"
#include "storage/database.hpp"

namespace meridian::ai {

inline constexpr std::string_view kBackfillLease = "ai.index.backfill";

struct BackfillProgress {
  BackfillRecord run;
  std::int64_t remaining = 0;                 // files with content after the checkpoint
  std::optional<std::string> holder;          // the node working on it now, if any
  std::map<std::string, std::int64_t> index;  // documents in the index by status
  bool indexing_on = true;                    // [ai] index_files
};

class IndexBackfill final {
 public:
  enum class Step { more, done, elsewhere };

  // `holder`: this node's name for the lease; `batch`: files per step.
  IndexBackfill(storage::Database& db, files::FilesService& files, FileIndex& index, const Clock& clock,
                std::string holder, std::int64_t batch = 16,
                std::chrono::milliseconds lease = std::chrono::seconds(60));

  // One batch if this node holds or takes the lease: more while files remain, done once the
  // walk reached the last file (the lease is given up), elsewhere while another node has it.
  Result<Step> step();
  // A new run from the first file (indexing was off: what was stored meanwhile is not indexed).
  Result<void> restart();
  // Gives the lease up (a node that stops), so another node goes on at once.
  void release();
  Result<BackfillProgress> progress();
  const std::string& holder() const { return holder_; }

 private:
  // Whether the file is indexed at its current version already (by the upload queue).
  bool current(std::int64_t file_id);

  storage::Database& db_;
  files::FilesService& files_;
  FileIndex& index_;
  const Clock& clock_;
  std::string holder_;
  std::int64_t batch_;
  std::chrono::milliseconds lease_;
  AiRepository repo_;
  bool resumed_ = false;  // this node went on with a run begun before (logged once)
};

}  // namespace meridian::ai
