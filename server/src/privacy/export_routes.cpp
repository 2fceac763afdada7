#include "privacy/export_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json_values.hpp"
#include "net/route_kit.hpp"

namespace meridian::privacy {
namespace {

using net::HttpRequest;
using net::HttpResponse;

constexpr net::RouteOptions kSmall{net::Auth::required, 4 * 1024};
constexpr net::RouteOptions kByToken{net::Auth::none, 0, true};

// {id, user_id, requested_by, state, progress: {done, total}, bytes, created_at,
//  finished_at, expires_at, admin_downloaded_at, error?, download_url?}
boost::json::object export_json(const ExportService& exports, const Subject& who, const Export& e) {
  boost::json::object o{{"id", e.id},
                        {"user_id", e.user_id},
                        {"requested_by", e.requested_by},
                        {"state", export_state_name(e.state)},
                        {"progress", boost::json::object{{"done", e.parts_done}, {"total", e.parts_total}}},
                        {"bytes", e.bytes},
                        {"created_at", e.created_at},
                        {"finished_at", json::nullable(e.finished_at)},
                        {"expires_at", json::nullable(e.expires_at)},
                        {"admin_downloaded_at", json::nullable(e.admin_downloaded_at)}};
  if (!e.error.empty()) o["error"] = e.error;
  if (auto url = exports.download_url(who, e)) o["download_url"] = *url;
  return o;
}

Result<HttpResponse> list_answer(ExportService& exports, const HttpRequest& req, std::optional<std::int64_t> user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto limit, net::query_int_or(req, "limit", 20, 1, 200));
  MERIDIAN_ASSIGN_OR_RETURN(auto list, exports.list(*req.subject, user_id, static_cast<int>(limit)));
  boost::json::array items;
  for (const auto& e : list) items.push_back(export_json(exports, *req.subject, e));
  return net::json_ok(boost::json::object{{"items", std::move(items)}});
}

}  // namespace

void add_export_routes(net::Router& router, ExportService& exports) {
  router.add("POST", "/api/v1/me/export", net::answer([&exports](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_TRY(net::json_body(req, {}, true));
               MERIDIAN_ASSIGN_OR_RETURN(auto e, exports.request(*req.subject, req.subject->user_id, req.remote_ip));
               return net::json_ok(export_json(exports, *req.subject, e), 202);
             }),
             kSmall);
  router.add("GET", "/api/v1/me/exports", net::answer([&exports](HttpRequest& req) -> Result<HttpResponse> {
               return list_answer(exports, req, req.subject->user_id);
             }),
             kSmall);
  router.add("GET", "/api/v1/me/exports/{id}", net::answer([&exports](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "export id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto e, exports.get(*req.subject, id));
               // This path is the person's own: an administrator reads others' under /admin.
               if (e.user_id != req.subject->user_id)
                 return make_error(ErrorCode::not_found, "no export with id " + std::to_string(id));
               return net::json_ok(export_json(exports, *req.subject, e));
             }),
             kSmall);

  router.add("POST", "/api/v1/admin/users/{id}/export",
             net::answer([&exports](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "user id"));
               MERIDIAN_TRY(net::json_body(req, {}, true));
               MERIDIAN_ASSIGN_OR_RETURN(auto e, exports.request(*req.subject, id, req.remote_ip));
               return net::json_ok(export_json(exports, *req.subject, e), 202);
             }),
             kSmall);
  router.add("GET", "/api/v1/admin/exports", net::answer([&exports](HttpRequest& req) -> Result<HttpResponse> {
               return list_answer(exports, req, std::nullopt);
             }),
             kSmall);
  router.add("GET", "/api/v1/admin/exports/{id}", net::answer([&exports](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "export id"));
               MERIDIAN_TRY(exports.list(*req.subject, std::nullopt, 1));  // administrators only: 403 otherwise
               MERIDIAN_ASSIGN_OR_RETURN(auto e, exports.get(*req.subject, id));
               return net::json_ok(export_json(exports, *req.subject, e));
             }),
             kSmall);

  // The archive itself, by the link's token (a plain <a href> follows it): once.
  router.add("GET", "/api/v1/exports/{id}/archive", net::answer([&exports](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "export id"));
               const auto token = req.query_param("token");
               if (!token || token->empty())
                 return make_error(ErrorCode::unauthenticated, "the link's token is missing");
               MERIDIAN_ASSIGN_OR_RETURN(auto d, exports.download(id, *token, req.remote_ip));
               HttpResponse r;
               r.content_type = "application/zip";
               r.source = std::move(d.source);
               r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + d.file_name + "\"");
               r.headers.emplace_back("Cache-Control", "no-store");
               return r;
             }),
             kByToken);
}

}  // namespace meridian::privacy
