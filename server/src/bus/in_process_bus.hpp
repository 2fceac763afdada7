// The embedded default Bus: topics fan out to subscribers of this process.
#pragma once

#include <map>
#include <memory>
#include <mutex>

#include "bus/bus.hpp"

namespace meridian::bus {

class InProcessBus final : public Bus {
 public:
  InProcessBus();
  ~InProcessBus() override;
  void publish(std::string_view topic, std::string payload) override;
  std::unique_ptr<Subscription> subscribe(std::string topic, Handler handler) override;
  bool ready() override { return true; }

  struct State;  // defined in the .cpp; public so that subscriptions can name it

 private:
  std::shared_ptr<State> state_;  // shared with subscriptions so they may outlive the bus
};

}  // namespace meridian::bus
