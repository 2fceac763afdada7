// The JSON field readers (core/json_fields.hpp) and the text rules on what they return:
// a request body as any client may send it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"
#include "core/text_rules.hpp"
#include "fuzz_check.hpp"

using namespace meridian;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = json::parse_object(body, size % 2 == 0);
  if (!parsed) {
    FUZZ_CHECK(parsed.error().code == ErrorCode::invalid_argument);
    FUZZ_CHECK(!parsed.error().message.empty());
    return 0;
  }
  const boost::json::object& o = *parsed;
  // What the readers accept serializes to JSON that parses again to the same fields. (Not
  // to equal values: Boost.JSON 1.81 reads some doubles 1 ulp away from the nearest, e.g.
  // 18446744077893551615, so a double may not survive the round trip; Meridian reads no
  // floating-point field, and optional_int refuses doubles.)
  boost::system::error_code ec;
  auto again = boost::json::parse(json::serialize(o), ec);
  FUZZ_CHECK(!ec && again.is_object() && again.as_object().size() == o.size());
  for (const auto& field : o) FUZZ_CHECK(again.as_object().if_contains(field.key()) != nullptr);

  for (const auto& field : o) {
    const std::string_view key = field.key();
    if (auto s = json::optional_string(o, key, 64); s && s->has_value()) {
      FUZZ_CHECK((*s)->size() <= 64);
      (void)text::check(**s, key, text::Lines::multi);
      (void)text::printable(**s, text::Lines::single);
    }
    if (auto s = json::required_string(o, key, 1000); s) FUZZ_CHECK(field.value().is_string());
    if (auto b = json::optional_bool(o, key); b && b->has_value()) FUZZ_CHECK(field.value().is_bool());
    if (auto i = json::optional_int(o, key); i && i->has_value()) FUZZ_CHECK(field.value().is_number());
    if (auto a = json::optional_string_array(o, key, 8); a && a->has_value()) FUZZ_CHECK((*a)->size() <= 8);
  }
  (void)json::reject_unknown_fields(o, {"type", "id", "text", "name", "roles", "conversation_id"});
  (void)json::required_string(o, "text");
  return 0;
}
