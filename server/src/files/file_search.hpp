// Search by name across every space the caller may read. Candidates come from one SQL
// query over the caller's spaces; each is then checked with the same permission rules
// as GET /files/{id}, so a file the caller may not read never appears.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/subject.hpp"
#include "files/files_service.hpp"
#include "storage/database.hpp"

namespace meridian::files {

struct PathEntry {
  std::int64_t id = 0;
  std::string name;
  FileRole role = FileRole::none;  // the caller's
};

struct SearchHit {
  Node node;
  Space space;
  // Visible folders from the highest one the caller may read down to the parent.
  std::vector<PathEntry> path;
};

struct SearchQuery {
  std::string text;           // matched case-insensitively anywhere in the name
  std::int64_t space_id = 0;  // 0: every space
  int limit = 50;             // 1..200
};

class FileSearch final {
 public:
  FileSearch(storage::Database& db, FilesService& files) : db_(db), files_(files) {}

  Result<std::vector<SearchHit>> search(const Subject& who, const SearchQuery& query);

 private:
  storage::Database& db_;
  FilesService& files_;
};

// "50%_off!" -> "50!%!_off!!" for LIKE ... ESCAPE '!'.
std::string like_escape(std::string_view text);

}  // namespace meridian::files
