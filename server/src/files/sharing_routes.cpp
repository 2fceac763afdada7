// Sharing: grants on spaces and nodes, the activity log (JSON or CSV) and share links
// (managed by managers, downloaded by token without an account).
#include <string>
#include <utility>

#include <boost/json/object.hpp>

#include "core/json_fields.hpp"
#include "files/files_json.hpp"
#include "files/files_route_parts.hpp"
#include "files/files_routes.hpp"
#include "net/route_kit.hpp"
#include "net/streaming.hpp"

namespace meridian::files {
namespace {

using net::HttpRequest;
using net::HttpResponse;

struct GrantTarget {
  std::int64_t space_id = 0;
  std::int64_t node_id = 0;  // 0: the whole space
};

// {id} of /spaces/{id}/grants, or of /files/{id}/grants (the node must be visible).
Result<GrantTarget> grant_target(FilesService& files, const HttpRequest& req, bool on_node) {
  MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
  if (!on_node) return GrantTarget{id, 0};
  MERIDIAN_ASSIGN_OR_RETURN(auto node, files.get_node(*req.subject, id));
  return GrantTarget{node.space_id, id};
}

struct NewGrant {
  std::string grantee_kind;
  std::int64_t grantee_id = 0;
  FileRole role = FileRole::none;
};

Result<NewGrant> new_grant_from(const HttpRequest& req) {
  MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"grantee_kind", "grantee_id", "role"}));
  MERIDIAN_ASSIGN_OR_RETURN(auto kind, json::required_string(body, "grantee_kind", 10));
  MERIDIAN_ASSIGN_OR_RETURN(auto grantee, json::optional_int(body, "grantee_id"));
  MERIDIAN_ASSIGN_OR_RETURN(auto role_text, json::required_string(body, "role", 10));
  NewGrant g;
  if (!parse_file_role(role_text, g.role))
    return make_error(ErrorCode::invalid_argument, "role must be viewer, editor or manager");
  if (!grantee) return make_error(ErrorCode::invalid_argument, "grantee_id is required");
  g.grantee_kind = std::move(kind);
  g.grantee_id = *grantee;
  return g;
}

Result<ActivityFilter> filter_from(const HttpRequest& req) {
  ActivityFilter f;
  f.action = req.query_param("action").value_or("");
  MERIDIAN_ASSIGN_OR_RETURN(f.actor, net::query_int_or(req, "actor", 0, 0));
  MERIDIAN_ASSIGN_OR_RETURN(f.since, net::query_int_or(req, "since", 0, 0));
  MERIDIAN_ASSIGN_OR_RETURN(f.until, net::query_int_or(req, "until", 0, 0));
  MERIDIAN_ASSIGN_OR_RETURN(auto limit, net::query_int_or(req, "limit", 200, 0));
  f.limit = static_cast<int>(std::min<std::int64_t>(limit, 10000));
  return f;
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

// ?format=csv: a spreadsheet download; JSON otherwise.
HttpResponse activity_response(const HttpRequest& req, const std::vector<Activity>& items) {
  if (req.query_param("format").value_or("") != "csv") return net::json_ok(items_json(items));
  std::string csv =
      "id,at,space_id,node_id,node_name,actor_user_id,actor_name,link_id,action,detail,ip,country,target_kind,target_"
      "id,target_name\r\n";
  for (const auto& a : items) {
    csv += std::to_string(a.id) + "," + std::to_string(a.at) + "," + std::to_string(a.space_id) + "," +
           std::to_string(a.node_id) + "," + csv_field(a.node_name) + "," + std::to_string(a.actor_user_id) + "," +
           csv_field(a.actor_name) + "," + std::to_string(a.link_id) + "," + csv_field(a.action) + "," +
           csv_field(a.detail) + "," + csv_field(a.ip) + "," + csv_field(a.country) + "," + csv_field(a.target_kind) +
           "," + (a.target_id ? std::to_string(a.target_id) : std::string()) + "," + csv_field(a.target_name) + "\r\n";
  }
  HttpResponse res;
  res.content_type = "text/csv; charset=utf-8";
  res.body = std::move(csv);
  res.headers.emplace_back("Content-Disposition",
                           net::content_disposition(net::Disposition::attachment, "activity.csv"));
  return res;
}

Result<NewLink> new_link_from(const HttpRequest& req) {
  MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"expires_at", "password", "max_downloads"}, true));
  MERIDIAN_ASSIGN_OR_RETURN(auto expires, json::optional_int(body, "expires_at"));
  MERIDIAN_ASSIGN_OR_RETURN(auto password, json::optional_string(body, "password", 256));
  MERIDIAN_ASSIGN_OR_RETURN(auto max, json::optional_int(body, "max_downloads"));
  NewLink spec;
  spec.expires_at = expires.value_or(0);
  spec.password = std::move(password);
  spec.max_downloads = max.value_or(0);
  return spec;
}

}  // namespace

