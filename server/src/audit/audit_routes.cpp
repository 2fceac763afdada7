#include "audit/audit_routes.hpp"

#include <algorithm>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "core/json_values.hpp"
#include "net/route_kit.hpp"
#include "policy/route_guard.hpp"

namespace meridian::audit {
namespace {

using net::HttpRequest;
using net::HttpResponse;

boost::json::object to_json(const AuditEvent& e) {
  boost::system::error_code ec;
  boost::json::value detail = boost::json::parse(e.detail, ec);
  if (ec) detail = boost::json::object{};
  return boost::json::object{
      {"id", e.id},
      {"at", e.at},
      {"actor_id", json::nullable(e.actor_id)},
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

// ?action=&target=&actor_id=&since=&until=&cursor=&limit= (limit clamped to 1..200).
Result<AuditQuery> query_from(const HttpRequest& req) {
  AuditQuery q;
  auto action = req.query_param("action");
  if (action && !action->empty()) q.action = *action;
  auto target = req.query_param("target");
  if (target && !target->empty()) q.target = *target;
  MERIDIAN_ASSIGN_OR_RETURN(q.actor_id, net::query_int(req, "actor_id"));
  MERIDIAN_ASSIGN_OR_RETURN(q.since, net::query_int(req, "since"));
  MERIDIAN_ASSIGN_OR_RETURN(q.until, net::query_int(req, "until"));
  MERIDIAN_ASSIGN_OR_RETURN(q.before_id, net::query_int(req, "cursor"));
  MERIDIAN_ASSIGN_OR_RETURN(auto limit, net::query_int(req, "limit"));
  if (limit) q.limit = static_cast<int>(std::clamp<std::int64_t>(*limit, 1, 200));
  return q;
}

}  // namespace

void add_audit_routes(net::Router& router, AuditLog& log, const policy::Policy& policy) {
  router.add(
      "GET", "/api/v1/admin/audit",
      policy::guarded(
          policy, policy::Action::read_audit_log, net::answer([&log](HttpRequest& req) -> Result<HttpResponse> {
            MERIDIAN_ASSIGN_OR_RETURN(auto q, query_from(req));
            MERIDIAN_ASSIGN_OR_RETURN(auto page, log.query(q));
            boost::json::array items;
            for (const auto& e : page.items) items.push_back(to_json(e));
            boost::json::value cursor = nullptr;
            if (page.next_cursor) cursor = std::to_string(*page.next_cursor);
            return net::json_ok(boost::json::object{{"items", std::move(items)}, {"next_cursor", std::move(cursor)}});
          })));
}

}  // namespace meridian::audit
