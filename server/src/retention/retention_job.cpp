#include "retention/retention_job.hpp"

#include "core/log.hpp"

namespace meridian::retention {

void RetentionJob::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void RetentionJob::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::int64_t RetentionJob::runs() const {
  std::lock_guard lock(mutex_);
  return runs_;
}

void RetentionJob::loop() {
  while (true) {
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) return;
    }
    auto report = service_.run_once();
    if (!report.ok()) log::error("retention.run_failed", {{"message", report.error().message}});
    std::lock_guard lock(mutex_);
    ++runs_;
  }
}

}  // namespace meridian::retention
