// A piece of background work run on its own thread every `interval` until stopped: the
// retention purge, files housekeeping. One place for the thread, the wait and the stop.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace meridian::platform {

class PeriodicJob final {
 public:
  PeriodicJob(std::chrono::milliseconds interval, std::function<void()> work)
      : interval_(interval), work_(std::move(work)) {}
  ~PeriodicJob() { stop(); }
  PeriodicJob(const PeriodicJob&) = delete;
  PeriodicJob& operator=(const PeriodicJob&) = delete;

  // Starts the thread (once); the first run comes one interval later.
  void start();
  // Wakes the thread and waits for it; a run in progress finishes first.
  void stop();
  // Runs finished so far.
  std::int64_t runs() const;

 private:
  void loop();

  std::chrono::milliseconds interval_;
  std::function<void()> work_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::int64_t runs_ = 0;
  std::thread thread_;
};

}  // namespace meridian::platform
