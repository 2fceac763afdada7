#include "chat/chat_routes.hpp"

#include <charconv>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"
#include "core/log.hpp"

namespace meridian::chat {
namespace {

using net::HttpRequest;
using net::HttpResponse;

// `viewer`: whose "me" flags the reactions carry (0: nobody's).
boost::json::object to_json(const Message& m, std::int64_t viewer = 0) {
  boost::json::array reactions;
  for (const auto& r : m.reactions) {
    boost::json::array users;
    bool me = false;
    for (auto u : r.user_ids) {
      users.push_back(u);
      me = me || u == viewer;
    }
    reactions.push_back(boost::json::object{
        {"emoji", r.emoji}, {"count", r.user_ids.size()}, {"me", me}, {"user_ids", std::move(users)}});
  }
  boost::json::array participants;
  for (auto p : m.participants) participants.push_back(p);
  boost::json::array attachments;
  for (const auto& a : m.attachments)
    attachments.push_back(
        boost::json::object{{"id", a.file_id}, {"name", a.name}, {"size", a.size}, {"content_type", a.content_type}});
  auto opt = [](const std::optional<std::int64_t>& v) {
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
  };
  return boost::json::object{
      {"id", m.id},
      {"conversation_id", m.conversation_id},
      {"seq", m.seq},
      {"change_seq", m.change_seq},
      {"author", boost::json::object{{"id", m.author_id}, {"display_name", m.author_name}}},
      {"client_id", m.client_id},
      {"text", m.text},
      {"created_at", m.created_at},
      {"edited_at", m.edited_at ? boost::json::value(*m.edited_at) : boost::json::value(nullptr)},
      {"deleted", m.deleted_at.has_value()},
      {"thread_root_id", opt(m.thread_root_id)},
      {"reply_count", m.reply_count},
      {"last_reply_at", opt(m.last_reply_at)},
      {"participants", std::move(participants)},
      {"reactions", std::move(reactions)},
      {"attachments", std::move(attachments)}};
}

boost::json::object to_json(const ChannelSettings& c) {
  boost::json::array countries;
  for (const auto& x : c.allowed_countries) countries.push_back(boost::json::string(x));
  boost::json::array regions;
  for (const auto& x : c.allowed_regions) regions.push_back(boost::json::string(x));
  return boost::json::object{{"announcement", c.announcement},
                             {"broadcast_mentions", broadcast_mentions_name(c.broadcast_mentions)},
                             {"allowed_countries", std::move(countries)},
                             {"allowed_regions", std::move(regions)}};
}

// last_read_seq only where "seen" is shown (direct and support conversations).
boost::json::object to_json(const Member& m, ConversationKind kind) {
  boost::json::object o{{"user_id", m.user_id},
                        {"display_name", m.display_name},
                        {"handle", m.handle},
                        {"role", member_role_name(m.role)},
                        {"can_post", m.can_post}};
  if (kind == ConversationKind::direct || kind == ConversationKind::support) o["last_read_seq"] = m.last_read_seq;
  return o;
}

boost::json::object to_json(const Conversation& c) {
  return boost::json::object{{"id", c.id},
                             {"kind", kind_name(c.kind)},
                             {"name", c.name},
                             {"topic", c.topic},
                             {"visibility", visibility_name(c.visibility)},
                             {"region", c.region},
                             {"created_by", c.created_by},
                             {"created_at", c.created_at},
                             {"last_seq", c.last_seq},
                             {"meeting", c.meeting},
                             {"settings", to_json(c.settings)}};
}

boost::json::object to_json(const ConversationView& v) {
  boost::json::object o = to_json(v.conversation);
  o["my_role"] = member_role_name(v.my_role);
  o["last_read_seq"] = v.last_read_seq;
  o["unread"] = v.unread;
  o["mentions"] = v.mentions;
  o["thread_unread"] = v.thread_unread;
  o["my_can_post"] = v.my_can_post;
  o["observer"] = v.observer;
  boost::json::array members;
  for (const auto& m : v.members) members.push_back(to_json(m, v.conversation.kind));
  o["members"] = std::move(members);
  return o;
}

boost::json::object member_change_json(const Member& m) {
  return boost::json::object{{"user_id", m.user_id}, {"role", member_role_name(m.role)}, {"can_post", m.can_post}};
}

// A notice of the change order as its event (the same for every viewer): messages.purged,
// or conversation.updated with the conversation's current state.
boost::json::object notice_event(const Conversation& c, const StreamNotice& n) {
  if (n.purge) {
    boost::json::array ids;
    for (auto id : n.purge->message_ids) ids.push_back(id);
    return boost::json::object{{"type", "messages.purged"},
                               {"conversation_id", c.id},
                               {"change_seq", n.change_seq},
                               {"message_ids", std::move(ids)}};
  }
  boost::json::object o{{"type", "conversation.updated"},
                        {"conversation_id", c.id},
                        {"change_seq", n.change_seq},
                        {"change", n.member ? "member" : "details"},
                        {"conversation", to_json(c)}};
  if (n.member) o["member"] = member_change_json(*n.member);
  return o;
}

// Calls on_message / on_notice for a page's changes in change_seq order.
template <typename OnMessage, typename OnNotice>
void for_each_change(const ChangePage& page, OnMessage on_message, OnNotice on_notice) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < page.items.size() || j < page.notices.size()) {
    if (j == page.notices.size() || (i < page.items.size() && page.items[i].change_seq < page.notices[j].change_seq))
      on_message(page.items[i++]);
    else
      on_notice(page.notices[j++]);
  }
}

HttpResponse ok_json(int status, const boost::json::value& v) { return HttpResponse::json(status, json::serialize(v)); }

Result<std::int64_t> id_in(std::string_view text, std::string_view what) {
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0)
    return make_error(ErrorCode::not_found, "'" + std::string(text) + "' is not a valid " + std::string(what));
  return id;
}

