#include "objectstore/s3_store.hpp"
#include "objectstore/s3_xml.hpp"

#include <sodium.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "core/log.hpp"

namespace meridian::objectstore {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr const char* kUnsignedPayload = "UNSIGNED-PAYLOAD";
constexpr int kSocketTimeoutSeconds = 60;
constexpr std::size_t kCopyChunk = 256 * 1024;

std::string hex(const unsigned char* data, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.pop_back();
  return out;
}

std::string sha256_hex_of(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.hex_digest();
}

std::string hmac(std::string_view key, std::string_view data) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  unsigned char out[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&st, out);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

std::string amz_now() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[17];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Error s3_error(const S3Store::Response& res, std::string_view what) {
  auto codes = xml_values(res.body, "Code");
  std::string message =
      std::string(what) + ": S3 answered " + std::to_string(res.status) + (codes.empty() ? "" : " " + codes.front());
  if (res.status == 404) return make_error(ErrorCode::not_found, message);
  if (res.status == 400 && !codes.empty() && (codes.front() == "EntityTooSmall" || codes.front() == "InvalidPart"))
    return make_error(ErrorCode::invalid_argument, message);
  return make_error(ErrorCode::unavailable, message);
}

class Connection {
 public:
  Connection() : socket_(ioc_) {}

  Result<void> connect(const std::string& host, const std::string& port) {
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    auto endpoints = resolver.resolve(host, port, ec);
    if (!ec) asio::connect(socket_, endpoints, ec);
    if (ec) return make_error(ErrorCode::unavailable, "object store unreachable: " + ec.message());
    timeval tv{kSocketTimeoutSeconds, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return {};
  }

  tcp::socket& socket() { return socket_; }
  beast::flat_buffer& buffer() { return buffer_; }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

http::request<http::empty_body> build(const S3Store& store, const S3Store::Request& r, const std::string& host_header) {
  const std::string date = amz_now();
  http::request<http::empty_body> req;
  req.method_string(r.method);
  req.target(r.path + (r.query.empty() ? "" : "?" + r.query));
  req.version(11);
  SigV4Input in;
  in.method = r.method;
  in.canonical_uri = r.path;
  in.canonical_query = r.query;
  in.headers = r.headers;
  in.headers.emplace_back("host", host_header);
  in.headers.emplace_back("x-amz-content-sha256", kUnsignedPayload);
  in.headers.emplace_back("x-amz-date", date);
  in.payload_hash = kUnsignedPayload;
  in.amz_date = date;
  in.region = store.options().region;
  in.access_key = store.options().access_key;
  in.secret_key = store.options().secret_key;
  for (const auto& [name, value] : in.headers) req.set(name, value);
  req.set(http::field::authorization, sigv4_authorization(in));
  req.content_length(r.content_length);
  return req;
}

Result<void> send_head_and_body(Connection& conn, http::request<http::empty_body>& req, net::BodySource* body) {
  beast::error_code ec;
  http::request_serializer<http::empty_body> sr(req);
  http::write_header(conn.socket(), sr, ec);
  if (ec) return make_error(ErrorCode::unavailable, "object store write: " + ec.message());
  if (!body) return {};
  std::unique_ptr<char[]> buf = std::make_unique<char[]>(kCopyChunk);
  while (true) {
    auto n = body->read(buf.get(), kCopyChunk);
    if (!n) return n.error();
    if (*n == 0) break;
    asio::write(conn.socket(), asio::buffer(buf.get(), *n), ec);
    if (ec) return make_error(ErrorCode::unavailable, "object store write: " + ec.message());
  }
  return {};
}

// The body of a GET, pulled from the socket as the client reads it. `skip` bytes of the
// answer are dropped first (a store that ignored or widened the Range), and no more than
// `size` bytes are handed out.
class S3ObjectSource final : public net::BodySource {
 public:
  S3ObjectSource(std::unique_ptr<Connection> conn, std::unique_ptr<http::response_parser<http::buffer_body>> parser,
                 std::uint64_t skip, std::uint64_t size)
      : conn_(std::move(conn)), parser_(std::move(parser)), skip_(skip), size_(size) {}

  std::uint64_t size() const override { return size_; }

  Result<std::size_t> read(char* out, std::size_t max) override {
    if (done_ >= size_) return std::size_t{0};
    max = static_cast<std::size_t>(std::min<std::uint64_t>(max, size_ - done_));
    while (true) {
      auto n = read_some(out, max);
      if (!n) return n.error();
      std::size_t got = *n;
      if (skip_ > 0) {
        const auto drop = static_cast<std::size_t>(std::min<std::uint64_t>(skip_, got));
        skip_ -= drop;
        std::memmove(out, out + drop, got - drop);
        got -= drop;
      }
      if (got == 0) continue;
      done_ += got;
      return got;
    }
  }

 private:
  Result<std::size_t> read_some(char* out, std::size_t max) {
    while (true) {
      if (parser_->is_done()) return make_error(ErrorCode::unavailable, "object shorter than announced");
      auto& body = parser_->get().body();
      body.data = out;
      body.size = max;
      beast::error_code ec;
      http::read(conn_->socket(), conn_->buffer(), *parser_, ec);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) return make_error(ErrorCode::unavailable, "object store read: " + ec.message());
      const std::size_t n = max - parser_->get().body().size;
      if (n > 0) return n;
    }
  }

  std::unique_ptr<Connection> conn_;
  std::unique_ptr<http::response_parser<http::buffer_body>> parser_;
  std::uint64_t skip_;
  std::uint64_t size_;
  std::uint64_t done_ = 0;
};

class S3Multipart final : public MultipartUpload {
 public:
  S3Multipart(S3Store& store, std::string key, std::string id)
      : store_(store), key_(std::move(key)), id_(std::move(id)) {}

