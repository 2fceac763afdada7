// Tests: a SchedulerSink that keeps what the scheduler fired, from any thread.
#pragma once

#include <mutex>
#include <utility>
#include <vector>

#include "alerts/alert_scheduler.hpp"

namespace meridian::alerts {

class RecordingSink final : public SchedulerSink {
 public:
  void escalated(const Escalated& e) override {
    std::lock_guard lock(mutex_);
    steps_.push_back(e);
  }
  void sent(const Sent& s) override {
    std::lock_guard lock(mutex_);
    sends_.push_back(s);
  }
  void released(const Released& r) override {
    std::lock_guard lock(mutex_);
    releases_.push_back(r);
  }
  std::vector<Released> taken_releases() {
    std::lock_guard lock(mutex_);
    return std::exchange(releases_, {});
  }
  std::vector<Escalated> taken_steps() {
    std::lock_guard lock(mutex_);
    return std::exchange(steps_, {});
  }
  std::vector<Sent> taken_sends() {
    std::lock_guard lock(mutex_);
    return std::exchange(sends_, {});
  }

 private:
  std::mutex mutex_;
  std::vector<Escalated> steps_;
  std::vector<Sent> sends_;
  std::vector<Released> releases_;
};

}  // namespace meridian::alerts