Result<std::optional<std::int64_t>> query_int(const HttpRequest& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return std::optional<std::int64_t>{};
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size() || out < 0)
    return make_error(ErrorCode::invalid_argument,
                      "query parameter '" + std::string(name) + "' must be a whole number");
  return std::optional<std::int64_t>(out);
}

// Answers a WebSocket request with an error, echoing its id exactly as sent.
void send_error(net::RealtimeConnection& conn, const boost::json::object& request, const Error& error) {
  boost::json::object out{
      {"type", "error"},
      {"error", boost::json::object{{"code", error_code_name(error.code)}, {"message", error.message}}}};
  if (auto id = request.if_contains("id")) out["id"] = *id;
  conn.send(json::serialize(out));
}

// The live event stream of every conversation, in change_seq order, with nothing left out.
//
// Each change to a message takes the conversation's next sequence number inside its
// write transaction, and that number is row-locked (PostgreSQL) or written by the only
// writer (SQLite) until commit, so committed numbers have no holes and when number n is
// committed every number below it is too. Publishing happens after commit, on the
// poster's thread, so two posters' events can reach publish() in either order. publish()
// releases them per conversation in order: a number at or below `released` was already
// sent (from storage, see below) and is dropped; a number above released + 1 means the
// ones between are committed but their publishers are still on their way, so they are
// read from storage now, sent, and dropped when their publishers arrive.
//
// `sync` replays from storage under the same per-conversation lock, so on each socket
// the replay sits exactly between the events before it (covered by the replay) and the
// events after it (all above the replay's end).
class ChatStream {
 public:
  using Render = std::function<std::string(std::int64_t viewer)>;
  struct Item {
    std::int64_t change_seq = 0;
    Render render;
    bool per_viewer = true;  // false: the same text for everyone (no reactions, so no "me")
  };

  ChatStream(net::RealtimeHub& hub, ChatService& chat) : hub_(hub), chat_(chat) {}

  // Inside the write transaction that took `seq`: the first number taken since start
  // tells where this conversation's stream begins.
  void taken(std::int64_t conversation_id, std::int64_t seq) {
    auto e = entry(conversation_id);
    std::lock_guard init(e->init_mutex);
    if (!e->released) e->released = seq - 1;
  }

  void publish(std::int64_t conversation_id, const std::vector<std::int64_t>& recipients, std::vector<Item> items) {
    if (items.empty()) return;
    auto e = entry(conversation_id);
    std::lock_guard lock(e->mutex);
    {
      std::lock_guard init(e->init_mutex);
      if (!e->released) e->released = items.front().change_seq - 1;
    }
    for (auto& item : items) {
      if (item.change_seq <= *released(*e)) continue;  // already sent from storage
      if (item.change_seq > *released(*e) + 1) fill(conversation_id, *e, item.change_seq - 1);
      if (item.change_seq <= *released(*e)) continue;
      deliver(recipients, item.render, item.per_viewer);
      set_released(*e, item.change_seq);
    }
  }

  // Replays (cursor, released] to one socket, preceded by a `sync.replay` marker.
  void replay(net::RealtimeConnection& conn, const boost::json::value* request_id, std::int64_t conversation_id,
              std::int64_t cursor) {
    const Subject& who = conn.subject();
    auto marker = [&](boost::json::object o) {
      o["type"] = "sync.replay";
      o["conversation_id"] = conversation_id;
      if (request_id) o["id"] = *request_id;
      conn.send(json::serialize(o));
    };
    // Membership (and existence) as the person sees it, before anything is created.
    auto check = chat_.changes(who, conversation_id, 0, 1, 0);
    if (!check.ok()) return marker(error_object(check.error()));
    auto e = entry(conversation_id);
    std::lock_guard lock(e->mutex);
    if (!released(*e)) {
      auto first = chat_.stream_fill(conversation_id, 0, 0, 1);
      if (!first.ok()) return marker(error_object(first.error()));
      std::lock_guard init(e->init_mutex);
      if (!e->released) e->released = first->last_seq;
    }
    // A cursor ahead of what was published (the client saw its own ack first): those
    // numbers are committed, so they go to everyone now.
    if (cursor > *released(*e)) fill(conversation_id, *e, cursor);
    if (cursor > *released(*e))
      return marker(
          error_object(make_error(ErrorCode::invalid_argument,
                                  "cursor " + std::to_string(cursor) + " is beyond the conversation's last change")));
    auto page = chat_.changes(who, conversation_id, cursor, kReplayPage, *released(*e));
    if (!page.ok()) return marker(error_object(page.error()));
    const std::int64_t to = page->has_more ? page->to : *released(*e);
    marker(boost::json::object{{"from", cursor}, {"to", to}, {"complete", !page->has_more}});
    for_each_change(
        *page, [&](const Message& m) { conn.send(render(m, cursor)(who.user_id)); },
        [&](const StreamNotice& n) { conn.send(json::serialize(notice_event(page->conversation, n))); });
  }

  static constexpr int kReplayPage = 200;

 private:
  struct Entry {
    std::mutex mutex;       // held while sending: one conversation's events go out one at a time
    std::mutex init_mutex;  // guards `released`; taken() (inside a transaction) never waits for sends
    std::optional<std::int64_t> released;
  };

  static boost::json::object error_object(const Error& e) {
    return boost::json::object{
        {"error", boost::json::object{{"code", error_code_name(e.code)}, {"message", e.message}}}};
  }

  static std::optional<std::int64_t> released(Entry& e) {
    std::lock_guard init(e.init_mutex);
    return e.released;
  }
  static void set_released(Entry& e, std::int64_t v) {
    std::lock_guard init(e.init_mutex);
    e.released = v;
  }

  std::shared_ptr<Entry> entry(std::int64_t conversation_id) {
    std::lock_guard lock(mutex_);
    auto& e = entries_[conversation_id];
    if (!e) e = std::make_shared<Entry>();
    return e;
  }

