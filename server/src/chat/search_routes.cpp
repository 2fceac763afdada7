#include "chat/search_routes.hpp"

#include <charconv>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json_fields.hpp"

namespace meridian::chat {
namespace {

using net::HttpRequest;
using net::HttpResponse;

Result<std::optional<std::int64_t>> positive_param(const HttpRequest& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return std::optional<std::int64_t>{};
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size() || out <= 0)
    return make_error(ErrorCode::invalid_argument,
                      "query parameter '" + std::string(name) + "' must be a positive whole number");
  return std::optional<std::int64_t>(out);
}

boost::json::object to_json(const SearchHit& h) {
  boost::json::object o{{"kind", h.kind == SearchHit::Kind::message ? "message" : "note"},
                        {"conversation", boost::json::object{{"id", h.conversation_id},
                                                             {"kind", kind_name(h.conversation_kind)},
                                                             {"name", h.conversation_name}}},
                        {"author", boost::json::object{{"id", h.author_id}, {"display_name", h.author_name}}},
                        {"snippet", h.snippet},
                        {"created_at", h.created_at}};
  if (h.kind == SearchHit::Kind::message) {
    o["message_id"] = h.id;
    o["seq"] = h.seq;
  } else {
    o["note_id"] = h.id;
  }
  return o;
}

}  // namespace

void add_search_routes(net::Router& router, SearchService& search) {
  router.add(
      "GET", "/api/v1/search",
      [&search](HttpRequest& req) {
        SearchQuery q;
        q.text = req.query_param("q").value_or("");
        auto conversation = positive_param(req, "conversation_id");
        if (!conversation.ok()) return HttpResponse::error(conversation.error());
        q.conversation_id = *conversation;
        auto limit = positive_param(req, "limit");
        if (!limit.ok()) return HttpResponse::error(limit.error());
        if (*limit && **limit > kMaxSearchResults)
          return HttpResponse::error(make_error(ErrorCode::invalid_argument,
                                                "limit must be between 1 and " + std::to_string(kMaxSearchResults)));
        q.limit = static_cast<int>(limit->value_or(20));
        auto hits = search.search(*req.subject, q);
        if (!hits.ok()) return HttpResponse::error(hits.error());
        boost::json::array items;
        for (const auto& h : *hits) items.push_back(to_json(h));
        return HttpResponse::json(200, json::serialize(boost::json::object{{"items", std::move(items)}}));
      },
      net::RouteOptions{net::Auth::required, 16 * 1024});
}

}  // namespace meridian::chat
