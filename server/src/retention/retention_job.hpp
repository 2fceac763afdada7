// Runs RetentionService::run_once() every `interval` on its own thread, until stopped. With
// several nodes on one store, one node at a time purges: each turn first claims the
// "retention.purge" lease in the store (storage/job_lease.hpp) and skips its turn while
// another node holds it; a node that dies loses the lease when it runs out.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "platform/periodic_job.hpp"
#include "retention/retention_service.hpp"

namespace meridian::retention {

class RetentionJob final {
 public:
  RetentionJob(RetentionService& service, std::chrono::milliseconds interval);
  RetentionJob(const RetentionJob&) = delete;
  RetentionJob& operator=(const RetentionJob&) = delete;

  void start() { job_.start(); }
  // Wakes the thread and waits for it; a run in progress finishes its current batch loop.
  void stop() { job_.stop(); }
  // Turns taken, whether this node purged or another held the lease.
  std::int64_t runs() const { return job_.runs(); }
  // Purges this node did (it held the lease).
  std::int64_t purges() const { return purges_.load(); }
  const std::string& holder() const { return holder_; }

 private:
  void turn();

  RetentionService& service_;
  std::chrono::milliseconds interval_;
  std::string holder_;  // this process, for the lease
  std::atomic<std::int64_t> purges_{0};
  platform::PeriodicJob job_;
};

}  // namespace meridian::retention
