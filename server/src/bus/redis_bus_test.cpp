// RedisBus against a real redis-server: scripts/with-redis.sh starts one and sets
// MERIDIAN_TEST_REDIS_URL (and MERIDIAN_TEST_REDIS_CONF, so that a test may restart it).
// Without it the tests skip, unless MERIDIAN_REQUIRE_REDIS=1.
#include "bus/redis_bus.hpp"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace meridian::bus {
namespace {

using namespace std::chrono_literals;

std::optional<RedisOptions> test_redis() {
  const char* url = std::getenv("MERIDIAN_TEST_REDIS_URL");
  if (!url || !*url) return std::nullopt;
  auto o = parse_redis_url(url);
  if (!o.ok()) return std::nullopt;
  // A fresh prefix per test: runs never see each other's messages.
  static std::atomic<int> n{0};
  o->prefix = "test" + std::to_string(std::random_device{}()) + "-" + std::to_string(n++) + ":";
  return *o;
}

#define REQUIRE_REDIS(options)                                                                  \
  auto options = test_redis();                                                                  \
  if (!options) {                                                                               \
    const char* req = std::getenv("MERIDIAN_REQUIRE_REDIS");                                    \
    if (req && std::string(req) == "1") FAIL() << "MERIDIAN_REQUIRE_REDIS=1 but no test Redis"; \
    GTEST_SKIP() << "no MERIDIAN_TEST_REDIS_URL (run under scripts/with-redis.sh)";             \
  }

// A plain hiredis connection for the test's own commands.
struct Admin {
  explicit Admin(const RedisOptions& o) : c(redisConnect(o.host.c_str(), o.port)) {}
  ~Admin() {
    if (c) redisFree(c);
  }
  bool command(const char* text) {
    auto* r = static_cast<redisReply*>(redisCommand(c, text));
    const bool ok = r && r->type != REDIS_REPLY_ERROR;
    if (r) freeReplyObject(r);
    return ok;
  }
  redisContext* c;
};

struct Collector {
  std::mutex mutex;
  std::vector<std::string> got;
  Handler handler() {
    return [this](std::string_view, std::string_view p) {
      std::lock_guard lock(mutex);
      got.emplace_back(p);
    };
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return got.size();
  }
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout = 5s) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (size() < n) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }
};

TEST(RedisUrl, ParsesHostPortAndPassword) {
  auto a = parse_redis_url("redis://127.0.0.1:6390");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 6390);
  EXPECT_EQ(a->password, "");
  auto b = parse_redis_url("redis://:s3cret@redis.internal/0");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "redis.internal");
  EXPECT_EQ(b->port, 6379);
  EXPECT_EQ(b->password, "s3cret");
  auto c = parse_redis_url("redis://user:pw@h:1");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->password, "pw");
}

TEST(RedisUrl, RefusesWhatItCannotUse) {
  for (const char* bad : {"http://x", "redis://", "redis://h:0", "redis://h:70000", "redis://h:x", "redis://h/db"}) {
    auto r = parse_redis_url(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
    }
  }
}

TEST(RedisBus, TwoNodesSeeEachOthersMessagesInPublishOrder) {
  REQUIRE_REDIS(options);
  RedisBus a(*options), b(*options);
  ASSERT_TRUE(a.wait_ready(5s));
  ASSERT_TRUE(b.wait_ready(5s));
  Collector on_a, on_b, other;
  auto sa = a.subscribe("chat", on_a.handler());
  auto sb = b.subscribe("chat", on_b.handler());
  auto so = b.subscribe("presence", other.handler());
  for (int i = 0; i < 1000; ++i) a.publish("chat", std::to_string(i));
  ASSERT_TRUE(on_b.wait_for(1000));
  ASSERT_TRUE(on_a.wait_for(1000));  // the publisher's own subscribers, through Redis
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(on_b.got[static_cast<std::size_t>(i)], std::to_string(i));
    EXPECT_EQ(on_a.got[static_cast<std::size_t>(i)], std::to_string(i));
  }
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(other.size(), 0u);
  EXPECT_EQ(a.dropped(), 0u);
}

