#include "core/json_fields.hpp"

#include <cmath>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace meridian::json {
namespace {

Error type_error(std::string_view key, std::string_view type) {
  return make_error(ErrorCode::invalid_argument, "field '" + std::string(key) + "' must be " + std::string(type));
}

}  // namespace

Result<boost::json::object> parse_object(std::string_view body, bool allow_empty) {
  if (body.empty()) {
    if (allow_empty) return boost::json::object{};
    return make_error(ErrorCode::invalid_argument, "request body must be a JSON object");
  }
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 32;
  boost::json::value v = boost::json::parse(body, ec, {}, opts);
  if (ec) return make_error(ErrorCode::invalid_argument, "malformed JSON: " + ec.message());
  if (!v.is_object()) return make_error(ErrorCode::invalid_argument, "request body must be a JSON object");
  if (!numbers_finite(v)) return make_error(ErrorCode::invalid_argument, "malformed JSON: a number is out of range");
  return std::move(v.as_object());
}

bool numbers_finite(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::double_:
      return std::isfinite(v.get_double());
    case boost::json::kind::array:
      for (const auto& x : v.get_array())
        if (!numbers_finite(x)) return false;
      return true;
    case boost::json::kind::object:
      for (const auto& x : v.get_object())
        if (!numbers_finite(x.value())) return false;
      return true;
    default:
      return true;
  }
}

Result<std::optional<std::string>> optional_string(const boost::json::object& o, std::string_view key,
                                                   std::size_t max_length) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<std::string>{};
  if (!it->value().is_string()) return type_error(key, "a string");
  const auto& s = it->value().as_string();
  if (s.size() > max_length) {
    return make_error(ErrorCode::invalid_argument,
                      "field '" + std::string(key) + "' is longer than " + std::to_string(max_length) + " bytes");
  }
  return std::optional<std::string>(std::string(s.data(), s.size()));
}

Result<std::string> required_string(const boost::json::object& o, std::string_view key, std::size_t max_length) {
  auto r = optional_string(o, key, max_length);
  if (!r.ok()) return r.error();
  if (!r->has_value()) return make_error(ErrorCode::invalid_argument, "field '" + std::string(key) + "' is required");
  return std::move(**r);
}

Result<std::optional<bool>> optional_bool(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<bool>{};
  if (!it->value().is_bool()) return type_error(key, "true or false");
  return std::optional<bool>(it->value().as_bool());
}

Result<std::optional<std::int64_t>> optional_int(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<std::int64_t>{};
  if (it->value().is_int64()) return std::optional<std::int64_t>(it->value().as_int64());
  if (it->value().is_uint64() && it->value().as_uint64() <= INT64_MAX)
    return std::optional<std::int64_t>(static_cast<std::int64_t>(it->value().as_uint64()));
  return type_error(key, "an integer");
}

Result<std::optional<std::vector<std::string>>> optional_string_array(const boost::json::object& o,
                                                                      std::string_view key, std::size_t max_items) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<std::vector<std::string>>{};
  if (!it->value().is_array()) return type_error(key, "an array of strings");
  const auto& arr = it->value().as_array();
  if (arr.size() > max_items) return type_error(key, "an array of at most " + std::to_string(max_items) + " strings");
  std::vector<std::string> out;
  for (const auto& v : arr) {
    if (!v.is_string()) return type_error(key, "an array of strings");
    out.emplace_back(v.as_string().data(), v.as_string().size());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<void> reject_unknown_fields(const boost::json::object& o, std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : o) {
    bool known = false;
    for (auto a : allowed) known = known || kv.key() == a;
    if (!known) return make_error(ErrorCode::invalid_argument, "unknown field '" + std::string(kv.key()) + "'");
  }
  return {};
}

std::string serialize(const boost::json::value& v) { return boost::json::serialize(v); }

}  // namespace meridian::json
