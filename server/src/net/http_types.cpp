#include "net/http_types.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/log.hpp"

namespace meridian::net {

std::string_view HttpRequest::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return value;
  return {};
}

std::optional<std::string> HttpRequest::query_param(std::string_view name) const {
  for (const auto& [key, value] : query)
    if (key == name) return value;
  return std::nullopt;
}

std::string_view HttpRequest::path_param(std::string_view name) const {
  auto it = path_params.find(name);
  if (it == path_params.end()) return {};
  return it->second;
}

HttpResponse HttpResponse::json(int status, std::string body) {
  HttpResponse res;
  res.status = status;
  res.body = std::move(body);
  return res;
}

HttpResponse HttpResponse::no_content() {
  HttpResponse res;
  res.status = 204;
  res.content_type.clear();
  return res;
}

HttpResponse HttpResponse::error(const Error& error) {
  return HttpResponse::error(http_status_for(error.code), error_code_name(error.code), client_message(error));
}

std::string client_message(const Error& error) {
  if (error.code != ErrorCode::internal) return error.message;
  log::error("internal_error", {{"message", std::string_view(error.message)}});
  return std::string(kInternalErrorText);
}

HttpResponse HttpResponse::error(int status, std::string_view code, std::string_view message) {
  boost::json::object inner;
  inner["code"] = code;
  inner["message"] = message;
  boost::json::object outer;
  outer["error"] = std::move(inner);
  return HttpResponse::json(status, boost::json::serialize(outer));
}

int http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument: return 400;
    case ErrorCode::unauthenticated: return 401;
    case ErrorCode::forbidden: return 403;
    case ErrorCode::not_found: return 404;
    case ErrorCode::conflict: return 409;
    case ErrorCode::too_large: return 413;
    case ErrorCode::rate_limited: return 429;
    case ErrorCode::unavailable: return 503;
    case ErrorCode::internal: return 500;
  }
  return 500;
}

}  // namespace meridian::net