  // A message from storage as an event for someone whose stream stood at `base`.
  static Render render(const Message& m, std::int64_t base) {
    return [m, base](std::int64_t viewer) {
      return json::serialize(boost::json::object{{"type", m.seq > base ? "message.new" : "message.updated"},
                                                 {"conversation_id", m.conversation_id},
                                                 {"change_seq", m.change_seq},
                                                 {"message", to_json(m, viewer)}});
    };
  }

  void deliver(const std::vector<std::int64_t>& recipients, const Render& render, bool per_viewer) {
    if (!per_viewer) {
      const std::string text = render(0);
      hub_.send_to_users(recipients, text);
      return;
    }
    for (std::int64_t user : recipients) hub_.send_to_user(user, render(user));
  }

  // Sends (released, upto] from storage to the members now. Caller holds e.mutex.
  void fill(std::int64_t conversation_id, Entry& e, std::int64_t upto) {
    while (*released(e) < upto) {
      const std::int64_t base = *released(e);
      auto page = chat_.stream_fill(conversation_id, base, upto, kReplayPage);
      if (!page.ok()) return;  // storage trouble: the stream stays behind; the next publish retries
      for_each_change(
          *page, [&](const Message& m) { deliver(page->members, render(m, base), !m.reactions.empty()); },
          [&](const StreamNotice& n) {
            hub_.send_to_users(page->members, json::serialize(notice_event(page->conversation, n)));
          });
      set_released(e, page->has_more ? page->to : upto);
    }
  }

  net::RealtimeHub& hub_;
  ChatService& chat_;
  std::mutex mutex_;
  std::unordered_map<std::int64_t, std::shared_ptr<Entry>> entries_;
};

// One stream event as every viewer sees it, before the per-viewer "me" flags of reactions.
boost::json::object message_event(const char* type, const Message& m, boost::json::object extra = {}) {
  boost::json::object o = std::move(extra);
  o["type"] = type;
  o["conversation_id"] = m.conversation_id;
  o["change_seq"] = m.change_seq;
  o["message"] = to_json(m, 0);
  return o;
}

// Renders an event (as built by message_event) for one viewer: a reaction is "me" when the
// viewer is among its user_ids.
ChatStream::Item stream_item(boost::json::object event) {
  const auto* seq = event.if_contains("change_seq");
  const std::int64_t change_seq = seq && seq->is_int64() ? seq->as_int64() : 0;
  bool has_reactions = false;
  if (auto* m = event.if_contains("message"); m && m->is_object())
    if (auto* r = m->as_object().if_contains("reactions"); r && r->is_array()) has_reactions = !r->as_array().empty();
  auto shared = std::make_shared<const boost::json::object>(std::move(event));
  if (!has_reactions) {
    auto text = std::make_shared<const std::string>(json::serialize(*shared));
    return ChatStream::Item{change_seq, [text](std::int64_t) { return *text; }, false};
  }
  return ChatStream::Item{change_seq,
                          [shared](std::int64_t viewer) {
                            boost::json::object o = *shared;
                            for (auto& r : o["message"].as_object()["reactions"].as_array()) {
                              auto& reaction = r.as_object();
                              bool me = false;
                              for (const auto& u : reaction["user_ids"].as_array()) me = me || u == viewer;
                              reaction["me"] = me;
                            }
                            return json::serialize(o);
                          },
                          true};
}

// Live chat events cross nodes through the bus: the node that stored a change publishes
// one "chat.stream" event; every node (this one included, by the same path) releases it
// through its own ChatStream to its own sockets of the listed recipients. Payload:
//   {"conversation_id":5,"recipients":[7,9],"items":[<event as built by message_event>, ..]}
// Recipients are the members when the change was stored, so a member removed before it
// gets nothing, on any node.
class StreamBus {
 public:
  StreamBus(bus::Bus& bus, std::shared_ptr<ChatStream> stream) : bus_(bus), stream_(std::move(stream)) {
    subscription_ = bus_.subscribe(kTopic, [this](std::string_view, std::string_view payload) { receive(payload); });
  }

  void publish(std::int64_t conversation_id, const std::vector<std::int64_t>& recipients,
               std::vector<boost::json::object> events) {
    if (events.empty()) return;
    boost::json::array users;
    users.reserve(recipients.size());
    for (auto u : recipients) users.push_back(u);
    boost::json::array items;
    for (auto& e : events) items.push_back(std::move(e));
    bus_.publish(kTopic, json::serialize(boost::json::object{{"conversation_id", conversation_id},
                                                             {"recipients", std::move(users)},
                                                             {"items", std::move(items)}}));
  }

  static constexpr const char* kTopic = "chat.stream";

 private:
  void receive(std::string_view payload) {
    boost::system::error_code ec;
    auto v = boost::json::parse(payload, ec);
    auto* o = ec ? nullptr : v.if_object();
    auto* cid = o ? o->if_contains("conversation_id") : nullptr;
    auto* users = o ? o->if_contains("recipients") : nullptr;
    auto* events = o ? o->if_contains("items") : nullptr;
    if (!cid || !cid->is_int64() || !users || !users->is_array() || !events || !events->is_array()) {
      log::warn("chat.bad_bus_event", {{"topic", kTopic}});
      return;
    }
    std::vector<std::int64_t> recipients;
    recipients.reserve(users->as_array().size());
    for (const auto& u : users->as_array())
      if (u.is_int64()) recipients.push_back(u.as_int64());
    std::vector<ChatStream::Item> items;
    for (auto& e : events->as_array())
      if (e.is_object()) items.push_back(stream_item(std::move(e.as_object())));
    stream_->publish(cid->as_int64(), recipients, std::move(items));
  }

  bus::Bus& bus_;
  std::shared_ptr<ChatStream> stream_;
  std::unique_ptr<bus::Subscription> subscription_;
};

