#include "audit/audit_routes.hpp"

#include <charconv>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/json_fields.hpp"
#include "policy/route_guard.hpp"

namespace meridian::audit {
namespace {

using net::HttpRequest;
using net::HttpResponse;

Result<std::optional<std::int64_t>> int_param(const HttpRequest& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return std::optional<std::int64_t>{};
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size())
    return make_error(ErrorCode::invalid_argument, "query parameter '" + std::string(name) + "' must be an integer");
  return std::optional<std::int64_t>(out);
}

boost::json::object to_json(const AuditEvent& e) {
  boost::system::error_code ec;
  boost::json::value detail = boost::json::parse(e.detail, ec);
  if (ec) detail = boost::json::object{};
  return boost::json::object{
      {"id", e.id},
      {"at", e.at},
      {"actor_id", e.actor_id ? boost::json::value(*e.actor_id) : boost::json::value(nullptr)},
      {"actor_email", e.actor_email},
      {"action", e.action},
      {"target", e.target},
      {"outcome", e.outcome},
      {"ip", e.ip},
      {"country", e.country},
      {"region", e.region},
      {"detail", std::move(detail)},
  };
}

}  // namespace

void add_audit_routes(net::Router& router, AuditLog& log, const policy::Policy& policy) {
  router.add(
      "GET", "/api/v1/admin/audit", policy::guarded(policy, policy::Action::read_audit_log, [&log](HttpRequest& req) {
        AuditQuery q;
        auto action = req.query_param("action");
        if (action && !action->empty()) q.action = *action;
        auto target = req.query_param("target");
        if (target && !target->empty()) q.target = *target;
        for (auto [name, field] : {std::pair{"actor_id", &q.actor_id}, std::pair{"since", &q.since},
                                   std::pair{"until", &q.until}, std::pair{"cursor", &q.before_id}}) {
          auto v = int_param(req, name);
          if (!v.ok()) return HttpResponse::error(v.error());
          *field = *v;
        }
        auto limit = int_param(req, "limit");
        if (!limit.ok()) return HttpResponse::error(limit.error());
        if (*limit) q.limit = static_cast<int>(std::clamp<std::int64_t>(**limit, 1, 200));
        auto page = log.query(q);
        if (!page.ok()) return HttpResponse::error(page.error());
        boost::json::array items;
        for (const auto& e : page->items) items.push_back(to_json(e));
        boost::json::value cursor = nullptr;
        if (page->next_cursor) cursor = std::to_string(*page->next_cursor);
        return HttpResponse::json(
            200, json::serialize(boost::json::object{{"items", std::move(items)}, {"next_cursor", std::move(cursor)}}));
      }));
}

}  // namespace meridian::audit
