#include "net/route_kit.hpp"

#include <charconv>
#include <string>
#include <utility>

#include <boost/json/serialize.hpp>

#include "core/json_fields.hpp"

namespace meridian::net {

Handler answer(ResultHandler handler) {
  return [handler = std::move(handler)](HttpRequest& req) {
    auto response = handler(req);
    if (response.ok()) return std::move(response).value();
    HttpResponse refusal = HttpResponse::error(response.error());
    if (response.error().retry_after_seconds > 0)
      refusal.headers.emplace_back("Retry-After", std::to_string(response.error().retry_after_seconds));
    return refusal;
  };
}

WsHandler answer_ws(ResultWsHandler handler) {
  return [handler = std::move(handler)](RealtimeConnection& conn, const boost::json::object& envelope) {
    if (auto r = handler(conn, envelope); !r.ok()) send_ws_error(conn, envelope, r.error());
  };
}

HttpResponse json_ok(const boost::json::value& v, int status) {
  return HttpResponse::json(status, boost::json::serialize(v));
}

Result<std::int64_t> id_from(std::string_view text, std::string_view what) {
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0)
    return make_error(ErrorCode::not_found, "'" + std::string(text) + "' is not a valid " + std::string(what));
  return id;
}

Result<std::int64_t> path_id(const HttpRequest& req, std::string_view param, std::string_view what) {
  return id_from(req.path_param(param), what);
}

Result<std::optional<std::int64_t>> query_int(const HttpRequest& req, std::string_view name, std::int64_t min,
                                              std::int64_t max) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return std::optional<std::int64_t>{};
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  const bool whole = ec == std::errc() && p == v->data() + v->size();
  if (!whole || out < min || out > max) {
    std::string message = "query parameter '" + std::string(name) + "' must be ";
    if (min >= 0 && max == std::numeric_limits<std::int64_t>::max())
      message += "a whole number";
    else if (min == std::numeric_limits<std::int64_t>::min() && max == std::numeric_limits<std::int64_t>::max())
      message += "an integer";
    else
      message += "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
    return make_error(ErrorCode::invalid_argument, std::move(message));
  }
  return std::optional<std::int64_t>(out);
}

Result<std::int64_t> query_int_or(const HttpRequest& req, std::string_view name, std::int64_t fallback,
                                  std::int64_t min, std::int64_t max) {
  MERIDIAN_ASSIGN_OR_RETURN(auto v, query_int(req, name, min, max));
  return v.value_or(fallback);
}

Result<boost::json::object> json_body(const HttpRequest& req, std::initializer_list<std::string_view> allowed,
                                      bool allow_empty) {
  MERIDIAN_ASSIGN_OR_RETURN(auto body, json::parse_object(req.body, allow_empty));
  MERIDIAN_TRY(json::reject_unknown_fields(body, allowed));
  return body;
}

Result<std::int64_t> required_id_field(const boost::json::object& o, std::string_view key) {
  MERIDIAN_ASSIGN_OR_RETURN(auto v, json::optional_int(o, key));
  if (!v || *v <= 0)
    return make_error(ErrorCode::invalid_argument, "field '" + std::string(key) + "' must be a positive integer");
  return *v;
}

void send_ws_error(RealtimeConnection& conn, const boost::json::object& request, const Error& error) {
  boost::json::object out{
      {"type", "error"},
      {"error", boost::json::object{{"code", error_code_name(error.code)}, {"message", client_message(error)}}}};
  if (auto id = request.if_contains("id")) out["id"] = *id;  // the client matches its request by it
  conn.send(boost::json::serialize(out));
}

}  // namespace meridian::net
