// A ZIP archive written front to back into a sink (an object being stored), never held
// in memory and never seeked, through libarchive (Debian's libarchive-dev): an entry of
// unknown size carries its CRC-32 and sizes in a data descriptor after its data, ZIP64
// where an entry or the archive needs it, the central directory last. JSON entries are
// deflated; originals are stored as they are (mostly compressed already).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

struct archive;

namespace meridian::privacy {

class ZipWriter final {
 public:
  using Sink = std::function<Result<void>(std::string_view bytes)>;
  // `modified`: the time every entry carries.
  ZipWriter(Sink sink, UnixMillis modified);
  ~ZipWriter();
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  // A new entry named `name` (UTF-8, '/'-separated, relative); the previous one ends.
  // `deflate`: compressed (JSON) or stored (originals).
  Result<void> begin(std::string_view name, bool deflate = false);
  Result<void> write(std::string_view bytes);
  // The whole entry at once, deflated.
  Result<void> add(std::string_view name, std::string_view bytes);
  // Ends the last entry and writes the central directory; nothing may follow.
  Result<void> finish();

  // What reached the sink so far.
  std::uint64_t bytes_written() const { return offset_; }

 private:
  static long on_write(struct archive*, void* self, const void* buffer, std::size_t length);
  Error failure(std::string_view what) const;

  Sink sink_;
  UnixMillis modified_ = 0;
  struct archive* archive_ = nullptr;
  std::optional<Error> sink_error_;  // the sink's own refusal, answered instead of libarchive's
  bool open_ = false;
  bool finished_ = false;
  std::uint64_t offset_ = 0;
};

// An entry name from a person's file name: no directory parts, no leading dots, no
// control characters (they cannot come through the files module, but the archive is
// opened by tools that trust it).
std::string zip_safe_name(std::string_view name);

}  // namespace meridian::privacy
