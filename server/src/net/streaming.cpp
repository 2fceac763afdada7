#include "net/streaming.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <limits>
#include <utility>

#include "net/http_types.hpp"

namespace meridian::net {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Digits only, no sign, no overflow.
std::optional<std::uint64_t> parse_u64(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

std::string_view opaque_tag(std::string_view tag) {
  tag = trim(tag);
  if (tag.size() >= 2 && tag[0] == 'W' && tag[1] == '/') tag.remove_prefix(2);
  return tag;
}

class FileRangeSource final : public BodySource {
 public:
  FileRangeSource(int fd, std::uint64_t offset, std::uint64_t length) : fd_(fd), offset_(offset), length_(length) {}
  ~FileRangeSource() override {
    if (fd_ >= 0) ::close(fd_);
  }
  FileRangeSource(const FileRangeSource&) = delete;
  FileRangeSource& operator=(const FileRangeSource&) = delete;

  std::uint64_t size() const override { return length_; }

  std::optional<FileSpan> file_span() const override {
    if (done_ != 0) return std::nullopt;
    return FileSpan{fd_, offset_};
  }

  Result<std::size_t> read(char* out, std::size_t max) override {
    const std::uint64_t left = length_ - done_;
    if (left == 0) return std::size_t{0};
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, max));
    while (true) {
      ssize_t n = ::pread(fd_, out, want, static_cast<off_t>(offset_ + done_));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return make_error(ErrorCode::internal, std::string("read failed: ") + std::strerror(errno));
      if (n == 0) return make_error(ErrorCode::internal, "stored object is shorter than recorded");
      done_ += static_cast<std::uint64_t>(n);
      return static_cast<std::size_t>(n);
    }
  }

 private:
  int fd_;
  std::uint64_t offset_;
  std::uint64_t length_;
  std::uint64_t done_ = 0;
};

class MemorySource final : public BodySource {
 public:
  explicit MemorySource(std::string bytes) : bytes_(std::move(bytes)) {}
  std::uint64_t size() const override { return bytes_.size(); }
  Result<std::size_t> read(char* out, std::size_t max) override {
    std::size_t n = std::min(max, bytes_.size() - done_);
    std::memcpy(out, bytes_.data() + done_, n);
    done_ += n;
    return n;
  }

 private:
  std::string bytes_;
  std::size_t done_ = 0;
};

bool attr_char(unsigned char c) {
  // RFC 5987 attr-char
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '!' || c == '#' ||
         c == '$' || c == '&' || c == '+' || c == '-' || c == '.' || c == '^' || c == '_' || c == '`' || c == '|' ||
         c == '~';
}

}  // namespace

BodyStart answer_now(HttpResponse response) {
  BodyStart start;
  start.answer = std::make_shared<HttpResponse>(std::move(response));
  return start;
}

RangeRequest parse_range(std::string_view header, std::uint64_t size) {
  RangeRequest out;
  header = trim(header);
  constexpr std::string_view kUnit = "bytes=";
  if (header.size() < kUnit.size()) return out;
  for (std::size_t i = 0; i < kUnit.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) != kUnit[i]) return out;
  std::string_view spec = trim(header.substr(kUnit.size()));
  if (spec.find(',') != std::string_view::npos) return out;  // several ranges: serve the whole body
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return out;
  std::string_view first_text = trim(spec.substr(0, dash));
  std::string_view last_text = trim(spec.substr(dash + 1));
  if (first_text.empty()) {
    // Suffix: the last N bytes.
    auto suffix = parse_u64(last_text);
    if (!suffix) return out;
    if (*suffix == 0 || size == 0) {
      out.kind = RangeRequest::Kind::unsatisfiable;
      return out;
    }
    out.kind = RangeRequest::Kind::partial;
    out.range.first = size - std::min(*suffix, size);
    out.range.last = size - 1;
    return out;
  }
  auto first = parse_u64(first_text);
  if (!first) return out;
  std::optional<std::uint64_t> last;
  if (!last_text.empty()) {
    last = parse_u64(last_text);
    if (!last || *last < *first) return out;  // invalid: ignored
  }
  if (*first >= size) {
    out.kind = RangeRequest::Kind::unsatisfiable;
    return out;
  }
  out.kind = RangeRequest::Kind::partial;
  out.range.first = *first;
  out.range.last = last ? std::min(*last, size - 1) : size - 1;
  return out;
}

