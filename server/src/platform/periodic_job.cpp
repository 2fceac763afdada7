#include "platform/periodic_job.hpp"

namespace meridian::platform {

void PeriodicJob::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void PeriodicJob::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::int64_t PeriodicJob::runs() const {
  std::lock_guard lock(mutex_);
  return runs_;
}

void PeriodicJob::loop() {
  while (true) {
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) return;
    }
    work_();
    std::lock_guard lock(mutex_);
    ++runs_;
  }
}

}  // namespace meridian::platform
