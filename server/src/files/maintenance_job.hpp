// Files housekeeping on its own thread every `interval`, until stopped: expired tus
// uploads are discarded (their parts/append files and staging files too) and objects no
// blob names (a crash between commit and record) are collected.
#pragma once

#include <chrono>
#include <cstdint>

#include "files/files_service.hpp"
#include "files/resumable_uploads.hpp"
#include "platform/periodic_job.hpp"

namespace meridian::files {

class MaintenanceJob final {
 public:
  MaintenanceJob(FilesService& files, ResumableUploads& uploads, std::chrono::milliseconds interval)
      : files_(files), uploads_(uploads), job_(interval, [this] { run_once(); }) {}
  MaintenanceJob(const MaintenanceJob&) = delete;
  MaintenanceJob& operator=(const MaintenanceJob&) = delete;

  void start() { job_.start(); }
  // Wakes the thread and waits for it (a sweep in progress finishes first).
  void stop() { job_.stop(); }
  // Sweeps the thread has done.
  std::int64_t runs() const { return job_.runs(); }
  // One sweep now, on the caller's thread.
  void run_once();

 private:
  FilesService& files_;
  ResumableUploads& uploads_;
  platform::PeriodicJob job_;  // last: its thread stops before the members it uses go
};

}  // namespace meridian::files