  const std::string& upload_id() const override { return id_; }

  Result<std::string> upload_part(int part_number, net::BodySource& data) override {
    if (part_number < 1 || part_number > 10000)
      return make_error(ErrorCode::invalid_argument, "part number out of range");
    S3Store::Request r{"PUT",
                       store_.object_path(key_),
                       "partNumber=" + std::to_string(part_number) + "&uploadId=" + aws_uri_encode(id_, false),
                       {},
                       data.size()};
    auto res = store_.send(r, &data);
    if (!res) return res.error();
    if (res->status != 200) return s3_error(*res, "upload part");
    return res->header("etag");
  }

  Result<void> complete(const std::vector<std::string>& part_etags) override {
    std::string xml = "<CompleteMultipartUpload>";
    for (std::size_t i = 0; i < part_etags.size(); ++i)
      xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + part_etags[i] + "</ETag></Part>";
    xml += "</CompleteMultipartUpload>";
    S3Store::Request r{"POST", store_.object_path(key_), "uploadId=" + aws_uri_encode(id_, false), {}, xml.size()};
    auto body = net::memory_source(xml);
    auto res = store_.send(r, body.get());
    if (!res) return res.error();
    // S3 may answer 200 with an <Error> body.
    if (res->status != 200 || res->body.find("<Error>") != std::string::npos) return s3_error(*res, "complete upload");
    return {};
  }

  Result<void> abort() override {
    S3Store::Request r{"DELETE", store_.object_path(key_), "uploadId=" + aws_uri_encode(id_, false), {}, 0};
    auto res = store_.send(r, nullptr);
    if (!res) return res.error();
    // 405: the store lacks AbortMultipartUpload (s3rver); its parts are never visible as
    // objects, and real S3 expires them with a lifecycle rule (see README).
    if (res->status == 405) {
      log::warn("objectstore.abort_unsupported", {{"key", std::string_view(key_)}});
      return {};
    }
    if (res->status != 204 && res->status != 200 && res->status != 404) return s3_error(*res, "abort upload");
    return {};
  }

