// The JSON codec of files values (docs/openapi.yaml: Space, FileNode, FileVersion, Grant,
// ShareLink, Activity); the routes only call it.
#pragma once

#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "files/file_search.hpp"
#include "files/files_service.hpp"
#include "files/share_links.hpp"

namespace meridian::files {

boost::json::object to_json(const Space& space);
boost::json::object to_json(const Node& node);
boost::json::object to_json(const Version& version);
boost::json::object to_json(const Grant& grant);
boost::json::object to_json(const Activity& activity);
// With "token" and "url" only in the answer to its creation (the token is never stored).
boost::json::object to_json(const Link& link);
// What a visitor learns before downloading: the file only once a needed password is given.
boost::json::object to_json(const LinkPreview& preview);
// A node with its space and the visible folders above it.
boost::json::object to_json(const SearchHit& hit);

// {"items": [...]} of a list.
template <class T>
boost::json::object items_json(const std::vector<T>& items) {
  boost::json::array out;
  for (const auto& item : items) out.push_back(to_json(item));
  return boost::json::object{{"items", std::move(out)}};
}

}  // namespace meridian::files
