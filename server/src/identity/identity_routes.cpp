#include "identity/identity_routes.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "core/json_fields.hpp"
#include "identity/user_json.hpp"
#include "net/route_kit.hpp"
#include "policy/route_guard.hpp"

namespace meridian::identity {
namespace {

using net::HttpRequest;
using net::HttpResponse;

audit::Actor actor_of(const HttpRequest& req) { return audit::Actor::from(*req.subject, req.remote_ip); }

// ?q=&limit=&offset= of a directory page (the service clamps limit and offset).
Result<UserFilter> page_of(const HttpRequest& req, std::vector<UserKind> kinds, bool active_only) {
  constexpr auto to_int = [](std::int64_t v) {
    return static_cast<int>(
        std::clamp<std::int64_t>(v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
  };
  MERIDIAN_ASSIGN_OR_RETURN(auto limit, net::query_int_or(req, "limit", 50));
  MERIDIAN_ASSIGN_OR_RETURN(auto offset, net::query_int_or(req, "offset", 0));
  return UserFilter{req.query_param("q").value_or(""), std::move(kinds), to_int(limit), to_int(offset), active_only};
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

// Reads the profile fields shared by create and update.
Result<UserChange> parse_user_change(const boost::json::object& body) {
  UserChange c;
  MERIDIAN_ASSIGN_OR_RETURN(c.display_name, json::optional_string(body, "display_name", 100));
  MERIDIAN_ASSIGN_OR_RETURN(auto kind, json::optional_string(body, "kind", 20));
  if (kind) {
    MERIDIAN_ASSIGN_OR_RETURN(c.kind, parse_kind(*kind));
  }
  MERIDIAN_ASSIGN_OR_RETURN(c.country, json::optional_string(body, "country", 2));
  MERIDIAN_ASSIGN_OR_RETURN(c.time_zone, json::optional_string(body, "time_zone", 64));
  if (auto wh = body.if_contains("working_hours"); wh && !wh->is_null()) {
    MERIDIAN_ASSIGN_OR_RETURN(c.working_hours, working_hours_from_json(*wh));
  }
  MERIDIAN_ASSIGN_OR_RETURN(auto roles, json::optional_string_array(body, "roles", 5));
  if (roles) {
    MERIDIAN_ASSIGN_OR_RETURN(c.roles, parse_roles(*roles));
  }
  MERIDIAN_ASSIGN_OR_RETURN(c.active, json::optional_bool(body, "active"));
  if (auto gdpr = body.if_contains("gdpr"); gdpr && !gdpr->is_null()) {
    if (!gdpr->is_object()) return make_error(ErrorCode::invalid_argument, "field 'gdpr' must be an object");
    const auto& g = gdpr->as_object();
    MERIDIAN_TRY(json::reject_unknown_fields(g, {"restrict_processing", "exclude_from_ai"}));
    MERIDIAN_ASSIGN_OR_RETURN(c.gdpr_restrict_processing, json::optional_bool(g, "restrict_processing"));
    MERIDIAN_ASSIGN_OR_RETURN(c.gdpr_exclude_from_ai, json::optional_bool(g, "exclude_from_ai"));
  }
  return c;
}

// POST /admin/users: the profile fields plus email and password, all of them required.
Result<NewUser> new_user_from(boost::json::object body) {
  // "name" is accepted as an alias of display_name.
  if (!body.contains("display_name") && body.contains("name")) body["display_name"] = body["name"];
  body.erase("name");
  NewUser nu;
  MERIDIAN_ASSIGN_OR_RETURN(nu.email, json::required_string(body, "email", 254));
  MERIDIAN_ASSIGN_OR_RETURN(nu.password, json::required_string(body, "password", 256));
  MERIDIAN_ASSIGN_OR_RETURN(auto change, parse_user_change(body));
  for (const char* required : {"display_name", "kind", "country", "time_zone"}) {
    auto* v = body.if_contains(required);
    if (!v || v->is_null())
      return make_error(ErrorCode::invalid_argument, std::string("field '") + required + "' is required");
  }
  nu.display_name = *change.display_name;
  nu.kind = *change.kind;
  nu.country = *change.country;
  nu.time_zone = *change.time_zone;
  nu.roles = change.roles;
  nu.working_hours = change.working_hours;
  nu.gdpr.restrict_processing = change.gdpr_restrict_processing.value_or(false);
  nu.gdpr.exclude_from_ai = change.gdpr_exclude_from_ai.value_or(false);
  return nu;
}

// Only those who may manage roles may set them with a user.
Result<void> may_set_roles(const policy::Policy& policy, const Subject& subject, bool setting_roles) {
  if (setting_roles && !policy.permits(subject, policy::Action::manage_roles))
    return make_error(ErrorCode::forbidden, "you are not allowed to change roles");
  return {};
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
  using policy::Action;
  // A handler that runs only when the policy permits `action` (403 otherwise).
  auto permitted = [&d](Action action, net::ResultHandler handler) {
    return policy::guarded(d.policy, action, net::answer(std::move(handler)));
  };

  // A refusal for too many failed attempts carries Retry-After (net::answer).
  router.add("POST", "/api/v1/auth/login", net::answer([d](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body, json::parse_object(req.body));
               MERIDIAN_ASSIGN_OR_RETURN(auto email, json::required_string(body, "email", 254));
               MERIDIAN_ASSIGN_OR_RETURN(auto password, json::required_string(body, "password", 256));
               MERIDIAN_ASSIGN_OR_RETURN(auto result, d.identity.login(email, password, req.remote_ip));
               return net::json_ok(boost::json::object{
                   {"token", result.token}, {"expires_at", result.expires_at}, {"user", to_json(result.user)}});
             }),
             kSignIn);

  router.add("POST", "/api/v1/auth/logout", net::answer([d](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_TRY(d.identity.logout(*req.subject, req.remote_ip));
               if (d.relay)
                 d.relay->close_session(req.subject->user_id, req.subject->session_id, 1008, "signed out");
               else
                 d.hub.close_session(req.subject->user_id, req.subject->session_id, 1008, "signed out");
               return HttpResponse::no_content();
             }),
             kSmall);

  // The first message of every WebSocket: who the server thinks you are.
  d.hub.on_open([d](net::RealtimeConnection& conn) {
    auto user = d.identity.user(conn.subject().user_id);
    boost::json::object hello{{"type", "hello"}, {"seq", 1}, {"server_time", d.clock.now_ms()}};
    if (user.ok()) hello["user"] = boost::json::object{{"id", user->id}, {"display_name", user->display_name}};
    conn.send(json::serialize(hello));
  });

  router.add("GET", "/api/v1/me", net::answer([d](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto user, d.identity.user(req.subject->user_id));
               MERIDIAN_ASSIGN_OR_RETURN(auto features, d.toggles.in_force_for(user.country));
               boost::json::object out = to_json(user);
               out["features"] = features_json(features);
               if (auto local = region::local_time(user.time_zone, d.clock.now_ms()); local.ok()) {
                 const auto& wh = user.working_hours;
                 bool day = std::find(wh.days.begin(), wh.days.end(), local->weekday) != wh.days.end();
                 bool hours = wh.start_minute < wh.end_minute
                                  ? local->minute_of_day >= wh.start_minute && local->minute_of_day < wh.end_minute
                                  : local->minute_of_day >= wh.start_minute || local->minute_of_day < wh.end_minute;
                 out["local_time"] = local->iso;
                 std::optional<bool> working;
                 if (d.working_time) working = d.working_time->working_at(user.id, d.clock.now_ms());
                 out["within_working_hours"] = working.value_or(day && hours);
               }
               return net::json_ok(out);
             }),
             kSmall);

  // The people directory: employees and agents; with ?include=guests also the guests one can
  // invite to a group or channel (not the accounts made for meeting guests, who cannot sign
  // in). Customers and guests themselves are refused.
  router.add(
      "GET", "/api/v1/users",
      permitted(Action::read_directory,
                [d](HttpRequest& req) -> Result<HttpResponse> {
                  const auto include = req.query_param("include");
                  if (include && *include != "guests")
                    return make_error(ErrorCode::invalid_argument, "include must be 'guests' or left out");
                  std::vector<UserKind> kinds{UserKind::employee, UserKind::agent};
                  if (include) kinds.push_back(UserKind::guest);
                  MERIDIAN_ASSIGN_OR_RETURN(auto filter, page_of(req, std::move(kinds), true));
                  filter.can_sign_in_only = true;
                  MERIDIAN_ASSIGN_OR_RETURN(auto page, d.identity.users(filter));
                  boost::json::array items;
                  for (const auto& u : page.items) {
                    // The directory shows who someone is, not their account internals.
                    boost::json::object o = to_json(u);
                    o.erase("gdpr");
                    o.erase("active");
                    items.push_back(std::move(o));
                  }
                  return net::json_ok(boost::json::object{{"items", std::move(items)}, {"total", page.total}});
                }),
      kSmall);

  // One person, for their profile card: who they are in the directory's shape (kind, roles,
  // teams, country, region, zone). Staff see anyone active; customers and guests only
  // themselves; any other id is answered 404, as for one that does not exist.
  router.add("GET", "/api/v1/users/{id}", net::answer([d](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "user id"));
               const Subject& me = *req.subject;
               const policy::Resource about{
                   id, "", id == me.user_id ? policy::Relationship::owner : policy::Relationship::none};
               if (!d.policy.permits(me, Action::read_user_profile, about))
                 return make_error(ErrorCode::not_found, "no such user");
               MERIDIAN_ASSIGN_OR_RETURN(auto user, d.identity.user(id));
               if (!user.active && id != me.user_id) return make_error(ErrorCode::not_found, "no such user");
               boost::json::object o = to_json(user);
               o.erase("gdpr");
               o.erase("active");
               return net::json_ok(o);
             }),
             kSmall);

