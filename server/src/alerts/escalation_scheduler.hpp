// Fires due escalation steps on every node, each step exactly once across nodes: a node
// claims due steps in the store with a lease (alert_escalation_steps.claimed_by,
// lease_until), then fires each under the alert's row lock while it still holds the
// claim. A node that stops or dies holding claims leaves them to whichever node claims
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

// Where fired steps go (the module: to people's sockets through the relay).
class EscalationSink {
 public:
  virtual ~EscalationSink() = default;
  virtual void escalated(const Escalated& e) = 0;
};

struct SchedulerOptions {
  std::string node_id;             // unique per process; a random one when empty
  std::int64_t poll_ms = 1'000;    // how often due steps are looked for
  std::int64_t lease_ms = 30'000;  // how long a claim holds
  int batch = 100;                 // steps claimed at most per round
};

class EscalationScheduler final {
 public:
  EscalationScheduler(AlertsService& alerts, EscalationSink& sink, SchedulerOptions options);
  ~EscalationScheduler();
  EscalationScheduler(const EscalationScheduler&) = delete;
  EscalationScheduler& operator=(const EscalationScheduler&) = delete;

  // One round: claims the due steps and fires each; how many fired.
  Result<int> run_due();
  const std::string& node_id() const { return options_.node_id; }

  // A thread that runs a round every poll_ms until stop().
  void start();
  void stop();

 private:
  AlertsService& alerts_;
  EscalationSink& sink_;
  SchedulerOptions options_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace meridian::alerts
