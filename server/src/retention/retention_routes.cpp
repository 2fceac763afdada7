#include "retention/retention_routes.hpp"

#include <charconv>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json_fields.hpp"

namespace meridian::retention {
namespace {

using net::HttpRequest;
using net::HttpResponse;

boost::json::object to_json(const RetentionPolicy& p) {
  return boost::json::object{{"scope", p.scope}, {"keep_days", p.keep_days}, {"updated_at", p.updated_at}};
}

boost::json::object to_json(const LegalHold& h) {
  return boost::json::object{
      {"scope", h.scope}, {"reason", h.reason}, {"created_by", h.created_by}, {"created_at", h.created_at}};
}

boost::json::object to_json(const RunReport& r) {
  return boost::json::object{{"conversations_checked", r.conversations_checked},
                             {"conversations_held", r.conversations_held},
                             {"messages_deleted", r.messages_deleted},
                             {"versions_deleted", r.versions_deleted},
                             {"notes_deleted", r.notes_deleted},
                             {"batches", r.batches},
                             {"started_at", r.started_at},
                             {"finished_at", r.finished_at}};
}

HttpResponse ok_json(const boost::json::value& v) { return HttpResponse::json(200, json::serialize(v)); }

}  // namespace

void add_retention_routes(net::Router& router, RetentionService& retention, chat::ChatService& chat,
                          RetentionRouteOptions options) {
  constexpr net::RouteOptions kSmall{net::Auth::required, 16 * 1024};

  router.add(
      "GET", "/api/v1/admin/retention/policies",
      [&retention](HttpRequest& req) {
        auto list = retention.policies(*req.subject);
        if (!list.ok()) return HttpResponse::error(list.error());
        boost::json::array items;
        for (const auto& p : *list) items.push_back(to_json(p));
        return ok_json(boost::json::object{{"items", std::move(items)}});
      },
      kSmall);

  router.add(
      "PUT", "/api/v1/admin/retention/policies/{scope}",
      [&retention](HttpRequest& req) {
        auto body = json::parse_object(req.body);
        if (!body.ok()) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"keep_days"}); !r.ok()) return HttpResponse::error(r.error());
        auto days = json::optional_int(*body, "keep_days");
        if (!days.ok()) return HttpResponse::error(days.error());
        if (!*days)
          return HttpResponse::error(make_error(ErrorCode::invalid_argument, "field 'keep_days' is required"));
        auto p = retention.set_policy(*req.subject, std::string(req.path_param("scope")), **days, req.remote_ip);
        if (!p.ok()) return HttpResponse::error(p.error());
        return ok_json(to_json(*p));
      },
      kSmall);

  router.add(
      "DELETE", "/api/v1/admin/retention/policies/{scope}",
      [&retention](HttpRequest& req) {
        auto r = retention.delete_policy(*req.subject, std::string(req.path_param("scope")), req.remote_ip);
        if (!r.ok()) return HttpResponse::error(r.error());
        return HttpResponse::no_content();
      },
      kSmall);

  router.add(
      "GET", "/api/v1/admin/retention/holds",
      [&retention](HttpRequest& req) {
        auto list = retention.holds(*req.subject);
        if (!list.ok()) return HttpResponse::error(list.error());
        boost::json::array items;
        for (const auto& h : *list) items.push_back(to_json(h));
        return ok_json(boost::json::object{{"items", std::move(items)}});
      },
      kSmall);

  router.add(
      "PUT", "/api/v1/admin/retention/holds/{scope}",
      [&retention](HttpRequest& req) {
        auto body = json::parse_object(req.body, true);
        if (!body.ok()) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"reason"}); !r.ok()) return HttpResponse::error(r.error());
        auto reason = json::optional_string(*body, "reason", 501);
        if (!reason.ok()) return HttpResponse::error(reason.error());
        auto h =
            retention.set_hold(*req.subject, std::string(req.path_param("scope")), reason->value_or(""), req.remote_ip);
        if (!h.ok()) return HttpResponse::error(h.error());
        return ok_json(to_json(*h));
      },
      kSmall);

  router.add(
      "DELETE", "/api/v1/admin/retention/holds/{scope}",
      [&retention](HttpRequest& req) {
        auto r = retention.delete_hold(*req.subject, std::string(req.path_param("scope")), req.remote_ip);
        if (!r.ok()) return HttpResponse::error(r.error());
        return HttpResponse::no_content();
      },
      kSmall);

  // Runs the job now (it also runs by itself every retention.interval_seconds).
  router.add(
      "POST", "/api/v1/admin/retention/run",
      [&retention, options](HttpRequest& req) {
        auto who = retention.policies(*req.subject);  // the same admin check
        if (!who.ok()) return HttpResponse::error(who.error());
        auto body = json::parse_object(req.body, true);
        if (!body.ok()) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"as_of"}); !r.ok()) return HttpResponse::error(r.error());
        auto as_of = json::optional_int(*body, "as_of");
        if (!as_of.ok()) return HttpResponse::error(as_of.error());
        if (*as_of && !options.allow_run_as_of)
          return HttpResponse::error(make_error(
              ErrorCode::invalid_argument, "as_of is accepted only when retention.allow_run_as_of is set (tests)"));
        auto report = retention.run_once(*as_of);
        if (!report.ok()) return HttpResponse::error(report.error());
        return ok_json(to_json(*report));
      },
      net::RouteOptions{net::Auth::required, 16 * 1024, true});

  // What a conversation's members see in its info: the policy in force. Whether it is
  // under legal hold is shown to admins only.
  router.add(
      "GET", "/api/v1/conversations/{id}/retention",
      [&retention, &chat](HttpRequest& req) {
        std::int64_t id = 0;
        const auto text = req.path_param("id");
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
        if (ec != std::errc() || p != text.data() + text.size() || id <= 0)
          return HttpResponse::error(make_error(ErrorCode::not_found, "no such conversation"));
        auto visible = chat.conversation(*req.subject, id);
        if (!visible.ok()) return HttpResponse::error(visible.error());
        auto in_force = retention.in_force(id);
        if (!in_force.ok()) return HttpResponse::error(in_force.error());
        boost::json::object out{{"conversation_id", id}};
        if (in_force->policy)
          out["policy"] =
              boost::json::object{{"scope", in_force->policy->scope}, {"keep_days", in_force->policy->keep_days}};
        else
          out["policy"] = nullptr;
        if (req.subject->has_role(Role::admin)) out["legal_hold"] = in_force->held;
        return ok_json(out);
      },
      kSmall);
}

}  // namespace meridian::retention
