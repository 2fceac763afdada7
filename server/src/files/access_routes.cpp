// Search by name and short-lived download links (files_routes.hpp: add_access_routes).
#include <charconv>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json_fields.hpp"
#include "files/files_routes.hpp"

namespace meridian::files {
namespace {

using net::HttpRequest;
using net::HttpResponse;

Result<std::int64_t> path_id(const HttpRequest& req) {
  std::string_view text = req.path_param("id");
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0)
    return make_error(ErrorCode::not_found, "'" + std::string(text) + "' is not a valid id");
  return id;
}

Result<std::int64_t> query_number(const HttpRequest& req, std::string_view name, std::int64_t fallback) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return fallback;
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size() || out < 0)
    return make_error(ErrorCode::invalid_argument,
                      "query parameter '" + std::string(name) + "' must be a whole number");
  return out;
}

HttpResponse json_response(int status, const boost::json::value& v) {
  return HttpResponse::json(status, json::serialize(v));
}

boost::json::object hit_json(const SearchHit& hit) {
  boost::json::object o = to_json(hit.node);
  o["space"] = boost::json::object{{"id", hit.space.id},
                                   {"kind", space_kind_name(hit.space.kind)},
                                   {"name", hit.space.name},
                                   {"owner_name", hit.space.owner_name}};
  boost::json::array path;
  for (const auto& p : hit.path) path.push_back(boost::json::object{{"id", p.id}, {"name", p.name}, {"my_role", file_role_name(p.role)}});
  o["path"] = std::move(path);
  return o;
}

}  // namespace

void add_access_routes(net::Router& router, FilesService& files, FileSearch& search, DownloadTokens& tokens,
                       SubjectLookup subject_of) {
  const net::RouteOptions kSmall{net::Auth::required, 64 * 1024, true};
  // The token is the credential: no bearer header (a plain link or a download manager).
  const net::RouteOptions kByToken{net::Auth::none, 0, true};

  router.add(
      "GET", "/api/v1/files/search",
      [&search](HttpRequest& req) {
        auto space = query_number(req, "space_id", 0);
        if (!space) return HttpResponse::error(space.error());
        auto limit = query_number(req, "limit", 50);
        if (!limit) return HttpResponse::error(limit.error());
        SearchQuery q;
        q.text = req.query_param("q").value_or("");
        q.space_id = *space;
        q.limit = static_cast<int>(std::min<std::int64_t>(*limit, 200));
        auto hits = search.search(*req.subject, q);
        if (!hits) return HttpResponse::error(hits.error());
        boost::json::array items;
        for (const auto& h : *hits) items.push_back(hit_json(h));
        return json_response(200, boost::json::object{{"items", std::move(items)}});
      },
      kSmall);

  router.add(
      "POST", "/api/v1/files/{id}/download-token",
      [&files, &tokens](HttpRequest& req) {
        auto id = path_id(req);
        if (!id) return HttpResponse::error(id.error());
        auto body = json::parse_object(req.body, true);
        if (!body) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"version"}); !r) return HttpResponse::error(r.error());
        auto version = json::optional_int(*body, "version");
        if (!version) return HttpResponse::error(version.error());
        if (version->value_or(0) < 0) return HttpResponse::error(400, "invalid_argument", "version must be positive");
        auto node = files.get_node(*req.subject, *id);  // viewer at least, or 404
        if (!node) return HttpResponse::error(node.error());
        if (node->is_folder) return HttpResponse::error(400, "invalid_argument", "folders can not be downloaded");
        auto issued = tokens.issue(req.subject->user_id, *id, version->value_or(0));
        return json_response(201, boost::json::object{{"token", issued.token},
                                                      {"url", "/api/v1/files/" + std::to_string(*id) +
                                                                  "/download?token=" + issued.token},
                                                      {"expires_at", issued.expires_at}});
      },
      kSmall);

  router.add(
      "GET", "/api/v1/files/{id}/download",
      [&files, &tokens, subject_of](HttpRequest& req) {
        auto id = path_id(req);
        if (!id) return HttpResponse::error(id.error());
        auto claims = tokens.verify(req.query_param("token").value_or(""), *id);
        if (!claims) return HttpResponse::error(claims.error());
        // Permissions are those of the user now, not when the link was made.
        auto subject = subject_of(claims->user_id);
        if (!subject) return HttpResponse::error(401, "unauthenticated", "the download link is no longer valid");
        Caller caller;
        caller.subject = std::move(subject.value());
        caller.ip = req.remote_ip;
        caller.country = caller.subject.country;
        auto download = files.open_download(caller, *id, claims->version, false);
        if (!download) return HttpResponse::error(download.error());
        return serve_download(req, files.store(), *download, false);
      },
      kByToken);
}

}  // namespace meridian::files