// The new message to every member's live connections (every node); a thread reply is
// followed by its root's new count; mentioned people get a `mention` notice (not part
// of the replayable stream: a notification, counted in GET /conversations).
void fan_out(cluster::Relay& relay, StreamBus& stream, const Posted& posted) {
  if (posted.duplicate) return;  // the first delivery already went out
  std::vector<boost::json::object> events;
  events.push_back(message_event("message.new", posted.message));
  if (posted.root) events.push_back(message_event("message.updated", *posted.root));
  stream.publish(posted.message.conversation_id, posted.recipients, std::move(events));
  for (const auto& x : posted.mentioned) {
    relay.send_to_user(x.user_id,
                       json::serialize(boost::json::object{{"type", "mention"},
                                                           {"conversation_id", posted.message.conversation_id},
                                                           {"kind", x.kind},
                                                           {"message", to_json(posted.message, x.user_id)}}));
  }
}

void fan_out(StreamBus& stream, const Reacted& r) {
  if (!r.changed) return;
  std::vector<boost::json::object> events;
  events.push_back(message_event("reaction.updated", r.message,
                                 boost::json::object{{"message_id", r.message.id}, {"emoji", r.emoji}, {"on", r.on}}));
  stream.publish(r.message.conversation_id, r.recipients, std::move(events));
}

Result<Reacted> react_from(ChatService& chat, const Subject& who, std::int64_t conversation_id, std::int64_t message_id,
                           const boost::json::object& body) {
  auto emoji = json::required_string(body, "emoji", 64);
  if (!emoji.ok()) return emoji.error();
  auto on = json::optional_bool(body, "on");
  if (!on.ok()) return on.error();
  return chat.react(who, conversation_id, message_id, *emoji, *on);
}

// "attachments": [file ids] (optional).
Result<std::vector<std::int64_t>> attachment_ids(const boost::json::object& body) {
  std::vector<std::int64_t> out;
  const auto* v = body.if_contains("attachments");
  if (!v || v->is_null()) return out;
  auto invalid = [] {
    return make_error(ErrorCode::invalid_argument, "field 'attachments' must be an array of file ids");
  };
  if (!v->is_array() || v->as_array().size() > 10) {
    if (v->is_array()) return make_error(ErrorCode::invalid_argument, "a message carries at most 10 attachments");
    return invalid();
  }
  for (const auto& x : v->as_array()) {
    if (!x.is_int64() || x.as_int64() <= 0) return invalid();
    out.push_back(x.as_int64());
  }
  return out;
}

Result<Posted> post_from(ChatService& chat, const Subject& who, std::int64_t conversation_id,
                         const boost::json::object& body) {
  auto text = json::required_string(body, "text", kMaxMessageBytes + 1);
  if (!text.ok()) {
    if (text.error().message.find("longer than") != std::string::npos)
      return make_error(ErrorCode::too_large, "a message is at most " + std::to_string(kMaxMessageBytes) + " bytes");
    return text.error();
  }
  auto client_id = json::required_string(body, "client_id", 64);
  if (!client_id.ok()) return client_id.error();
  auto root = json::optional_int(body, "thread_root_id");
  if (!root.ok()) return root.error();
  auto attachments = attachment_ids(body);
  if (!attachments.ok()) return attachments.error();
  return chat.post(who, conversation_id, std::move(*text), std::move(*client_id), *root, *attachments);
}

}  // namespace

