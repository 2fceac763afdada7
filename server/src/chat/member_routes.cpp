#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "chat/chat_json.hpp"
#include "chat/chat_route_parts.hpp"
#include "net/route_kit.hpp"

namespace meridian::chat {

using net::HttpRequest;
using net::HttpResponse;

void add_member_routes(net::Router& router, ChatService& chat) {
  auto membership = [&chat](bool add) {
    return net::answer([&chat, add](HttpRequest& req) -> Result<HttpResponse> {
      MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
      MERIDIAN_ASSIGN_OR_RETURN(auto user, net::path_id(req, "user_id", "user id"));
      MERIDIAN_TRY(add ? chat.add_member(*req.subject, id, user) : chat.remove_member(*req.subject, id, user));
      return HttpResponse::no_content();
    });
  };
  router.add("PUT", "/api/v1/conversations/{id}/members/{user_id}", membership(true), kSmallBody);
  router.add("DELETE", "/api/v1/conversations/{id}/members/{user_id}", membership(false), kSmallBody);

  router.add("GET", "/api/v1/conversations/{id}/members",
             net::answer([&chat](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto list, chat.members(*req.subject, id));
               boost::json::array items;
               for (const auto& m : list.items) items.push_back(to_json(m, list.kind));
               return net::json_ok(boost::json::object{{"items", std::move(items)}});
             }),
             kSmallBody);

  router.add("PATCH", "/api/v1/conversations/{id}/members/{user_id}",
             net::answer([&chat](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto user, net::path_id(req, "user_id", "user id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"role", "can_post"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto patch, member_patch_from_json(body));
               MERIDIAN_ASSIGN_OR_RETURN(auto m, chat.update_member(*req.subject, id, user, patch));
               return net::json_ok(to_json(m, ConversationKind::group));
             }),
             kSmallBody);

  router.add("GET", "/api/v1/conversations/{id}/settings",
             net::answer([&chat](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto v, chat.settings(*req.subject, id));
               return net::json_ok(to_json(v));
             }),
             kSmallBody);

  router.add("PATCH", "/api/v1/conversations/{id}/settings",
             net::answer([&chat](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"announcement", "broadcast_mentions",
                                                                         "allowed_countries", "allowed_regions"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto patch, settings_patch_from_json(body));
               MERIDIAN_ASSIGN_OR_RETURN(auto v, chat.update_settings(*req.subject, id, patch));
               return net::json_ok(to_json(v));
             }),
             kSmallBody);
}

}  // namespace meridian::chat
