// What a file is, from its first bytes (libmagic), never from the client's word; and
// whether it may be shown inline in the browser.
#pragma once

#include <string>
#include <string_view>

namespace meridian::files {

// Bytes looked at: enough for libmagic's rules on common formats.
inline constexpr std::size_t kSniffBytes = 64 * 1024;

// A MIME type such as "image/png"; "application/octet-stream" when unknown.
std::string sniff_content_type(std::string_view head);

// Images, PDF and plain text: never HTML, SVG, XML or anything scriptable.
bool is_safe_inline(std::string_view content_type);

}  // namespace meridian::files
