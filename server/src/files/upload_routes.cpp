// tus 1.0 resumable uploads: https://tus.io/protocols/resumable-upload
#include <ctime>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "files/files_route_parts.hpp"
#include "files/files_routes.hpp"
#include "files/tus_headers.hpp"
#include "net/route_kit.hpp"
#include "net/streaming.hpp"

namespace meridian::files {
namespace {

using net::HttpRequest;
using net::HttpResponse;
using tus_headers::parse_length;
using tus_headers::parse_metadata;

constexpr const char* kTusVersion = "1.0.0";
constexpr const char* kUploadsPath = "/api/v1/uploads/";

HttpResponse tus(HttpResponse res) {
  res.headers.emplace_back("Tus-Resumable", kTusVersion);
  return res;
}

// A refusal of the tus protocol: Tus-Resumable as on every answer, a quota refusal keeps its code.
HttpResponse tus_refusal(const Error& e) { return tus(refusal_of(e)); }

// net::answer for tus: every answer, success or refusal, says Tus-Resumable.
net::Handler tus_answer(net::ResultHandler handler) {
  return [inner = answer_with_quota(std::move(handler))](HttpRequest& req) { return tus(inner(req)); };
}

// The same for PATCH: an answer given before the body is read says Tus-Resumable too.
net::StreamingHandler tus_streaming(ResultStreamingHandler handler) {
  return [inner = answer_streaming(std::move(handler))](HttpRequest& req) {
    net::BodyStart start = inner(req);
    if (start.answer) *start.answer = tus(std::move(*start.answer));
    return start;
  };
}

std::string http_date(UnixMillis ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

bool version_ok(const HttpRequest& req) { return req.header("tus-resumable") == kTusVersion; }

HttpResponse version_refused() {
  HttpResponse res = HttpResponse::error(412, "precondition_failed", "Tus-Resumable must be 1.0.0");
  res.headers.emplace_back("Tus-Version", kTusVersion);
  return res;
}

class PatchSink final : public net::BodySink {
 public:
  explicit PatchSink(std::unique_ptr<UploadPatch> patch) : patch_(std::move(patch)) {}
  std::optional<HttpResponse> write(std::string_view chunk) override {
    if (auto r = patch_->write(chunk); !r) return tus_refusal(r.error());
    return std::nullopt;
  }
  HttpResponse finish() override {
    auto done = patch_->finish();
    if (!done) {
      if (done.error().message == "checksum mismatch")
        return tus(HttpResponse::error(460, "checksum_mismatch", "checksum mismatch"));
      return tus_refusal(done.error());
    }
    HttpResponse res = tus(HttpResponse::no_content());
    res.headers.emplace_back("Upload-Offset", std::to_string(done->offset));
    if (done->file) res.headers.emplace_back("X-Meridian-File-Id", std::to_string(done->file->id));
    return res;
  }

 private:
  std::unique_ptr<UploadPatch> patch_;
};

}  // namespace

void add_upload_routes(net::Router& router, ResumableUploads& uploads) {
  constexpr net::RouteOptions kTus{net::Auth::required, 0, true};

  router.add("OPTIONS", "/api/v1/uploads",
             [](HttpRequest&) {
               HttpResponse res = tus(HttpResponse::no_content());
               res.headers.emplace_back("Tus-Version", kTusVersion);
               res.headers.emplace_back("Tus-Extension", "creation,termination,checksum,expiration");
               res.headers.emplace_back("Tus-Checksum-Algorithm", "sha1,sha256");
               return res;
             },
             {net::Auth::none, 0, false});

  router.add("POST", "/api/v1/uploads", tus_answer([&uploads](HttpRequest& req) -> Result<HttpResponse> {
               if (!version_ok(req)) return version_refused();
               if (!req.header("upload-defer-length").empty())
                 return make_error(ErrorCode::invalid_argument, "Upload-Defer-Length is not supported");
               auto length = parse_length(req.header("upload-length"));
               if (!length) return make_error(ErrorCode::invalid_argument, "Upload-Length is required");
               auto meta = parse_metadata(req.header("upload-metadata"));
               if (!meta) return make_error(ErrorCode::invalid_argument, "Upload-Metadata values must be base64");
               auto space = parse_length((*meta)["space_id"]);
               auto parent =
                   (*meta)["parent_id"].empty() ? std::optional<std::int64_t>(0) : parse_length((*meta)["parent_id"]);
               const std::string name = (*meta)["filename"].empty() ? (*meta)["name"] : (*meta)["filename"];
               if (!space || !parent)
                 return make_error(ErrorCode::invalid_argument, "Upload-Metadata needs space_id (and parent_id)");
               MERIDIAN_ASSIGN_OR_RETURN(auto state, uploads.create(caller_of(req), *space, *parent, name, *length));
               HttpResponse res = HttpResponse::no_content();
               res.status = 201;
               res.headers.emplace_back("Location", kUploadsPath + state.token);
               res.headers.emplace_back("Upload-Expires", http_date(state.expires_at));
               res.headers.emplace_back("Upload-Offset", "0");
               return res;
             }),
             kTus);

  router.add("HEAD", "/api/v1/uploads/{token}", tus_answer([&uploads](HttpRequest& req) -> Result<HttpResponse> {
               if (!version_ok(req)) return version_refused();
               MERIDIAN_ASSIGN_OR_RETURN(auto state, uploads.status(*req.subject, req.path_param("token")));
               HttpResponse res = HttpResponse::no_content();
               res.status = 200;
               res.content_type.clear();
               res.headers.emplace_back("Upload-Offset", std::to_string(state.offset));
               res.headers.emplace_back("Upload-Length", std::to_string(state.length));
               res.headers.emplace_back("Upload-Expires", http_date(state.expires_at));
               res.headers.emplace_back("Cache-Control", "no-store");
               return res;
             }),
             kTus);

  const net::RouteOptions patch_options{net::Auth::required,
                                        static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max()), true};
  router.add_streaming(
      "PATCH", "/api/v1/uploads/{token}", tus_streaming([&uploads](HttpRequest& req) -> Result<net::BodyStart> {
        if (!version_ok(req)) return net::answer_now(version_refused());
        if (req.header("content-type") != "application/offset+octet-stream")
          return net::answer_now(HttpResponse::error(415, "unsupported_media_type",
                                                     "Content-Type must be application/offset+octet-stream"));
        auto offset = parse_length(req.header("upload-offset"));
        if (!offset) return make_error(ErrorCode::invalid_argument, "Upload-Offset is required");
        MERIDIAN_ASSIGN_OR_RETURN(auto checksum, tus_headers::parse_checksum(req.header("upload-checksum")));
        MERIDIAN_ASSIGN_OR_RETURN(auto patch,
                                  uploads.patch(caller_of(req), req.path_param("token"), *offset, std::move(checksum)));
        net::BodyStart start;
        start.sink = std::make_unique<PatchSink>(std::move(patch));
        return start;
      }),
      patch_options);

  router.add("DELETE", "/api/v1/uploads/{token}", tus_answer([&uploads](HttpRequest& req) -> Result<HttpResponse> {
               if (!version_ok(req)) return version_refused();
               MERIDIAN_TRY(uploads.terminate(*req.subject, req.path_param("token")));
               return HttpResponse::no_content();
             }),
             kTus);
}

}  // namespace meridian::files