void add_sharing_routes(net::Router& router, FilesService& files) {
  // Grants on a whole space (node 0) or on one file or folder.
  for (bool on_node : {false, true}) {
    const std::string base = on_node ? "/api/v1/files/{id}/grants" : "/api/v1/spaces/{id}/grants";
    router.add("GET", base, net::answer([&files, on_node](HttpRequest& req) -> Result<HttpResponse> {
                 MERIDIAN_ASSIGN_OR_RETURN(auto where, grant_target(files, req, on_node));
                 MERIDIAN_ASSIGN_OR_RETURN(auto grants, files.list_grants(*req.subject, where.space_id, where.node_id));
                 return net::json_ok(items_json(grants));
               }),
               kSmall);
    router.add("POST", base, net::answer([&files, on_node](HttpRequest& req) -> Result<HttpResponse> {
                 MERIDIAN_ASSIGN_OR_RETURN(auto where, grant_target(files, req, on_node));
                 MERIDIAN_ASSIGN_OR_RETURN(auto in, new_grant_from(req));
                 MERIDIAN_ASSIGN_OR_RETURN(auto grant, files.add_grant(caller_of(req), where.space_id, where.node_id,
                                                                       in.grantee_kind, in.grantee_id, in.role));
                 return net::json_ok(to_json(grant), 201);
               }),
               kSmall);
  }

  router.add("DELETE", "/api/v1/grants/{id}", net::answer([&files](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_TRY(files.remove_grant(caller_of(req), id));
               return HttpResponse::no_content();
             }),
             kSmall);

  router.add("GET", "/api/v1/spaces/{id}/activity", net::answer([&files](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto filter, filter_from(req));
               MERIDIAN_ASSIGN_OR_RETURN(auto items, files.activity(*req.subject, id, 0, filter));
               return activity_response(req, items);
             }),
             kSmall);

  router.add("GET", "/api/v1/files/{id}/activity", net::answer([&files](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto filter, filter_from(req));
               MERIDIAN_ASSIGN_OR_RETURN(auto node, files.get_node(*req.subject, id));
               MERIDIAN_ASSIGN_OR_RETURN(auto items, files.activity(*req.subject, node.space_id, id, filter));
               return activity_response(req, items);
             }),
             kSmall);
}

void add_link_routes(net::Router& router, ShareLinks& links) {
  // The token (and its password) is the credential: no account.
  constexpr net::RouteOptions kPublic{net::Auth::none, 0, true};

  router.add("POST", "/api/v1/files/{id}/links", net::answer([&links](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto spec, new_link_from(req));
               MERIDIAN_ASSIGN_OR_RETURN(auto link, links.create(caller_of(req), id, spec));
               return net::json_ok(to_json(link), 201);
             }),
             kSmall);

  router.add("GET", "/api/v1/files/{id}/links", net::answer([&links](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto items, links.list(*req.subject, id));
               return net::json_ok(items_json(items));
             }),
             kSmall);

  router.add("DELETE", "/api/v1/links/{id}", net::answer([&links](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_TRY(links.revoke(caller_of(req), id));
               return HttpResponse::no_content();
             }),
             kSmall);

  router.add("GET", "/api/v1/public/links/{token}", net::answer([&links](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto preview,
                                         links.preview(req.path_param("token"), req.header("x-link-password"), req.remote_ip));
               return net::json_ok(to_json(preview));
             }),
             kPublic);

  router.add("GET", "/api/v1/public/links/{token}/content",
             net::answer([&links](HttpRequest& req) -> Result<HttpResponse> {
               // A download counts once: a Range that does not start at 0 continues one.
               auto range = req.header("range");
               const bool counts = range.empty() || range.rfind("bytes=0-", 0) == 0;
               MERIDIAN_ASSIGN_OR_RETURN(
                   auto d, links.open(req.path_param("token"), req.header("x-link-password"), req.remote_ip, counts));
               return serve_download(req, links.store(), d, false);
             }),
             kPublic);
}

}  // namespace meridian::files
