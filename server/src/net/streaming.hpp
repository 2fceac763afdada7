// Streaming request and response bodies without Beast: a route that opts in
// (Router::add_streaming) receives its body chunk by chunk through a BodySink, and any
// handler may answer with a BodySource that the transport reads piece by piece, so that
// neither an upload nor a download ever sits whole in memory. Also the pure HTTP
// helpers for serving stored content: Range, ETag/If-None-Match, Content-Disposition.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace meridian::net {

struct HttpRequest;
struct HttpResponse;

// Receives a request body in order. Destroyed without finish() when the body was cut
// (client gone, limit exceeded, a write refused): it must then discard what it kept.
class BodySink {
 public:
  virtual ~BodySink() = default;
  // The next chunk. A returned response stops reading (the connection then closes)
  // and is sent as the answer, e.g. a 413 quota refusal or a checksum mismatch.
  virtual std::optional<HttpResponse> write(std::string_view chunk) = 0;
  // The whole body arrived; the answer to send.
  virtual HttpResponse finish() = 0;
};

// What a streaming route decides from the header alone: an answer now (a refusal
// before any body byte is read, or a bodiless request), or a sink for the body.
struct BodyStart {
  std::unique_ptr<BodySink> sink;        // used when set
  std::shared_ptr<HttpResponse> answer;  // otherwise this is the answer
};
using StreamingHandler = std::function<BodyStart(HttpRequest&)>;

BodyStart answer_now(HttpResponse response);

// A response body produced piece by piece. read() runs on the connection's thread.
class BodySource {
 public:
  virtual ~BodySource() = default;
  // Exactly the bytes the source will produce (the Content-Length).
  virtual std::uint64_t size() const = 0;
  // Up to `max` bytes into `out`; 0 only when size() bytes were produced. An error
  // aborts the response (the connection closes, the client sees a short body).
  virtual Result<std::size_t> read(char* out, std::size_t max) = 0;

  // Bytes [offset, offset + size()) of an open file, when the source is exactly that:
  // the transport may then send them with sendfile(2) instead of read().
  struct FileSpan {
    int fd = -1;
    std::uint64_t offset = 0;
  };
  virtual std::optional<FileSpan> file_span() const { return std::nullopt; }
};

// Bytes [first, last] inclusive.
struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::uint64_t length() const { return last - first + 1; }
};

struct RangeRequest {
  enum class Kind { whole, partial, unsatisfiable };
  Kind kind = Kind::whole;
  ByteRange range;
};

// RFC 9110 §14: one "bytes=" range (first-last, first-, -suffix) against `size`.
// Malformed headers, other units and multiple ranges are ignored (whole body), which
// the RFC allows; a syntactically valid range that misses the content is unsatisfiable.
RangeRequest parse_range(std::string_view header, std::uint64_t size);

// If-None-Match against a strong ETag (weak comparison, "*", lists).
bool etag_matches_any(std::string_view if_none_match, std::string_view etag);

enum class Disposition { inline_, attachment };
// `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded` (RFC 6266/
// 5987): quotes, backslashes, control and non-ASCII characters never reach the quoted
// form, so the header can not be split or forged by a file name.
std::string content_disposition(Disposition disposition, std::string_view filename);

struct ContentInfo {
  std::uint64_t size = 0;
  std::string etag;  // quoted, e.g. "\"sha256-...\""
  std::string content_type;
  std::string filename;
  Disposition disposition = Disposition::attachment;
  std::string cache_control = "private, no-cache";
  std::string content_security_policy;  // replaces the default one when set
};

// Opens the stored bytes [offset, offset + length).
using OpenRange = std::function<Result<std::unique_ptr<BodySource>>(std::uint64_t offset, std::uint64_t length)>;

// GET/HEAD of stored content: 304 on a matching If-None-Match, 206 with Content-Range
// for a satisfiable Range (unless If-Range names another version), 416 with
// "Content-Range: bytes */size" otherwise, 200 with the whole body.
HttpResponse serve_content(const HttpRequest& req, const ContentInfo& info, const OpenRange& open);

// A source over an open file descriptor region, used by the local object store and
// by tests. Takes ownership of `fd`.
std::unique_ptr<BodySource> file_range_source(int fd, std::uint64_t offset, std::uint64_t length);
// A source over bytes in memory (small bodies, tests).
std::unique_ptr<BodySource> memory_source(std::string bytes);

}  // namespace meridian::net
