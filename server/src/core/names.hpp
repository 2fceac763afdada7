// Enums that travel as text (SQL columns, JSON fields, query parameters) name their
// values in one array each, in the enum's order (its values are 0, 1, 2, ...):
// `constexpr const char* kSpaceKinds[] = {"personal", "team", "customer", "conversation"};`.
// These two read it either way, so a name is written once and naming and parsing agree.
#pragma once

#include <cstddef>
#include <string_view>

namespace meridian {

// The name of value; fallback for a value past the end of names.
template <class E, std::size_t N>
constexpr const char* name_in(const char* const (&names)[N], E value, const char* fallback) {
  const auto i = static_cast<std::size_t>(value);
  return i < N ? names[i] : fallback;
}

// The value named text into out; false (out untouched) for any other text.
template <class E, std::size_t N>
bool parse_in(const char* const (&names)[N], std::string_view text, E& out) {
  for (std::size_t i = 0; i < N; ++i)
    if (text == names[i]) {
      out = static_cast<E>(i);
      return true;
    }
  return false;
}

}  // namespace meridian
