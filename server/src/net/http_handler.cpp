#include "net/http_handler.hpp"

#include <cctype>
#include <exception>
#include <optional>
#include <random>
#include <tuple>

#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "core/log.hpp"

namespace meridian::net {
namespace {

constexpr std::size_t kMaxRequestIdChars = 64;

bool is_head(const IncomingRequest& req) { return req.method() == http::verb::head; }
bool is_get_or_head(const IncomingRequest& req) {
  return req.method() == http::verb::get || req.method() == http::verb::head;
}

bool starts_with_segment(std::string_view path, std::string_view prefix) {
  return path == prefix ||
         (path.size() > prefix.size() && path.substr(0, prefix.size()) == prefix && path[prefix.size()] == '/');
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// HEAD is answered by the GET route (headers only) unless a HEAD route exists.
RouteMatch match_route(const Router& router, const IncomingRequest& req, std::string_view path) {
  auto match = router.match(req.method_string(), path);
  if (!match.route && is_head(req)) {
    auto get = router.match("GET", path);
    if (get.route && !get.route->options.stream_body) return get;
  }
  return match;
}

StringResponse json_response(unsigned version, int status, std::string body) {
  return to_beast(HttpResponse::json(status, std::move(body)), version);
}

HttpRequest to_handler_request(IncomingRequest& req, RequestPlan& plan, std::string_view remote_ip,
                               std::string_view request_id) {
  HttpRequest r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  r.path = plan.path;
  r.query = std::move(plan.query);
  r.headers.reserve(16);
  for (const auto& field : req) r.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
  r.body = std::move(req.body());
  r.remote_ip = std::string(remote_ip);
  r.request_id = std::string(request_id);
  r.path_params = std::move(plan.params);
  return r;
}

HttpResponse unauthenticated_answer(std::string_view message, bool token_was_present) {
  HttpResponse res = HttpResponse::error(401, "unauthenticated", message);
  res.headers.emplace_back("WWW-Authenticate", token_was_present ? "Bearer error=\"invalid_token\"" : "Bearer");
  return res;
}

// The subject for a route that requires one, or the refusal.
std::variant<std::optional<Subject>, HttpResponse> authenticate_route(const ServerState& state, const Route& route,
                                                                      const IncomingRequest& req,
                                                                      std::string_view remote_ip) {
  if (route.options.auth != Auth::required) return std::optional<Subject>{};
  std::string_view token = bearer_token(req[http::field::authorization]);
  if (token.empty()) return unauthenticated_answer("a bearer token is required", false);
  auto who = state.authenticate(token, remote_ip);
  if (!who) {
    if (who.error().code == ErrorCode::unauthenticated) return unauthenticated_answer(who.error().message, true);
    return HttpResponse::error(who.error());
  }
  if (!who->scope.empty() && !route.options.accepts_scoped_tokens)
    return unauthenticated_answer("this token is valid only for its own meeting or support session", true);
  return std::optional<Subject>(std::move(who.value()));
}

void log_handler_exception(const Route& route, std::string_view request_id, const char* what) {
  log::error("http.handler_exception",
             {{"route", route.pattern}, {"request_id", request_id}, {"what", std::string_view(what ? what : "")}});
}

HttpResponse call_route(const ServerState& state, RequestPlan& plan, IncomingRequest& req, std::string_view remote_ip,
                        std::string_view request_id) {
  const Route& route = *plan.route;
  auto auth = authenticate_route(state, route, req, remote_ip);
  if (auto* refused = std::get_if<HttpResponse>(&auth)) return std::move(*refused);
  HttpRequest r = to_handler_request(req, plan, remote_ip, request_id);
  r.subject = std::move(std::get<0>(auth));
  try {
    return route.handler(r);
  } catch (const std::exception& e) {
    log_handler_exception(route, request_id, e.what());
  } catch (...) {
    log_handler_exception(route, request_id, nullptr);
  }
  return HttpResponse::error(500, "internal", "internal error");
}

OutgoingResponse serve_file(const ServerState& state, const RequestPlan& plan, const IncomingRequest& req) {
  const unsigned version = req.version();
  auto file = state.static_files().resolve(plan.raw_path);
  if (!file) return error_response(version, 404, "not_found", "not found");
  http::file_body::value_type body;
  boost::beast::error_code ec;
  body.open(file->path.c_str(), boost::beast::file_mode::scan, ec);
  if (ec) return error_response(version, 404, "not_found", "not found");
  const auto size = body.size();
  if (is_head(req)) {
    StringResponse res{http::status::ok, version};
    res.set(http::field::content_type, file->content_type);
    res.set(http::field::cache_control, file->cache_control);
    res.content_length(size);
    return res;
  }
  FileResponse res{std::piecewise_construct, std::make_tuple(std::move(body)),
                   std::make_tuple(http::status::ok, version)};
  res.set(http::field::content_type, file->content_type);
  res.set(http::field::cache_control, file->cache_control);
  res.content_length(size);
  return res;
}

StringResponse answer_builtin(const ServerState& state, RequestPlan& plan, IncomingRequest& req) {
  const unsigned version = req.version();
  using Kind = RequestPlan::Kind;
  switch (plan.kind) {
    case Kind::bad_target:
      return error_response(version, 400, "invalid_argument", "malformed request target");
    case Kind::health:
      return json_response(version, 200, R"({"status":"ok"})");
    case Kind::ready:
      if (state.ready()) return json_response(version, 200, R"({"status":"ready"})");
      return error_response(version, 503, "unavailable", "not ready");
    case Kind::metrics: {
      HttpResponse res;
      res.content_type = "text/plain; version=0.0.4";
      res.body = state.metrics().render();
      return to_beast(res, version);
    }
    case Kind::route:
    case Kind::wrong_method: {
      StringResponse res = error_response(version, 405, "method_not_allowed", "method not allowed");
      std::string allow;
      if (plan.label != "unmatched") {
        allow = "GET, HEAD";  // a built-in endpoint
      } else {
        for (const auto& m : state.router().allowed_methods(plan.path)) allow += (allow.empty() ? "" : ", ") + m;
      }
      if (!allow.empty()) res.set(http::field::allow, allow);
      return res;
    }
    case Kind::upgrade_required: {
      StringResponse res = error_response(version, 426, "invalid_argument", "WebSocket upgrade required");
      res.set(http::field::upgrade, "websocket");
      return res;
    }
    case Kind::api_not_found:
    case Kind::web:
    case Kind::not_found:
      break;
  }
  return error_response(version, 404, "not_found", "no such endpoint");
}

}  // namespace

RequestPlan plan_request(const ServerState& state, const IncomingRequest& req) {
  using Kind = RequestPlan::Kind;
  RequestPlan plan;
  plan.body_limit = kDefaultBodyLimit;
  auto target = boost::urls::parse_origin_form(req.target());
  if (!target) {
    plan.kind = Kind::bad_target;
    return plan;
  }
  plan.raw_path = std::string(target->encoded_path());
  plan.path = target->path();
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  for (auto param : target->params(opts)) plan.query.emplace_back(std::move(param.key), std::move(param.value));

  auto builtin = [&](Kind kind) {
    plan.label = plan.path;
    plan.kind = is_get_or_head(req) ? kind : Kind::wrong_method;
  };
  if (plan.path == "/healthz") {
    builtin(Kind::health);
  } else if (plan.path == "/readyz") {
    builtin(Kind::ready);
  } else if (plan.path == "/metrics") {
    builtin(Kind::metrics);
  } else if (plan.path == kWebSocketPath) {
    plan.label = std::string(kWebSocketPath);
    plan.kind = Kind::upgrade_required;
  } else if (auto match = match_route(state.router(), req, plan.path); match.route) {
    plan.kind = Kind::route;
    plan.route = match.route;
    plan.label = match.route->pattern;
    plan.params = std::move(match.params);
    plan.body_limit = match.route->options.max_body_bytes;
  } else if (match.path_matched_other_method) {
    plan.kind = Kind::wrong_method;
  } else if (starts_with_segment(plan.path, "/api")) {
    plan.kind = Kind::api_not_found;
  } else if (state.static_files().enabled() && is_get_or_head(req)) {
    plan.kind = Kind::web;
    plan.label = "static";
  } else {
    plan.kind = Kind::not_found;
  }
  return plan;
}

boost::optional<std::pair<SourceBody::writer::const_buffers_type, bool>> SourceBody::writer::get(
    boost::beast::error_code& ec) {
  ec = {};
  if (!source_ || produced_ >= source_->size()) return boost::none;
  auto n = source_->read(buffer_.get(), kChunkBytes);
  if (!n || *n == 0) {
    if (!n) log::warn("http.stream_read_failed", {{"error", std::string_view(n.error().message)}});
    ec = boost::system::errc::make_error_code(boost::system::errc::io_error);
    return boost::none;
  }
  produced_ += *n;
  return std::make_pair(const_buffers_type(buffer_.get(), *n), produced_ < source_->size());
}

BodyStart start_streaming(const ServerState& state, RequestPlan& plan, IncomingRequest& header,
                          std::string_view remote_ip, std::string_view request_id) {
  const Route& route = *plan.route;
  auto auth = authenticate_route(state, route, header, remote_ip);
  if (auto* refused = std::get_if<HttpResponse>(&auth)) return answer_now(std::move(*refused));
  HttpRequest r = to_handler_request(header, plan, remote_ip, request_id);
  r.subject = std::move(std::get<0>(auth));
  try {
    return route.streaming(r);
  } catch (const std::exception& e) {
    log_handler_exception(route, request_id, e.what());
  } catch (...) {
    log_handler_exception(route, request_id, nullptr);
  }
  return answer_now(HttpResponse::error(500, "internal", "internal error"));
}

OutgoingResponse to_outgoing(HttpResponse res, unsigned version, bool head) {
  if (!res.source) {
    StringResponse out = to_beast(res, version);
    if (head) {
      const auto size = out.body().size();
      out.body().clear();
      out.content_length(size);
    }
    return out;
  }
  auto source = std::move(res.source);
  res.body.clear();
  StringResponse headers = to_beast(res, version);
  if (head) {
    headers.content_length(source->size());
    return headers;
  }
  SourceResponse out{std::piecewise_construct, std::make_tuple(std::move(source)),
                     std::make_tuple(headers.result(), version)};
  for (const auto& field : headers) out.insert(field.name_string(), field.value());
  out.content_length(SourceBody::size(out.body()));
  return out;
}

OutgoingResponse answer_request(const ServerState& state, RequestPlan& plan, IncomingRequest& req,
                                std::string_view remote_ip, std::string_view request_id) {
  if (plan.kind == RequestPlan::Kind::web) return serve_file(state, plan, req);
  if (plan.kind == RequestPlan::Kind::route)
    return to_outgoing(call_route(state, plan, req, remote_ip, request_id), req.version(), is_head(req));
  StringResponse res = answer_builtin(state, plan, req);
  if (is_head(req)) {
    // HEAD: the headers of the GET, no body.
    const auto size = res.body().size();
    res.body().clear();
    res.content_length(size);
  }
  return res;
}

StringResponse error_response(unsigned version, int status, std::string_view code, std::string_view message) {
  return to_beast(HttpResponse::error(status, code, message), version);
}

StringResponse to_beast(const HttpResponse& res, unsigned version) {
  if (res.status < 100 || res.status > 599) {
    log::error("http.invalid_status", {{"status", static_cast<std::int64_t>(res.status)}});
    return error_response(version, 500, "internal", "internal error");
  }
  StringResponse out;
  out.version(version);
  out.result(static_cast<unsigned>(res.status));
  for (const auto& [name, value] : res.headers) out.insert(name, value);
  const bool bodyless = res.status < 200 || res.status == 204 || res.status == 304;
  if (!bodyless) {
    if (!res.content_type.empty()) out.set(http::field::content_type, res.content_type);
    out.body() = res.body;
  }
  out.prepare_payload();
  return out;
}

std::string_view bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !boost::beast::iequals(authorization.substr(0, kScheme.size()), kScheme))
    return {};
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

std::string request_id_for(std::string_view header_value) {
  auto safe = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; };
  if (!header_value.empty() && header_value.size() <= kMaxRequestIdChars) {
    bool ok = true;
    for (char c : header_value) ok = ok && safe(c);
    if (ok) return std::string(header_value);
  }
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (std::size_t i = 0; i < id.size(); i += 16) {
    std::uint64_t bits = rng();
    for (std::size_t j = 0; j < 16; ++j, bits >>= 4) id[i + j] = kHex[bits & 0xf];
  }
  return id;
}

}  // namespace meridian::net
