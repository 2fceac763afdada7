#include "bus/in_process_bus.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace meridian::bus {
namespace {

TEST(InProcessBus, DeliversToSubscribersOfTheTopicOnly) {
  InProcessBus bus;
  std::vector<std::string> got;
  auto sub = bus.subscribe("user:1", [&](std::string_view, std::string_view p) { got.emplace_back(p); });
  bus.publish("user:1", "hello");
  bus.publish("user:2", "not for you");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], "hello");
}

TEST(InProcessBus, UnsubscribesWhenTheSubscriptionIsDropped) {
  InProcessBus bus;
  int calls = 0;
  auto sub = bus.subscribe("t", [&](std::string_view, std::string_view) { ++calls; });
  bus.publish("t", "1");
  sub.reset();
  bus.publish("t", "2");
  EXPECT_EQ(calls, 1);
}

TEST(InProcessBus, SubscriptionMayOutliveTheBus) {
  auto bus = std::make_unique<InProcessBus>();
  auto sub = bus->subscribe("t", [](std::string_view, std::string_view) {});
  bus.reset();
  sub.reset();  // must not touch freed memory (ASan checks this)
}

TEST(InProcessBus, ConcurrentPublishersAllDeliver) {
  InProcessBus bus;
  std::atomic<int> calls{0};
  auto sub = bus.subscribe("t", [&](std::string_view, std::string_view) { ++calls; });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) bus.publish("t", "x");
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(calls.load(), 4000);
}

}  // namespace
}  // namespace meridian::bus
