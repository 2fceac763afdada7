#include "files/content_type.hpp"

#include <magic.h>

#include <array>

namespace meridian::files {
namespace {

// libmagic handles are not thread-safe: one per thread, loaded once.
class MagicHandle {
 public:
  MagicHandle() : cookie_(magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR)) {
    if (cookie_ && magic_load(cookie_, nullptr) != 0) {
      magic_close(cookie_);
      cookie_ = nullptr;
    }
  }
  ~MagicHandle() {
    if (cookie_) magic_close(cookie_);
  }
  MagicHandle(const MagicHandle&) = delete;
  MagicHandle& operator=(const MagicHandle&) = delete;
  magic_t get() const { return cookie_; }

 private:
  magic_t cookie_;
};

}  // namespace

std::string sniff_content_type(std::string_view head) {
  if (head.empty()) return "application/x-empty";
  thread_local MagicHandle magic;
  if (!magic.get()) return "application/octet-stream";
  const char* type = magic_buffer(magic.get(), head.data(), head.size());
  if (!type || !*type) return "application/octet-stream";
  return type;
}

bool is_safe_inline(std::string_view content_type) {
  static constexpr std::array<std::string_view, 8> kSafe = {"image/png",  "image/jpeg",         "image/gif",
                                                            "image/webp", "image/bmp",          "application/pdf",
                                                            "text/plain", "application/x-empty"};
  for (auto safe : kSafe)
    if (content_type == safe) return true;
  return false;
}

}  // namespace meridian::files