void add_chat_routes(net::Router& router, net::RealtimeHub& hub, ChatService& chat, cluster::Relay& relay) {
  constexpr net::RouteOptions kSmall{net::Auth::required, 16 * 1024};
  constexpr net::RouteOptions kMessage{net::Auth::required, 64 * 1024};
  chat.set_online_check([&hub](std::int64_t user_id) { return hub.user_connected(user_id); });
  auto stream_owner = std::make_shared<ChatStream>(hub, chat);
  ChatStream& local_stream = *stream_owner;
  // Lives as long as the handlers that capture it (the router and hub keep them to the end).
  auto bus_owner = std::make_shared<StreamBus>(relay.bus(), stream_owner);
  StreamBus& stream = *bus_owner;
  chat.set_seq_observer([stream_owner](std::int64_t id, std::int64_t seq) { stream_owner->taken(id, seq); });
  chat.set_publisher([&relay, bus_owner](const Posted& posted) { fan_out(relay, *bus_owner, posted); });
  // Conversation changes and retention purges have their place in the change order too:
  // they go through the same ordered stream (every node, via the bus) and are replayed.
  chat.set_change_publisher([bus_owner](const ConversationChanged& c) {
    boost::json::object o{{"type", "conversation.updated"},
                          {"conversation_id", c.conversation.id},
                          {"change_seq", c.change_seq},
                          {"change", c.change},
                          {"conversation", to_json(c.conversation)}};
    if (c.member) o["member"] = member_change_json(*c.member);
    std::vector<boost::json::object> events;
    events.push_back(std::move(o));
    bus_owner->publish(c.conversation.id, c.recipients, std::move(events));
  });
  chat.set_purge_publisher([bus_owner](const Purged& p) {
    boost::json::array ids;
    for (auto id : p.message_ids) ids.push_back(id);
    std::vector<boost::json::object> events;
    events.push_back(boost::json::object{{"type", "messages.purged"},
                                         {"conversation_id", p.conversation_id},
                                         {"change_seq", p.change_seq},
                                         {"message_ids", std::move(ids)}});
    for (const auto& root : p.roots) events.push_back(message_event("message.updated", root));
    bus_owner->publish(p.conversation_id, p.recipients, std::move(events));
  });

  router.add(
      "POST", "/api/v1/conversations",
      [&chat](HttpRequest& req) {
        auto body = json::parse_object(req.body);
        if (!body.ok()) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"kind", "name", "topic", "visibility", "member_ids"}); !r.ok())
          return HttpResponse::error(r.error());
        NewConversation in;
        auto kind = json::required_string(*body, "kind", 16);
        if (!kind.ok()) return HttpResponse::error(kind.error());
        if (!parse_kind(*kind, in.kind))
          return HttpResponse::error(make_error(ErrorCode::invalid_argument, "kind must be direct, group or channel"));
        auto name = json::optional_string(*body, "name", 200);
        if (!name.ok()) return HttpResponse::error(name.error());
        in.name = name->value_or("");
        auto topic = json::optional_string(*body, "topic", 500);
        if (!topic.ok()) return HttpResponse::error(topic.error());
        in.topic = topic->value_or("");
        auto visibility = json::optional_string(*body, "visibility", 16);
        if (!visibility.ok()) return HttpResponse::error(visibility.error());
        if (*visibility && **visibility != "public" && **visibility != "private")
          return HttpResponse::error(make_error(ErrorCode::invalid_argument, "visibility must be public or private"));
        in.visibility = (*visibility && **visibility == "public") ? Visibility::public_ : Visibility::private_;
        if (auto ids = body->if_contains("member_ids"); ids && !ids->is_null()) {
          if (!ids->is_array())
            return HttpResponse::error(
                make_error(ErrorCode::invalid_argument, "field 'member_ids' must be an array of user ids"));
          for (const auto& v : ids->as_array()) {
            if (!v.is_int64() || v.as_int64() <= 0)
              return HttpResponse::error(
                  make_error(ErrorCode::invalid_argument, "field 'member_ids' must be an array of user ids"));
            in.member_ids.push_back(v.as_int64());
          }
        }
        auto created = chat.create_conversation(*req.subject, std::move(in));
        if (!created.ok()) return HttpResponse::error(created.error());
        return ok_json(201, to_json(*created));
      },
      kSmall);

  router.add(
      "GET", "/api/v1/conversations",
      [&chat](HttpRequest& req) {
        auto list = chat.conversations(*req.subject);
        if (!list.ok()) return HttpResponse::error(list.error());
        boost::json::array items;
        for (const auto& v : *list) items.push_back(to_json(v));
        return ok_json(200, boost::json::object{{"items", std::move(items)}});
      },
      kSmall);

  router.add(
      "GET", "/api/v1/channels",
      [&chat](HttpRequest& req) {
        auto list = chat.browse_channels(*req.subject, req.query_param("q").value_or(""));
        if (!list.ok()) return HttpResponse::error(list.error());
        boost::json::array items;
        for (const auto& c : *list) items.push_back(to_json(c));
        return ok_json(200, boost::json::object{{"items", std::move(items)}});
      },
      kSmall);

  router.add(
      "GET", "/api/v1/conversations/{id}",
      [&chat](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto v = chat.conversation(*req.subject, *id);
        if (!v.ok()) return HttpResponse::error(v.error());
        return ok_json(200, to_json(*v));
      },
      kSmall);

  router.add(
      "PATCH", "/api/v1/conversations/{id}",
      [&chat](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto body = json::parse_object(req.body);
        if (!body.ok()) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"name", "topic"}); !r.ok())
          return HttpResponse::error(r.error());
        DetailsPatch patch;
        auto name = json::optional_string(*body, "name", 200);
        if (!name.ok()) return HttpResponse::error(name.error());
        patch.name = *name;
        auto topic = json::optional_string(*body, "topic", 500);
        if (!topic.ok()) return HttpResponse::error(topic.error());
        patch.topic = *topic;
        if (!patch.name && !patch.topic)
          return HttpResponse::error(make_error(ErrorCode::invalid_argument, "give a name, a topic or both"));
        auto v = chat.update_details(*req.subject, *id, std::move(patch));
        if (!v.ok()) return HttpResponse::error(v.error());
        return ok_json(200, to_json(*v));
      },
      kSmall);

  router.add(
      "POST", "/api/v1/conversations/{id}/join",
      [&chat](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto v = chat.join(*req.subject, *id);
        if (!v.ok()) return HttpResponse::error(v.error());
        return ok_json(200, to_json(*v));
      },
      kSmall);

  router.add(
      "POST", "/api/v1/conversations/{id}/leave",
      [&chat](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto r = chat.leave(*req.subject, *id);
        if (!r.ok()) return HttpResponse::error(r.error());
        return HttpResponse::no_content();
      },
      kSmall);

  auto membership = [&chat](bool add) {
    return [&chat, add](HttpRequest& req) {
      auto id = id_in(req.path_param("id"), "conversation id");
      if (!id.ok()) return HttpResponse::error(id.error());
      auto user = id_in(req.path_param("user_id"), "user id");
      if (!user.ok()) return HttpResponse::error(user.error());
      auto r = add ? chat.add_member(*req.subject, *id, *user) : chat.remove_member(*req.subject, *id, *user);
      if (!r.ok()) return HttpResponse::error(r.error());
      return HttpResponse::no_content();
    };
  };
  router.add("PUT", "/api/v1/conversations/{id}/members/{user_id}", membership(true), kSmall);
  router.add("DELETE", "/api/v1/conversations/{id}/members/{user_id}", membership(false), kSmall);

  router.add(
      "POST", "/api/v1/conversations/{id}/messages",
      [&chat, &relay, &stream](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto body = json::parse_object(req.body);
        if (!body.ok()) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"text", "client_id", "thread_root_id", "attachments"});
            !r.ok())
          return HttpResponse::error(r.error());
        auto posted = post_from(chat, *req.subject, *id, *body);
        if (!posted.ok()) return HttpResponse::error(posted.error());
        fan_out(relay, stream, *posted);
        return ok_json(posted->duplicate ? 200 : 201, to_json(posted->message));
      },
      kMessage);

  router.add(
      "GET", "/api/v1/conversations/{id}/messages",
      [&chat](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto before = query_int(req, "before");
        if (!before.ok()) return HttpResponse::error(before.error());
        auto after = query_int(req, "after");
        if (!after.ok()) return HttpResponse::error(after.error());
        auto limit = query_int(req, "limit");
        if (!limit.ok()) return HttpResponse::error(limit.error());
        const std::int64_t n = limit->value_or(50);
        if (n < 1 || n > kMaxPage)
          return HttpResponse::error(
              make_error(ErrorCode::invalid_argument, "limit must be between 1 and " + std::to_string(kMaxPage)));
        auto page = chat.history(*req.subject, *id, *before, *after, static_cast<int>(n));
        if (!page.ok()) return HttpResponse::error(page.error());
        boost::json::array items;
        for (const auto& m : page->items) items.push_back(to_json(m, req.subject->user_id));
        return ok_json(200, boost::json::object{{"items", std::move(items)}, {"has_more", page->has_more}});
      },
      kSmall);

  // Edit and delete: the members' connections get {"type":"message.updated","message":{..}}.
  auto changed_response = [&relay, &stream](Result<ChatService::Changed> changed, std::int64_t viewer) {
    if (!changed.ok()) return HttpResponse::error(changed.error());
    if (!changed->unchanged) {
      std::vector<boost::json::object> events;
      events.push_back(message_event("message.updated", changed->message));
      stream.publish(changed->message.conversation_id, changed->recipients, std::move(events));
      for (const auto& x : changed->newly_mentioned)
        relay.send_to_user(x.user_id,
                           json::serialize(boost::json::object{{"type", "mention"},
                                                               {"conversation_id", changed->message.conversation_id},
                                                               {"kind", x.kind},
                                                               {"message", to_json(changed->message, x.user_id)}}));
    }
    return ok_json(200, to_json(changed->message, viewer));
  };

  router.add(
      "PATCH", "/api/v1/conversations/{id}/messages/{message_id}",
      [&chat, changed_response](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto mid = id_in(req.path_param("message_id"), "message id");
        if (!mid.ok()) return HttpResponse::error(mid.error());
        auto body = json::parse_object(req.body);
        if (!body.ok()) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"text"}); !r.ok()) return HttpResponse::error(r.error());
        auto text = json::required_string(*body, "text", kMaxMessageBytes + 1);
        if (!text.ok()) return HttpResponse::error(text.error());
        return changed_response(chat.edit(*req.subject, *id, *mid, std::move(*text)), req.subject->user_id);
      },
      kMessage);

  router.add(
      "DELETE", "/api/v1/conversations/{id}/messages/{message_id}",
      [&chat, changed_response](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto mid = id_in(req.path_param("message_id"), "message id");
        if (!mid.ok()) return HttpResponse::error(mid.error());
        return changed_response(chat.remove(*req.subject, *id, *mid), req.subject->user_id);
      },
      kSmall);

  router.add(
      "GET", "/api/v1/conversations/{id}/changes",
      [&chat](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto after = query_int(req, "after");
        if (!after.ok()) return HttpResponse::error(after.error());
        auto limit = query_int(req, "limit");
        if (!limit.ok()) return HttpResponse::error(limit.error());
        const std::int64_t n = limit->value_or(200);
        if (n < 1 || n > kMaxPage)
          return HttpResponse::error(
              make_error(ErrorCode::invalid_argument, "limit must be between 1 and " + std::to_string(kMaxPage)));
        auto page = chat.changes(*req.subject, *id, after->value_or(0), static_cast<int>(n));
        if (!page.ok()) return HttpResponse::error(page.error());
        boost::json::array items;
        for (const auto& m : page->items) items.push_back(to_json(m, req.subject->user_id));
        boost::json::array events;
        for (const auto& n : page->notices) events.push_back(notice_event(page->conversation, n));
        return ok_json(200, boost::json::object{{"items", std::move(items)},
                                                {"events", std::move(events)},
                                                {"has_more", page->has_more},
                                                {"to", page->to}});
      },
      kSmall);

  router.add(
      "POST", "/api/v1/conversations/{id}/read",
      [&chat, &relay](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto body = json::parse_object(req.body);
        if (!body.ok()) return HttpResponse::error(body.error());
        auto seq = json::optional_int(*body, "seq");
        if (!seq.ok()) return HttpResponse::error(seq.error());
        if (!*seq) return HttpResponse::error(make_error(ErrorCode::invalid_argument, "field 'seq' is required"));
        auto r = chat.mark_read(*req.subject, *id, **seq);
        if (!r.ok()) return HttpResponse::error(r.error());
        if (!r->notify.empty()) {  // "seen" in direct and support conversations
          const std::string event = json::serialize(boost::json::object{{"type", "read.updated"},
                                                                        {"conversation_id", *id},
                                                                        {"user_id", req.subject->user_id},
                                                                        {"last_read_seq", r->last_read_seq}});
          relay.send_to_users(r->notify, event);
        }
        return HttpResponse::no_content();
      },
      kSmall);

  auto two_ids = [](HttpRequest& req, std::int64_t& id, std::int64_t& mid) -> Result<void> {
    auto a = id_in(req.path_param("id"), "conversation id");
    if (!a.ok()) return a.error();
    auto b = id_in(req.path_param("message_id"), "message id");
    if (!b.ok()) return b.error();
    id = *a;
    mid = *b;
    return {};
  };

  // Reactions: {"emoji": "👍"} toggles, {"emoji": "👍", "on": true|false} sets.
  router.add(
      "POST", "/api/v1/conversations/{id}/messages/{message_id}/reactions",
      [&chat, &stream, two_ids](HttpRequest& req) {
        std::int64_t id = 0, mid = 0;
        if (auto r = two_ids(req, id, mid); !r.ok()) return HttpResponse::error(r.error());
        auto body = json::parse_object(req.body);
        if (!body.ok()) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"emoji", "on"}); !r.ok())
          return HttpResponse::error(r.error());
        auto reacted = react_from(chat, *req.subject, id, mid, *body);
        if (!reacted.ok()) return HttpResponse::error(reacted.error());
        fan_out(stream, *reacted);
        return ok_json(200, to_json(reacted->message, req.subject->user_id));
      },
      kSmall);

  router.add(
      "GET", "/api/v1/conversations/{id}/messages/{message_id}/replies",
      [&chat, two_ids](HttpRequest& req) {
        std::int64_t id = 0, mid = 0;
        if (auto r = two_ids(req, id, mid); !r.ok()) return HttpResponse::error(r.error());
        auto before = query_int(req, "before");
        if (!before.ok()) return HttpResponse::error(before.error());
        auto after = query_int(req, "after");
        if (!after.ok()) return HttpResponse::error(after.error());
        auto limit = query_int(req, "limit");
        if (!limit.ok()) return HttpResponse::error(limit.error());
        const std::int64_t n = limit->value_or(50);
        if (n < 1 || n > kMaxPage)
          return HttpResponse::error(
              make_error(ErrorCode::invalid_argument, "limit must be between 1 and " + std::to_string(kMaxPage)));
        auto page = chat.thread(*req.subject, id, mid, *before, *after, static_cast<int>(n));
        if (!page.ok()) return HttpResponse::error(page.error());
        boost::json::array items;
        for (const auto& m : page->items) items.push_back(to_json(m, req.subject->user_id));
        return ok_json(200, boost::json::object{{"root", to_json(page->root, req.subject->user_id)},
                                                {"items", std::move(items)},
                                                {"has_more", page->has_more},
                                                {"following", page->following}});
      },
      kSmall);

  auto follow = [&chat, two_ids](bool on) {
    return [&chat, two_ids, on](HttpRequest& req) {
      std::int64_t id = 0, mid = 0;
      if (auto r = two_ids(req, id, mid); !r.ok()) return HttpResponse::error(r.error());
      auto r = chat.follow_thread(*req.subject, id, mid, on);
      if (!r.ok()) return HttpResponse::error(r.error());
      return HttpResponse::no_content();
    };
  };
  router.add("PUT", "/api/v1/conversations/{id}/messages/{message_id}/follow", follow(true), kSmall);
  router.add("DELETE", "/api/v1/conversations/{id}/messages/{message_id}/follow", follow(false), kSmall);

  router.add(
      "POST", "/api/v1/conversations/{id}/messages/{message_id}/read",
      [&chat, two_ids](HttpRequest& req) {
        std::int64_t id = 0, mid = 0;
        if (auto r = two_ids(req, id, mid); !r.ok()) return HttpResponse::error(r.error());
        auto body = json::parse_object(req.body);
        if (!body.ok()) return HttpResponse::error(body.error());
        auto seq = json::optional_int(*body, "seq");
        if (!seq.ok()) return HttpResponse::error(seq.error());
        if (!*seq) return HttpResponse::error(make_error(ErrorCode::invalid_argument, "field 'seq' is required"));
        auto r = chat.mark_thread_read(*req.subject, id, mid, **seq);
        if (!r.ok()) return HttpResponse::error(r.error());
        return HttpResponse::no_content();
      },
      kSmall);

  router.add(
      "GET", "/api/v1/conversations/{id}/settings",
      [&chat](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto v = chat.settings(*req.subject, *id);
        if (!v.ok()) return HttpResponse::error(v.error());
        return ok_json(200, to_json(*v));
      },
      kSmall);

  router.add(
      "PATCH", "/api/v1/conversations/{id}/settings",
      [&chat](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto body = json::parse_object(req.body);
        if (!body.ok()) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(
                *body, {"announcement", "broadcast_mentions", "allowed_countries", "allowed_regions"});
            !r.ok())
          return HttpResponse::error(r.error());
        SettingsPatch patch;
        auto announcement = json::optional_bool(*body, "announcement");
        if (!announcement.ok()) return HttpResponse::error(announcement.error());
        patch.announcement = *announcement;
        auto broadcast = json::optional_string(*body, "broadcast_mentions", 16);
        if (!broadcast.ok()) return HttpResponse::error(broadcast.error());
        if (*broadcast) {
          BroadcastMentions b{};
          if (!parse_broadcast_mentions(**broadcast, b))
            return HttpResponse::error(
                make_error(ErrorCode::invalid_argument, "broadcast_mentions must be everyone, moderators or nobody"));
          patch.broadcast_mentions = b;
        }
        auto countries = json::optional_string_array(*body, "allowed_countries", 200);
        if (!countries.ok()) return HttpResponse::error(countries.error());
        patch.allowed_countries = *countries;
        auto regions = json::optional_string_array(*body, "allowed_regions", 200);
        if (!regions.ok()) return HttpResponse::error(regions.error());
        patch.allowed_regions = *regions;
        auto v = chat.update_settings(*req.subject, *id, patch);
        if (!v.ok()) return HttpResponse::error(v.error());
        return ok_json(200, to_json(*v));
      },
      kSmall);

  router.add(
      "GET", "/api/v1/conversations/{id}/members",
      [&chat](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto list = chat.members(*req.subject, *id);
        if (!list.ok()) return HttpResponse::error(list.error());
        boost::json::array items;
        for (const auto& m : list->items) items.push_back(to_json(m, list->kind));
        return ok_json(200, boost::json::object{{"items", std::move(items)}});
      },
      kSmall);

  router.add(
      "PATCH", "/api/v1/conversations/{id}/members/{user_id}",
      [&chat](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "conversation id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto user = id_in(req.path_param("user_id"), "user id");
        if (!user.ok()) return HttpResponse::error(user.error());
        auto body = json::parse_object(req.body);
        if (!body.ok()) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"role", "can_post"}); !r.ok())
          return HttpResponse::error(r.error());
        MemberPatch patch;
        auto role = json::optional_string(*body, "role", 16);
        if (!role.ok()) return HttpResponse::error(role.error());
        if (*role) {
          MemberRole r{};
          if (!parse_member_role(**role, r))
            return HttpResponse::error(
                make_error(ErrorCode::invalid_argument, "role must be owner, moderator, member or read_only"));
          patch.role = r;
        }
        auto can_post = json::optional_bool(*body, "can_post");
        if (!can_post.ok()) return HttpResponse::error(can_post.error());
        patch.can_post = *can_post;
        auto m = chat.update_member(*req.subject, *id, *user, patch);
        if (!m.ok()) return HttpResponse::error(m.error());
        return ok_json(200, to_json(*m, ConversationKind::group));
      },
      kSmall);

  // WebSocket: {"type":"reaction.toggle","id":..,"conversation_id":..,"message_id":..,"emoji":..,"on"?:bool}
  // -> {"type":"reaction.ack","id":..,"changed":bool,"on":bool,"message":{..}}; members get reaction.updated.
  hub.on("reaction.toggle", [&chat, &stream](net::RealtimeConnection& conn, const boost::json::object& env) {
    auto cid = json::optional_int(env, "conversation_id");
    auto mid = json::optional_int(env, "message_id");
    if (!cid.ok() || !*cid || !mid.ok() || !*mid) {
      send_error(conn, env,
                 make_error(ErrorCode::invalid_argument, "fields 'conversation_id' and 'message_id' must be integers"));
      return;
    }
    auto reacted = react_from(chat, conn.subject(), **cid, **mid, env);
    if (!reacted.ok()) {
      send_error(conn, env, reacted.error());
      return;
    }
    boost::json::object ack{{"type", "reaction.ack"},
                            {"changed", reacted->changed},
                            {"on", reacted->on},
                            {"message", to_json(reacted->message, conn.subject().user_id)}};
    if (auto v = env.if_contains("id")) ack["id"] = *v;
    conn.send(json::serialize(ack));
    fan_out(stream, *reacted);
  });

  // WebSocket: {"type":"sync","id":..,"cursors":{"<conversation id>": <last change_seq applied>, ..}}
  // -> per conversation {"type":"sync.replay","conversation_id":..,"from":..,"to":..,"complete":bool}
  //    then the missed changes (message.new / message.updated), then live events; finally
  //    {"type":"sync.done","id":..}. See docs/websocket.md "Reconnect and resume".
  hub.on("sync", [&local_stream](net::RealtimeConnection& conn, const boost::json::object& env) {
    const auto* cursors = env.if_contains("cursors");
    if (!cursors || !cursors->is_object() || cursors->as_object().size() > 1000) {
      send_error(conn, env,
                 make_error(ErrorCode::invalid_argument,
                            "field 'cursors' must be an object {\"<conversation id>\": <change_seq>} of at most 1000"));
      return;
    }
    std::vector<std::pair<std::int64_t, std::int64_t>> wanted;
    for (const auto& [key, value] : cursors->as_object()) {
      std::int64_t id = 0;
      auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
      if (ec != std::errc() || p != key.data() + key.size() || id <= 0 || !value.is_int64() || value.as_int64() < 0) {
        send_error(
            conn, env,
            make_error(ErrorCode::invalid_argument, "cursors: '" + std::string(key.substr(0, 32)) +
                                                        "' must map a conversation id to a change_seq of 0 or more"));
        return;
      }
      wanted.emplace_back(id, value.as_int64());
    }
    const boost::json::value* rid = env.if_contains("id");
    for (const auto& [id, cursor] : wanted) local_stream.replay(conn, rid, id, cursor);
    boost::json::object done{{"type", "sync.done"}};
    if (rid) done["id"] = *rid;
    conn.send(json::serialize(done));
  });

  // WebSocket: {"type":"typing","conversation_id":..} -> the other members get
  // {"type":"typing","conversation_id":..,"user":{"id":..}}; throttled, never stored.
  hub.on("typing", [&chat, &relay](net::RealtimeConnection& conn, const boost::json::object& env) {
    auto cid = json::optional_int(env, "conversation_id");
    if (!cid.ok() || !*cid) {
      send_error(conn, env, make_error(ErrorCode::invalid_argument, "field 'conversation_id' must be an integer"));
      return;
    }
    auto notice = chat.typing(conn.subject(), **cid);
    if (!notice.ok()) {
      send_error(conn, env, notice.error());
      return;
    }
    if (notice->throttled) return;
    const std::string event = json::serialize(boost::json::object{
        {"type", "typing"}, {"conversation_id", **cid}, {"user", boost::json::object{{"id", conn.subject().user_id}}}});
    relay.send_to_users(notice->recipients, event);
  });

  // WebSocket: {"type":"message.send","id":..,"conversation_id":..,"text":..,"client_id":..}
  // -> {"type":"message.ack","id":..,"message":{..},"duplicate":bool} once durably stored.
  hub.on("message.send", [&chat, &relay, &stream](net::RealtimeConnection& conn, const boost::json::object& env) {
    auto cid = json::optional_int(env, "conversation_id");
    if (!cid.ok() || !*cid) {
      send_error(conn, env, make_error(ErrorCode::invalid_argument, "field 'conversation_id' must be an integer"));
      return;
    }
    auto posted = post_from(chat, conn.subject(), **cid, env);
    if (!posted.ok()) {
      send_error(conn, env, posted.error());
      return;
    }
    boost::json::object ack{{"type", "message.ack"},
                            {"message", to_json(posted->message, conn.subject().user_id)},
                            {"duplicate", posted->duplicate}};
    if (auto v = env.if_contains("id")) ack["id"] = *v;
    conn.send(json::serialize(ack));
    fan_out(relay, stream, *posted);
  });
}

}  // namespace meridian::chat
