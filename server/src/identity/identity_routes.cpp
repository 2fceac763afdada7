#include "identity/identity_routes.hpp"

#include <charconv>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "core/json_fields.hpp"
#include "policy/route_guard.hpp"
#include "identity/user_json.hpp"

namespace meridian::identity {
namespace {

using net::HttpRequest;
using net::HttpResponse;

HttpResponse ok_json(int status, const boost::json::value& v) { return HttpResponse::json(status, json::serialize(v)); }

audit::Actor actor_of(const HttpRequest& req) { return audit::Actor::from(*req.subject, req.remote_ip); }

Result<std::int64_t> id_param(const HttpRequest& req, std::string_view name) {
  std::string_view text = req.path_param(name);
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0)
    return make_error(ErrorCode::not_found, "'" + std::string(text) + "' is not a valid id");
  return id;
}

Result<int> int_query(const HttpRequest& req, std::string_view name, int fallback) {
  auto v = req.query_param(name);
  if (!v) return fallback;
  int out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size())
    return make_error(ErrorCode::invalid_argument, "query parameter '" + std::string(name) + "' must be an integer");
  return out;
}

Result<std::vector<Role>> parse_roles(const std::vector<std::string>& names) {
  std::vector<Role> roles;
  for (const auto& n : names) {
    Role r;
    if (!parse_role(n, r))
      return make_error(ErrorCode::invalid_argument,
                        "unknown role '" + n + "' (use admin, employee, agent, customer or guest)");
    roles.push_back(r);
  }
  return roles;
}

Result<UserKind> parse_kind(const std::string& text) {
  UserKind kind;
  if (!parse_user_kind(text, kind))
    return make_error(ErrorCode::invalid_argument, "kind must be employee, agent, customer or guest");
  return kind;
}

// Reads the profile fields shared by create and update into `change`.
Result<UserChange> parse_user_change(const boost::json::object& body) {
  UserChange c;
  auto name = json::optional_string(body, "display_name", 100);
  if (!name.ok()) return name.error();
  c.display_name = *name;
  auto kind = json::optional_string(body, "kind", 20);
  if (!kind.ok()) return kind.error();
  if (*kind) {
    auto k = parse_kind(**kind);
    if (!k.ok()) return k.error();
    c.kind = *k;
  }
  auto country = json::optional_string(body, "country", 2);
  if (!country.ok()) return country.error();
  c.country = *country;
  auto tz = json::optional_string(body, "time_zone", 64);
  if (!tz.ok()) return tz.error();
  c.time_zone = *tz;
  if (auto wh = body.if_contains("working_hours"); wh && !wh->is_null()) {
    auto parsed = working_hours_from_json(*wh);
    if (!parsed.ok()) return parsed.error();
    c.working_hours = *parsed;
  }
  auto roles = json::optional_string_array(body, "roles", 5);
  if (!roles.ok()) return roles.error();
  if (*roles) {
    auto parsed = parse_roles(**roles);
    if (!parsed.ok()) return parsed.error();
    c.roles = *parsed;
  }
  auto active = json::optional_bool(body, "active");
  if (!active.ok()) return active.error();
  c.active = *active;
  if (auto gdpr = body.if_contains("gdpr"); gdpr && !gdpr->is_null()) {
    if (!gdpr->is_object()) return make_error(ErrorCode::invalid_argument, "field 'gdpr' must be an object");
    MERIDIAN_TRY(json::reject_unknown_fields(gdpr->as_object(), {"restrict_processing", "exclude_from_ai"}));
    auto rp = json::optional_bool(gdpr->as_object(), "restrict_processing");
    if (!rp.ok()) return rp.error();
    auto ai = json::optional_bool(gdpr->as_object(), "exclude_from_ai");
    if (!ai.ok()) return ai.error();
    c.gdpr_restrict_processing = *rp;
    c.gdpr_exclude_from_ai = *ai;
  }
  return c;
}

boost::json::object features_json(const std::map<std::string, bool>& features) {
  boost::json::object out;
  for (const auto& [name, on] : features) out[name] = on;
  return out;
}

