// The index of file contents for questions over files: indexing one file's current
// version (extract, chunk, BM25 postings, all in one write) and BM25 search over it. Who
// may read what is not its business: the AI service filters every hit by the asker's
// permissions at question time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ai/ai_repository.hpp"
#include "ai/index_queue.hpp"
#include "ai/sources.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "files/files_service.hpp"
#include "storage/database.hpp"

namespace meridian::ai {

struct IndexOptions {
  std::int64_t max_file_bytes = 50LL * 1024 * 1024;  // larger files are not indexed (too_large)
  double k1 = 1.2;                                   // BM25
  double b = 0.75;
};

struct ScoredChunk {
  std::int64_t chunk_id = 0;
  std::int64_t file_id = 0;
  double score = 0;
};

class FileIndex final {
 public:
  FileIndex(storage::Database& db, files::FilesService& files, const Clock& clock, IndexOptions options = {})
      : db_(db), files_(files), clock_(clock), options_(options) {}

  // Files uploaded by someone who restricted the processing of their data are recorded as
  // "restricted" and not read (the AI module passes its exclusions).
  void leave_out_restricted(AiExclusions& exclusions) { exclusions_ = &exclusions; }

  // One job of the queue: index a file, or forget what went. Logs what it did.
  void run(const IndexJob& job);
  // Indexes the file's current version (a file that went is forgotten: nullopt).
  Result<std::optional<DocumentRecord>> index_file(std::int64_t file_id);
  // Forgets these files; a folder (or anything not indexed) makes it look for indexed
  // files that no longer exist and forget them too.
  Result<std::size_t> forget(const std::vector<std::int64_t>& node_ids);
  // Whether the file is still stored (for a system decision, not for a person).
  bool file_exists(std::int64_t file_id);

  // Chunks holding the words, best first (BM25), in one file or one space when given.
  Result<std::vector<ScoredChunk>> search(const std::vector<std::string>& terms, std::optional<std::int64_t> file_id,
                                          std::optional<std::int64_t> space_id, std::size_t limit);
  Result<std::vector<StoredChunk>> chunks(const std::vector<std::int64_t>& ids);
  Result<std::optional<DocumentRecord>> document(std::int64_t file_id);
  Result<std::vector<DocumentRecord>> documents(const std::vector<std::int64_t>& file_ids);
  // Files interrupted while indexing (a restart): to index again.
  Result<std::vector<std::int64_t>> unfinished();

 private:
  Result<void> record(DocumentRecord d, const std::vector<NewChunk>& chunks);

  storage::Database& db_;
  files::FilesService& files_;
  const Clock& clock_;
  IndexOptions options_;
  AiExclusions* exclusions_ = nullptr;
  AiRepository repo_;
};

}  // namespace meridian::ai
