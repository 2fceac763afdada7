// Fires due escalation steps and scheduled alerts on every node, each exactly once across
// nodes: a node claims due rows in the store with a lease (claimed_by, lease_until of
// alert_escalation_steps and alert_schedules), then fires each under a row lock while it
// still holds the claim. A node that stops or dies holding claims leaves them to whichever node claims
// them after the lease ends, so steps survive restarts; a step due while every node was
// down fires once when one starts, if its alert is still open (docs/architecture.md,
// "Alerts").
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "alerts/alerts_service.hpp"

namespace meridian::alerts {

// Where fired steps and scheduled sends go (the module: to people's sockets through the relay).
class SchedulerSink {
 public:
  virtual ~SchedulerSink() = default;
  virtual void escalated(const Escalated& e) = 0;
  virtual void sent(const Sent& s) = 0;
  // Quiet hours ended for these recipients of a held alert.
  virtual void released(const Released& r) = 0;
};

struct SchedulerOptions {
  std::string node_id;             // unique per process; a random one when empty
  std::int64_t poll_ms = 1'000;    // how often due steps are looked for
  std::int64_t lease_ms = 30'000;  // how long a claim holds
  int batch = 100;                 // steps claimed at most per round
};

class AlertScheduler final {
 public:
  AlertScheduler(AlertsService& alerts, SchedulerSink& sink, SchedulerOptions options);
  ~AlertScheduler();
  AlertScheduler(const AlertScheduler&) = delete;
  AlertScheduler& operator=(const AlertScheduler&) = delete;

  // One round: claims the due schedules and steps and fires each; how many fired.
  Result<int> run_due();
  const std::string& node_id() const { return options_.node_id; }

  // A thread that runs a round every poll_ms until stop().
  void start();
  void stop();

 private:
  AlertsService& alerts_;
  SchedulerSink& sink_;
  SchedulerOptions options_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace meridian::alerts
