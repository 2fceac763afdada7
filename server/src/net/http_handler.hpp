// Turns one parsed HTTP request into a response: built-in endpoints, API routes with
// authentication, static files. No socket I/O here; http_session does that.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "net/server_state.hpp"

namespace meridian::net {

namespace http = boost::beast::http;

using IncomingRequest = http::request<http::string_body>;
using StringResponse = http::response<http::string_body>;
using FileResponse = http::response<http::file_body>;
using OutgoingResponse = std::variant<StringResponse, FileResponse>;

// What the request will be routed to, decided from the header alone so that the body
// limit is the route's own before any of the body is read.
struct RequestPlan {
  enum class Kind { bad_target, health, ready, metrics, route, wrong_method, api_not_found, upgrade_required, web, not_found };
  Kind kind = Kind::not_found;
  const Route* route = nullptr;
  std::map<std::string, std::string, std::less<>> params;
  std::string path;      // percent-decoded
  std::string raw_path;  // as received
  std::vector<std::pair<std::string, std::string>> query;
  std::string label = "unmatched";  // route label for metrics and logs
  std::size_t body_limit = 0;
};

inline constexpr std::size_t kDefaultBodyLimit = 64 * 1024;  // requests without a route
inline constexpr std::string_view kWebSocketPath = "/ws";

RequestPlan plan_request(const ServerState& state, const IncomingRequest& header);

// `req.body()` is moved into the handler's request.
OutgoingResponse answer_request(const ServerState& state, RequestPlan& plan, IncomingRequest& req,
                                std::string_view remote_ip, std::string_view request_id);

StringResponse error_response(unsigned version, int status, std::string_view code, std::string_view message);
StringResponse to_beast(const HttpResponse& res, unsigned version);

// "Bearer <token>" from the Authorization header, or empty.
std::string_view bearer_token(std::string_view authorization);
// X-Request-Id if it is short and made of safe characters, else a fresh random id.
std::string request_id_for(std::string_view header_value);

// Security headers on every response, Cache-Control no-store unless already set,
// the request id echoed.
template <class Body>
void apply_common_headers(http::response<Body>& res, std::string_view request_id) {
  res.set("Content-Security-Policy",
          "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
          "media-src 'self' blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; "
          "object-src 'none'");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
  if (res.find(http::field::cache_control) == res.end()) res.set(http::field::cache_control, "no-store");
  if (!request_id.empty()) res.set("X-Request-Id", request_id);
}

}  // namespace meridian::net
