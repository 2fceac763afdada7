// HTTP request parsing and routing as a connection does it, without the socket: Beast's
// parser with the server's header limit, net::plan_request (built-in endpoints, routes,
// static files), the route's own body limit, then net::answer_request or a streaming
// route's sink. Routes use the shared route kit the modules use. This is transport code,
// so it may see Beast.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <variant>

#include <boost/beast/http/parser.hpp>

#include "core/log.hpp"
#include "fuzz_check.hpp"
#include "net/http_handler.hpp"
#include "net/route_kit.hpp"
#include "net/server_state.hpp"

using namespace meridian;
using namespace meridian::net;

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;

class CountingSink final : public BodySink {
 public:
  std::optional<HttpResponse> write(std::string_view chunk) override {
    bytes_ += chunk.size();
    if (bytes_ > 1024) return HttpResponse::error(413, "too_large", "over quota");
    return std::nullopt;
  }
  HttpResponse finish() override { return json_ok(boost::json::object{{"bytes", bytes_}}); }

 private:
  std::size_t bytes_ = 0;
};

Router make_router() {
  Router r;
  constexpr RouteOptions kSmall{Auth::required, 1024};
  r.add("GET", "/api/v1/conversations/{id}/messages", answer([](HttpRequest& req) -> Result<HttpResponse> {
          MERIDIAN_ASSIGN_OR_RETURN(auto id, path_id(req, "id", "conversation id"));
          MERIDIAN_ASSIGN_OR_RETURN(auto limit, query_int_or(req, "limit", 50, 1, 200));
          MERIDIAN_ASSIGN_OR_RETURN(auto before, query_int(req, "before", 1));
          return json_ok(boost::json::object{{"id", id}, {"limit", limit}, {"before", before.value_or(0)}});
        }),
        kSmall);
  r.add("POST", "/api/v1/conversations/{id}/messages", answer([](HttpRequest& req) -> Result<HttpResponse> {
          MERIDIAN_ASSIGN_OR_RETURN(auto id, path_id(req, "id", "conversation id"));
          MERIDIAN_ASSIGN_OR_RETURN(auto body, json_body(req, {"text", "reply_to"}));
          MERIDIAN_ASSIGN_OR_RETURN(auto reply_to, required_id_field(body, "reply_to"));
          return json_ok(boost::json::object{{"id", id}, {"reply_to", reply_to}}, 201);
        }),
        kSmall);
  r.add("PATCH", "/api/v1/files/{space}/{node}", answer([](HttpRequest& req) -> Result<HttpResponse> {
          MERIDIAN_ASSIGN_OR_RETURN(auto body, json_body(req, {"name"}, true));
          return json_ok(boost::json::object{{"space", req.path_param("space")}, {"fields", body.size()}});
        }),
        kSmall);
  r.add("GET", "/api/v1/public/{token}", answer([](HttpRequest& req) -> Result<HttpResponse> {
          auto q = req.query_param("q");
          HttpResponse res = json_ok(boost::json::object{{"token", req.path_param("token")}});
          res.source = memory_source(q.value_or("body"));
          return res;
        }),
        {Auth::none, 0});
  r.add(
      "DELETE", "/api/v1/things/{id}", [](HttpRequest&) { return HttpResponse::error(999, "odd", "bad status"); },
      kSmall);
  r.add("POST", "/api/v1/throws", [](HttpRequest&) -> HttpResponse { throw std::runtime_error("handler bug"); },
        {Auth::none, 1024});
  r.add_streaming("PATCH", "/api/v1/uploads/{token}",
                  [](HttpRequest& req) {
                    if (req.header("upload-offset").empty())
                      return answer_now(HttpResponse::error(400, "invalid_argument", "Upload-Offset is required"));
                    BodyStart start;
                    start.sink = std::make_unique<CountingSink>();
                    return start;
                  },
                  {Auth::required, 1 << 20, false, false, true});
  return r;
}