 private:
  S3Store& store_;
  std::string key_;
  std::string id_;
};

// Buffers up to one part in memory; a small object is one PUT, a large one multipart.
class S3Writer final : public ObjectWriter {
 public:
  S3Writer(S3Store& store, std::string key) : store_(store), key_(std::move(key)) {}
  ~S3Writer() override {
    if (upload_ && !committed_) (void)upload_->abort();
  }
  S3Writer(const S3Writer&) = delete;
  S3Writer& operator=(const S3Writer&) = delete;

  Result<void> write(std::string_view chunk) override {
    hash_.update(chunk);
    size_ += chunk.size();
    const std::size_t part = static_cast<std::size_t>(store_.options().part_bytes);
    while (!chunk.empty()) {
      std::size_t take = std::min(chunk.size(), part - buffer_.size());
      buffer_.append(chunk.substr(0, take));
      chunk.remove_prefix(take);
      if (buffer_.size() == part) MERIDIAN_TRY(flush_part());
    }
    return {};
  }

  Result<ObjectInfo> commit() override {
    if (!upload_) {
      S3Store::Request r{"PUT", store_.object_path(key_), "", {}, buffer_.size()};
      auto body = net::memory_source(std::move(buffer_));
      auto res = store_.send(r, body.get());
      if (!res) return res.error();
      if (res->status != 200) return s3_error(*res, "put object");
    } else {
      if (!buffer_.empty() || etags_.empty()) MERIDIAN_TRY(flush_part());
      MERIDIAN_TRY(upload_->complete(etags_));
    }
    committed_ = true;
    ObjectInfo info;
    info.size = size_;
    info.sha256_hex = hash_.hex_digest();
    return info;
  }

 private:
  Result<void> flush_part() {
    if (!upload_) {
      auto started = store_.start_multipart(key_);
      if (!started) return started.error();
      upload_ = std::move(started.value());
    }
    auto body = net::memory_source(std::move(buffer_));
    buffer_.clear();
    auto etag = upload_->upload_part(static_cast<int>(etags_.size() + 1), *body);
    if (!etag) return etag.error();
    etags_.push_back(std::move(etag.value()));
    return {};
  }

