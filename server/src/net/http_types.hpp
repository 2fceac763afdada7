// Plain HTTP request/response values seen by route handlers. Deliberately free of
// Beast so that module route files compile quickly; net/*.cpp converts.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "core/subject.hpp"

namespace meridian::net {

class BodySource;  // net/streaming.hpp

struct HttpRequest {
  std::string method;                                        // "GET", "POST", ...
  std::string target;                                        // as received, with the query string
  std::string path;                                          // percent-decoded path without the query
  std::vector<std::pair<std::string, std::string>> query;    // decoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string remote_ip;
  std::string request_id;
  std::map<std::string, std::string, std::less<>> path_params;  // from "{name}" segments
  std::optional<Subject> subject;                               // set by the transport on routes that require auth

  std::string_view header(std::string_view lower_name) const;
  std::optional<std::string> query_param(std::string_view name) const;
  std::string_view path_param(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // When set, the body is streamed from here (Content-Length = source->size()) and
  // `body` is ignored. HEAD answers send the headers without reading it.
  std::shared_ptr<BodySource> source;

  static HttpResponse json(int status, std::string body);
  static HttpResponse no_content();
  // {"error":{"code":..., "message":...}} with the status for the code.
  static HttpResponse error(const Error& error);
  static HttpResponse error(int status, std::string_view code, std::string_view message);
};

// The one mapping from domain error codes to HTTP status codes.
int http_status_for(ErrorCode code);

// What a client is told about an error (REST and WebSocket alike). An internal error's
// message names tables, files or hosts: it is for the operator, so it is logged and the
// client gets a fixed text instead. Every other code's message is written for people.
std::string client_message(const Error& error);
inline constexpr std::string_view kInternalErrorText = "internal error (logged on the server)";

}  // namespace meridian::net