bool etag_matches_any(std::string_view if_none_match, std::string_view etag) {
  if (trim(if_none_match) == "*") return true;
  std::string_view want = opaque_tag(etag);
  while (!if_none_match.empty()) {
    auto comma = if_none_match.find(',');
    std::string_view item = if_none_match.substr(0, comma);
    if (!want.empty() && opaque_tag(item) == want) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

std::string content_disposition(Disposition disposition, std::string_view filename) {
  std::string out = disposition == Disposition::inline_ ? "inline" : "attachment";
  if (filename.empty()) return out;
  std::string fallback;
  std::string encoded;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : filename) {
    fallback += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%' && c != '/') ? static_cast<char>(c) : '_';
    if (attr_char(c)) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 0xf];
    }
  }
  out += "; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded;
  return out;
}

HttpResponse serve_content(const HttpRequest& req, const ContentInfo& info, const OpenRange& open) {
  HttpResponse res;
  res.content_type = info.content_type;
  res.headers.emplace_back("ETag", info.etag);
  res.headers.emplace_back("Accept-Ranges", "bytes");
  res.headers.emplace_back("Cache-Control", info.cache_control);
  if (!info.content_security_policy.empty())
    res.headers.emplace_back("Content-Security-Policy", info.content_security_policy);
  res.headers.emplace_back("Content-Disposition", content_disposition(info.disposition, info.filename));

  if (auto inm = req.header("if-none-match"); !inm.empty() && etag_matches_any(inm, info.etag)) {
    res.status = 304;
    res.content_type.clear();
    return res;
  }
  RangeRequest range;
  if (auto header = req.header("range"); !header.empty() && (req.method == "GET" || req.method == "HEAD")) {
    range = parse_range(header, info.size);
    // If-Range with another validator: the client's partial copy is stale, send it all.
    if (auto if_range = req.header("if-range"); !if_range.empty() && opaque_tag(if_range) != opaque_tag(info.etag))
      range.kind = RangeRequest::Kind::whole;
  }
  std::uint64_t offset = 0;
  std::uint64_t length = info.size;
  switch (range.kind) {
    case RangeRequest::Kind::unsatisfiable: {
      HttpResponse refused = HttpResponse::error(416, "range_not_satisfiable", "the range is outside the content");
      refused.headers.emplace_back("Content-Range", "bytes */" + std::to_string(info.size));
      refused.headers.emplace_back("Accept-Ranges", "bytes");
      return refused;
    }
    case RangeRequest::Kind::partial:
      res.status = 206;
      offset = range.range.first;
      length = range.range.length();
      res.headers.emplace_back("Content-Range", "bytes " + std::to_string(range.range.first) + "-" +
                                                    std::to_string(range.range.last) + "/" + std::to_string(info.size));
      break;
    case RangeRequest::Kind::whole:
      res.status = 200;
      break;
  }
  auto source = open(offset, length);
  if (!source) return HttpResponse::error(source.error());
  if ((*source)->size() != length) return HttpResponse::error(500, "internal", "stored object has the wrong size");
  res.source = std::shared_ptr<BodySource>(std::move(source.value()));
  return res;
}

std::unique_ptr<BodySource> file_range_source(int fd, std::uint64_t offset, std::uint64_t length) {
  return std::make_unique<FileRangeSource>(fd, offset, length);
}

std::unique_ptr<BodySource> memory_source(std::string bytes) {
  return std::make_unique<MemorySource>(std::move(bytes));
}

}  // namespace meridian::net
