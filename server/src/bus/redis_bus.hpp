// The scale-out Bus: topics travel through Redis pub/sub, so every node's subscribers
// see what any node published (the publishing node's own subscribers included, by the
// same path). hiredis (Debian libhiredis-dev), synchronous API on two threads of its own:
//   - the publisher thread drains a bounded in-memory queue into PUBLISH commands
//     (pipelined), so publish() only takes a mutex and never waits for the network;
//   - the subscriber thread holds one PSUBSCRIBE "<prefix>*" connection and hands each
//     message to the local subscribers of its topic (an InProcessBus), on that thread.
// Both reconnect with a capped backoff after Redis goes away (restart, network); ready()
// is true only while both connections are up. Delivery stays at-most-once: what is
// queued while Redis is down is sent after the reconnect unless the queue overflowed,
// and a message published while a subscriber connection was down never reaches it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "bus/bus.hpp"
#include "bus/in_process_bus.hpp"
#include "core/result.hpp"

namespace meridian::bus {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;              // AUTH when not empty
  std::string prefix = "meridian:";  // channel = prefix + topic; lets deployments share a Redis
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds command_timeout{2000};
  std::chrono::milliseconds max_backoff{2000};
  std::size_t max_queue = 100'000;  // messages waiting for the publisher; more are dropped (counted)
};

// redis://[[user]:password@]host[:port][/db]  (the db number is accepted and ignored:
// pub/sub channels are global to a Redis server; use the prefix to separate deployments).
Result<RedisOptions> parse_redis_url(std::string_view url);

class RedisBus final : public Bus {
 public:
  explicit RedisBus(RedisOptions options);
  ~RedisBus() override;
  RedisBus(const RedisBus&) = delete;
  RedisBus& operator=(const RedisBus&) = delete;

  void publish(std::string_view topic, std::string payload) override;
  // Handlers run on the subscriber thread; they must be quick (slow handlers make Redis
  // buffer this node's messages, and past its client-output-buffer-limit it disconnects).
  std::unique_ptr<Subscription> subscribe(std::string topic, Handler handler) override;
  bool ready() override { return publisher_up_.load() && subscriber_up_.load(); }

  // Waits until ready() or the timeout (startup, tests).
  bool wait_ready(std::chrono::milliseconds timeout);
  std::uint64_t dropped() const { return dropped_.load(); }
  std::uint64_t reconnects() const { return reconnects_.load(); }

 private:
  void run_publisher();
  void run_subscriber();
  // Sleeps `backoff` unless stopping; doubles it up to max_backoff. False when stopping.
  bool pause(std::chrono::milliseconds& backoff);

  RedisOptions options_;
  InProcessBus local_;  // this node's subscribers, by topic

  std::mutex mutex_;  // guards queue_, stopping_, subscriber_fd_
  std::condition_variable wake_;
  std::deque<std::pair<std::string, std::string>> queue_;  // (channel, payload)
  bool stopping_ = false;
  int subscriber_fd_ = -1;  // shut down by the destructor to end a blocking read

  std::atomic<bool> publisher_up_{false};
  std::atomic<bool> subscriber_up_{false};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> reconnects_{0};
  std::thread publisher_;
  std::thread subscriber_;
};

}  // namespace meridian::bus
