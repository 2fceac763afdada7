// Resumable uploads (the state behind tus 1.0): an upload is created with its length,
// then receives PATCHes at its current offset until complete. On a store that appends in
// place (the local disk) every byte is written once into the file that becomes the
// object by rename, fsynced with the offset every checkpoint_bytes. Otherwise (S3) bytes are
// staged on local disk only until a whole part is there; every part goes to the object
// store as a multipart part (S3 joins them; nothing is reassembled through Meridian).
// The SHA-256 of the whole file is computed once and continues across requests. A cut
// PATCH keeps what arrived, and a PATCH in progress records what arrived every
// checkpoint_bytes, so that a crash loses at most that much. stop() records what every
// PATCH in progress holds while storage is still there (a graceful stop loses nothing).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <map>
#include <string>

#include "files/files_service.hpp"
#include "files/tus_headers.hpp"

namespace meridian::files {

struct UploadState {
  std::string token;
  std::int64_t offset = 0;
  std::int64_t length = 0;
  UnixMillis expires_at = 0;
};

// One PATCH request's bytes, in order.
class UploadPatch {
 public:
  virtual ~UploadPatch() = default;
  virtual Result<void> write(std::string_view chunk) = 0;
  struct Done {
    std::int64_t offset = 0;
    std::optional<Node> file;  // set when this PATCH completed the upload
  };
  // invalid_argument "checksum mismatch" discards this PATCH's bytes.
  virtual Result<Done> finish() = 0;
};

struct ResumableOptions {
  std::filesystem::path staging_dir;
  // S3 part size (bytes are staged until a whole part exists).
  std::int64_t part_bytes = 8 * 1024 * 1024;
  // How often during a PATCH without a checksum the bytes are made durable (fdatasync of the
  // store's file, or fsync of the staging file) and then the offset with the hash state
  // recorded: a cut PATCH records what arrived anyway; this bounds what a crash of the
  // server (kill -9, power loss) loses. Each checkpoint costs a disk flush and a database write.
  std::int64_t checkpoint_bytes = 8 * 1024 * 1024;
  // Append in place when the store can (false: always stage parts, e.g. for tests).
  bool in_place = true;
  UnixMillis ttl_ms = 24LL * 3600 * 1000;
};

class PatchImpl;

class ResumableUploads final {
 public:
  ResumableUploads(storage::Database& db, FilesService& files, const Clock& clock, ResumableOptions options);

  // Checks like a plain upload (permission, name, lock, size, quota) from the length alone.
  Result<UploadState> create(const Caller& caller, std::int64_t space_id, std::int64_t parent_id, std::string_view name,
                             std::int64_t length);
  // Only the user who created an upload sees it; others get not_found.
  Result<UploadState> status(const Subject& who, std::string_view token);
  // conflict when `offset` is not the upload's offset or another PATCH is running.
  Result<std::unique_ptr<UploadPatch>> patch(const Caller& caller, std::string_view token, std::int64_t offset,
                                             std::optional<ChunkChecksum> checksum);
  Result<void> terminate(const Subject& who, std::string_view token);
  // Removes uploads past their expiry (their parts and staging files too).
  Result<std::size_t> expire();
  // For a graceful stop, after the server stopped taking requests and before storage goes
  // away: every PATCH in progress records what arrived (as if cut now) and touches storage
  // no more, even when its request ends later; new uploads and PATCHes are refused
  // (unavailable). Idempotent.
  void stop();

  const ResumableOptions& options() const { return options_; }

 private:
  friend class PatchImpl;
  void release(const std::string& token);
  // unavailable once stopped; conflict while another PATCH holds the token.
  Result<void> enter(const std::string& token);
  void discard(const std::string& token, const std::string& object_key, const std::string& multipart_id);

  storage::Database& db_;
  FilesService& files_;
  const Clock& clock_;
  ResumableOptions options_;
  std::mutex active_mutex_;
  // Tokens with a PATCH in progress, and the PATCH once it is open (stop() reaches it).
  std::map<std::string, PatchImpl*> active_;
  bool stopped_ = false;
};

}  // namespace meridian::files
