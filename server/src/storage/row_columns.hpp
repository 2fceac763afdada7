// Reading a row's columns into a record's fields by listing the fields, in the order of
// the query's columns: the one shape every repository's `x_from(const Row&)` repeated as a
// line per column with its index written out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "storage/database.hpp"

namespace meridian::storage {

// A column read as text and handed to a function (an enum's parser, a flag derived from a
// name): `read_columns(r, x.id, text_as([&](const std::string& t) { parse_kind(t, x.kind); }))`.
template <class F>
struct TextAs {
  F apply;
};
template <class F>
TextAs<F> text_as(F apply) {
  return TextAs<F>{std::move(apply)};
}
// A column that read_columns passes over.
struct SkipColumn {};
inline constexpr SkipColumn skip_column{};

namespace detail {
inline void read_column(const Row& r, std::size_t i, std::int64_t& out) { out = r.integer(i); }
inline void read_column(const Row& r, std::size_t i, int& out) { out = static_cast<int>(r.integer(i)); }
inline void read_column(const Row& r, std::size_t i, bool& out) { out = r.integer(i) != 0; }
inline void read_column(const Row& r, std::size_t i, double& out) { out = r.real(i); }
inline void read_column(const Row& r, std::size_t i, std::string& out) { out = r.text(i); }
inline void read_column(const Row& r, std::size_t i, std::optional<std::int64_t>& out) { out = r.optional_integer(i); }
inline void read_column(const Row& r, std::size_t i, std::optional<std::string>& out) { out = r.optional_text(i); }
inline void read_column(const Row&, std::size_t, const SkipColumn&) {}
template <class F>
void read_column(const Row& r, std::size_t i, const TextAs<F>& column) {
  column.apply(r.text(i));
}
}  // namespace detail

// The same from column `first` on (a row that joins two records side by side).
template <class... Fields>
void read_columns_from(const Row& r, std::size_t first, Fields&&... fields) {
  std::size_t i = first;
  (detail::read_column(r, i++, fields), ...);
}

// Reads the row's columns, in order, into the fields named: column 0 into the first, column 1
// into the second... by the field's type (integers and 0/1 booleans, text, reals, optionals
// for NULL-able columns). One list instead of a line per column with its index written out.
template <class... Fields>
void read_columns(const Row& r, Fields&&... fields) {
  read_columns_from(r, 0, std::forward<Fields>(fields)...);
}

}  // namespace meridian::storage
