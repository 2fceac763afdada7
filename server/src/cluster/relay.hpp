// Sends to people wherever they are connected. A node knows only its own sockets
// (net::RealtimeHub); the relay publishes one bus event and every node, the sender
// included, hands it to its own live connections of those people. With the in-process
// bus this is exactly hub.send_to_user on this node; with Redis it reaches all nodes.
//
// Bus topic "hub" (docs/architecture.md "Bus events"), JSON:
//   {"op":"send","users":[7,9],"text":"<a whole WebSocket envelope>"}
//   {"op":"close_user","user":7,"code":1008,"reason":"account deactivated"}
//   {"op":"close_session","user":7,"session":42,"code":1008,"reason":"signed out"}
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bus/bus.hpp"
#include "net/realtime.hpp"

namespace meridian::cluster {

class Relay {
 public:
  Relay(bus::Bus& bus, net::RealtimeHub& hub);
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  void send_to_users(const std::vector<std::int64_t>& user_ids, const std::string& text);
  void send_to_user(std::int64_t user_id, const std::string& text);
  void close_user(std::int64_t user_id, std::uint16_t code, const std::string& reason);
  void close_session(std::int64_t user_id, std::int64_t session_id, std::uint16_t code, const std::string& reason);

  bus::Bus& bus() { return bus_; }
  net::RealtimeHub& hub() { return hub_; }

  static constexpr const char* kTopic = "hub";

 private:
  void receive(std::string_view payload);

  bus::Bus& bus_;
  net::RealtimeHub& hub_;
  std::unique_ptr<bus::Subscription> subscription_;
};

}  // namespace meridian::cluster
