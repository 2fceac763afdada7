// The ObjectStore port: where file contents live. Two adapters: the local disk (the
// embedded default) and S3-compatible storage. Keys are opaque, '/'-separated, chosen
// by the caller; residency is a key prefix (or a bucket) per region.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "net/streaming.hpp"

namespace meridian::objectstore {

struct ObjectInfo {
  std::uint64_t size = 0;
  std::string sha256_hex;  // of the whole content, computed while the bytes went by
};

// Incremental SHA-256 (OpenSSL, with the CPU's SHA instructions when present).
class Sha256 final {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view bytes);
  std::string hex_digest();  // once
  // The running state as text, so that a hash can continue in a later request (a
  // resumable upload). Independent of the library version; states saved by earlier
  // builds (libsodium's struct as hex) are still read.
  std::string save_state() const;
  // false when `hex` is not a state saved by save_state().
  bool load_state(std::string_view hex);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// An object being written, bytes in order. Nothing is visible under the key until
// commit() succeeds; destroyed without commit, it leaves nothing behind.
class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  virtual Result<void> write(std::string_view chunk) = 0;
  virtual Result<ObjectInfo> commit() = 0;
};

// Bytes appended in order straight into the object being built (the local disk's way to
// receive a resumable upload: each byte written once, nothing copied at completion).
class AppendFile {
 public:
  virtual ~AppendFile() = default;
  virtual Result<void> write(std::string_view chunk) = 0;
  // Everything written so far is durable (fsync).
  virtual Result<void> sync() = 0;
  // Drops every byte after the first `size` (a refused request's bytes).
  virtual Result<void> truncate(std::uint64_t size) = 0;
};

// A multipart upload: parts are numbered from 1, uploaded in any order and any number
// of times (the last upload of a number wins); complete() joins parts 1..n in order
// without copying them through the server (S3), abort() discards them all.
class MultipartUpload {
 public:
  virtual ~MultipartUpload() = default;
  virtual const std::string& upload_id() const = 0;
  // Returns the part's ETag, which complete() needs back (callers persist it).
  virtual Result<std::string> upload_part(int part_number, net::BodySource& data) = 0;
  // Joins the parts 1..n, `part_etags[i]` being part i+1's.
  virtual Result<void> complete(const std::vector<std::string>& part_etags) = 0;
  virtual Result<void> abort() = 0;

  // Stores that append in place (ObjectStore::appends_in_place) offer these instead of
  // parts. open_append: the file continued at `offset` (bytes beyond it, e.g. left by
  // a crash, are dropped; fewer bytes than `offset` is a conflict).
  virtual Result<std::unique_ptr<AppendFile>> open_append(std::uint64_t offset);
  // The appended bytes (exactly `length`) become the object, atomically.
  virtual Result<void> complete_appended(std::uint64_t length);
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // Smallest part size the store accepts for every part but the last.
  virtual std::uint64_t min_part_bytes() const = 0;
  // true when multipart uploads can append in place (MultipartUpload::open_append).
  virtual bool appends_in_place() const { return false; }

  virtual Result<std::unique_ptr<ObjectWriter>> put(std::string_view key) = 0;
  // Bytes [offset, offset + length) of the object; the whole rest without length.
  virtual Result<std::unique_ptr<net::BodySource>> get(std::string_view key, std::uint64_t offset = 0,
                                                       std::optional<std::uint64_t> length = std::nullopt) = 0;
  // not_found when there is no such object.
  virtual Result<std::uint64_t> size(std::string_view key) = 0;
  // Removing a missing object succeeds (idempotent, so GC can retry).
  virtual Result<void> remove(std::string_view key) = 0;
  // Every key under the prefix (tests and garbage collection look for orphans).
  virtual Result<std::vector<std::string>> list(std::string_view prefix) = 0;

  virtual Result<std::unique_ptr<MultipartUpload>> start_multipart(std::string_view key) = 0;
  // An upload started earlier (e.g. before a restart) by its id.
  virtual Result<std::unique_ptr<MultipartUpload>> resume_multipart(std::string_view key,
                                                                    std::string_view upload_id) = 0;
};

// Keys: letters, digits and "-_./", no empty segment, none starting with '.', at most
// 512 bytes (adapters keep their own bookkeeping under dot-names).
bool is_valid_key(std::string_view key);

// Reads a whole source into a string (small objects and tests only).
Result<std::string> read_all(net::BodySource& source);

}  // namespace meridian::objectstore
