// Token buckets for WebSocket frames: per connection, per person (all their sockets on
// this node) and, for message types that store something, per person's writes
// (docs/websocket.md, "Limits and close codes"). Loopback tests and benchmarks raise
// them through the configuration.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace meridian::net {

struct RateLimit {
  double per_second = 0;  // 0: no limit
  double burst = 0;       // what may arrive at once after a quiet spell
  bool limited() const { return per_second > 0; }
};

struct WsLimits {
  RateLimit frames_per_connection{100, 400};
  RateLimit frames_per_person{200, 800};
  RateLimit writes_per_person{20, 100};  // message types registered as storing
  // A connection that keeps sending after its frames were refused this many times in a
  // row is closed (1008 "rate limit exceeded").
  int refusals_before_close = 200;
};

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  explicit TokenBucket(RateLimit limit, Clock::time_point now = Clock::now())
      : limit_(limit), tokens_(limit.burst), at_(now) {}
  // Takes one token when there is one.
  bool take(Clock::time_point now);
  // Full again (nothing taken lately): its entry may be forgotten.
  bool full(Clock::time_point now) const;

 private:
  void refill(Clock::time_point now);
  RateLimit limit_;
  double tokens_;
  Clock::time_point at_;
};

// One bucket per key (a person), made on first use; full buckets are forgotten now and
// then so that the map holds only the people sending right now.
class KeyedBuckets {
 public:
  explicit KeyedBuckets(RateLimit limit) : limit_(limit) {}
  bool take(std::int64_t key, TokenBucket::Clock::time_point now);

 private:
  RateLimit limit_;
  std::mutex mutex_;
  std::unordered_map<std::int64_t, TokenBucket> buckets_;
  std::uint64_t calls_ = 0;
};

}  // namespace meridian::net
