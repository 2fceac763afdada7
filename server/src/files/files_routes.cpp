// Spaces, folders, files (streamed uploads and downloads) and their versions and locks.
// Grants and the activity log: sharing_routes.cpp; share links: add_link_routes there too.
#include "files/files_routes.hpp"

#include <charconv>
#include <string>
#include <utility>

#include <boost/json/object.hpp>

#include "core/json_fields.hpp"
#include "files/content_type.hpp"
#include "files/files_json.hpp"
#include "files/files_route_parts.hpp"
#include "net/route_kit.hpp"
#include "net/streaming.hpp"

namespace meridian::files {
namespace {

using net::HttpRequest;
using net::HttpResponse;

// Stored content never runs in Meridian's origin: no scripts, no plugins, no frames.
constexpr const char* kContentCsp = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'";

// The declared body length (Content-Length, or tus's Upload-Length), -1 when unknown.
Result<std::int64_t> declared_length(const HttpRequest& req) {
  for (auto header : {"content-length", "upload-length"}) {
    auto v = req.header(header);
    if (v.empty()) continue;
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size() || n < 0)
      return make_error(ErrorCode::invalid_argument, std::string(header) + " is not a length");
    return n;
  }
  return std::int64_t{-1};
}

// Streams an upload into the object store, hashing and sniffing on the way; records it
// when the last byte arrived. Destroyed early, the object and the ticket go away.
class UploadSink final : public net::BodySink {
 public:
  UploadSink(FilesService& files, Caller caller, UploadTicket ticket, std::unique_ptr<objectstore::ObjectWriter> writer)
      : files_(files), caller_(std::move(caller)), ticket_(std::move(ticket)), writer_(std::move(writer)) {}
  ~UploadSink() override {
    if (!recorded_) files_.abandon_upload(ticket_);
  }
  UploadSink(const UploadSink&) = delete;
  UploadSink& operator=(const UploadSink&) = delete;

  std::optional<HttpResponse> write(std::string_view chunk) override {
    received_ += static_cast<std::int64_t>(chunk.size());
    if (ticket_.declared_bytes >= 0 && received_ > ticket_.declared_bytes)
      return HttpResponse::error(400, "invalid_argument", "more bytes than declared");
    if (received_ > ticket_.max_bytes)
      return HttpResponse::error(413, "quota_exceeded", "the upload exceeds the space's free quota or the size limit");
    if (head_.size() < kSniffBytes) head_.append(chunk.substr(0, kSniffBytes - head_.size()));
    if (auto r = writer_->write(chunk); !r) return HttpResponse::error(r.error());
    return std::nullopt;
  }

  HttpResponse finish() override {
    if (ticket_.declared_bytes >= 0 && received_ != ticket_.declared_bytes)
      return HttpResponse::error(400, "invalid_argument", "fewer bytes than declared");
    auto info = writer_->commit();
    if (!info) return HttpResponse::error(info.error());
    recorded_ = true;  // complete_upload owns the object from here, also on failure
    auto node = files_.complete_upload(caller_, ticket_, *info, sniff_content_type(head_));
    if (!node) return refusal_of(node.error());
    return net::json_ok(to_json(*node), 201);
  }

