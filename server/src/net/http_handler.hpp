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
#include "net/streaming.hpp"

namespace meridian::net {

namespace http = boost::beast::http;

// A Beast body that pulls from a BodySource, one buffer at a time: the serializer asks
// for the next piece only after the previous one was written, which is the backpressure.
struct SourceBody {
  using value_type = std::shared_ptr<BodySource>;
  static constexpr std::size_t kChunkBytes = 256 * 1024;

  static std::uint64_t size(const value_type& body) { return body ? body->size() : 0; }

  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;

    template <bool isRequest, class Fields>
    writer(const http::header<isRequest, Fields>&, const value_type& body) : source_(body.get()) {}

    void init(boost::beast::error_code& ec) {
      ec = {};
      if (source_) buffer_ = std::make_unique<char[]>(kChunkBytes);
    }

    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec);

   private:
    BodySource* source_;
    std::unique_ptr<char[]> buffer_;
    std::uint64_t produced_ = 0;
  };
};

using IncomingRequest = http::request<http::string_body>;
using StringResponse = http::response<http::string_body>;
using FileResponse = http::response<http::file_body>;
using SourceResponse = http::response<SourceBody>;
using OutgoingResponse = std::variant<StringResponse, FileResponse, SourceResponse>;

// What the request will be routed to, decided from the header alone so that the body
// limit is the route's own before any of the body is read.
struct RequestPlan {
  enum class Kind {
    bad_target,
    health,
    ready,
    metrics,
    route,
    wrong_method,
    api_not_found,
    upgrade_required,
    web,
    not_found
  };
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

// Authenticates (when the route requires it) and asks a streaming route what to do with
// the body. Never throws: a throwing handler becomes a 500 answer.
BodyStart start_streaming(const ServerState& state, RequestPlan& plan, IncomingRequest& header,
                          std::string_view remote_ip, std::string_view request_id);

// A handler's response in Beast form; a streamed one becomes a SourceResponse (for HEAD
// only its headers, with the Content-Length of the whole).
OutgoingResponse to_outgoing(HttpResponse res, unsigned version, bool head);

StringResponse error_response(unsigned version, int status, std::string_view code, std::string_view message);
StringResponse to_beast(const HttpResponse& res, unsigned version);

// "Bearer <token>" from the Authorization header, or empty.
std::string_view bearer_token(std::string_view authorization);
// X-Request-Id if it is short and made of safe characters, else a fresh random id.
std::string request_id_for(std::string_view header_value);

// Security headers on every response (the route's own CSP kept), Cache-Control no-store unless already set,
// the request id echoed.
template <class Body>
void apply_common_headers(http::response<Body>& res, std::string_view request_id) {
  // A route may send a stricter policy of its own (stored content: "sandbox").
  if (res.find("Content-Security-Policy") == res.end())
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