  // Teams, for pickers (invite a team to a meeting, share with a team): staff only.
  router.add(
      "GET", "/api/v1/teams",
      permitted(
          Action::read_directory,
          [d](HttpRequest&) -> Result<HttpResponse> {
            MERIDIAN_ASSIGN_OR_RETURN(auto teams, d.identity.teams());
            boost::json::array items;
            for (const auto& t : teams) {
              boost::json::array leads;
              for (auto id : t.lead_ids) leads.emplace_back(id);
              items.push_back(boost::json::object{
                  {"id", t.id}, {"name", t.name}, {"member_count", t.member_count}, {"lead_ids", std::move(leads)}});
            }
            return net::json_ok(boost::json::object{{"items", std::move(items)}});
          }),
      kSmall);

  // The customer directory, for pickers: staff only; a customer never lists other customers.
  router.add("GET", "/api/v1/customers",
             permitted(Action::read_customer_directory,
                       [d](HttpRequest& req) -> Result<HttpResponse> {
                         MERIDIAN_ASSIGN_OR_RETURN(auto filter, page_of(req, {UserKind::customer}, true));
                         MERIDIAN_ASSIGN_OR_RETURN(auto page, d.identity.users(filter));
                         boost::json::array items;
                         for (const auto& u : page.items)
                           items.push_back(boost::json::object{{"id", u.id},
                                                               {"display_name", u.display_name},
                                                               {"email", u.email},
                                                               {"kind", user_kind_name(u.kind)},
                                                               {"country", u.country},
                                                               {"time_zone", u.time_zone}});
                         return net::json_ok(boost::json::object{{"items", std::move(items)}, {"total", page.total}});
                       }),
             kSmall);

