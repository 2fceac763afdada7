#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "chat/chat_json.hpp"
#include "chat/chat_route_parts.hpp"
#include "net/route_kit.hpp"

namespace meridian::chat {

using net::HttpRequest;
using net::HttpResponse;

void add_conversation_routes(net::Router& router, ChatService& chat) {
  router.add("POST", "/api/v1/conversations", net::answer([&chat](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body,
                                         net::json_body(req, {"kind", "name", "topic", "visibility", "member_ids"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto in, new_conversation_from_json(body));
               MERIDIAN_ASSIGN_OR_RETURN(auto created, chat.create_conversation(*req.subject, std::move(in)));
               return net::json_ok(to_json(created), 201);
             }),
             kSmallBody);

  router.add("GET", "/api/v1/conversations", net::answer([&chat](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto list, chat.conversations(*req.subject));
               boost::json::array items;
               for (const auto& v : list) items.push_back(to_json(v));
               return net::json_ok(boost::json::object{{"items", std::move(items)}});
             }),
             kSmallBody);

  router.add("GET", "/api/v1/channels", net::answer([&chat](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto list,
                                         chat.browse_channels(*req.subject, req.query_param("q").value_or("")));
               boost::json::array items;
               for (const auto& c : list) items.push_back(to_json(c));
               return net::json_ok(boost::json::object{{"items", std::move(items)}});
             }),
             kSmallBody);

  router.add("GET", "/api/v1/conversations/{id}", net::answer([&chat](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto v, chat.conversation(*req.subject, id));
               return net::json_ok(to_json(v));
             }),
             kSmallBody);

  router.add("PATCH", "/api/v1/conversations/{id}", net::answer([&chat](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"name", "topic"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto patch, details_patch_from_json(body));
               MERIDIAN_ASSIGN_OR_RETURN(auto v, chat.update_details(*req.subject, id, std::move(patch)));
               return net::json_ok(to_json(v));
             }),
             kSmallBody);

  router.add("POST", "/api/v1/conversations/{id}/join", net::answer([&chat](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto v, chat.join(*req.subject, id));
               return net::json_ok(to_json(v));
             }),
             kSmallBody);

  router.add("POST", "/api/v1/conversations/{id}/leave", net::answer([&chat](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
               MERIDIAN_TRY(chat.leave(*req.subject, id));
               return HttpResponse::no_content();
             }),
             kSmallBody);
}

}  // namespace meridian::chat
