// Runs RetentionService::run_once() on its own thread every `interval`, until stopped.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "retention/retention_service.hpp"

namespace meridian::retention {

class RetentionJob final {
 public:
  RetentionJob(RetentionService& service, std::chrono::milliseconds interval)
      : service_(service), interval_(interval) {}
  ~RetentionJob() { stop(); }
  RetentionJob(const RetentionJob&) = delete;
  RetentionJob& operator=(const RetentionJob&) = delete;

  void start();
  // Wakes the thread and waits for it; a run in progress finishes its current batch loop.
  void stop();
  std::int64_t runs() const;

 private:
  void loop();

  RetentionService& service_;
  std::chrono::milliseconds interval_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::int64_t runs_ = 0;
  std::thread thread_;
};

}  // namespace meridian::retention