TEST(RedisBus, BinaryPayloadsArriveIntact) {
  REQUIRE_REDIS(options);
  RedisBus bus(*options);
  ASSERT_TRUE(bus.wait_ready(5s));
  Collector got;
  auto s = bus.subscribe("t", got.handler());
  std::string payload("a\0b\r\n\xff{\"x\":1}", 13);
  payload += std::string(100'000, 'z');
  bus.publish("t", payload);
  ASSERT_TRUE(got.wait_for(1));
  EXPECT_EQ(got.got[0], payload);
}

TEST(RedisBus, DroppedSubscriptionGetsNothingMore) {
  REQUIRE_REDIS(options);
  RedisBus bus(*options);
  ASSERT_TRUE(bus.wait_ready(5s));
  Collector first, second;
  auto s1 = bus.subscribe("t", first.handler());
  auto s2 = bus.subscribe("t", second.handler());
  bus.publish("t", "1");
  ASSERT_TRUE(first.wait_for(1));
  s1.reset();
  bus.publish("t", "2");
  ASSERT_TRUE(second.wait_for(2));
  EXPECT_EQ(first.size(), 1u);
}

TEST(RedisBus, NotReadyAndNeverBlockingWithoutRedis) {
  RedisOptions o;
  o.host = "127.0.0.1";
  o.port = 1;  // nothing listens there
  o.max_queue = 100;
  RedisBus bus(o);
  EXPECT_FALSE(bus.wait_ready(300ms));
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) bus.publish("t", "x");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 100ms);
  EXPECT_EQ(bus.dropped(), 900u);  // the bounded queue kept 100
}

TEST(RedisBus, ReconnectsAfterItsConnectionsAreKilled) {
  REQUIRE_REDIS(options);
  RedisBus bus(*options);
  ASSERT_TRUE(bus.wait_ready(5s));
  Collector got;
  auto s = bus.subscribe("t", got.handler());
  Admin admin(*options);
  ASSERT_TRUE(admin.command("CLIENT KILL TYPE pubsub"));
  // The subscriber notices at once; wait until it is back, then messages flow again.
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (bus.reconnects() == 0 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(bus.wait_ready(5s));
  bus.publish("t", "after");
  ASSERT_TRUE(got.wait_for(1));
  EXPECT_EQ(got.got.back(), "after");
}

TEST(RedisBus, SurvivesARedisRestart) {
  REQUIRE_REDIS(options);
  const char* conf = std::getenv("MERIDIAN_TEST_REDIS_CONF");
  if (!conf || !*conf) GTEST_SKIP() << "no MERIDIAN_TEST_REDIS_CONF: cannot restart the test Redis";
  RedisBus bus(*options);
  ASSERT_TRUE(bus.wait_ready(5s));
  Collector got;
  auto s = bus.subscribe("t", got.handler());
  {
    Admin admin(*options);
    admin.command("SHUTDOWN NOSAVE");  // the reply never comes: the server is gone
  }
  const auto down_until = std::chrono::steady_clock::now() + 5s;
  while (bus.ready() && std::chrono::steady_clock::now() < down_until) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(bus.ready());
  bus.publish("t", "queued while down");  // kept in the queue, sent after the reconnect
  // The same configuration (port, pid file) as scripts/with-redis.sh, which stops it at the end.
  const std::string start = "redis-server " + std::string(conf);
  ASSERT_EQ(std::system(start.c_str()), 0);
  ASSERT_TRUE(bus.wait_ready(10s));
  bus.publish("t", "after restart");
  ASSERT_TRUE(got.wait_for(1, 5s));
  // The queued one may or may not precede the subscriber's return (at-most-once); the new one arrives.
  ASSERT_TRUE(got.wait_for(got.size() >= 2 ? 2 : 1));
  EXPECT_EQ(got.got.back(), "after restart");
}

}  // namespace
}  // namespace meridian::bus
