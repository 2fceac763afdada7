// Files housekeeping on its own thread every `interval`, until stopped: expired tus
// uploads are discarded (their parts/append files and staging files too) and objects no
// blob names (a crash between commit and record) are collected.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "files/files_service.hpp"
#include "files/resumable_uploads.hpp"

namespace meridian::files {

class MaintenanceJob final {
 public:
  MaintenanceJob(FilesService& files, ResumableUploads& uploads, std::chrono::milliseconds interval)
      : files_(files), uploads_(uploads), interval_(interval) {}
  ~MaintenanceJob() { stop(); }
  MaintenanceJob(const MaintenanceJob&) = delete;
  MaintenanceJob& operator=(const MaintenanceJob&) = delete;

  void start();
  // Wakes the thread and waits for it (a sweep in progress finishes first).
  void stop();
  std::int64_t runs() const;
  // One sweep now, on the caller's thread.
  void run_once();

 private:
  void loop();

  FilesService& files_;
  ResumableUploads& uploads_;
  std::chrono::milliseconds interval_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::int64_t runs_ = 0;
  std::thread thread_;
};

}  // namespace meridian::files
