// Presence across nodes, through the Bus (topic "presence"). Each node tells the others,
// coalesced every `flush_interval`, which people it has connections for and whether any
// of them is active; each other node counts that as one more connection of the person
// (PresenceTracker::kRemoteBit | node key), so the aggregate (online / away / dnd /
// offline), presence.subscribe answers, the flushes and @here (PresenceService::online)
// see every node. Mode and status text changes travel as "settings". A heartbeat with
// the node's full list every `heartbeat` corrects anything lost (the bus is at-most-once);
// a node silent for `expiry` (crashed) is forgotten with all its connections. A node
// says "hello" when it starts so that the others send their lists at once.
//
// Payloads (JSON), each with "node": the sender's random id:
//   {"node":"..","op":"hello"}
//   {"node":"..","op":"changes","users":[{"id":7,"kind":"employee","active":true|false|null}],
//    "settings":[{"id":7,"mode":"dnd","status_text":"In a meeting"}]}
//   {"node":"..","op":"snapshot","users":[{"id":7,"kind":"employee","active":true}]}
//   {"node":"..","op":"bye"}
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>

#include "bus/bus.hpp"
#include "presence/presence_service.hpp"

namespace meridian::presence {

struct ClusterOptions {
  std::chrono::milliseconds flush_interval{300};
  std::chrono::milliseconds heartbeat{5000};
  std::chrono::milliseconds expiry{15000};
};

class PresenceCluster {
 public:
  PresenceCluster(bus::Bus& bus, PresenceService& presence, LocalChanges& changes, ClusterOptions options = {});
  ~PresenceCluster();
  PresenceCluster(const PresenceCluster&) = delete;
  PresenceCluster& operator=(const PresenceCluster&) = delete;

  void start();
  void stop();  // says "bye"
  const std::string& node_id() const { return node_; }

  static constexpr const char* kTopic = "presence";

 private:
  struct Remote {
    std::uint32_t key = 0;
    std::chrono::steady_clock::time_point last_seen;
    std::map<std::int64_t, UserKind> users;  // people with connections there
  };
  void run();
  void publish_changes();
  void publish_snapshot();
  void receive(std::string_view payload);
  void forget_locked(Remote& r);

  bus::Bus& bus_;
  PresenceService& presence_;
  ClusterOptions options_;
  std::string node_;

  LocalChanges& changes_;

  std::mutex remotes_mutex_;
  std::unordered_map<std::string, Remote> remotes_;
  std::uint32_t next_key_ = 1;
  bool snapshot_wanted_ = false;

  std::unique_ptr<bus::Subscription> subscription_;
  std::mutex thread_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace meridian::presence
