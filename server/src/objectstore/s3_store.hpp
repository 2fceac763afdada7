// Objects in S3-compatible storage: path-style requests (endpoint/bucket/key) signed
// with AWS Signature V4; large writes and resumable uploads use multipart upload, so
// parts are joined by the store, never copied back through Meridian. The only file of
// the module that sees Beast (its HTTP client).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "objectstore/object_store.hpp"

namespace meridian::objectstore {

struct S3Options {
  std::string endpoint;  // "http://host:port" (plain HTTP; see README for TLS)
  std::string region = "us-east-1";
  std::string bucket;
  std::string access_key;
  std::string secret_key;
  std::uint64_t part_bytes = 8 * 1024 * 1024;  // AWS needs >= 5 MiB for all parts but the last
};

class S3Store final : public ObjectStore {
 public:
  // Throws std::invalid_argument for an unusable endpoint or bucket name.
  explicit S3Store(S3Options options);

  // Creates the bucket (tests and first start); an existing bucket is fine.
  Result<void> create_bucket();

  std::uint64_t min_part_bytes() const override { return 5 * 1024 * 1024; }
  Result<std::unique_ptr<ObjectWriter>> put(std::string_view key) override;
  Result<std::unique_ptr<net::BodySource>> get(std::string_view key, std::uint64_t offset,
                                               std::optional<std::uint64_t> length) override;
  Result<std::uint64_t> size(std::string_view key) override;
  Result<void> remove(std::string_view key) override;
  Result<std::vector<std::string>> list(std::string_view prefix) override;
  Result<std::unique_ptr<MultipartUpload>> start_multipart(std::string_view key) override;
  Result<std::unique_ptr<MultipartUpload>> resume_multipart(std::string_view key, std::string_view upload_id) override;

  struct Request {
    std::string method;
    std::string path;                                          // canonical (already encoded) path, e.g. "/bucket/key"
    std::string query;                                         // canonical query, sorted, encoded; "" for none
    std::vector<std::pair<std::string, std::string>> headers;  // extra, lower-case names
    std::uint64_t content_length = 0;
  };
  struct Response {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  // lower-case names
    std::string body;
    std::string header(std::string_view name) const;
  };
  // One request with a body read from `body` (may be null); the response body is read whole.
  Result<Response> send(const Request& request, net::BodySource* body);
  // Opens a request whose response body is streamed (GET object): the bytes
  // [offset, offset + length) of the object, whatever part of it the store answers with.
  Result<std::unique_ptr<net::BodySource>> open_stream(const Request& request, std::uint64_t offset,
                                                       std::optional<std::uint64_t> length);

  const S3Options& options() const { return options_; }
  std::string object_path(std::string_view key) const;

 private:
  S3Options options_;
  std::string host_;
  std::string port_;
};

// AWS Signature V4, exposed for its test against AWS's published example.
struct SigV4Input {
  std::string method;
  std::string canonical_uri;
  std::string canonical_query;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names; all are signed
  std::string payload_hash;
  std::string amz_date;  // "20130524T000000Z"
  std::string region;
  std::string service = "s3";
  std::string access_key;
  std::string secret_key;
};
std::string sigv4_authorization(const SigV4Input& input);

// RFC 3986 unreserved characters kept, everything else %XX (AWS's UriEncode);
// '/' kept when `keep_slash` (object key paths).
std::string aws_uri_encode(std::string_view text, bool keep_slash);

}  // namespace meridian::objectstore
