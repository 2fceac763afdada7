// Reading request bodies: typed field access with precise, user-facing errors
// ("field 'country' must be a string") instead of exceptions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/result.hpp"

namespace meridian::json {

// The body must be a JSON object; empty bodies parse as {} when allow_empty.
Result<boost::json::object> parse_object(std::string_view body, bool allow_empty = false);

// Whether every number in v is finite. Boost.JSON reads a number too large for a double
// (1e999999) as infinity and would write it back as `Infinity`, which is not JSON: what a
// client sends must never reach another client, or the store, in that form.
bool numbers_finite(const boost::json::value& v);

// Absent (or null when null_is_absent) -> nullopt; wrong type -> invalid_argument.
Result<std::optional<std::string>> optional_string(const boost::json::object& o, std::string_view key,
                                                   std::size_t max_length = 1000);
Result<std::string> required_string(const boost::json::object& o, std::string_view key, std::size_t max_length = 1000);
Result<std::optional<bool>> optional_bool(const boost::json::object& o, std::string_view key);
Result<std::optional<std::int64_t>> optional_int(const boost::json::object& o, std::string_view key);
Result<std::optional<std::vector<std::string>>> optional_string_array(const boost::json::object& o,
                                                                      std::string_view key,
                                                                      std::size_t max_items = 100);
// Rejects keys not in `allowed` so that typos ("dispaly_name") are not silently ignored.
Result<void> reject_unknown_fields(const boost::json::object& o, std::initializer_list<std::string_view> allowed);

std::string serialize(const boost::json::value& v);

}  // namespace meridian::json
