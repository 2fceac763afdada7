// What the files routes files share (files_routes.cpp, sharing_routes.cpp, upload_routes.cpp,
// access_routes.cpp) on top of the route kit: the caller of a request and quota refusals.
#pragma once

#include <functional>

#include "files/files_service.hpp"
#include "net/route_kit.hpp"
#include "net/router.hpp"
#include "net/streaming.hpp"

namespace meridian::files {

// JSON bodies of the files routes; they run on the blocking pool (database and hashing).
inline constexpr net::RouteOptions kSmall{net::Auth::required, 64 * 1024, true};

// The subject, IP and country of an authenticated request, as the activity log records them.
Caller caller_of(const net::HttpRequest& req);

// A quota refusal keeps its own code, 413 quota_exceeded, so that a client can tell a full
// space from the size limit; any other error is answered with the status of its code.
net::HttpResponse refusal_of(const Error& error);

// net::answer for the routes that may meet a full space (restoring a version, tus).
net::Handler answer_with_quota(net::ResultHandler handler);

// A streamed-body route that returns the sink taking the body or its error; the error is
// answered by `refuse` before any body byte is read.
using ResultStreamingHandler = std::function<Result<net::BodyStart>(net::HttpRequest&)>;
net::StreamingHandler answer_streaming(ResultStreamingHandler handler,
                                       std::function<net::HttpResponse(const Error&)> refuse = refusal_of);

// Grants (spaces and nodes) and the activity log (JSON or CSV), registered by add_files_routes.
void add_sharing_routes(net::Router& router, FilesService& files);

}  // namespace meridian::files
