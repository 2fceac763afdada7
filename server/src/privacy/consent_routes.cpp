#include "privacy/consent_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json_values.hpp"
#include "net/route_kit.hpp"

namespace meridian::privacy {
namespace {

using net::HttpRequest;
using net::HttpResponse;

constexpr net::RouteOptions kSmall{net::Auth::required, 4 * 1024};

// {purpose, title, text, version, granted, answered_version, answered_at}
boost::json::object state_json(const ConsentState& st) {
  boost::json::object o{{"purpose", st.purpose->key},     {"title", st.purpose->title},  {"text", st.purpose->text},
                        {"version", st.purpose->version}, {"granted", st.granted_now()}, {"answered_version", nullptr},
                        {"answered_at", nullptr}};
  if (st.latest) {
    o["answered_version"] = st.latest->text_version;
    o["answered_at"] = st.latest->at;
  }
  return o;
}

Result<HttpResponse> answer_for(ConsentService& consents, const HttpRequest& req, std::int64_t user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto states, consents.states(*req.subject, user_id));
  MERIDIAN_ASSIGN_OR_RETURN(auto history, consents.history(*req.subject, user_id));
  boost::json::array items, records;
  for (const auto& st : states) items.push_back(state_json(st));
  for (const auto& r : history)
    records.push_back(
        boost::json::object{{"purpose", r.purpose}, {"version", r.text_version}, {"granted", r.granted}, {"at", r.at}});
  return net::json_ok(boost::json::object{{"items", std::move(items)}, {"history", std::move(records)}});
}

}  // namespace

void add_consent_routes(net::Router& router, ConsentService& consents) {
  router.add("GET", "/api/v1/me/consents", net::answer([&consents](HttpRequest& req) -> Result<HttpResponse> {
               return answer_for(consents, req, req.subject->user_id);
             }),
             kSmall);
  // {granted: true, version} agrees to that version of the text; {granted: false} withdraws.
  router.add("PUT", "/api/v1/me/consents/{purpose}", net::answer([&consents](HttpRequest& req) -> Result<HttpResponse> {
               const auto purpose = req.path_param("purpose");
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"granted", "version"}));
               const auto* granted = body.if_contains("granted");
               if (!granted || !granted->is_bool())
                 return make_error(ErrorCode::invalid_argument, "granted must be true or false");
               std::string version;
               if (const auto* v = body.if_contains("version"); v && v->is_string()) version = v->as_string().c_str();
               MERIDIAN_ASSIGN_OR_RETURN(
                   auto st, consents.set(*req.subject, purpose, version, granted->as_bool(), req.remote_ip));
               return net::json_ok(state_json(st));
             }),
             kSmall);
  router.add("GET", "/api/v1/admin/users/{id}/consents",
             net::answer([&consents](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "user id"));
               return answer_for(consents, req, id);
             }),
             kSmall);
}

}  // namespace meridian::privacy
