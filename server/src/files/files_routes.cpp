#include "files/files_routes.hpp"

#include <charconv>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json_fields.hpp"
#include "files/content_type.hpp"
#include "net/streaming.hpp"

namespace meridian::files {
namespace {

using net::HttpRequest;
using net::HttpResponse;

// Stored content never runs in Meridian's origin: no scripts, no plugins, no frames.
constexpr const char* kContentCsp = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'";

}  // namespace

boost::json::object to_json(const Space& s) {
  return boost::json::object{{"id", s.id},
                             {"kind", space_kind_name(s.kind)},
                             {"name", s.name},
                             {"owner_user_id", s.owner_user_id},
                             {"team_id", s.team_id},
                             {"conversation_id", s.conversation_id},
                             {"region", s.region},
                             {"quota_bytes", s.quota_bytes},
                             {"used_bytes", s.used_bytes},
                             {"my_role", file_role_name(s.role)},
                             {"owner_name", s.owner_name}};
}

boost::json::object to_json(const Node& n) {
  boost::json::object o{{"id", n.id},
                        {"space_id", n.space_id},
                        {"parent_id", n.parent_id},
                        {"kind", n.is_folder ? "folder" : "file"},
                        {"name", n.name},
                        {"created_by", n.created_by},
                        {"created_at", n.created_at},
                        {"updated_at", n.updated_at},
                        {"my_role", file_role_name(n.role)}};
  if (!n.is_folder) {
    o["size"] = n.size;
    o["content_type"] = n.content_type;
    o["sha256"] = n.sha256;
    o["version"] = n.version;
  }
  if (n.locked_by) {
    o["lock"] = boost::json::object{{"user_id", n.locked_by}, {"expires_at", n.lock_expires_at}};
  }
  return o;
}

namespace {

boost::json::object to_json(const Version& v) {
  return boost::json::object{{"number", v.number},
                             {"size", v.size},
                             {"content_type", v.content_type},
                             {"sha256", v.sha256},
                             {"created_by", v.created_by},
                             {"created_at", v.created_at},
                             {"current", v.current}};
}

boost::json::object to_json(const Grant& g) {
  return boost::json::object{{"id", g.id},
                             {"space_id", g.space_id},
                             {"node_id", g.node_id},
                             {"grantee_kind", g.grantee_kind},
                             {"grantee_id", g.grantee_id},
                             {"role", file_role_name(g.role)},
                             {"created_by", g.created_by},
                             {"created_at", g.created_at},
                             {"grantee_name", g.grantee_name}};
}

boost::json::object to_json(const Activity& a) {
  return boost::json::object{{"id", a.id},
                             {"space_id", a.space_id},
                             {"node_id", a.node_id},
                             {"actor_user_id", a.actor_user_id},
                             {"link_id", a.link_id},
                             {"action", a.action},
                             {"detail", a.detail},
                             {"ip", a.ip},
                             {"country", a.country},
                             {"at", a.at},
                             {"actor_name", a.actor_name},
                             {"node_name", a.node_name}};
}

boost::json::object to_json(const Link& l) {
  boost::json::object o{{"id", l.id},
                        {"node_id", l.node_id},
                        {"created_by", l.created_by},
                        {"has_password", l.has_password},
                        {"expires_at", l.expires_at},
                        {"max_downloads", l.max_downloads},
                        {"download_count", l.download_count},
                        {"revoked", l.revoked_at != 0},
                        {"created_at", l.created_at}};
  if (!l.token.empty()) {
    o["token"] = l.token;
    o["url"] = "/api/v1/public/links/" + l.token + "/content";
  }
  return o;
}

template <class T>
boost::json::array to_json_array(const std::vector<T>& items) {
  boost::json::array out;
  for (const auto& item : items) out.push_back(to_json(item));
  return out;
}

HttpResponse ok_json(int status, const boost::json::value& v) { return HttpResponse::json(status, json::serialize(v)); }

// Quota and size refusals carry their own code so that clients can tell them apart.
HttpResponse refusal(const Error& e) {
  if (e.code == ErrorCode::too_large && e.message.rfind("quota", 0) == 0)
    return HttpResponse::error(413, "quota_exceeded", e.message);
  return HttpResponse::error(e);
}

Result<std::int64_t> id_in(std::string_view text) {
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0)
    return make_error(ErrorCode::not_found, "'" + std::string(text) + "' is not a valid id");
  return id;
}

Result<std::int64_t> query_int(const HttpRequest& req, std::string_view name, std::int64_t fallback) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return fallback;
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size() || out < 0)
    return make_error(ErrorCode::invalid_argument,
                      "query parameter '" + std::string(name) + "' must be a whole number");
  return out;
}

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

