#include "alerts/alert_scheduler.hpp"

#include <chrono>
#include <utility>

#include "core/log.hpp"
#include "core/random.hpp"

namespace meridian::alerts {

AlertScheduler::AlertScheduler(AlertsService& alerts, SchedulerSink& sink, SchedulerOptions options)
    : alerts_(alerts), sink_(sink), options_(std::move(options)) {
  if (options_.node_id.empty()) options_.node_id = "node-" + random_token(9);
}

AlertScheduler::~AlertScheduler() { stop(); }

Result<int> AlertScheduler::run_due() {
  int fired = 0;
  // A burst larger than a batch is worked off in several claims, each a short write.
  for (;;) {
    MERIDIAN_ASSIGN_OR_RETURN(auto claimed,
                              alerts_.claim_schedules(options_.node_id, options_.lease_ms, options_.batch));
    for (auto id : claimed) {
      auto sent = alerts_.fire_schedule(id, options_.node_id);
      if (!sent.ok()) {
        // The claim stays; the schedule is claimed again when its lease ends.
        log::error("alerts.schedule_failed", {{"schedule", id}, {"message", sent.error().message}});
        continue;
      }
      if (!*sent) continue;
      ++fired;
      sink_.sent(**sent);
    }
    if (static_cast<int>(claimed.size()) < options_.batch) break;
  }
  for (;;) {
    MERIDIAN_ASSIGN_OR_RETURN(auto claimed,
                              alerts_.claim_schedule_zones(options_.node_id, options_.lease_ms, options_.batch));
    for (auto id : claimed) {
      auto sent = alerts_.fire_schedule_zone(id, options_.node_id);
      if (!sent.ok()) {
        log::error("alerts.schedule_failed", {{"zone", id}, {"message", sent.error().message}});
        continue;
      }
      if (!*sent) continue;
      ++fired;
      sink_.sent(**sent);
    }
    if (static_cast<int>(claimed.size()) < options_.batch) break;
  }
  for (;;) {
    MERIDIAN_ASSIGN_OR_RETURN(auto claimed, alerts_.claim_steps(options_.node_id, options_.lease_ms, options_.batch));
    for (auto id : claimed) {
      auto step = alerts_.fire_step(id, options_.node_id);
      if (!step.ok()) {
        log::error("alerts.escalation_failed", {{"step", id}, {"message", step.error().message}});
        continue;
      }
      if (!*step) continue;
      ++fired;
      sink_.escalated(**step);
    }
    if (static_cast<int>(claimed.size()) < options_.batch) return fired;
  }
}

void AlertScheduler::start() {
  if (worker_.joinable()) return;
  stopping_ = false;
  worker_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      auto r = run_due();
      if (!r.ok()) log::error("alerts.escalation_round_failed", {{"message", r.error().message}});
      lock.lock();
      cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms), [this] { return stopping_; });
    }
  });
}

void AlertScheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

}  // namespace meridian::alerts
