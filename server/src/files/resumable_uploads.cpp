#include "files/resumable_uploads.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>
#include <vector>

#include "core/log.hpp"
#include "core/random.hpp"
#include "files/content_type.hpp"
#include "storage/row_columns.hpp"

namespace meridian::files {
namespace fs = std::filesystem;
namespace {

using storage::Session;

Error no_upload() { return make_error(ErrorCode::not_found, "no such upload"); }
Error io_error(std::string_view what) {
  return make_error(ErrorCode::internal, std::string(what) + ": " + std::strerror(errno));
}

std::string safe_token() {
  std::string token = random_token(24);
  for (auto& c : token)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = 'x';
  return token;
}

struct Record {
  std::string token;
  std::int64_t user_id = 0;
  std::int64_t space_id = 0;
  std::int64_t parent_id = 0;
  std::string name;
  std::string region;
  std::string object_key;
  std::string multipart_id;
  std::int64_t length = 0;
  std::int64_t offset = 0;
  std::int64_t parts_bytes = 0;
  std::vector<std::string> etags;
  std::string hash_state;
  UnixMillis expires_at = 0;
  bool in_place = false;  // bytes appended into the store's file, no staging
};

std::string join_etags(const std::vector<std::string>& etags) {
  std::string out;
  for (const auto& e : etags) out += (out.empty() ? "" : "\n") + e;
  return out;
}

std::vector<std::string> split_etags(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    out.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

Result<std::optional<Record>> load(Session& s, std::string_view token) {
  auto rows = s.query(
      "SELECT token, user_id, space_id, parent_id, name, region, object_key, multipart_id, length, upload_offset, "
      "parts_bytes, part_etags, hash_state, expires_at, in_place FROM file_uploads WHERE token = ?",
      {std::string(token)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Record>{};
  const auto& r = rows->front();
  Record rec;
  storage::read_columns(r, rec.token, rec.user_id, rec.space_id, rec.parent_id, rec.name, rec.region, rec.object_key,
                        rec.multipart_id, rec.length, rec.offset, rec.parts_bytes,
                        storage::text_as([&](const std::string& t) { rec.etags = split_etags(t); }), rec.hash_state,
                        rec.expires_at, rec.in_place);
  return std::optional<Record>(std::move(rec));
}

Result<void> write_fully(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("write staging");
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

class Digest {
 public:
  explicit Digest(const std::string& algorithm) : ctx_(EVP_MD_CTX_new()) {
    const EVP_MD* md = algorithm == "sha1" ? EVP_sha1() : EVP_sha256();
    EVP_DigestInit_ex(ctx_, md, nullptr);
  }
  ~Digest() { EVP_MD_CTX_free(ctx_); }
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;
  void update(std::string_view b) { EVP_DigestUpdate(ctx_, b.data(), b.size()); }
  std::string final() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_, out, &n);
    return std::string(reinterpret_cast<const char*>(out), n);
  }

 private:
  EVP_MD_CTX* ctx_;
};

}  // namespace

class PatchImpl final : public UploadPatch {
 public:
  PatchImpl(ResumableUploads& owner, Caller caller, Record rec, std::optional<ChunkChecksum> checksum)
      : owner_(owner), caller_(std::move(caller)), rec_(std::move(rec)), checksum_(std::move(checksum)) {}

  ~PatchImpl() override {
    {
      std::lock_guard lock(mutex_);
      if (!detached_) keep_what_arrived();
      detached_ = true;
      if (fd_ >= 0) ::close(fd_);
      fd_ = -1;
    }
    owner_.release(rec_.token);
  }
  PatchImpl(const PatchImpl&) = delete;
  PatchImpl& operator=(const PatchImpl&) = delete;

  // From ResumableUploads::stop(): what arrived is kept now, as if the request were cut,
  // and nothing after this touches storage (the request may end after storage is gone).
  void detach(bool keep) {
    std::lock_guard lock(mutex_);
    if (!detached_ && keep) keep_what_arrived();
    detached_ = true;
  }

  Result<void> open() {
    fs::create_directories(owner_.options_.staging_dir);
    if (!rec_.hash_state.empty() && !hash_.load_state(rec_.hash_state))
      return make_error(ErrorCode::internal, "upload hash state unreadable");
    if (checksum_) digest_ = std::make_unique<Digest>(checksum_->algorithm);
    if (rec_.in_place) {
      auto upload = multipart();
      if (!upload) return upload.error();
      upload_ = std::move(upload.value());
      auto file = upload_->open_append(static_cast<std::uint64_t>(rec_.offset));
      if (!file) return file.error();
      append_ = std::move(file.value());
      return {};
    }
    fd_ = ::open(pending_path().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) return io_error("open staging");
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return io_error("stat staging");
    const std::int64_t expected = rec_.offset - rec_.parts_bytes;
    // After a crash the staging file may hold more (unrecorded) or fewer bytes than
    // recorded: trust the smaller of the two.
    if (st.st_size > expected) {
      if (::ftruncate(fd_, static_cast<off_t>(expected)) != 0) return io_error("truncate staging");
    } else if (st.st_size < expected) {
      return make_error(ErrorCode::conflict, "the server lost part of this upload; start again");
    }
    pending_start_ = expected;
    pending_ = expected;
    if (::lseek(fd_, 0, SEEK_END) < 0) return io_error("seek staging");
    return {};
  }

  Result<void> write(std::string_view chunk) override {
    std::lock_guard lock(mutex_);
    if (detached_) return stopping();
    if (rec_.offset + received_ + static_cast<std::int64_t>(chunk.size()) > rec_.length)
      return make_error(ErrorCode::invalid_argument, "more bytes than the upload's length");
    if (digest_) digest_->update(chunk);
    // The first bytes of the file, for sniffing its type at the end.
    const std::int64_t at = rec_.offset + received_;
    if (at < static_cast<std::int64_t>(kSniffBytes)) {
      auto take = std::min<std::size_t>(chunk.size(), kSniffBytes - static_cast<std::size_t>(at));
      int head = ::open(head_path().c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
      if (head < 0) return io_error("open head");
      auto w = ::pwrite(head, chunk.data(), take, static_cast<off_t>(at));
      ::close(head);
      if (w < 0) return io_error("write head");
    }
    if (append_) return append(chunk);
    while (!chunk.empty()) {
      std::string_view piece = chunk;
      if (!checksum_) {
        // Without a checksum to wait for, a full part leaves at once.
        piece = chunk.substr(0, static_cast<std::size_t>(owner_.options_.part_bytes - pending_));
      }
      MERIDIAN_TRY(write_fully(fd_, piece));
      hash_.update(piece);
      pending_ += static_cast<std::int64_t>(piece.size());
      received_ += static_cast<std::int64_t>(piece.size());
      chunk.remove_prefix(piece.size());
      if (!checksum_ && pending_ == owner_.options_.part_bytes) {
        MERIDIAN_TRY(flush_parts(false));  // records the offset too
      } else if (!checksum_ && received_ - recorded_ >= owner_.options_.checkpoint_bytes) {
        MERIDIAN_TRY(persist());
      }
    }
    return {};
  }

  Result<Done> finish() override {
    std::lock_guard lock(mutex_);
    if (detached_) return stopping();
    finished_ = true;
    if (append_) {
      if (digest_ && digest_->final() != checksum_->digest) {
        MERIDIAN_TRY(append_->truncate(static_cast<std::uint64_t>(rec_.offset)));
        return make_error(ErrorCode::invalid_argument, "checksum mismatch");
      }
      MERIDIAN_TRY(persist());
      Done done;
      done.offset = rec_.offset + received_;
      if (done.offset != rec_.length) return done;
      MERIDIAN_TRY(upload_->complete_appended(static_cast<std::uint64_t>(rec_.length)));
      return complete_upload(done);
    }
    if (digest_ && digest_->final() != checksum_->digest) {
      if (::ftruncate(fd_, static_cast<off_t>(pending_start_)) != 0) return io_error("truncate staging");
      return make_error(ErrorCode::invalid_argument, "checksum mismatch");
    }
    const bool complete = rec_.offset + received_ == rec_.length;
    MERIDIAN_TRY(flush_parts(complete));
    MERIDIAN_TRY(persist());
    Done done;
    done.offset = rec_.offset + received_;
    if (!complete) return done;
    return complete_upload(done);
  }

 private:
  static Error stopping() {
    return make_error(ErrorCode::unavailable, "the server is stopping; resume the upload once it is back");
  }

  // With mutex_ held, for a PATCH that ends without finish(): keep what arrived, unless it
  // had to match a checksum (then nothing of it).
  void keep_what_arrived() {
    if (finished_ || received_ == 0) return;
    if (append_) {
      if (checksum_) {
        (void)append_->truncate(static_cast<std::uint64_t>(rec_.offset));
      } else if (received_ != recorded_) {
        (void)persist();
      }
    } else if (fd_ >= 0) {
      if (checksum_) {
        (void)::ftruncate(fd_, static_cast<off_t>(pending_start_));
      } else if (received_ != recorded_) {
        (void)persist();
      }
    }
  }

  fs::path pending_path() const { return owner_.options_.staging_dir / (rec_.token + ".pending"); }
  fs::path head_path() const { return owner_.options_.staging_dir / (rec_.token + ".head"); }

  Result<std::unique_ptr<objectstore::MultipartUpload>> multipart() {
    return owner_.files_.store().resume_multipart(rec_.object_key, rec_.multipart_id);
  }

  // Sends every whole part in the staging file (and, when `last`, the rest) as parts.
  Result<void> flush_parts(bool last) {
    const std::int64_t part = owner_.options_.part_bytes;
    if (pending_ < part && !(last && pending_ > 0)) return {};
    auto upload = multipart();
    if (!upload) return upload.error();
    std::int64_t sent = 0;
    while (pending_ - sent >= part || (last && pending_ - sent > 0)) {
      const std::int64_t n = std::min(part, pending_ - sent);
      int rfd = ::open(pending_path().c_str(), O_RDONLY | O_CLOEXEC);
      if (rfd < 0) return io_error("open staging");
      auto source = net::file_range_source(rfd, static_cast<std::uint64_t>(sent), static_cast<std::uint64_t>(n));
      auto etag = (*upload)->upload_part(static_cast<int>(rec_.etags.size() + 1), *source);
      if (!etag) return etag.error();
      rec_.etags.push_back(*etag);
      rec_.parts_bytes += n;
      sent += n;
    }
    // Keep the rest (less than a part) at the start of the staging file.
    std::string rest(static_cast<std::size_t>(pending_ - sent), '\0');
    if (!rest.empty() &&
        ::pread(fd_, rest.data(), rest.size(), static_cast<off_t>(sent)) != static_cast<ssize_t>(rest.size()))
      return io_error("read staging");
    if (::ftruncate(fd_, 0) != 0) return io_error("truncate staging");
    if (::lseek(fd_, 0, SEEK_SET) < 0) return io_error("seek staging");
    MERIDIAN_TRY(write_fully(fd_, rest));
    pending_ = static_cast<std::int64_t>(rest.size());
    pending_start_ = 0;
    // A cut after this point must not lose the parts just sent.
    return persist();
  }

  // In place: the bytes go straight into the store's file; without a checksum to wait
  // for, the offset (with the hash state) is made durable every checkpoint_bytes.
  Result<void> append(std::string_view chunk) {
    // Slice by slice, so that the hash reads bytes the write just brought into the cache.
    constexpr std::size_t kSlice = 128 * 1024;
    for (std::size_t at = 0; at < chunk.size(); at += kSlice) {
      const std::string_view slice = chunk.substr(at, kSlice);
      MERIDIAN_TRY(append_->write(slice));
      hash_.update(slice);
    }
    received_ += static_cast<std::int64_t>(chunk.size());
    if (!checksum_ && received_ - recorded_ >= owner_.options_.checkpoint_bytes) MERIDIAN_TRY(persist());
    return {};
  }

  // The bytes first (durable), then the offset that counts them: after a crash the file
  // may hold more than recorded (cut off at the next PATCH), never less.
  Result<void> persist() {
    std::int64_t offset = 0;
    if (append_) {
      MERIDIAN_TRY(append_->sync());
      offset = rec_.offset + received_;
    } else {
      if (::fsync(fd_) != 0) return io_error("fsync staging");
      offset = rec_.parts_bytes + pending_;
    }
    auto r = owner_.db_.write([&](Session& s) -> Result<void> {
      return storage::exec(
          s,
          "UPDATE file_uploads SET upload_offset = ?, parts_bytes = ?, part_etags = ?, hash_state = ? WHERE token = ?",
          {offset, rec_.parts_bytes, join_etags(rec_.etags), hash_.save_state(), rec_.token});
    });
    if (r) recorded_ = received_;
    return r;
  }

  Result<Done> complete_upload(Done done) {
    if (!append_) {
      auto upload = multipart();
      if (!upload) return upload.error();
      MERIDIAN_TRY((*upload)->complete(rec_.etags));
    }
    std::string head(kSniffBytes, '\0');
    int hfd = ::open(head_path().c_str(), O_RDONLY | O_CLOEXEC);
    ssize_t got = hfd >= 0 ? ::pread(hfd, head.data(), head.size(), 0) : 0;
    if (hfd >= 0) ::close(hfd);
    head.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    objectstore::ObjectInfo info;
    info.size = static_cast<std::uint64_t>(rec_.length);
    info.sha256_hex = hash_.hex_digest();
    UploadTicket t;
    t.space_id = rec_.space_id;
    t.parent_id = rec_.parent_id;
    t.name = rec_.name;
    t.region = rec_.region;
    t.object_key = rec_.object_key;
    t.declared_bytes = rec_.length;
    t.max_bytes = rec_.length;
    // From here the object belongs to the files service (recorded, or removed on refusal).
    auto node = owner_.files_.complete_upload(caller_, t, info, sniff_content_type(head));
    owner_.discard(rec_.token, "", "");
    if (!node) return node.error();
    done.file = std::move(node.value());
    return done;
  }

  ResumableUploads& owner_;
  Caller caller_;
  Record rec_;
  std::optional<ChunkChecksum> checksum_;
  std::unique_ptr<Digest> digest_;
  objectstore::Sha256 hash_;
  std::unique_ptr<objectstore::MultipartUpload> upload_;  // in place only
  std::unique_ptr<objectstore::AppendFile> append_;       // in place only
  // write(), finish() and the end of the request against stop() (another thread).
  std::mutex mutex_;
  bool detached_ = false;      // stopped: storage is not touched any more
  std::int64_t recorded_ = 0;  // bytes of this PATCH counted in the recorded offset
  int fd_ = -1;
  std::int64_t pending_start_ = 0;  // staging bytes before this PATCH
  std::int64_t pending_ = 0;        // staging bytes now
  std::int64_t received_ = 0;       // bytes of this PATCH
  bool finished_ = false;
};

ResumableUploads::ResumableUploads(storage::Database& db, FilesService& files, const Clock& clock,
                                   ResumableOptions options)
    : db_(db), files_(files), clock_(clock), options_(std::move(options)) {
  fs::create_directories(options_.staging_dir);
}

Result<UploadState> ResumableUploads::create(const Caller& caller, std::int64_t space_id, std::int64_t parent_id,
                                             std::string_view name, std::int64_t length) {
  if (length <= 0)
    return make_error(ErrorCode::invalid_argument, "Upload-Length must be positive (empty files: plain upload)");
  {
    std::lock_guard lock(active_mutex_);
    if (stopped_) return make_error(ErrorCode::unavailable, "the server is stopping; try again once it is back");
  }
  (void)expire();
  auto ticket = files_.begin_upload(caller, space_id, parent_id, name, length);
  if (!ticket) return ticket.error();
  auto upload = files_.store().start_multipart(ticket->object_key);
  files_.abandon_upload(*ticket);  // parts are not objects; nothing for GC to spare
  if (!upload) return upload.error();
  const bool in_place = options_.in_place && files_.store().appends_in_place();
  UploadState state;
  state.token = safe_token();
  state.length = length;
  state.expires_at = clock_.now_ms() + options_.ttl_ms;
  auto r = db_.write([&](Session& s) -> Result<void> {
    return storage::exec(
        s,
        "INSERT INTO file_uploads (token, user_id, space_id, parent_id, name, region, object_key, multipart_id, "
        "length, expires_at, created_at, in_place) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {state.token, caller.subject.user_id, space_id, parent_id, ticket->name, ticket->region, ticket->object_key,
         (*upload)->upload_id(), length, state.expires_at, clock_.now_ms(), std::int64_t{in_place ? 1 : 0}});
  });
  if (!r) {
    (void)(*upload)->abort();
    return r.error();
  }
  return state;
}

Result<UploadState> ResumableUploads::status(const Subject& who, std::string_view token) {
  auto rec = storage::read_value<std::optional<Record>>(db_, [&](Session& s) { return load(s, token); });
  if (!rec) return rec.error();
  if (!*rec || (*rec)->user_id != who.user_id || (*rec)->expires_at <= clock_.now_ms()) return no_upload();
  UploadState state;
  state.token = (*rec)->token;
  state.offset = (*rec)->offset;
  state.length = (*rec)->length;
  state.expires_at = (*rec)->expires_at;
  return state;
}

Result<std::unique_ptr<UploadPatch>> ResumableUploads::patch(const Caller& caller, std::string_view token,
                                                             std::int64_t offset,
                                                             std::optional<ChunkChecksum> checksum) {
  auto rec = storage::read_value<std::optional<Record>>(db_, [&](Session& s) { return load(s, token); });
  if (!rec) return rec.error();
  if (!*rec || (*rec)->user_id != caller.subject.user_id || (*rec)->expires_at <= clock_.now_ms()) return no_upload();
  const std::string key = (*rec)->token;
  MERIDIAN_TRY(enter(key));
  // From here the patch releases the token when destroyed.
  auto impl = std::make_unique<PatchImpl>(*this, caller, std::move(**rec), std::move(checksum));
  auto current = status(caller.subject, token);
  if (!current) return current.error();
  if (current->offset != offset)
    return make_error(ErrorCode::conflict, "Upload-Offset is " + std::to_string(offset) + ", the upload is at " +
                                               std::to_string(current->offset));
  MERIDIAN_TRY(impl->open());
  {
    std::lock_guard lock(active_mutex_);
    if (stopped_) {
      impl->detach(false);  // stopped meanwhile: it received nothing to keep
      return make_error(ErrorCode::unavailable, "the server is stopping; resume the upload once it is back");
    }
    active_[key] = impl.get();
  }
  return std::unique_ptr<UploadPatch>(std::move(impl));
}

Result<void> ResumableUploads::terminate(const Subject& who, std::string_view token) {
  auto rec = storage::read_value<std::optional<Record>>(db_, [&](Session& s) { return load(s, token); });
  if (!rec) return rec.error();
  if (!*rec || (*rec)->user_id != who.user_id) return no_upload();
  {
    std::lock_guard lock(active_mutex_);
    if (active_.count((*rec)->token)) return make_error(ErrorCode::conflict, "a request is writing to this upload");
  }
  discard((*rec)->token, (*rec)->object_key, (*rec)->multipart_id);
  return {};
}

Result<std::size_t> ResumableUploads::expire() {
  auto rows = storage::read_value<storage::Rows>(db_, [&](Session& s) {
    return s.query("SELECT token, object_key, multipart_id FROM file_uploads WHERE expires_at <= ?", {clock_.now_ms()});
  });
  if (!rows) return rows.error();
  std::size_t n = 0;
  for (const auto& r : *rows) {
    {
      std::lock_guard lock(active_mutex_);
      if (active_.count(r.text(0))) continue;
    }
    discard(r.text(0), r.text(1), r.text(2));
    ++n;
  }
  return n;
}

Result<void> ResumableUploads::enter(const std::string& token) {
  std::lock_guard lock(active_mutex_);
  if (stopped_) return make_error(ErrorCode::unavailable, "the server is stopping; resume the upload once it is back");
  if (!active_.emplace(token, nullptr).second)
    return make_error(ErrorCode::conflict, "another request is writing to this upload");
  return {};
}

void ResumableUploads::release(const std::string& token) {
  std::lock_guard lock(active_mutex_);
  active_.erase(token);
}

void ResumableUploads::stop() {
  std::lock_guard lock(active_mutex_);
  if (stopped_) return;
  stopped_ = true;
  // Under the lock: a PATCH ending meanwhile waits in release() and stays alive until then.
  std::size_t kept = 0;
  for (auto& [token, patch] : active_) {
    if (!patch) continue;
    patch->detach(true);
    ++kept;
  }
  log::info("files.uploads_stopped", {{"patches_in_progress", static_cast<std::int64_t>(kept)}});
}

void ResumableUploads::discard(const std::string& token, const std::string& object_key,
                               const std::string& multipart_id) {
  if (!multipart_id.empty()) {
    auto upload = files_.store().resume_multipart(object_key, multipart_id);
    if (upload) (void)(*upload)->abort();
  }
  std::error_code ec;
  fs::remove(options_.staging_dir / (token + ".pending"), ec);
  fs::remove(options_.staging_dir / (token + ".head"), ec);
  auto r = db_.write([&](Session& s) -> Result<void> {
    return storage::exec(s, "DELETE FROM file_uploads WHERE token = ?", {token});
  });
  if (!r) log::warn("files.upload_discard_failed", {{"error", std::string_view(r.error().message)}});
}

}  // namespace meridian::files
