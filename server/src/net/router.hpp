// Maps (method, path pattern) to handlers. Patterns use "{name}" for one segment.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_types.hpp"
#include "net/streaming.hpp"

namespace meridian::net {

enum class Auth { none, required };

struct RouteOptions {
  Auth auth = Auth::required;
  std::size_t max_body_bytes = 64 * 1024;  // larger bodies get 413 before being read
  // Slow CPU work (password hashing): runs on the blocking pool instead of an I/O thread,
  // so that a burst of sign-ins does not stall everyone else's requests.
  bool blocking = false;
  // Subjects authenticated by a scoped token (Subject::scope) get 401 unless the route
  // accepts them; such a route checks the scope itself.
  bool accepts_scoped_tokens = false;
  // The body is handed over chunk by chunk to the BodySink the route's StreamingHandler
  // returns (set by Router::add_streaming); max_body_bytes still bounds it. With
  // `blocking`, the handler and every sink call run on the blocking pool.
  bool stream_body = false;
};

using Handler = std::function<HttpResponse(HttpRequest&)>;

struct Route {
  std::string method;
  std::string pattern;  // also the metrics label
  Handler handler;
  RouteOptions options;
  StreamingHandler streaming;  // instead of `handler` when options.stream_body
};

struct RouteMatch {
  const Route* route = nullptr;            // null when nothing matched
  bool path_matched_other_method = false;  // -> 405 instead of 404
  std::map<std::string, std::string, std::less<>> params;
};

class Router {
 public:
  void add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});
  void add_streaming(std::string method, std::string pattern, StreamingHandler handler, RouteOptions options = {});
  RouteMatch match(std::string_view method, std::string_view path) const;
  // Methods with a route for this path, for the Allow header of a 405.
  std::vector<std::string> allowed_methods(std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace meridian::net
