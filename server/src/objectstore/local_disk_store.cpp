#include "objectstore/local_disk_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "core/random.hpp"

// `auto var = value of expr`, or return its error.
#define OBJECTSTORE_TRY_ASSIGN(var, expr)           \
  auto var##_result_ = (expr);                      \
  if (!var##_result_) return var##_result_.error(); \
  auto var = std::move(var##_result_.value())

namespace meridian::objectstore {
namespace fs = std::filesystem;
namespace {

constexpr const char* kTempDir = ".tmp";
constexpr const char* kMultipartDir = ".multipart";

Error io_error(std::string_view what) {
  return make_error(ErrorCode::internal, std::string(what) + ": " + std::strerror(errno));
}

Error bad_key() { return make_error(ErrorCode::invalid_argument, "invalid object key"); }

std::string random_name() { return random_token(16); }

Result<void> write_fully(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("write");
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

// Starts the disk writing what was just written, every few MiB, without waiting for it:
// the final fsync then finds little left, and the disk works while the network does.
class WriteBehind {
 public:
  static constexpr std::uint64_t kEvery = 8 * 1024 * 1024;
  explicit WriteBehind(std::uint64_t from = 0) : flushed_(from) {}
  void wrote(int fd, std::uint64_t end) {
    if (end < flushed_ + kEvery) return;
    // Best effort: an error here shows at the fsync.
    ::sync_file_range(fd, static_cast<off_t>(flushed_), static_cast<off_t>(end - flushed_), SYNC_FILE_RANGE_WRITE);
    flushed_ = end;
  }
  void reset(std::uint64_t at) { flushed_ = at; }

 private:
  std::uint64_t flushed_;
};

Result<void> fsync_dir(const fs::path& dir, bool durable) {
  if (!durable) return {};
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("open dir");
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return io_error("fsync dir");
  return {};
}

// A temporary file that becomes `target` on commit, or disappears.
class AtomicFileWriter final : public ObjectWriter {
 public:
  AtomicFileWriter(int fd, fs::path temp, fs::path target, bool durable)
      : fd_(fd), temp_(std::move(temp)), target_(std::move(target)), durable_(durable) {}
  ~AtomicFileWriter() override {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) {
      std::error_code ec;
      fs::remove(temp_, ec);
    }
  }
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  Result<void> write(std::string_view chunk) override {
    if (fd_ < 0) return make_error(ErrorCode::internal, "writer already committed");
    // Slice by slice, so that the hash reads bytes the write just brought into the cache.
    constexpr std::size_t kSlice = 128 * 1024;
    for (std::size_t at = 0; at < chunk.size(); at += kSlice) {
      const std::string_view slice = chunk.substr(at, kSlice);
      MERIDIAN_TRY(write_fully(fd_, slice));
      hash_.update(slice);
    }
    size_ += chunk.size();
    if (durable_) behind_.wrote(fd_, size_);
    return {};
  }

  Result<ObjectInfo> commit() override {
    if (fd_ < 0) return make_error(ErrorCode::internal, "writer already committed");
    if (durable_ && ::fsync(fd_) != 0) return io_error("fsync");
    ::close(fd_);
    fd_ = -1;
    std::error_code ec;
    fs::create_directories(target_.parent_path(), ec);
    if (ec) return make_error(ErrorCode::internal, "mkdir: " + ec.message());
    if (::rename(temp_.c_str(), target_.c_str()) != 0) return io_error("rename");
    committed_ = true;
    MERIDIAN_TRY(fsync_dir(target_.parent_path(), durable_));
    ObjectInfo info;
    info.size = size_;
    info.sha256_hex = hash_.hex_digest();
    return info;
  }

 private:
  int fd_;
  fs::path temp_;
  fs::path target_;
  bool durable_;
  Sha256 hash_;
  WriteBehind behind_;
  std::uint64_t size_ = 0;
  bool committed_ = false;
};

Result<std::unique_ptr<ObjectWriter>> open_writer(const fs::path& temp_dir, fs::path target, bool durable) {
  fs::path temp = temp_dir / random_name();
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("create temp");
  return std::unique_ptr<ObjectWriter>(
      std::make_unique<AtomicFileWriter>(fd, std::move(temp), std::move(target), durable));
}

// The file of an in-place multipart upload, continued at its end.
class LocalAppendFile final : public AppendFile {
 public:
  LocalAppendFile(int fd, bool durable) : fd_(fd), durable_(durable) {}
  ~LocalAppendFile() override { ::close(fd_); }
  LocalAppendFile(const LocalAppendFile&) = delete;
  LocalAppendFile& operator=(const LocalAppendFile&) = delete;

  Result<void> write(std::string_view chunk) override {
    MERIDIAN_TRY(write_fully(fd_, chunk));
    end_ += chunk.size();
    if (durable_) behind_.wrote(fd_, end_);
    return {};
  }
  Result<void> sync() override {
    if (durable_ && ::fdatasync(fd_) != 0) return io_error("fsync");
    return {};
  }
  Result<void> truncate(std::uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return io_error("truncate");
    if (::lseek(fd_, 0, SEEK_END) < 0) return io_error("seek");
    end_ = size;
    behind_.reset(size);
    return {};
  }

 private:
  int fd_;
  bool durable_;
  std::uint64_t end_ = 0;
  WriteBehind behind_;
};

class LocalMultipart final : public MultipartUpload {
 public:
  LocalMultipart(LocalDiskStore& store, std::string key, std::string id)
      : store_(store), key_(std::move(key)), id_(std::move(id)) {}

  const std::string& upload_id() const override { return id_; }

  fs::path dir() const { return store_.root() / kMultipartDir / id_; }
  fs::path part_path(int n) const { return dir() / ("part-" + std::to_string(n)); }

  Result<std::string> upload_part(int part_number, net::BodySource& data) override {
    if (part_number < 1 || part_number > 10000)
      return make_error(ErrorCode::invalid_argument, "part number out of range");
    OBJECTSTORE_TRY_ASSIGN(writer, open_writer(store_.root() / kTempDir, part_path(part_number), store_.durable()));
    char buf[64 * 1024];
    while (true) {
      auto n = data.read(buf, sizeof buf);
      if (!n) return n.error();
      if (*n == 0) break;
      MERIDIAN_TRY(writer->write(std::string_view(buf, *n)));
    }
    OBJECTSTORE_TRY_ASSIGN(info, writer->commit());
    return "\"" + info.sha256_hex + "\"";
  }

  Result<void> complete(const std::vector<std::string>& part_etags) override {
    OBJECTSTORE_TRY_ASSIGN(writer, store_.put(key_));
    char buf[64 * 1024];
    for (std::size_t i = 0; i < part_etags.size(); ++i) {
      int fd = ::open(part_path(static_cast<int>(i + 1)).c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) return make_error(ErrorCode::invalid_argument, "part " + std::to_string(i + 1) + " is missing");
      while (true) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
          ::close(fd);
          return io_error("read part");
        }
        if (n == 0) break;
        auto written = writer->write(std::string_view(buf, static_cast<std::size_t>(n)));
        if (!written) {
          ::close(fd);
          return written.error();
        }
      }
      ::close(fd);
    }
    MERIDIAN_TRY(writer->commit());
    return abort();
  }

  fs::path append_path() const { return dir() / "data"; }

  Result<std::unique_ptr<AppendFile>> open_append(std::uint64_t offset) override {
    int fd = ::open(append_path().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return io_error("open upload file");
    auto file = std::make_unique<LocalAppendFile>(fd, store_.durable());
    struct stat st {};
    if (::fstat(fd, &st) != 0) return io_error("stat upload file");
    if (static_cast<std::uint64_t>(st.st_size) < offset)
      return make_error(ErrorCode::conflict, "the store lost part of this upload; start again");
    MERIDIAN_TRY(file->truncate(offset));
    return std::unique_ptr<AppendFile>(std::move(file));
  }

  Result<void> complete_appended(std::uint64_t length) override {
    const fs::path data = append_path();
    int fd = ::open(data.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return make_error(ErrorCode::invalid_argument, "nothing was appended to this upload");
    struct stat st {};
    const bool ok = ::fstat(fd, &st) == 0 && static_cast<std::uint64_t>(st.st_size) == length;
    const bool synced = ok && (!store_.durable() || ::fsync(fd) == 0);
    ::close(fd);
    if (!ok) return make_error(ErrorCode::invalid_argument, "the upload does not have the expected length");
    if (!synced) return io_error("fsync");
    const fs::path target = store_.root() / key_;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) return make_error(ErrorCode::internal, "mkdir: " + ec.message());
    if (::rename(data.c_str(), target.c_str()) != 0) return io_error("rename");
    MERIDIAN_TRY(fsync_dir(target.parent_path(), store_.durable()));
    return abort();
  }

  Result<void> abort() override {
    std::error_code ec;
    fs::remove_all(dir(), ec);
    if (ec) return make_error(ErrorCode::internal, "remove parts: " + ec.message());
    return {};
  }

 private:
  LocalDiskStore& store_;
  std::string key_;
  std::string id_;
};

}  // namespace

LocalDiskStore::LocalDiskStore(fs::path root, bool durable) : root_(std::move(root)), durable_(durable) {
  fs::create_directories(root_);
  fs::remove_all(root_ / kTempDir);
  fs::create_directories(root_ / kTempDir);
  fs::create_directories(root_ / kMultipartDir);
}

Result<std::unique_ptr<ObjectWriter>> LocalDiskStore::put(std::string_view key) {
  if (!is_valid_key(key)) return bad_key();
  return open_writer(root_ / kTempDir, root_ / std::string(key), durable_);
}

Result<std::unique_ptr<net::BodySource>> LocalDiskStore::get(std::string_view key, std::uint64_t offset,
                                                             std::optional<std::uint64_t> length) {
  if (!is_valid_key(key)) return bad_key();
  fs::path path = root_ / std::string(key);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return make_error(ErrorCode::not_found, "no such object");
  if (fd < 0) return io_error("open");
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return io_error("stat");
  }
  const auto total = static_cast<std::uint64_t>(st.st_size);
  if (offset > total || (length && *length > total - offset)) {
    ::close(fd);
    return make_error(ErrorCode::invalid_argument, "range outside the object");
  }
  return net::file_range_source(fd, offset, length.value_or(total - offset));
}

Result<std::uint64_t> LocalDiskStore::size(std::string_view key) {
  if (!is_valid_key(key)) return bad_key();
  std::error_code ec;
  auto n = fs::file_size(root_ / std::string(key), ec);
  if (ec == std::errc::no_such_file_or_directory) return make_error(ErrorCode::not_found, "no such object");
  if (ec) return make_error(ErrorCode::internal, "stat: " + ec.message());
  return static_cast<std::uint64_t>(n);
}

Result<void> LocalDiskStore::remove(std::string_view key) {
  if (!is_valid_key(key)) return bad_key();
  fs::path path = root_ / std::string(key);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return io_error("unlink");
  // Empty folders left by the object go too (never the root).
  std::error_code ec;
  for (fs::path dir = path.parent_path(); dir != root_ && fs::is_empty(dir, ec) && !ec; dir = dir.parent_path())
    fs::remove(dir, ec);
  return {};
}

Result<std::vector<std::string>> LocalDiskStore::list(std::string_view prefix) {
  std::vector<std::string> keys;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root_, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (it.depth() == 0 && (name == kTempDir || name == kMultipartDir)) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    std::string key = fs::relative(it->path(), root_).generic_string();
    if (key.compare(0, prefix.size(), prefix) == 0) keys.push_back(std::move(key));
  }
  if (ec) return make_error(ErrorCode::internal, "list: " + ec.message());
  return keys;
}

Result<std::unique_ptr<MultipartUpload>> LocalDiskStore::start_multipart(std::string_view key) {
  if (!is_valid_key(key)) return bad_key();
  std::string id = random_name();
  fs::create_directories(root_ / kMultipartDir / id);
  std::ofstream(root_ / kMultipartDir / id / "key") << key;
  return std::unique_ptr<MultipartUpload>(std::make_unique<LocalMultipart>(*this, std::string(key), std::move(id)));
}

Result<std::unique_ptr<MultipartUpload>> LocalDiskStore::resume_multipart(std::string_view key,
                                                                          std::string_view upload_id) {
  if (!is_valid_key(key) || !is_valid_key(upload_id)) return bad_key();
  std::ifstream in(root_ / kMultipartDir / std::string(upload_id) / "key");
  std::string stored;
  if (!in || !std::getline(in, stored) || stored != key) return make_error(ErrorCode::not_found, "no such upload");
  return std::unique_ptr<MultipartUpload>(
      std::make_unique<LocalMultipart>(*this, std::string(key), std::string(upload_id)));
}

}  // namespace meridian::objectstore
