// File and folder names as users type them, made safe to store and to hand back in
// headers and paths: valid UTF-8, Unicode NFC, no path separators or traversal, no
// control or bidirectional-override characters, at most 255 bytes.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace meridian::files {

inline constexpr std::size_t kMaxNameBytes = 255;

// The normalised name, or invalid_argument saying what is wrong with it.
Result<std::string> sanitize_name(std::string_view raw);

}  // namespace meridian::files
