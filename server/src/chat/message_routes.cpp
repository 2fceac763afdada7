#include <string>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "chat/chat_json.hpp"
#include "chat/chat_route_parts.hpp"
#include "core/json_fields.hpp"
#include "net/route_kit.hpp"

namespace meridian::chat {
namespace {

using net::HttpRequest;
using net::HttpResponse;

// ?limit= for a page: 1..kMaxPage, `fallback` when absent.
Result<int> page_limit(const HttpRequest& req, std::int64_t fallback) {
  MERIDIAN_ASSIGN_OR_RETURN(auto limit, net::query_int(req, "limit", 0));
  const std::int64_t n = limit.value_or(fallback);
  if (n < 1 || n > kMaxPage)
    return make_error(ErrorCode::invalid_argument, "limit must be between 1 and " + std::to_string(kMaxPage));
  return static_cast<int>(n);
}

// {"seq": n} of a read mark.
Result<std::int64_t> read_seq(const HttpRequest& req) {
  MERIDIAN_ASSIGN_OR_RETURN(auto body, json::parse_object(req.body));
  MERIDIAN_ASSIGN_OR_RETURN(auto seq, json::optional_int(body, "seq"));
  if (!seq) return make_error(ErrorCode::invalid_argument, "field 'seq' is required");
  return *seq;
}

struct MessageRef {
  std::int64_t conversation_id = 0;
  std::int64_t message_id = 0;
};

// {id} and {message_id} of the path.
Result<MessageRef> message_ref(const HttpRequest& req) {
  MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
  MERIDIAN_ASSIGN_OR_RETURN(auto mid, net::path_id(req, "message_id", "message id"));
  return MessageRef{id, mid};
}

boost::json::array messages_json(const std::vector<Message>& messages, std::int64_t viewer) {
  boost::json::array items;
  for (const auto& m : messages) items.push_back(to_json(m, viewer));
  return items;
}

void add_thread_routes(net::Router& router, ChatService& chat, ChatFanOut& fan_out) {
  // Reactions: {"emoji": "👍"} toggles, {"emoji": "👍", "on": true|false} sets.
  router.add("POST", "/api/v1/conversations/{id}/messages/{message_id}/reactions",
             net::answer([&chat, &fan_out](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto ref, message_ref(req));
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"emoji", "on"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto in, reaction_from_json(body));
               MERIDIAN_ASSIGN_OR_RETURN(
                   auto reacted, chat.react(*req.subject, ref.conversation_id, ref.message_id, in.emoji, in.on));
               fan_out.reacted(reacted);
               return net::json_ok(to_json(reacted.message, req.subject->user_id));
             }),
             kSmallBody);

  router.add("GET", "/api/v1/conversations/{id}/messages/{message_id}/replies",
             net::answer([&chat](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto ref, message_ref(req));
               MERIDIAN_ASSIGN_OR_RETURN(auto before, net::query_int(req, "before", 0));
               MERIDIAN_ASSIGN_OR_RETURN(auto after, net::query_int(req, "after", 0));
               MERIDIAN_ASSIGN_OR_RETURN(auto limit, page_limit(req, 50));
               MERIDIAN_ASSIGN_OR_RETURN(
                   auto page, chat.thread(*req.subject, ref.conversation_id, ref.message_id, before, after, limit));
               const std::int64_t viewer = req.subject->user_id;
               return net::json_ok(boost::json::object{{"root", to_json(page.root, viewer)},
                                                       {"items", messages_json(page.items, viewer)},
                                                       {"has_more", page.has_more},
                                                       {"following", page.following}});
             }),
             kSmallBody);

  auto follow = [&chat](bool on) {
    return net::answer([&chat, on](HttpRequest& req) -> Result<HttpResponse> {
      MERIDIAN_ASSIGN_OR_RETURN(auto ref, message_ref(req));
      MERIDIAN_TRY(chat.follow_thread(*req.subject, ref.conversation_id, ref.message_id, on));
      return HttpResponse::no_content();
    });
  };
  router.add("PUT", "/api/v1/conversations/{id}/messages/{message_id}/follow", follow(true), kSmallBody);
  router.add("DELETE", "/api/v1/conversations/{id}/messages/{message_id}/follow", follow(false), kSmallBody);

  router.add("POST", "/api/v1/conversations/{id}/messages/{message_id}/read",
             net::answer([&chat](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto ref, message_ref(req));
               MERIDIAN_ASSIGN_OR_RETURN(auto seq, read_seq(req));
               MERIDIAN_TRY(chat.mark_thread_read(*req.subject, ref.conversation_id, ref.message_id, seq));
               return HttpResponse::no_content();
             }),
             kSmallBody);
}

}  // namespace

