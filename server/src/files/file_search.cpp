#include "files/file_search.hpp"

#include <algorithm>
#include <map>

namespace meridian::files {

std::string like_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '%' || c == '_' || c == '!') out += '!';
    out += c;
  }
  return out;
}

namespace {

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// How many rows the SQL query may hand to the per-file permission check.
constexpr std::int64_t kMaxCandidates = 400;

}  // namespace

Result<std::vector<SearchHit>> FileSearch::search(const Subject& who, const SearchQuery& query) {
  const std::string text = trimmed(query.text);
  if (text.empty()) return make_error(ErrorCode::invalid_argument, "query parameter 'q' is required");
  if (text.size() > 255) return make_error(ErrorCode::invalid_argument, "the search text is longer than a name");
  const int limit = std::clamp(query.limit, 1, 200);

  auto spaces = files_.list_spaces(who);
  if (!spaces) return spaces.error();
  std::map<std::int64_t, Space> visible;
  for (auto& s : *spaces)
    if (query.space_id == 0 || s.id == query.space_id) visible.emplace(s.id, s);
  if (query.space_id != 0 && visible.empty()) return make_error(ErrorCode::not_found, "no such space");
  std::vector<SearchHit> out;
  if (visible.empty()) return out;

  std::string in;
  storage::Params params;
  for (const auto& [id, space] : visible) {
    in += in.empty() ? "?" : ", ?";
    params.emplace_back(id);
  }
  // LOWER() folds ASCII on SQLite and all of Unicode on PostgreSQL, on both sides.
  params.emplace_back("%" + like_escape(text) + "%");
  params.emplace_back(kMaxCandidates);
  auto rows = storage::read_value<storage::Rows>(db_, [&](storage::Session& s) {
    return s.query("SELECT id FROM file_nodes WHERE space_id IN (" + in +
                       ") AND LOWER(name) LIKE LOWER(?) ESCAPE '!' ORDER BY updated_at DESC, id DESC LIMIT ?",
                   params);
  });
  if (!rows) return rows.error();

  for (const auto& r : *rows) {
    if (static_cast<int>(out.size()) >= limit) break;
    auto node = files_.get_node(who, r.integer(0));
    if (!node) {
      if (node.error().code == ErrorCode::not_found) continue;  // not readable by this caller
      return node.error();
    }
    SearchHit hit;
    hit.space = visible.at(node->space_id);
    // Up the folder chain while the caller may read it.
    for (std::int64_t parent = node->parent_id; parent != 0 && hit.path.size() < 64;) {
      auto folder = files_.get_node(who, parent);
      if (!folder) break;
      hit.path.push_back(PathEntry{folder->id, folder->name, folder->role});
      parent = folder->parent_id;
    }
    std::reverse(hit.path.begin(), hit.path.end());
    hit.node = std::move(node.value());
    out.push_back(std::move(hit));
  }
  return out;
}

}  // namespace meridian::files