Caller caller_of(const HttpRequest& req) {
  Caller c;
  c.subject = *req.subject;
  c.ip = req.remote_ip;
  c.country = req.subject->country;
  return c;
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
    if (!node) return refusal(node.error());
    return ok_json(201, to_json(*node));
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

net::BodyStart start_upload(FilesService& files, const HttpRequest& req, Result<UploadTicket> ticket) {
  if (!ticket) return net::answer_now(refusal(ticket.error()));
  auto writer = files.store().put(ticket->object_key);
  if (!writer) {
    files.abandon_upload(*ticket);
    return net::answer_now(HttpResponse::error(writer.error()));
  }
  net::BodyStart start;
  start.sink =
      std::make_unique<UploadSink>(files, caller_of(req), std::move(ticket.value()), std::move(writer.value()));
  return start;
}

std::string csv_field(std::string_view text) {
  // Quoted, quotes doubled; a leading = + - @ is defused for spreadsheets.
  std::string out = "\"";
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@')) out += '\'';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

HttpResponse activity_response(const HttpRequest& req, const Result<std::vector<Activity>>& items) {
  if (!items) return HttpResponse::error(items.error());
  if (req.query_param("format").value_or("") == "csv") {
    std::string csv = "id,at,space_id,node_id,node_name,actor_user_id,actor_name,link_id,action,detail,ip,country\r\n";
    for (const auto& a : *items) {
      csv += std::to_string(a.id) + "," + std::to_string(a.at) + "," + std::to_string(a.space_id) + "," +
             std::to_string(a.node_id) + "," + csv_field(a.node_name) + "," + std::to_string(a.actor_user_id) + "," +
             csv_field(a.actor_name) + "," + std::to_string(a.link_id) + "," + csv_field(a.action) + "," +
             csv_field(a.detail) + "," + csv_field(a.ip) + "," + csv_field(a.country) + "\r\n";
    }
    HttpResponse res;
    res.content_type = "text/csv; charset=utf-8";
    res.body = std::move(csv);
    res.headers.emplace_back("Content-Disposition",
                             net::content_disposition(net::Disposition::attachment, "activity.csv"));
    return res;
  }
  return ok_json(200, boost::json::object{{"items", to_json_array(*items)}});
}

Result<ActivityFilter> filter_from(const HttpRequest& req) {
  ActivityFilter f;
  f.action = req.query_param("action").value_or("");
  auto actor = query_int(req, "actor", 0);
  auto since = query_int(req, "since", 0);
  auto until = query_int(req, "until", 0);
  auto limit = query_int(req, "limit", 200);
  for (auto* r : {&actor, &since, &until, &limit})
    if (!*r) return r->error();
  f.actor = *actor;
  f.since = *since;
  f.until = *until;
  f.limit = static_cast<int>(std::min<std::int64_t>(*limit, 10000));
  return f;
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

void add_link_routes(net::Router& router, ShareLinks& links) {
  const net::RouteOptions kSmall{net::Auth::required, 64 * 1024, true};
  const net::RouteOptions kPublic{net::Auth::none, 0, true};

  router.add(
      "POST", "/api/v1/files/{id}/links",
      [&links](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        if (!id) return HttpResponse::error(id.error());
        auto body = json::parse_object(req.body, true);
        if (!body) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"expires_at", "password", "max_downloads"}); !r)
          return HttpResponse::error(r.error());
        auto expires = json::optional_int(*body, "expires_at");
        auto password = json::optional_string(*body, "password", 256);
        auto max = json::optional_int(*body, "max_downloads");
        if (!expires) return HttpResponse::error(expires.error());
        if (!password) return HttpResponse::error(password.error());
        if (!max) return HttpResponse::error(max.error());
        NewLink spec;
        spec.expires_at = expires->value_or(0);
        spec.password = *password;
        spec.max_downloads = max->value_or(0);
        auto link = links.create(caller_of(req), *id, spec);
        if (!link) return HttpResponse::error(link.error());
        return ok_json(201, to_json(*link));
      },
      kSmall);

  router.add(
      "GET", "/api/v1/files/{id}/links",
      [&links](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        if (!id) return HttpResponse::error(id.error());
        auto items = links.list(*req.subject, *id);
        if (!items) return HttpResponse::error(items.error());
        return ok_json(200, boost::json::object{{"items", to_json_array(*items)}});
      },
      kSmall);

  router.add(
      "DELETE", "/api/v1/links/{id}",
      [&links](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        if (!id) return HttpResponse::error(id.error());
        if (auto r = links.revoke(caller_of(req), *id); !r) return HttpResponse::error(r.error());
        return HttpResponse::no_content();
      },
      kSmall);

  router.add(
      "GET", "/api/v1/public/links/{token}",
      [&links](HttpRequest& req) {
        auto p = links.preview(req.path_param("token"), req.header("x-link-password"));
        if (!p) return HttpResponse::error(p.error());
        boost::json::object o{{"needs_password", p->needs_password}};
        if (!p->name.empty()) {
          o["name"] = p->name;
          o["size"] = p->size;
          o["content_type"] = p->content_type;
        }
        return ok_json(200, o);
      },
      kPublic);

  router.add(
      "GET", "/api/v1/public/links/{token}/content",
      [&links](HttpRequest& req) {
        // A download counts once: a Range that does not start at 0 continues one.
        auto range = req.header("range");
        const bool counts = range.empty() || range.rfind("bytes=0-", 0) == 0;
        auto d = links.open(req.path_param("token"), req.header("x-link-password"), req.remote_ip, counts);
        if (!d) return HttpResponse::error(d.error());
        return serve_download(req, links.store(), *d, false);
      },
      kPublic);
}

