#include "cluster/relay.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/log.hpp"

namespace meridian::cluster {

Relay::Relay(bus::Bus& bus, net::RealtimeHub& hub) : bus_(bus), hub_(hub) {
  subscription_ = bus_.subscribe(kTopic, [this](std::string_view, std::string_view payload) { receive(payload); });
}

void Relay::send_to_users(const std::vector<std::int64_t>& user_ids, const std::string& text) {
  if (user_ids.empty()) return;
  boost::json::array users;
  users.reserve(user_ids.size());
  for (auto u : user_ids) users.push_back(u);
  bus_.publish(
      kTopic, boost::json::serialize(boost::json::object{{"op", "send"}, {"users", std::move(users)}, {"text", text}}));
}

void Relay::send_to_user(std::int64_t user_id, const std::string& text) {
  send_to_users(std::vector<std::int64_t>{user_id}, text);
}

void Relay::close_user(std::int64_t user_id, std::uint16_t code, const std::string& reason) {
  bus_.publish(kTopic, boost::json::serialize(boost::json::object{
                           {"op", "close_user"}, {"user", user_id}, {"code", code}, {"reason", reason}}));
}

void Relay::close_session(std::int64_t user_id, std::int64_t session_id, std::uint16_t code,
                          const std::string& reason) {
  bus_.publish(
      kTopic,
      boost::json::serialize(boost::json::object{
          {"op", "close_session"}, {"user", user_id}, {"session", session_id}, {"code", code}, {"reason", reason}}));
}

void Relay::receive(std::string_view payload) {
  boost::system::error_code ec;
  auto v = boost::json::parse(payload, ec);
  const auto* o = ec ? nullptr : v.if_object();
  const auto* op = o ? o->if_contains("op") : nullptr;
  if (!op || !op->is_string()) {
    log::warn("cluster.bad_event", {{"topic", kTopic}});
    return;
  }
  auto integer = [&](const char* name) -> std::int64_t {
    const auto* x = o->if_contains(name);
    return x && x->is_int64() ? x->as_int64() : 0;
  };
  auto text = [&](const char* name) -> std::string {
    const auto* x = o->if_contains(name);
    return x && x->is_string() ? std::string(x->as_string()) : std::string();
  };
  if (op->as_string() == "send") {
    const auto* users = o->if_contains("users");
    const auto* t = o->if_contains("text");
    if (!users || !users->is_array() || !t || !t->is_string()) return;
    std::vector<std::int64_t> ids;
    ids.reserve(users->as_array().size());
    for (const auto& u : users->as_array())
      if (u.is_int64()) ids.push_back(u.as_int64());
    hub_.send_to_users(ids, net::share_text(std::string(t->as_string())));  // one frame shared by all
  } else if (op->as_string() == "close_user") {
    hub_.close_user(integer("user"), static_cast<std::uint16_t>(integer("code")), text("reason"));
  } else if (op->as_string() == "close_session") {
    hub_.close_session(integer("user"), integer("session"), static_cast<std::uint16_t>(integer("code")),
                       text("reason"));
  }
}

}  // namespace meridian::cluster
