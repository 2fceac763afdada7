// The event bus port: real-time fan-out goes through it so that it works the same on
// one node (in-process) and across nodes (Redis, later). Delivery is at-most-once;
// anything that must not be lost is written to the Store first.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace meridian::bus {

using Handler = std::function<void(std::string_view topic, std::string_view payload)>;

class Subscription {
 public:
  virtual ~Subscription() = default;  // unsubscribes
};

class Bus {
 public:
  virtual ~Bus() = default;
  virtual void publish(std::string_view topic, std::string payload) = 0;
  // Handlers run on the publisher's thread (in-process) and must be quick.
  virtual std::unique_ptr<Subscription> subscribe(std::string topic, Handler handler) = 0;
  virtual bool ready() = 0;
};

}  // namespace meridian::bus
