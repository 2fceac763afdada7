// Maps a request path onto a file of the built web app, safely: nothing outside the
// web root is ever served. Private to net/; free of Beast so it is tested alone.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace meridian::net {

struct StaticFile {
  std::filesystem::path path;     // canonical, inside the web root
  std::string_view content_type;  // static storage
  std::string_view cache_control; // static storage
};

class StaticFiles final {
 public:
  // An empty or missing root serves nothing.
  explicit StaticFiles(const std::string& web_root);

  bool enabled() const { return !root_.empty(); }
  // `raw_path` is the path of the request target as received (still percent-encoded,
  // without the query). Unknown paths without an extension are client-side routes and
  // get index.html; anything suspicious or missing gets nullopt (-> 404).
  std::optional<StaticFile> resolve(std::string_view raw_path) const;

  static std::string_view content_type_for(const std::filesystem::path& file);
  static bool has_content_hash(std::string_view file_name);

 private:
  std::optional<StaticFile> file_at(const std::filesystem::path& relative) const;

  std::filesystem::path root_;  // canonical
};

}  // namespace meridian::net