 private:
  FilesService& files_;
  Caller caller_;
  UploadTicket ticket_;
  std::unique_ptr<objectstore::ObjectWriter> writer_;
  std::string head_;
  std::int64_t received_ = 0;
  bool recorded_ = false;
};

// The sink for an upload the service agreed to (a ticket), writing into a new object.
Result<net::BodyStart> start_upload(FilesService& files, const HttpRequest& req, Result<UploadTicket> ticket) {
  MERIDIAN_ASSIGN_OR_RETURN(auto t, std::move(ticket));
  auto writer = files.store().put(t.object_key);
  if (!writer) {
    files.abandon_upload(t);
    return writer.error();
  }
  net::BodyStart start;
  start.sink = std::make_unique<UploadSink>(files, caller_of(req), std::move(t), std::move(writer.value()));
  return start;
}

Result<NewSpace> new_space_from(const boost::json::object& body) {
  MERIDIAN_ASSIGN_OR_RETURN(auto kind, json::required_string(body, "kind", 20));
  MERIDIAN_ASSIGN_OR_RETURN(auto name, json::required_string(body, "name", 1000));
  MERIDIAN_ASSIGN_OR_RETURN(auto team, json::optional_int(body, "team_id"));
  MERIDIAN_ASSIGN_OR_RETURN(auto customer, json::optional_int(body, "customer_user_id"));
  MERIDIAN_ASSIGN_OR_RETURN(auto quota, json::optional_int(body, "quota_bytes"));
  NewSpace ns;
  if (!parse_space_kind(kind, ns.kind) || ns.kind == SpaceKind::personal)
    return make_error(ErrorCode::invalid_argument, "kind must be team or customer");
  ns.name = std::move(name);
  ns.team_id = team.value_or(0);
  ns.customer_user_id = customer.value_or(0);
  ns.quota_bytes = quota.value_or(0);
  return ns;
}

void add_space_routes(net::Router& router, FilesService& files) {
  router.add("GET", "/api/v1/spaces", net::answer([&files](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto spaces, files.list_spaces(*req.subject));
               return net::json_ok(items_json(spaces));
             }),
             kSmall);

  router.add("POST", "/api/v1/spaces", net::answer([&files](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(
                   auto body, net::json_body(req, {"kind", "name", "team_id", "customer_user_id", "quota_bytes"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto ns, new_space_from(body));
               MERIDIAN_ASSIGN_OR_RETURN(auto space, files.create_space(caller_of(req), ns));
               return net::json_ok(to_json(space), 201);
             }),
             kSmall);

  router.add("GET", "/api/v1/spaces/{id}", net::answer([&files](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto space, files.get_space(*req.subject, id));
               return net::json_ok(to_json(space));
             }),
             kSmall);

  // A conversation's attachments space (made on first use): members upload into it with
  // POST /spaces/{id}/files or tus, then name the file ids in a message's "attachments".
  router.add("GET", "/api/v1/conversations/{id}/space", net::answer([&files](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto space, files.conversation_space(caller_of(req), id));
               return net::json_ok(to_json(space));
             }),
             kSmall);

  router.add("GET", "/api/v1/spaces/{id}/children", net::answer([&files](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto parent, net::query_int_or(req, "parent_id", 0, 0));
               MERIDIAN_ASSIGN_OR_RETURN(auto nodes, files.list_children(*req.subject, id, parent));
               return net::json_ok(items_json(nodes));
             }),
             kSmall);

  router.add("POST", "/api/v1/spaces/{id}/folders", net::answer([&files](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"name", "parent_id"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto name, json::required_string(body, "name", 4000));
               MERIDIAN_ASSIGN_OR_RETURN(auto parent, json::optional_int(body, "parent_id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto node, files.create_folder(caller_of(req), id, parent.value_or(0), name));
               return net::json_ok(to_json(node), 201);
             }),
             kSmall);
}

void add_content_routes(net::Router& router, FilesService& files) {
  const net::RouteOptions upload{net::Auth::required, static_cast<std::size_t>(files.options().max_file_bytes), true};

  // Plain single-request upload: the raw bytes are the body.
  router.add_streaming("POST", "/api/v1/spaces/{id}/files",
                       answer_streaming([&files](HttpRequest& req) -> Result<net::BodyStart> {
                         MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
                         MERIDIAN_ASSIGN_OR_RETURN(auto parent, net::query_int_or(req, "parent_id", 0, 0));
                         auto name = req.query_param("name");
                         if (!name)
                           return make_error(ErrorCode::invalid_argument, "query parameter 'name' is required");
                         MERIDIAN_ASSIGN_OR_RETURN(auto length, declared_length(req));
                         return start_upload(files, req, files.begin_upload(caller_of(req), id, parent, *name, length));
                       }),
                       upload);

  router.add_streaming("PUT", "/api/v1/files/{id}/content",
                       answer_streaming([&files](HttpRequest& req) -> Result<net::BodyStart> {
                         MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
                         MERIDIAN_ASSIGN_OR_RETURN(auto length, declared_length(req));
                         return start_upload(files, req, files.begin_new_version(caller_of(req), id, length));
                       }),
                       upload);

  router.add("GET", "/api/v1/files/{id}/content", net::answer([&files](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto version, net::query_int_or(req, "version", 0, 0));
               const bool wants_inline = req.query_param("inline").value_or("") == "1";
               MERIDIAN_ASSIGN_OR_RETURN(auto download, files.open_download(caller_of(req), id, version, wants_inline));
               return serve_download(req, files.store(), download, wants_inline);
             }),
             kSmall);

  router.add("GET", "/api/v1/files/{id}/versions", net::answer([&files](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto versions, files.list_versions(*req.subject, id));
               return net::json_ok(items_json(versions));
             }),
             kSmall);

  router.add("POST", "/api/v1/files/{id}/versions/{number}/restore",
             answer_with_quota([&files](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto number, net::path_id(req, "number"));
               MERIDIAN_ASSIGN_OR_RETURN(auto node, files.restore_version(caller_of(req), id, number));
               return net::json_ok(to_json(node));
             }),
             kSmall);
}