Result<Subject> authenticate(std::string_view token, std::string_view) {
  if (token == "good") {
    Subject s;
    s.user_id = 1;
    return s;
  }
  if (token == "scoped") {
    Subject s;
    s.user_id = 2;
    s.scope = "meeting:1";
    return s;
  }
  if (token == "throw") throw std::runtime_error("authenticator bug");
  return make_error(ErrorCode::unauthenticated, "invalid or expired token");
}

std::string web_root() {
  auto root = std::filesystem::temp_directory_path() / ("meridian-http-fuzz-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root / "assets");
  std::ofstream(root / "index.html") << "<!doctype html><title>Meridian</title>";
  std::ofstream(root / "assets" / "app.0123456789abcdef.js") << "console.log(1)";
  return root.string();
}

struct World {
  Router router = make_router();
  RealtimeHub hub;
  Metrics metrics;
  ServerState state;
  std::filesystem::path root;

  World()
      : state(
            [] {
              ServerOptions o;
              o.web_root = web_root();
              o.blocking_threads = 1;
              return o;
            }(),
            router, hub, authenticate, [] { return true; }, metrics),
        root(std::filesystem::canonical(state.options().web_root)) {}
};

World& world() {
  log::set_level(log::Level::off);  // handler exceptions are expected here, by the thousand
  static World w;
  return w;
}

int status_of(const OutgoingResponse& out) {
  return std::visit([](const auto& res) { return static_cast<int>(res.result_int()); }, out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = world();
  http::request_parser<http::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(boost::none);
  parser.eager(false);

  boost::asio::const_buffer rest(data, size);
  boost::beast::error_code ec;
  while (!parser.is_header_done() && rest.size() > 0) {
    auto used = parser.put(rest, ec);
    if (ec == http::error::need_more) break;
    if (ec) return 0;  // the session answers 400 (or 431) and closes
    rest += used;
    if (used == 0) break;
  }
  if (!parser.is_header_done()) return 0;

  RequestPlan plan = plan_request(w.state, parser.get());
  FUZZ_CHECK(plan.body_limit > 0 || plan.kind == RequestPlan::Kind::route);
  if (plan.kind == RequestPlan::Kind::web) {
    // Nothing outside the web root, ever.
    if (auto file = w.state.static_files().resolve(plan.raw_path)) {
      auto rel = file->path.lexically_relative(w.root);
      FUZZ_CHECK(!rel.empty() && *rel.begin() != "..");
    }
  }

  if (plan.kind == RequestPlan::Kind::route && plan.route->options.stream_body) {
    BodyStart start = start_streaming(w.state, plan, parser.get(), "127.0.0.1", "fuzz");
    FUZZ_CHECK(start.sink || start.answer);
    if (start.sink) {
      auto body = std::string_view(static_cast<const char*>(rest.data()), rest.size());
      std::optional<HttpResponse> stopped;
      while (!body.empty() && !stopped) {
        stopped = start.sink->write(body.substr(0, 100));
        body.remove_prefix(std::min<std::size_t>(100, body.size()));
      }
      HttpResponse res = stopped ? std::move(*stopped) : start.sink->finish();
      FUZZ_CHECK(res.status >= 200 && res.status <= 599);
    }
    return 0;
  }

  if (auto length = parser.content_length(); length && *length > plan.body_limit) return 0;  // 413
  parser.body_limit(plan.body_limit);
  parser.eager(true);
  while (!parser.is_done() && rest.size() > 0) {
    auto used = parser.put(rest, ec);
    if (ec == http::error::need_more) break;
    if (ec) return 0;  // 413 or 400
    rest += used;
    if (used == 0) break;
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;  // the client went away mid-body
  }
  const int status = status_of(answer_request(w.state, plan, parser.get(), "127.0.0.1", "fuzz"));
  FUZZ_CHECK(status >= 200 && status <= 599);
  return 0;
}
