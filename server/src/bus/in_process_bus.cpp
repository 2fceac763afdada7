#include "bus/in_process_bus.hpp"

#include <vector>

namespace meridian::bus {

struct InProcessBus::State {
  std::mutex mutex;
  std::uint64_t next_id = 1;
  std::multimap<std::string, std::pair<std::uint64_t, std::shared_ptr<Handler>>, std::less<>> subscribers;
};

namespace {

class InProcessSubscription final : public Subscription {
 public:
  InProcessSubscription(std::weak_ptr<InProcessBus::State> state, std::string topic, std::uint64_t id)
      : state_(std::move(state)), topic_(std::move(topic)), id_(id) {}
  ~InProcessSubscription() override {
    auto state = state_.lock();
    if (!state) return;
    std::lock_guard lock(state->mutex);
    auto [begin, end] = state->subscribers.equal_range(topic_);
    for (auto it = begin; it != end; ++it) {
      if (it->second.first == id_) {
        state->subscribers.erase(it);
        break;
      }
    }
  }

 private:
  std::weak_ptr<InProcessBus::State> state_;
  std::string topic_;
  std::uint64_t id_;
};

}  // namespace

InProcessBus::InProcessBus() : state_(std::make_shared<State>()) {}
InProcessBus::~InProcessBus() = default;

void InProcessBus::publish(std::string_view topic, std::string payload) {
  // Copy the handlers under the lock, call them after releasing it, so that a handler
  // may subscribe or unsubscribe without deadlocking.
  std::vector<std::shared_ptr<Handler>> handlers;
  {
    std::lock_guard lock(state_->mutex);
    auto [begin, end] = state_->subscribers.equal_range(topic);
    for (auto it = begin; it != end; ++it) handlers.push_back(it->second.second);
  }
  for (const auto& h : handlers) (*h)(topic, payload);
}

std::unique_ptr<Subscription> InProcessBus::subscribe(std::string topic, Handler handler) {
  std::lock_guard lock(state_->mutex);
  const std::uint64_t id = state_->next_id++;
  state_->subscribers.emplace(topic, std::make_pair(id, std::make_shared<Handler>(std::move(handler))));
  return std::make_unique<InProcessSubscription>(state_, std::move(topic), id);
}

}  // namespace meridian::bus
