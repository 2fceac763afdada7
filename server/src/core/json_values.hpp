// Writing JSON: the small conversions every module's codec needs, written once.
#pragma once

#include <optional>

#include <boost/json/value.hpp>

namespace meridian::json {

// An optional as its value, or null: `{"edited_at", json::nullable(m.edited_at)}`.
template <class T>
boost::json::value nullable(const std::optional<T>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

}  // namespace meridian::json