void add_node_routes(net::Router& router, FilesService& files) {
  router.add("GET", "/api/v1/files/{id}", net::answer([&files](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto node, files.get_node(*req.subject, id));
               return net::json_ok(to_json(node));
             }),
             kSmall);

  router.add("PATCH", "/api/v1/files/{id}", net::answer([&files](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"name", "parent_id"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto name, json::optional_string(body, "name", 4000));
               MERIDIAN_ASSIGN_OR_RETURN(auto parent, json::optional_int(body, "parent_id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto node, files.rename_or_move(caller_of(req), id, name, parent));
               return net::json_ok(to_json(node));
             }),
             kSmall);

  router.add("DELETE", "/api/v1/files/{id}", net::answer([&files](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_TRY(files.remove(caller_of(req), id));
               return HttpResponse::no_content();
             }),
             kSmall);

  // {"seconds": n} (default an hour); other fields are ignored, as they always were.
  router.add("POST", "/api/v1/files/{id}/lock", net::answer([&files](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto body, json::parse_object(req.body, true));
               MERIDIAN_ASSIGN_OR_RETURN(auto seconds, json::optional_int(body, "seconds"));
               MERIDIAN_ASSIGN_OR_RETURN(auto node, files.lock(caller_of(req), id, seconds.value_or(3600)));
               return net::json_ok(to_json(node));
             }),
             kSmall);

  router.add("DELETE", "/api/v1/files/{id}/lock", net::answer([&files](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto node, files.unlock(caller_of(req), id));
               return net::json_ok(to_json(node));
             }),
             kSmall);
}

}  // namespace

// Serves a version with the safe-preview rules (shared by files and share links).
HttpResponse serve_download(const HttpRequest& req, objectstore::ObjectStore& store, const Download& d,
                            bool wants_inline) {
  net::ContentInfo info;
  info.size = static_cast<std::uint64_t>(d.version.size);
  info.etag = "\"" + d.version.sha256 + "\"";
  info.filename = d.node.name;
  info.content_security_policy = kContentCsp;
  // Inline only for types a browser renders without running scripts; HTML, SVG and
  // everything else is an attachment typed so that no browser renders it here.
  const std::string& type = d.version.content_type;
  if (wants_inline && is_safe_inline(type)) {
    info.disposition = net::Disposition::inline_;
    info.content_type = type.rfind("text/", 0) == 0 ? "text/plain; charset=utf-8" : type;
  } else {
    info.disposition = net::Disposition::attachment;
    info.content_type = is_safe_inline(type) ? type : "application/octet-stream";
  }
  const std::string key = d.object_key;
  return net::serve_content(
      req, info, [&store, key](std::uint64_t offset, std::uint64_t length) { return store.get(key, offset, length); });
}

void add_files_routes(net::Router& router, FilesService& files) {
  add_space_routes(router, files);
  add_content_routes(router, files);
  add_node_routes(router, files);
  add_sharing_routes(router, files);
}

}  // namespace meridian::files
