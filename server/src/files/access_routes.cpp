// Search by name and short-lived download links (files_routes.hpp: add_access_routes).
#include <string>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json_fields.hpp"
#include "files/files_json.hpp"
#include "files/files_route_parts.hpp"
#include "files/files_routes.hpp"
#include "net/route_kit.hpp"

namespace meridian::files {
namespace {

using net::HttpRequest;
using net::HttpResponse;

}  // namespace

void add_access_routes(net::Router& router, FilesService& files, FileSearch& search, DownloadTokens& tokens,
                       SubjectLookup subject_of) {
  // The token is the credential: no bearer header (a plain link or a download manager).
  constexpr net::RouteOptions kByToken{net::Auth::none, 0, true};

  router.add("GET", "/api/v1/files/search", net::answer([&search](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto space, net::query_int_or(req, "space_id", 0, 0));
               MERIDIAN_ASSIGN_OR_RETURN(auto limit, net::query_int_or(req, "limit", 50, 0));
               SearchQuery q;
               q.text = req.query_param("q").value_or("");
               q.space_id = space;
               q.limit = static_cast<int>(std::min<std::int64_t>(limit, 200));
               MERIDIAN_ASSIGN_OR_RETURN(auto hits, search.search(*req.subject, q));
               return net::json_ok(items_json(hits));
             }),
             kSmall);

  router.add("POST", "/api/v1/files/{id}/download-token",
             net::answer([&files, &tokens](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"version"}, true));
               MERIDIAN_ASSIGN_OR_RETURN(auto version, json::optional_int(body, "version"));
               if (version.value_or(0) < 0) return make_error(ErrorCode::invalid_argument, "version must be positive");
               MERIDIAN_ASSIGN_OR_RETURN(auto node, files.get_node(*req.subject, id));  // viewer at least, or 404
               if (node.is_folder) return make_error(ErrorCode::invalid_argument, "folders can not be downloaded");
               auto issued = tokens.issue(req.subject->user_id, id, version.value_or(0));
               return net::json_ok(boost::json::object{{"token", issued.token},
                                                       {"url", "/api/v1/files/" + std::to_string(id) +
                                                                   "/download?token=" + issued.token},
                                                       {"expires_at", issued.expires_at}},
                                   201);
             }),
             kSmall);

  router.add("GET", "/api/v1/files/{id}/download",
             net::answer([&files, &tokens, subject_of](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto claims, tokens.verify(req.query_param("token").value_or(""), id));
               // Permissions are those of the user now, not when the link was made.
               auto subject = subject_of(claims.user_id);
               if (!subject) return make_error(ErrorCode::unauthenticated, "the download link is no longer valid");
               Caller caller;
               caller.subject = std::move(subject.value());
               caller.ip = req.remote_ip;
               caller.country = caller.subject.country;
               MERIDIAN_ASSIGN_OR_RETURN(auto download, files.open_download(caller, id, claims.version, false));
               return serve_download(req, files.store(), download, false);
             }),
             kByToken);
}

}  // namespace meridian::files