// Closes the person's sockets on every node when a relay is wired, else on this node.
void close_user(const IdentityRoutesDeps& d, std::int64_t user_id, const std::string& reason) {
  if (d.relay)
    d.relay->close_user(user_id, 1008, reason);
  else
    d.hub.close_user(user_id, 1008, reason);
}

}  // namespace

void add_identity_routes(net::Router& router, IdentityRoutesDeps d) {
  constexpr net::RouteOptions kSmall{net::Auth::required, 16 * 1024};
  // Argon2id takes tens of milliseconds: these run on the blocking pool.
  constexpr net::RouteOptions kSignIn{net::Auth::none, 4 * 1024, true};
  constexpr net::RouteOptions kHashing{net::Auth::required, 16 * 1024, true};

  router.add(
      "POST", "/api/v1/auth/login",
      [d](HttpRequest& req) {
        auto body = json::parse_object(req.body);
        if (!body.ok()) return HttpResponse::error(body.error());
        auto email = json::required_string(*body, "email", 254);
        if (!email.ok()) return HttpResponse::error(email.error());
        auto password = json::required_string(*body, "password", 256);
        if (!password.ok()) return HttpResponse::error(password.error());
        auto result = d.identity.login(*email, *password, req.remote_ip);
        if (!result.ok()) {
          HttpResponse r = HttpResponse::error(result.error());
          if (result.error().retry_after_seconds > 0)
            r.headers.emplace_back("Retry-After", std::to_string(result.error().retry_after_seconds));
          return r;
        }
        return ok_json(
            200, boost::json::object{
                     {"token", result->token}, {"expires_at", result->expires_at}, {"user", to_json(result->user)}});
      },
      kSignIn);

  router.add(
      "POST", "/api/v1/auth/logout",
      [d](HttpRequest& req) {
        auto r = d.identity.logout(*req.subject, req.remote_ip);
        if (!r.ok()) return HttpResponse::error(r.error());
        if (d.relay)
          d.relay->close_session(req.subject->user_id, req.subject->session_id, 1008, "signed out");
        else
          d.hub.close_session(req.subject->user_id, req.subject->session_id, 1008, "signed out");
        return HttpResponse::no_content();
      },
      kSmall);

  // The first message of every WebSocket: who the server thinks you are.
  d.hub.on_open([d](net::RealtimeConnection& conn) {
    auto user = d.identity.user(conn.subject().user_id);
    boost::json::object hello{{"type", "hello"}, {"seq", 1}, {"server_time", d.clock.now_ms()}};
    if (user.ok()) hello["user"] = boost::json::object{{"id", user->id}, {"display_name", user->display_name}};
    conn.send(json::serialize(hello));
  });

  router.add(
      "GET", "/api/v1/me",
      [d](HttpRequest& req) {
        auto user = d.identity.user(req.subject->user_id);
        if (!user.ok()) return HttpResponse::error(user.error());
        auto features = d.toggles.in_force_for(user->country);
        if (!features.ok()) return HttpResponse::error(features.error());
        boost::json::object out = to_json(*user);
        out["features"] = features_json(*features);
        if (auto local = region::local_time(user->time_zone, d.clock.now_ms()); local.ok()) {
          const auto& wh = user->working_hours;
          bool day = std::find(wh.days.begin(), wh.days.end(), local->weekday) != wh.days.end();
          bool hours = wh.start_minute < wh.end_minute
                           ? local->minute_of_day >= wh.start_minute && local->minute_of_day < wh.end_minute
                           : local->minute_of_day >= wh.start_minute || local->minute_of_day < wh.end_minute;
          out["local_time"] = local->iso;
          out["within_working_hours"] = day && hours;
        }
        return ok_json(200, out);
      },
      kSmall);

  // The people directory: employees and agents only. Customers and guests are refused.
  router.add("GET", "/api/v1/users",
             policy::guarded(
                 d.policy, policy::Action::read_directory,
                 [d](HttpRequest& req) {
                   auto limit = int_query(req, "limit", 50);
                   if (!limit.ok()) return HttpResponse::error(limit.error());
                   auto offset = int_query(req, "offset", 0);
                   if (!offset.ok()) return HttpResponse::error(offset.error());
                   UserFilter f{
                       req.query_param("q").value_or(""), {UserKind::employee, UserKind::agent}, *limit, *offset, true};
                   auto page = d.identity.users(f);
                   if (!page.ok()) return HttpResponse::error(page.error());
                   boost::json::array items;
                   for (const auto& u : page->items) {
                     // The directory shows who someone is, not their account internals.
                     boost::json::object o = to_json(u);
                     o.erase("gdpr");
                     o.erase("active");
                     items.push_back(std::move(o));
                   }
                   return ok_json(200, boost::json::object{{"items", std::move(items)}, {"total", page->total}});
                 }),
             kSmall);

  // Teams, for pickers (invite a team to a meeting, share with a team): staff only.
  router.add(
      "GET", "/api/v1/teams",
      policy::guarded(
          d.policy, policy::Action::read_directory,
          [d](HttpRequest&) {
            auto teams = d.identity.teams();
            if (!teams.ok()) return HttpResponse::error(teams.error());
            boost::json::array items;
            for (const auto& t : *teams)
              items.push_back(boost::json::object{{"id", t.id}, {"name", t.name}, {"member_count", t.member_count}});
            return ok_json(200, boost::json::object{{"items", std::move(items)}});
          }),
      kSmall);

  // The customer directory, for pickers: staff only; a customer never lists other customers.
  router.add(
      "GET", "/api/v1/customers",
      policy::guarded(d.policy, policy::Action::read_customer_directory,
                      [d](HttpRequest& req) {
                        auto limit = int_query(req, "limit", 50);
                        if (!limit.ok()) return HttpResponse::error(limit.error());
                        auto offset = int_query(req, "offset", 0);
                        if (!offset.ok()) return HttpResponse::error(offset.error());
                        UserFilter f{req.query_param("q").value_or(""), {UserKind::customer}, *limit, *offset, true};
                        auto page = d.identity.users(f);
                        if (!page.ok()) return HttpResponse::error(page.error());
                        boost::json::array items;
                        for (const auto& u : page->items)
                          items.push_back(boost::json::object{{"id", u.id},
                                                              {"display_name", u.display_name},
                                                              {"email", u.email},
                                                              {"kind", user_kind_name(u.kind)},
                                                              {"country", u.country},
                                                              {"time_zone", u.time_zone}});
                        return ok_json(200, boost::json::object{{"items", std::move(items)}, {"total", page->total}});
                      }),
      kSmall);

  router.add("GET", "/api/v1/admin/users",
             policy::guarded(
                 d.policy, policy::Action::manage_users,
                 [d](HttpRequest& req) {
                   auto limit = int_query(req, "limit", 50);
                   if (!limit.ok()) return HttpResponse::error(limit.error());
                   auto offset = int_query(req, "offset", 0);
                   if (!offset.ok()) return HttpResponse::error(offset.error());
                   auto page = d.identity.users(UserFilter{req.query_param("q").value_or(""), {}, *limit, *offset});
                   if (!page.ok()) return HttpResponse::error(page.error());
                   boost::json::array items;
                   for (const auto& u : page->items) items.push_back(to_json(u));
                   return ok_json(200, boost::json::object{{"items", std::move(items)}, {"total", page->total}});
                 }),
             kSmall);

  router.add(
      "POST", "/api/v1/admin/users",
      policy::guarded(
          d.policy, policy::Action::manage_users,
          [d](HttpRequest& req) {
            auto body = json::parse_object(req.body);
            if (!body.ok()) return HttpResponse::error(body.error());
            if (auto r = json::reject_unknown_fields(*body, {"email", "display_name", "name", "password", "kind",
                                                             "country", "time_zone", "roles", "working_hours", "gdpr"});
                !r.ok())
              return HttpResponse::error(r.error());
            // "name" is accepted as an alias of display_name.
            if (!body->contains("display_name") && body->contains("name")) (*body)["display_name"] = (*body)["name"];
            body->erase("name");
            auto email = json::required_string(*body, "email", 254);
            if (!email.ok()) return HttpResponse::error(email.error());
            auto password = json::required_string(*body, "password", 256);
            if (!password.ok()) return HttpResponse::error(password.error());
            auto change = parse_user_change(*body);
            if (!change.ok()) return HttpResponse::error(change.error());
            for (const char* required : {"display_name", "kind", "country", "time_zone"}) {
              auto* v = body->if_contains(required);
              if (!v || v->is_null())
                return HttpResponse::error(
                    make_error(ErrorCode::invalid_argument, std::string("field '") + required + "' is required"));
            }
            if (change->roles && !d.policy.permits(*req.subject, policy::Action::manage_roles))
              return HttpResponse::error(make_error(ErrorCode::forbidden, "you are not allowed to change roles"));
            NewUser nu;
            nu.email = *email;
            nu.password = *password;
            nu.display_name = *change->display_name;
            nu.kind = *change->kind;
            nu.country = *change->country;
            nu.time_zone = *change->time_zone;
            nu.roles = change->roles;
            nu.working_hours = change->working_hours;
            nu.gdpr.restrict_processing = change->gdpr_restrict_processing.value_or(false);
            nu.gdpr.exclude_from_ai = change->gdpr_exclude_from_ai.value_or(false);
            auto user = d.identity.create_user(actor_of(req), std::move(nu));
            if (!user.ok()) return HttpResponse::error(user.error());
            return ok_json(201, to_json(*user));
          }),
      kHashing);

  router.add("GET", "/api/v1/admin/users/{id}",
             policy::guarded(d.policy, policy::Action::manage_users,
                             [d](HttpRequest& req) {
                               auto id = id_param(req, "id");
                               if (!id.ok()) return HttpResponse::error(id.error());
                               auto user = d.identity.user(*id);
                               if (!user.ok()) return HttpResponse::error(user.error());
                               return ok_json(200, to_json(*user));
                             }),
             kSmall);

  router.add(
      "PATCH", "/api/v1/admin/users/{id}",
      policy::guarded(d.policy, policy::Action::manage_users,
                      [d](HttpRequest& req) {
                        auto id = id_param(req, "id");
                        if (!id.ok()) return HttpResponse::error(id.error());
                        auto body = json::parse_object(req.body);
                        if (!body.ok()) return HttpResponse::error(body.error());
                        if (auto r = json::reject_unknown_fields(*body, {"display_name", "kind", "country", "time_zone",
                                                                         "working_hours", "roles", "active", "gdpr"});
                            !r.ok())
                          return HttpResponse::error(r.error());
                        auto change = parse_user_change(*body);
                        if (!change.ok()) return HttpResponse::error(change.error());
                        if (change->roles && !d.policy.permits(*req.subject, policy::Action::manage_roles))
                          return HttpResponse::error(
                              make_error(ErrorCode::forbidden, "you are not allowed to change roles"));
                        auto user = d.identity.update_user(actor_of(req), *id, *change);
                        if (!user.ok()) return HttpResponse::error(user.error());
                        if (!user->active) close_user(d, user->id, "account deactivated");
                        return ok_json(200, to_json(*user));
                      }),
      kSmall);

  router.add("PUT", "/api/v1/admin/users/{id}/roles",
             policy::guarded(d.policy, policy::Action::manage_roles,
                             [d](HttpRequest& req) {
                               auto id = id_param(req, "id");
                               if (!id.ok()) return HttpResponse::error(id.error());
                               auto body = json::parse_object(req.body);
                               if (!body.ok()) return HttpResponse::error(body.error());
                               auto names = json::optional_string_array(*body, "roles", 5);
                               if (!names.ok()) return HttpResponse::error(names.error());
                               if (!*names)
                                 return HttpResponse::error(
                                     make_error(ErrorCode::invalid_argument, "field 'roles' is required"));
                               auto roles = parse_roles(**names);
                               if (!roles.ok()) return HttpResponse::error(roles.error());
                               UserChange change;
                               change.roles = *roles;
                               auto user = d.identity.update_user(actor_of(req), *id, change);
                               if (!user.ok()) return HttpResponse::error(user.error());
                               return ok_json(200, to_json(*user));
                             }),
             kSmall);

  router.add("POST", "/api/v1/admin/users/{id}/deactivate",
             policy::guarded(d.policy, policy::Action::manage_users,
                             [d](HttpRequest& req) {
                               auto id = id_param(req, "id");
                               if (!id.ok()) return HttpResponse::error(id.error());
                               auto user = d.identity.deactivate_user(actor_of(req), *id);
                               if (!user.ok()) return HttpResponse::error(user.error());
                               close_user(d, user->id, "account deactivated");
                               return ok_json(200, to_json(*user));
                             }),
             kSmall);

  router.add("POST", "/api/v1/admin/users/{id}/reset-password",
             policy::guarded(d.policy, policy::Action::manage_users,
                             [d](HttpRequest& req) {
                               auto id = id_param(req, "id");
                               if (!id.ok()) return HttpResponse::error(id.error());
                               auto body = json::parse_object(req.body, true);
                               if (!body.ok()) return HttpResponse::error(body.error());
                               auto password = json::optional_string(*body, "password", 256);
                               if (!password.ok()) return HttpResponse::error(password.error());
                               auto pw = d.identity.reset_password(actor_of(req), *id, *password);
                               if (!pw.ok()) return HttpResponse::error(pw.error());
                               close_user(d, *id, "password reset");
                               return ok_json(200, boost::json::object{{"password", *pw}});
                             }),
             kHashing);

  router.add("GET", "/api/v1/admin/teams",
             policy::guarded(d.policy, policy::Action::manage_teams,
                             [d](HttpRequest&) {
                               auto teams = d.identity.teams();
                               if (!teams.ok()) return HttpResponse::error(teams.error());
                               boost::json::array items;
                               for (const auto& t : *teams) items.push_back(to_json(t));
                               return ok_json(200, boost::json::object{{"items", std::move(items)}});
                             }),
             kSmall);

  router.add("POST", "/api/v1/admin/teams",
             policy::guarded(d.policy, policy::Action::manage_teams,
                             [d](HttpRequest& req) {
                               auto body = json::parse_object(req.body);
                               if (!body.ok()) return HttpResponse::error(body.error());
                               if (auto r = json::reject_unknown_fields(*body, {"name", "region"}); !r.ok())
                                 return HttpResponse::error(r.error());
                               auto name = json::required_string(*body, "name", 100);
                               if (!name.ok()) return HttpResponse::error(name.error());
                               auto region = json::optional_string(*body, "region", 16);
                               if (!region.ok()) return HttpResponse::error(region.error());
                               auto team = d.identity.create_team(actor_of(req), *name, *region);
                               if (!team.ok()) return HttpResponse::error(team.error());
                               return ok_json(201, to_json(*team));
                             }),
             kSmall);

  router.add("GET", "/api/v1/admin/teams/{id}",
             policy::guarded(d.policy, policy::Action::manage_teams,
                             [d](HttpRequest& req) {
                               auto id = id_param(req, "id");
                               if (!id.ok()) return HttpResponse::error(id.error());
                               auto team = d.identity.team(*id);
                               if (!team.ok()) return HttpResponse::error(team.error());
                               boost::json::object out = to_json(team->team);
                               boost::json::array members;
                               for (const auto& u : team->members) members.push_back(to_json(u));
                               out["members"] = std::move(members);
                               return ok_json(200, out);
                             }),
             kSmall);

  auto membership = [d](bool add) {
    return [d, add](HttpRequest& req) {
      if (auto r = d.policy.require(*req.subject, policy::Action::manage_teams); !r.ok())
        return HttpResponse::error(r.error());
      auto team_id = id_param(req, "id");
      if (!team_id.ok()) return HttpResponse::error(team_id.error());
      auto user_id = id_param(req, "user_id");
      if (!user_id.ok()) return HttpResponse::error(user_id.error());
      auto r = add ? d.identity.add_team_member(actor_of(req), *team_id, *user_id)
                   : d.identity.remove_team_member(actor_of(req), *team_id, *user_id);
      if (!r.ok()) return HttpResponse::error(r.error());
      return HttpResponse::no_content();
    };
  };
  router.add("PUT", "/api/v1/admin/teams/{id}/members/{user_id}", membership(true), kSmall);
  router.add("DELETE", "/api/v1/admin/teams/{id}/members/{user_id}", membership(false), kSmall);
}

}  // namespace meridian::identity