  router.add("GET", "/api/v1/admin/users",
             permitted(Action::manage_users,
                       [d](HttpRequest& req) -> Result<HttpResponse> {
                         MERIDIAN_ASSIGN_OR_RETURN(auto filter, page_of(req, {}, false));
                         MERIDIAN_ASSIGN_OR_RETURN(auto page, d.identity.users(filter));
                         boost::json::array items;
                         for (const auto& u : page.items) items.push_back(to_json(u));
                         return net::json_ok(boost::json::object{{"items", std::move(items)}, {"total", page.total}});
                       }),
             kSmall);

  router.add(
      "POST", "/api/v1/admin/users",
      permitted(Action::manage_users,
                [d](HttpRequest& req) -> Result<HttpResponse> {
                  MERIDIAN_ASSIGN_OR_RETURN(
                      auto body, net::json_body(req, {"email", "display_name", "name", "password", "kind", "country",
                                                      "time_zone", "roles", "working_hours", "gdpr"}));
                  MERIDIAN_ASSIGN_OR_RETURN(auto new_user, new_user_from(std::move(body)));
                  MERIDIAN_TRY(may_set_roles(d.policy, *req.subject, new_user.roles.has_value()));
                  MERIDIAN_ASSIGN_OR_RETURN(auto user, d.identity.create_user(actor_of(req), std::move(new_user)));
                  return net::json_ok(to_json(user), 201);
                }),
      kHashing);

