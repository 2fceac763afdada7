#include "files/files_route_parts.hpp"

#include <utility>

namespace meridian::files {

Caller caller_of(const net::HttpRequest& req) {
  Caller c;
  c.subject = *req.subject;
  c.ip = req.remote_ip;
  c.country = req.subject->country;
  return c;
}

net::HttpResponse refusal_of(const Error& error) {
  if (error.code == ErrorCode::too_large && error.message.rfind("quota", 0) == 0)
    return net::HttpResponse::error(413, "quota_exceeded", error.message);
  return net::HttpResponse::error(error);
}

net::Handler answer_with_quota(net::ResultHandler handler) {
  return net::answer([handler = std::move(handler)](net::HttpRequest& req) -> Result<net::HttpResponse> {
    auto response = handler(req);
    if (!response.ok() && response.error().code == ErrorCode::too_large) return refusal_of(response.error());
    return response;
  });
}

net::StreamingHandler answer_streaming(ResultStreamingHandler handler,
                                       std::function<net::HttpResponse(const Error&)> refuse) {
  return [handler = std::move(handler), refuse = std::move(refuse)](net::HttpRequest& req) {
    auto start = handler(req);
    if (!start.ok()) return net::answer_now(refuse(start.error()));
    return std::move(start).value();
  };
}

}  // namespace meridian::files
