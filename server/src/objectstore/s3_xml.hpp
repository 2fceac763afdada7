// What Meridian reads from S3's XML answers (error codes, listed keys, upload ids): the
// text of every <Tag>...</Tag>, apart from the HTTP client so that unit tests and the fuzz
// target (server/fuzz) reach it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace meridian::objectstore {

// Text of every <tag>...</tag> in order, with the five XML entities decoded; an unclosed
// element ends the list.
std::vector<std::string> xml_values(std::string_view xml, std::string_view tag);

}  // namespace meridian::objectstore