  S3Store& store_;
  std::string key_;
  std::string buffer_;
  std::unique_ptr<MultipartUpload> upload_;
  std::vector<std::string> etags_;
  Sha256 hash_;
  std::uint64_t size_ = 0;
  bool committed_ = false;
};

Error bad_key() { return make_error(ErrorCode::invalid_argument, "invalid object key"); }

}  // namespace

std::string aws_uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~' || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

std::string sigv4_authorization(const SigV4Input& in) {
  auto headers = in.headers;
  for (auto& [name, value] : headers) {
    name = lower(name);
    while (!value.empty() && value.front() == ' ') value.erase(value.begin());
    while (!value.empty() && value.back() == ' ') value.pop_back();
  }
  std::sort(headers.begin(), headers.end());
  std::string canonical_headers;
  std::string signed_headers;
  for (const auto& [name, value] : headers) {
    canonical_headers += name + ":" + value + "\n";
    signed_headers += (signed_headers.empty() ? "" : ";") + name;
  }
  const std::string canonical_request = in.method + "\n" + in.canonical_uri + "\n" + in.canonical_query + "\n" +
                                        canonical_headers + "\n" + signed_headers + "\n" + in.payload_hash;
  const std::string day = in.amz_date.substr(0, 8);
  const std::string scope = day + "/" + in.region + "/" + in.service + "/aws4_request";
  const std::string to_sign =
      "AWS4-HMAC-SHA256\n" + in.amz_date + "\n" + scope + "\n" + sha256_hex_of(canonical_request);
  std::string key = hmac("AWS4" + in.secret_key, day);
  key = hmac(key, in.region);
  key = hmac(key, in.service);
  key = hmac(key, "aws4_request");
  const std::string signature = hmac(key, to_sign);
  return "AWS4-HMAC-SHA256 Credential=" + in.access_key + "/" + scope + ", SignedHeaders=" + signed_headers +
         ", Signature=" + hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
}

std::string S3Store::Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

S3Store::S3Store(S3Options options) : options_(std::move(options)) {
  constexpr std::string_view kScheme = "http://";
  std::string_view rest = options_.endpoint;
  if (rest.substr(0, kScheme.size()) != kScheme)
    throw std::invalid_argument("S3 endpoint must start with http:// (got '" + options_.endpoint + "')");
  rest.remove_prefix(kScheme.size());
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  auto colon = rest.rfind(':');
  host_ = std::string(colon == std::string_view::npos ? rest : rest.substr(0, colon));
  port_ = colon == std::string_view::npos ? "80" : std::string(rest.substr(colon + 1));
  if (host_.empty() || options_.bucket.empty() || !is_valid_key(options_.bucket) ||
      options_.bucket.find('/') != std::string::npos)
    throw std::invalid_argument("S3 endpoint host and bucket are required");
  if (options_.part_bytes < 1024) throw std::invalid_argument("S3 part size too small");
}

std::string S3Store::object_path(std::string_view key) const {
  return "/" + options_.bucket + "/" + aws_uri_encode(key, true);
}

Result<S3Store::Response> S3Store::send(const Request& request, net::BodySource* body) {
  Connection conn;
  MERIDIAN_TRY(conn.connect(host_, port_));
  const std::string host_header = port_ == "80" ? host_ : host_ + ":" + port_;
  auto req = build(*this, request, host_header);
  MERIDIAN_TRY(send_head_and_body(conn, req, body));
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  parser.skip(request.method == "HEAD");
  beast::error_code ec;
  http::read(conn.socket(), conn.buffer(), parser, ec);
  if (ec) return make_error(ErrorCode::unavailable, "object store read: " + ec.message());
  Response out;
  out.status = static_cast<int>(parser.get().result_int());
  for (const auto& field : parser.get())
    out.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
  out.body = std::move(parser.get().body());
  return out;
}

Result<std::unique_ptr<net::BodySource>> S3Store::open_stream(const Request& request, std::uint64_t offset,
                                                              std::optional<std::uint64_t> length) {
  auto conn = std::make_unique<Connection>();
  MERIDIAN_TRY(conn->connect(host_, port_));
  const std::string host_header = port_ == "80" ? host_ : host_ + ":" + port_;
  auto req = build(*this, request, host_header);
  MERIDIAN_TRY(send_head_and_body(*conn, req, nullptr));
  auto parser = std::make_unique<http::response_parser<http::buffer_body>>();
  parser->body_limit(boost::none);
  beast::error_code ec;
  http::read_header(conn->socket(), conn->buffer(), *parser, ec);
  if (ec) return make_error(ErrorCode::unavailable, "object store read: " + ec.message());
  const int status = static_cast<int>(parser->get().result_int());
  if (status != 200 && status != 206) {
    Response res;
    res.status = status;
    return s3_error(res, "get object");
  }
  auto sent = parser->content_length();
  if (!sent) return make_error(ErrorCode::unavailable, "object store sent no Content-Length");
  // Where the answer starts: 0 for a 200, the Content-Range start for a 206.
  std::uint64_t start = 0;
  if (status == 206) {
    std::string range(parser->get()[http::field::content_range]);
    try {
      start = std::stoull(range.substr(range.find(' ') + 1));
    } catch (const std::exception&) {
      return make_error(ErrorCode::unavailable, "object store sent a bad Content-Range");
    }
  }
  if (start > offset || *sent < (offset - start) + length.value_or(0))
    return make_error(ErrorCode::unavailable, "object store answered another range");
  const std::uint64_t skip = offset - start;
  const std::uint64_t size = length.value_or(*sent - skip);
  return std::unique_ptr<net::BodySource>(
      std::make_unique<S3ObjectSource>(std::move(conn), std::move(parser), skip, size));
}

Result<void> S3Store::create_bucket() {
  auto res = send(Request{"PUT", "/" + options_.bucket, "", {}, 0}, nullptr);
  if (!res) return res.error();
  if (res->status == 200 || res->status == 409) return {};
  return s3_error(*res, "create bucket");
}

Result<std::unique_ptr<ObjectWriter>> S3Store::put(std::string_view key) {
  if (!is_valid_key(key)) return bad_key();
  return std::unique_ptr<ObjectWriter>(std::make_unique<S3Writer>(*this, std::string(key)));
}

Result<std::unique_ptr<net::BodySource>> S3Store::get(std::string_view key, std::uint64_t offset,
                                                      std::optional<std::uint64_t> length) {
  if (!is_valid_key(key)) return bad_key();
  if (length && *length == 0) return net::memory_source({});
  Request r{"GET", object_path(key), "", {}, 0};
  if (offset > 0 || length) {
    // An open range past the end is 416 from S3: check against the size first.
    auto total = size(key);
    if (!total) return total.error();
    if (offset > *total || (length && *length > *total - offset))
      return make_error(ErrorCode::invalid_argument, "range outside the object");
    if (offset == *total) return net::memory_source({});
    const std::uint64_t last = length ? offset + *length - 1 : *total - 1;
    r.headers.emplace_back("range", "bytes=" + std::to_string(offset) + "-" + std::to_string(last));
    return open_stream(r, offset, last - offset + 1);
  }
  return open_stream(r, 0, std::nullopt);
}

Result<std::uint64_t> S3Store::size(std::string_view key) {
  if (!is_valid_key(key)) return bad_key();
  auto res = send(Request{"HEAD", object_path(key), "", {}, 0}, nullptr);
  if (!res) return res.error();
  if (res->status != 200) return s3_error(*res, "head object");
  try {
    return static_cast<std::uint64_t>(std::stoull(res->header("content-length")));
  } catch (const std::exception&) {
    return make_error(ErrorCode::unavailable, "object store sent no Content-Length");
  }
}

Result<void> S3Store::remove(std::string_view key) {
  if (!is_valid_key(key)) return bad_key();
  auto res = send(Request{"DELETE", object_path(key), "", {}, 0}, nullptr);
  if (!res) return res.error();
  if (res->status != 204 && res->status != 200 && res->status != 404) return s3_error(*res, "delete object");
  return {};
}

Result<std::vector<std::string>> S3Store::list(std::string_view prefix) {
  std::vector<std::string> keys;
  std::string token;
  while (true) {
    std::string query;
    if (!token.empty()) query += "continuation-token=" + aws_uri_encode(token, false) + "&";
    query += "list-type=2&prefix=" + aws_uri_encode(prefix, false);
    auto res = send(Request{"GET", "/" + options_.bucket, query, {}, 0}, nullptr);
    if (!res) return res.error();
    if (res->status != 200) return s3_error(*res, "list objects");
    for (auto& key : xml_values(res->body, "Key")) keys.push_back(std::move(key));
    auto truncated = xml_values(res->body, "IsTruncated");
    auto next = xml_values(res->body, "NextContinuationToken");
    if (truncated.empty() || truncated.front() != "true" || next.empty()) break;
    token = next.front();
  }
  return keys;
}

Result<std::unique_ptr<MultipartUpload>> S3Store::start_multipart(std::string_view key) {
  if (!is_valid_key(key)) return bad_key();
  auto res = send(Request{"POST", object_path(key), "uploads=", {}, 0}, nullptr);
  if (!res) return res.error();
  auto ids = xml_values(res->body, "UploadId");
  if (res->status != 200 || ids.empty()) return s3_error(*res, "start upload");
  return std::unique_ptr<MultipartUpload>(std::make_unique<S3Multipart>(*this, std::string(key), ids.front()));
}

Result<std::unique_ptr<MultipartUpload>> S3Store::resume_multipart(std::string_view key, std::string_view upload_id) {
  if (!is_valid_key(key) || upload_id.empty()) return bad_key();
  return std::unique_ptr<MultipartUpload>(
      std::make_unique<S3Multipart>(*this, std::string(key), std::string(upload_id)));
}

}  // namespace meridian::objectstore
