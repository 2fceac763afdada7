// Structured logs: one JSON object per line on stdout, level configurable.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace meridian::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

using FieldValue = std::variant<std::int64_t, double, bool, std::string_view>;
using Field = std::pair<std::string_view, FieldValue>;

void set_level(Level level);
Level level();
bool parse_level(std::string_view text, Level& out);
bool enabled(Level level);

// `event` is a short stable name ("http.request", "server.started"); details go in fields.
void write(Level level, std::string_view event, std::initializer_list<Field> fields = {});

inline void debug(std::string_view event, std::initializer_list<Field> f = {}) { write(Level::debug, event, f); }
inline void info(std::string_view event, std::initializer_list<Field> f = {}) { write(Level::info, event, f); }
inline void warn(std::string_view event, std::initializer_list<Field> f = {}) { write(Level::warn, event, f); }
inline void error(std::string_view event, std::initializer_list<Field> f = {}) { write(Level::error, event, f); }

}  // namespace meridian::log