void add_message_routes(net::Router& router, ChatService& chat, ChatFanOut& fan_out) {
  router.add("POST", "/api/v1/conversations/{id}/messages",
             net::answer([&chat, &fan_out](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto body,
                                         net::json_body(req, {"text", "client_id", "thread_root_id", "attachments"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto in, new_message_from_json(body));
               MERIDIAN_ASSIGN_OR_RETURN(auto posted,
                                         chat.post(*req.subject, id, std::move(in.text), std::move(in.client_id),
                                                   in.thread_root_id, in.attachments));
               fan_out.posted(posted);
               return net::json_ok(to_json(posted.message), posted.duplicate ? 200 : 201);
             }),
             kMessageBody);

  router.add("GET", "/api/v1/conversations/{id}/messages",
             net::answer([&chat](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto before, net::query_int(req, "before", 0));
               MERIDIAN_ASSIGN_OR_RETURN(auto after, net::query_int(req, "after", 0));
               MERIDIAN_ASSIGN_OR_RETURN(auto limit, page_limit(req, 50));
               MERIDIAN_ASSIGN_OR_RETURN(auto page, chat.history(*req.subject, id, before, after, limit));
               return net::json_ok(boost::json::object{{"items", messages_json(page.items, req.subject->user_id)},
                                                       {"has_more", page.has_more}});
             }),
             kSmallBody);

  // Edit and delete: the members' connections get {"type":"message.updated","message":{..}}.
  router.add("PATCH", "/api/v1/conversations/{id}/messages/{message_id}",
             net::answer([&chat, &fan_out](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto ref, message_ref(req));
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"text"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto text, json::required_string(body, "text", kMaxMessageBytes + 1));
               MERIDIAN_ASSIGN_OR_RETURN(auto changed,
                                         chat.edit(*req.subject, ref.conversation_id, ref.message_id, std::move(text)));
               fan_out.changed(changed);
               return net::json_ok(to_json(changed.message, req.subject->user_id));
             }),
             kMessageBody);

  router.add("DELETE", "/api/v1/conversations/{id}/messages/{message_id}",
             net::answer([&chat, &fan_out](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto ref, message_ref(req));
               MERIDIAN_ASSIGN_OR_RETURN(auto changed, chat.remove(*req.subject, ref.conversation_id, ref.message_id));
               fan_out.changed(changed);
               return net::json_ok(to_json(changed.message, req.subject->user_id));
             }),
             kSmallBody);

  router.add("GET", "/api/v1/conversations/{id}/changes",
             net::answer([&chat](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto after, net::query_int(req, "after", 0));
               MERIDIAN_ASSIGN_OR_RETURN(auto limit, page_limit(req, 200));
               MERIDIAN_ASSIGN_OR_RETURN(auto page, chat.changes(*req.subject, id, after.value_or(0), limit));
               boost::json::array events;
               for (const auto& n : page.notices) events.push_back(notice_event(page.conversation, n));
               return net::json_ok(boost::json::object{{"items", messages_json(page.items, req.subject->user_id)},
                                                       {"events", std::move(events)},
                                                       {"has_more", page.has_more},
                                                       {"to", page.to}});
             }),
             kSmallBody);

  router.add("POST", "/api/v1/conversations/{id}/read",
             net::answer([&chat, &fan_out](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "conversation id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto seq, read_seq(req));
               MERIDIAN_ASSIGN_OR_RETURN(auto receipt, chat.mark_read(*req.subject, id, seq));
               fan_out.read_updated(id, req.subject->user_id, receipt);
               return HttpResponse::no_content();
             }),
             kSmallBody);

  add_thread_routes(router, chat, fan_out);
}

}  // namespace meridian::chat