  router.add("GET", "/api/v1/admin/users/{id}",
             permitted(Action::manage_users,
                       [d](HttpRequest& req) -> Result<HttpResponse> {
                         MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
                         MERIDIAN_ASSIGN_OR_RETURN(auto user, d.identity.user(id));
                         return net::json_ok(to_json(user));
                       }),
             kSmall);

  router.add("PATCH", "/api/v1/admin/users/{id}",
             permitted(Action::manage_users,
                       [d](HttpRequest& req) -> Result<HttpResponse> {
                         MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
                         MERIDIAN_ASSIGN_OR_RETURN(auto body,
                                                   net::json_body(req, {"display_name", "kind", "country", "time_zone",
                                                                        "working_hours", "roles", "active", "gdpr"}));
                         MERIDIAN_ASSIGN_OR_RETURN(auto change, parse_user_change(body));
                         MERIDIAN_TRY(may_set_roles(d.policy, *req.subject, change.roles.has_value()));
                         MERIDIAN_ASSIGN_OR_RETURN(auto user, d.identity.update_user(actor_of(req), id, change));
                         if (!user.active) close_user(d, user.id, "account deactivated");
                         return net::json_ok(to_json(user));
                       }),
             kSmall);

  router.add("PUT", "/api/v1/admin/users/{id}/roles",
             permitted(Action::manage_roles,
                       [d](HttpRequest& req) -> Result<HttpResponse> {
                         MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
                         MERIDIAN_ASSIGN_OR_RETURN(auto body, json::parse_object(req.body));
                         MERIDIAN_ASSIGN_OR_RETURN(auto names, json::optional_string_array(body, "roles", 5));
                         if (!names) return make_error(ErrorCode::invalid_argument, "field 'roles' is required");
                         UserChange change;
                         MERIDIAN_ASSIGN_OR_RETURN(change.roles, parse_roles(*names));
                         MERIDIAN_ASSIGN_OR_RETURN(auto user, d.identity.update_user(actor_of(req), id, change));
                         return net::json_ok(to_json(user));
                       }),
             kSmall);

  router.add("POST", "/api/v1/admin/users/{id}/deactivate",
             permitted(Action::manage_users,
                       [d](HttpRequest& req) -> Result<HttpResponse> {
                         MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
                         MERIDIAN_ASSIGN_OR_RETURN(auto user, d.identity.deactivate_user(actor_of(req), id));
                         close_user(d, user.id, "account deactivated");
                         return net::json_ok(to_json(user));
                       }),
             kSmall);

  router.add("POST", "/api/v1/admin/users/{id}/reset-password",
             permitted(Action::manage_users,
                       [d](HttpRequest& req) -> Result<HttpResponse> {
                         MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
                         MERIDIAN_ASSIGN_OR_RETURN(auto body, json::parse_object(req.body, /*allow_empty=*/true));
                         MERIDIAN_ASSIGN_OR_RETURN(auto password, json::optional_string(body, "password", 256));
                         MERIDIAN_ASSIGN_OR_RETURN(auto pw, d.identity.reset_password(actor_of(req), id, password));
                         close_user(d, id, "password reset");
                         return net::json_ok(boost::json::object{{"password", pw}});
                       }),
             kHashing);

