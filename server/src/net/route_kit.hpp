// The route kit: what every module's routes file needs to parse a request and answer it,
// written once. Handlers return Result<HttpResponse> (REST) or Result<void> (WebSocket);
// an error is answered in one place with the status http_status_for() gives its code.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/result.hpp"
#include "net/http_types.hpp"
#include "net/realtime.hpp"
#include "net/router.hpp"

namespace meridian::net {

// A REST handler that returns its error instead of building the error response itself.
using ResultHandler = std::function<Result<HttpResponse>(HttpRequest&)>;
// Adapts it to the router: an error becomes {"error":{"code","message"}} with its status,
// and a Retry-After header when the error says when to try again (retry_after_seconds).
Handler answer(ResultHandler handler);

// A WebSocket handler that returns its error; answer_ws sends it as an error envelope
// carrying the request's id (the connection stays open).
using ResultWsHandler = std::function<Result<void>(RealtimeConnection&, const boost::json::object& envelope)>;
WsHandler answer_ws(ResultWsHandler handler);

// 200 (or `status`) with the value as JSON.
HttpResponse json_ok(const boost::json::value& v, int status = 200);

// An id in a path segment: a positive integer. Anything else is 404, as for an id the
// caller may not see (the refusal rule: docs/architecture.md).
Result<std::int64_t> id_from(std::string_view text, std::string_view what = "id");
Result<std::int64_t> path_id(const HttpRequest& req, std::string_view param, std::string_view what = "id");

// An integer query parameter: absent or empty -> nullopt; not a whole number or outside
// [min, max] -> 400 naming the parameter.
Result<std::optional<std::int64_t>> query_int(const HttpRequest& req, std::string_view name,
                                              std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                                              std::int64_t max = std::numeric_limits<std::int64_t>::max());
Result<std::int64_t> query_int_or(const HttpRequest& req, std::string_view name, std::int64_t fallback,
                                  std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                                  std::int64_t max = std::numeric_limits<std::int64_t>::max());

// The body as a JSON object whose keys are all in `allowed` (a typo is 400, not ignored).
Result<boost::json::object> json_body(const HttpRequest& req, std::initializer_list<std::string_view> allowed,
                                      bool allow_empty = false);

// A required positive integer field of a JSON object (a body or a WebSocket envelope).
Result<std::int64_t> required_id_field(const boost::json::object& o, std::string_view key);

// {"type":"error","id":<the request's id>,"error":{"code","message"}} to one connection.
void send_ws_error(RealtimeConnection& conn, const boost::json::object& request, const Error& error);

}  // namespace meridian::net
