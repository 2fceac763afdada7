#include "privacy/zip_writer.hpp"

#include <archive.h>
#include <archive_entry.h>

namespace meridian::privacy {

ZipWriter::ZipWriter(Sink sink, UnixMillis modified) : sink_(std::move(sink)), modified_(modified) {
  archive_ = archive_write_new();
  if (!archive_) return;
  archive_write_set_format_zip(archive_);
  // Blocks of 64 KiB to the sink, the last one not padded.
  archive_write_set_bytes_per_block(archive_, 64 * 1024);
  archive_write_set_bytes_in_last_block(archive_, 1);
  if (archive_write_open2(archive_, this, nullptr, &ZipWriter::on_write, nullptr, nullptr) == ARCHIVE_OK) open_ = true;
}

ZipWriter::~ZipWriter() {
  if (archive_) archive_write_free(archive_);  // after finish() a no-op; otherwise the archive is abandoned
}

long ZipWriter::on_write(struct archive* a, void* self, const void* buffer, std::size_t length) {
  auto* z = static_cast<ZipWriter*>(self);
  auto r = z->sink_(std::string_view(static_cast<const char*>(buffer), length));
  if (!r.ok()) {
    z->sink_error_ = r.error();
    archive_set_error(a, EIO, "%s", r.error().message.c_str());
    return -1;
  }
  z->offset_ += length;
  return static_cast<long>(length);
}

Error ZipWriter::failure(std::string_view what) const {
  if (sink_error_) return *sink_error_;
  const char* why = archive_ ? archive_error_string(archive_) : nullptr;
  return make_error(ErrorCode::internal, "zip: " + std::string(what) + ": " + (why ? why : "libarchive failed"));
}

Result<void> ZipWriter::begin(std::string_view name, bool deflate) {
  if (!open_ || finished_) return failure("no entry can begin");
  if (name.empty() || name.size() > 0xffff) return make_error(ErrorCode::invalid_argument, "zip: bad entry name");
  if (deflate)
    archive_write_zip_set_compression_deflate(archive_);
  else
    archive_write_zip_set_compression_store(archive_);
  archive_entry* entry = archive_entry_new();
  const std::string path(name);
  archive_entry_set_pathname_utf8(entry, path.c_str());
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_perm(entry, 0644);
  archive_entry_set_mtime(entry, static_cast<time_t>(modified_ / 1000), 0);
  archive_entry_unset_size(entry);  // streamed: the sizes follow the data
  const int r = archive_write_header(archive_, entry);
  archive_entry_free(entry);
  if (r < ARCHIVE_WARN) return failure("entry '" + path + "'");
  return {};
}

Result<void> ZipWriter::write(std::string_view bytes) {
  if (!open_ || finished_) return failure("write outside an entry");
  while (!bytes.empty()) {
    const auto n = archive_write_data(archive_, bytes.data(), bytes.size());
    if (n <= 0) return failure("write");
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Result<void> ZipWriter::add(std::string_view name, std::string_view bytes) {
  MERIDIAN_TRY(begin(name, true));
  return write(bytes);
}

Result<void> ZipWriter::finish() {
  if (finished_) return {};
  if (!open_) return failure("open");
  finished_ = true;
  if (archive_write_close(archive_) != ARCHIVE_OK) return failure("close");
  return {};
}

std::string zip_safe_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(c == '/' || c == '\\' || u < 0x20 || u == 0x7f ? '_' : c);
  }
  for (auto& c : out) {
    if (c != '.') break;
    c = '_';
  }
  return out.empty() ? std::string("_") : out;
}

}  // namespace meridian::privacy