  router.add("GET", "/api/v1/admin/teams",
             permitted(Action::manage_teams,
                       [d](HttpRequest&) -> Result<HttpResponse> {
                         MERIDIAN_ASSIGN_OR_RETURN(auto teams, d.identity.teams());
                         boost::json::array items;
                         for (const auto& t : teams) items.push_back(to_json(t));
                         return net::json_ok(boost::json::object{{"items", std::move(items)}});
                       }),
             kSmall);

  router.add("POST", "/api/v1/admin/teams",
             permitted(Action::manage_teams,
                       [d](HttpRequest& req) -> Result<HttpResponse> {
                         MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"name", "region"}));
                         MERIDIAN_ASSIGN_OR_RETURN(auto name, json::required_string(body, "name", 100));
                         MERIDIAN_ASSIGN_OR_RETURN(auto region, json::optional_string(body, "region", 16));
                         MERIDIAN_ASSIGN_OR_RETURN(auto team, d.identity.create_team(actor_of(req), name, region));
                         return net::json_ok(to_json(team), 201);
                       }),
             kSmall);

  // A team's region; its team file space follows (identity_service.hpp: set_team_region).
  router.add("PATCH", "/api/v1/admin/teams/{id}",
             permitted(Action::manage_teams,
                       [d](HttpRequest& req) -> Result<HttpResponse> {
                         MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
                         MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"region"}));
                         MERIDIAN_ASSIGN_OR_RETURN(auto region, json::required_string(body, "region", 16));
                         MERIDIAN_ASSIGN_OR_RETURN(auto team, d.identity.set_team_region(actor_of(req), id, region));
                         return net::json_ok(to_json(team));
                       }),
             kSmall);

  router.add("GET", "/api/v1/admin/teams/{id}",
             permitted(Action::manage_teams,
                       [d](HttpRequest& req) -> Result<HttpResponse> {
                         MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id"));
                         MERIDIAN_ASSIGN_OR_RETURN(auto team, d.identity.team(id));
                         boost::json::object out = to_json(team.team);
                         boost::json::array members;
                         for (const auto& u : team.members) {
                           auto m = to_json(u);
                           const auto& leads = team.team.lead_ids;
                           m["team_role"] =
                               std::find(leads.begin(), leads.end(), u.id) != leads.end() ? "lead" : "member";
                           members.push_back(std::move(m));
                         }
                         out["members"] = std::move(members);
                         return net::json_ok(out);
                       }),
             kSmall);

  auto membership = [&permitted, d](bool add) {
    return permitted(Action::manage_teams, [d, add](HttpRequest& req) -> Result<HttpResponse> {
      MERIDIAN_ASSIGN_OR_RETURN(auto team_id, net::path_id(req, "id"));
      MERIDIAN_ASSIGN_OR_RETURN(auto user_id, net::path_id(req, "user_id"));
      if (!add) {
        MERIDIAN_TRY(d.identity.remove_team_member(actor_of(req), team_id, user_id));
        return HttpResponse::no_content();
      }
      // Optional body {"role": "member"|"lead"}: without it a new member joins as a member
      // and one already there keeps their role.
      std::optional<bool> lead;
      if (!req.body.empty()) {
        MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"role"}));
        MERIDIAN_ASSIGN_OR_RETURN(auto role, json::optional_string(body, "role", 10));
        if (role) {
          if (*role != "member" && *role != "lead")
            return make_error(ErrorCode::invalid_argument, "role must be 'member' or 'lead'");
          lead = *role == "lead";
        }
      }
      MERIDIAN_TRY(d.identity.add_team_member(actor_of(req), team_id, user_id, lead));
      return HttpResponse::no_content();
    });
  };
  router.add("PUT", "/api/v1/admin/teams/{id}/members/{user_id}", membership(true), kSmall);
  router.add("DELETE", "/api/v1/admin/teams/{id}/members/{user_id}", membership(false), kSmall);
}

}  // namespace meridian::identity