void add_files_routes(net::Router& router, FilesService& files) {
  const net::RouteOptions kSmall{net::Auth::required, 64 * 1024, true};
  net::RouteOptions upload{net::Auth::required, static_cast<std::size_t>(files.options().max_file_bytes), true};

  router.add(
      "GET", "/api/v1/spaces",
      [&files](HttpRequest& req) {
        auto spaces = files.list_spaces(*req.subject);
        if (!spaces) return HttpResponse::error(spaces.error());
        return ok_json(200, boost::json::object{{"items", to_json_array(*spaces)}});
      },
      kSmall);

  router.add(
      "POST", "/api/v1/spaces",
      [&files](HttpRequest& req) {
        auto body = json::parse_object(req.body);
        if (!body) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"kind", "name", "team_id", "customer_user_id", "quota_bytes"});
            !r)
          return HttpResponse::error(r.error());
        auto kind = json::required_string(*body, "kind", 20);
        auto name = json::required_string(*body, "name", 1000);
        auto team = json::optional_int(*body, "team_id");
        auto customer = json::optional_int(*body, "customer_user_id");
        auto quota = json::optional_int(*body, "quota_bytes");
        if (!kind) return HttpResponse::error(kind.error());
        if (!name) return HttpResponse::error(name.error());
        if (!team) return HttpResponse::error(team.error());
        if (!customer) return HttpResponse::error(customer.error());
        if (!quota) return HttpResponse::error(quota.error());
        NewSpace ns;
        if (!parse_space_kind(*kind, ns.kind) || ns.kind == SpaceKind::personal)
          return HttpResponse::error(400, "invalid_argument", "kind must be team or customer");
        ns.name = *name;
        ns.team_id = team->value_or(0);
        ns.customer_user_id = customer->value_or(0);
        ns.quota_bytes = quota->value_or(0);
        auto space = files.create_space(caller_of(req), ns);
        if (!space) return HttpResponse::error(space.error());
        return ok_json(201, to_json(*space));
      },
      kSmall);

  router.add(
      "GET", "/api/v1/spaces/{id}",
      [&files](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        if (!id) return HttpResponse::error(id.error());
        auto space = files.get_space(*req.subject, *id);
        if (!space) return HttpResponse::error(space.error());
        return ok_json(200, to_json(*space));
      },
      kSmall);

  // A conversation's attachments space (made on first use): members upload into it with
  // POST /spaces/{id}/files or tus, then name the file ids in a message's "attachments".
  router.add(
      "GET", "/api/v1/conversations/{id}/space",
      [&files](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        if (!id) return HttpResponse::error(id.error());
        auto space = files.conversation_space(caller_of(req), *id);
        if (!space) return HttpResponse::error(space.error());
        return ok_json(200, to_json(*space));
      },
      kSmall);

  router.add(
      "GET", "/api/v1/spaces/{id}/children",
      [&files](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        if (!id) return HttpResponse::error(id.error());
        auto parent = query_int(req, "parent_id", 0);
        if (!parent) return HttpResponse::error(parent.error());
        auto nodes = files.list_children(*req.subject, *id, *parent);
        if (!nodes) return HttpResponse::error(nodes.error());
        return ok_json(200, boost::json::object{{"items", to_json_array(*nodes)}});
      },
      kSmall);

  router.add(
      "POST", "/api/v1/spaces/{id}/folders",
      [&files](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        if (!id) return HttpResponse::error(id.error());
        auto body = json::parse_object(req.body);
        if (!body) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"name", "parent_id"}); !r)
          return HttpResponse::error(r.error());
        auto name = json::required_string(*body, "name", 4000);
        auto parent = json::optional_int(*body, "parent_id");
        if (!name) return HttpResponse::error(name.error());
        if (!parent) return HttpResponse::error(parent.error());
        auto node = files.create_folder(caller_of(req), *id, parent->value_or(0), *name);
        if (!node) return HttpResponse::error(node.error());
        return ok_json(201, to_json(*node));
      },
      kSmall);

  // Plain single-request upload: the raw bytes are the body.
  router.add_streaming(
      "POST", "/api/v1/spaces/{id}/files",
      [&files](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        if (!id) return net::answer_now(HttpResponse::error(id.error()));
        auto parent = query_int(req, "parent_id", 0);
        if (!parent) return net::answer_now(HttpResponse::error(parent.error()));
        auto name = req.query_param("name");
        if (!name)
          return net::answer_now(HttpResponse::error(400, "invalid_argument", "query parameter 'name' is required"));
        auto length = declared_length(req);
        if (!length) return net::answer_now(HttpResponse::error(length.error()));
        return start_upload(files, req, files.begin_upload(caller_of(req), *id, *parent, *name, *length));
      },
      upload);

  router.add_streaming(
      "PUT", "/api/v1/files/{id}/content",
      [&files](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        if (!id) return net::answer_now(HttpResponse::error(id.error()));
        auto length = declared_length(req);
        if (!length) return net::answer_now(HttpResponse::error(length.error()));
        return start_upload(files, req, files.begin_new_version(caller_of(req), *id, *length));
      },
      upload);

  router.add(
      "GET", "/api/v1/files/{id}",
      [&files](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        if (!id) return HttpResponse::error(id.error());
        auto node = files.get_node(*req.subject, *id);
        if (!node) return HttpResponse::error(node.error());
        return ok_json(200, to_json(*node));
      },
      kSmall);

  router.add(
      "GET", "/api/v1/files/{id}/content",
      [&files](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        if (!id) return HttpResponse::error(id.error());
        auto version = query_int(req, "version", 0);
        if (!version) return HttpResponse::error(version.error());
        const bool wants_inline = req.query_param("inline").value_or("") == "1";
        auto download = files.open_download(caller_of(req), *id, *version, wants_inline);
        if (!download) return HttpResponse::error(download.error());
        return serve_download(req, files.store(), *download, wants_inline);
      },
      kSmall);

  router.add(
      "GET", "/api/v1/files/{id}/versions",
      [&files](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        if (!id) return HttpResponse::error(id.error());
        auto versions = files.list_versions(*req.subject, *id);
        if (!versions) return HttpResponse::error(versions.error());
        return ok_json(200, boost::json::object{{"items", to_json_array(*versions)}});
      },
      kSmall);

  router.add(
      "POST", "/api/v1/files/{id}/versions/{number}/restore",
      [&files](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        auto number = id_in(req.path_param("number"));
        if (!id) return HttpResponse::error(id.error());
        if (!number) return HttpResponse::error(number.error());
        auto node = files.restore_version(caller_of(req), *id, *number);
        if (!node) return refusal(node.error());
        return ok_json(200, to_json(*node));
      },
      kSmall);

  router.add(
      "PATCH", "/api/v1/files/{id}",
      [&files](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        if (!id) return HttpResponse::error(id.error());
        auto body = json::parse_object(req.body);
        if (!body) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"name", "parent_id"}); !r)
          return HttpResponse::error(r.error());
        auto name = json::optional_string(*body, "name", 4000);
        auto parent = json::optional_int(*body, "parent_id");
        if (!name) return HttpResponse::error(name.error());
        if (!parent) return HttpResponse::error(parent.error());
        auto node = files.rename_or_move(caller_of(req), *id, *name, *parent);
        if (!node) return HttpResponse::error(node.error());
        return ok_json(200, to_json(*node));
      },
      kSmall);

  router.add(
      "DELETE", "/api/v1/files/{id}",
      [&files](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        if (!id) return HttpResponse::error(id.error());
        if (auto r = files.remove(caller_of(req), *id); !r) return HttpResponse::error(r.error());
        return HttpResponse::no_content();
      },
      kSmall);

  router.add(
      "POST", "/api/v1/files/{id}/lock",
      [&files](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        if (!id) return HttpResponse::error(id.error());
        auto body = json::parse_object(req.body, true);
        if (!body) return HttpResponse::error(body.error());
        auto seconds = json::optional_int(*body, "seconds");
        if (!seconds) return HttpResponse::error(seconds.error());
        auto node = files.lock(caller_of(req), *id, seconds->value_or(3600));
        if (!node) return HttpResponse::error(node.error());
        return ok_json(200, to_json(*node));
      },
      kSmall);

  router.add(
      "DELETE", "/api/v1/files/{id}/lock",
      [&files](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        if (!id) return HttpResponse::error(id.error());
        auto node = files.unlock(caller_of(req), *id);
        if (!node) return HttpResponse::error(node.error());
        return ok_json(200, to_json(*node));
      },
      kSmall);

  // Grants on a whole space (node 0) or on one file or folder.
  auto grants_of = [&files](HttpRequest& req, bool on_node) -> Result<std::pair<std::int64_t, std::int64_t>> {
    auto id = id_in(req.path_param("id"));
    if (!id) return id.error();
    if (!on_node) return std::make_pair(*id, std::int64_t{0});
    auto node = files.get_node(*req.subject, *id);
    if (!node) return node.error();
    return std::make_pair(node->space_id, *id);
  };
  for (bool on_node : {false, true}) {
    const std::string base = on_node ? "/api/v1/files/{id}/grants" : "/api/v1/spaces/{id}/grants";
    router.add(
        "GET", base,
        [&files, grants_of, on_node](HttpRequest& req) {
          auto where = grants_of(req, on_node);
          if (!where) return HttpResponse::error(where.error());
          auto grants = files.list_grants(*req.subject, where->first, where->second);
          if (!grants) return HttpResponse::error(grants.error());
          return ok_json(200, boost::json::object{{"items", to_json_array(*grants)}});
        },
        kSmall);
    router.add(
        "POST", base,
        [&files, grants_of, on_node](HttpRequest& req) {
          auto where = grants_of(req, on_node);
          if (!where) return HttpResponse::error(where.error());
          auto body = json::parse_object(req.body);
          if (!body) return HttpResponse::error(body.error());
          if (auto r = json::reject_unknown_fields(*body, {"grantee_kind", "grantee_id", "role"}); !r)
            return HttpResponse::error(r.error());
          auto kind = json::required_string(*body, "grantee_kind", 10);
          auto grantee = json::optional_int(*body, "grantee_id");
          auto role_text = json::required_string(*body, "role", 10);
          if (!kind) return HttpResponse::error(kind.error());
          if (!grantee) return HttpResponse::error(grantee.error());
          if (!role_text) return HttpResponse::error(role_text.error());
          FileRole role = FileRole::none;
          if (!parse_file_role(*role_text, role))
            return HttpResponse::error(400, "invalid_argument", "role must be viewer, editor or manager");
          if (!*grantee) return HttpResponse::error(400, "invalid_argument", "grantee_id is required");
          auto grant = files.add_grant(caller_of(req), where->first, where->second, *kind, **grantee, role);
          if (!grant) return HttpResponse::error(grant.error());
          return ok_json(201, to_json(*grant));
        },
        kSmall);
  }
  router.add(
      "DELETE", "/api/v1/grants/{id}",
      [&files](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        if (!id) return HttpResponse::error(id.error());
        if (auto r = files.remove_grant(caller_of(req), *id); !r) return HttpResponse::error(r.error());
        return HttpResponse::no_content();
      },
      kSmall);

  router.add(
      "GET", "/api/v1/spaces/{id}/activity",
      [&files](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        if (!id) return HttpResponse::error(id.error());
        auto filter = filter_from(req);
        if (!filter) return HttpResponse::error(filter.error());
        return activity_response(req, files.activity(*req.subject, *id, 0, *filter));
      },
      kSmall);

  router.add(
      "GET", "/api/v1/files/{id}/activity",
      [&files](HttpRequest& req) {
        auto id = id_in(req.path_param("id"));
        if (!id) return HttpResponse::error(id.error());
        auto filter = filter_from(req);
        if (!filter) return HttpResponse::error(filter.error());
        auto node = files.get_node(*req.subject, *id);
        if (!node) return HttpResponse::error(node.error());
        return activity_response(req, files.activity(*req.subject, node->space_id, *id, *filter));
      },
      kSmall);
}

}  // namespace meridian::files
