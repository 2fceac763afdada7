#include "net/static_files.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <system_error>
#include <utility>

namespace meridian::net {
namespace {

constexpr std::string_view kIndex = "index.html";
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;
    int hi = hex_value(in[i + 1]);
    int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// Refuses traversal in every spelling before touching the file system: encoded
// separators and dots, backslashes, NUL and ".." anywhere.
bool looks_like_traversal(std::string_view raw, std::string_view decoded) {
  std::string raw_lower = lower(raw);
  for (std::string_view bad : {"%2e%2e", "%2f", "%5c", "%00"})
    if (raw_lower.find(bad) != std::string::npos) return true;
  if (decoded.find("..") != std::string_view::npos) return true;
  for (char c : decoded)
    if (c == '\\' || c == '\0' || static_cast<unsigned char>(c) < 0x20) return true;
  return false;
}

bool is_inside(const std::filesystem::path& root, const std::filesystem::path& candidate) {
  auto r = root.begin();
  auto c = candidate.begin();
  for (; r != root.end(); ++r, ++c) {
    if (c == candidate.end() || *r != *c) return false;
  }
  return true;
}

}  // namespace

StaticFiles::StaticFiles(const std::string& web_root) {
  if (web_root.empty()) return;
  std::error_code ec;
  auto canonical = std::filesystem::canonical(web_root, ec);
  if (!ec && std::filesystem::is_directory(canonical, ec)) root_ = std::move(canonical);
}

std::string_view StaticFiles::content_type_for(const std::filesystem::path& file) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 22> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".avif", "image/avif"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".ttf", "font/ttf"},
      {".wasm", "application/wasm"},
      {".xml", "application/xml"},
  }};
  std::string ext = lower(file.extension().string());
  for (const auto& [e, type] : kTypes)
    if (e == ext) return type;
  return "application/octet-stream";
}

bool StaticFiles::has_content_hash(std::string_view name) {
  // Angular names bundles "main-HASH.js" (esbuild) or "main.HASH.js" (webpack): at least
  // 8 letters or digits between a separator and a dot. A lower-case word in that place
  // ("app-settings.json") is a name, not a hash: caching it for a year would be wrong.
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] != '-' && name[i] != '.') continue;
    std::size_t j = i + 1;
    bool only_lower_letters = true;
    while (j < name.size() && std::isalnum(static_cast<unsigned char>(name[j]))) {
      only_lower_letters = only_lower_letters && std::islower(static_cast<unsigned char>(name[j]));
      ++j;
    }
    if (j - (i + 1) >= 8 && j < name.size() && name[j] == '.' && !only_lower_letters) return true;
  }
  return false;
}

std::optional<StaticFile> StaticFiles::file_at(const std::filesystem::path& relative) const {
  std::error_code ec;
  auto candidate = std::filesystem::weakly_canonical(root_ / relative, ec);
  if (ec || !is_inside(root_, candidate)) return std::nullopt;
  if (std::filesystem::is_directory(candidate, ec)) candidate /= kIndex;
  if (!std::filesystem::is_regular_file(candidate, ec)) return std::nullopt;
  // The index may itself be a symlink; check again after resolving it.
  candidate = std::filesystem::canonical(candidate, ec);
  if (ec || !is_inside(root_, candidate)) return std::nullopt;
  std::string name = candidate.filename().string();
  std::string_view cache = kRevalidate;
  if (name != kIndex && has_content_hash(name)) cache = kImmutable;
  return StaticFile{candidate, content_type_for(candidate), cache};
}

std::optional<StaticFile> StaticFiles::resolve(std::string_view raw_path) const {
  if (!enabled() || raw_path.empty() || raw_path.front() != '/') return std::nullopt;
  auto decoded = percent_decode(raw_path);
  if (!decoded || looks_like_traversal(raw_path, *decoded)) return std::nullopt;
  std::filesystem::path relative = std::filesystem::path(decoded->substr(1)).relative_path();
  if (auto file = file_at(relative)) return file;
  // Client-side routes (/admin/users) have no extension: the SPA handles them.
  if (!relative.filename().has_extension()) return file_at(std::filesystem::path(kIndex));
  return std::nullopt;
}

}  // namespace meridian::net
