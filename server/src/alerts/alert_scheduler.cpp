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

namespace {

// Claims due rows in batches and fires each; a burst larger than a batch is worked off in
// several claims, each a short write. A fire that fails keeps its claim: the row is claimed
// again when its lease ends. How many fired.
template <class Claim, class Fire, class Deliver>
Result<int> drain(const SchedulerOptions& options, const char* what, Claim claim, Fire fire, Deliver deliver) {
  int fired = 0;
  for (;;) {
    MERIDIAN_ASSIGN_OR_RETURN(auto claimed, claim(options.node_id, options.lease_ms, options.batch));
    for (auto id : claimed) {
      auto out = fire(id, options.node_id);
      if (!out.ok()) {
        log::error("alerts.scheduler_failed", {{"kind", what}, {"id", id}, {"message", out.error().message}});
        continue;
      }
      if (!*out) continue;
      ++fired;
      deliver(**out);
    }
    if (static_cast<int>(claimed.size()) < options.batch) return fired;
  }
}

}  // namespace

Result<int> AlertScheduler::run_due() {
  auto& a = alerts_;
  auto send = [this](const Sent& s) { sink_.sent(s); };
  MERIDIAN_ASSIGN_OR_RETURN(auto schedules,
                            drain(
                                options_, "schedule", [&a](auto&&... x) { return a.claim_schedules(x...); },
                                [&a](auto&&... x) { return a.fire_schedule(x...); }, send));
  MERIDIAN_ASSIGN_OR_RETURN(auto zones,
                            drain(
                                options_, "schedule_zone", [&a](auto&&... x) { return a.claim_schedule_zones(x...); },
                                [&a](auto&&... x) { return a.fire_schedule_zone(x...); }, send));
  MERIDIAN_ASSIGN_OR_RETURN(
      auto steps,
      drain(
          options_, "escalation_step", [&a](auto&&... x) { return a.claim_steps(x...); },
          [&a](auto&&... x) { return a.fire_step(x...); }, [this](const Escalated& e) { sink_.escalated(e); }));
  int released = 0;
  for (;;) {
    MERIDIAN_ASSIGN_OR_RETURN(auto round, alerts_.release_held(options_.batch));
    for (const auto& r : round.alerts) {
      released += static_cast<int>(r.users.size());
      sink_.released(r);
    }
    if (round.rows < static_cast<std::size_t>(options_.batch)) break;
  }
  return schedules + zones + steps + released;
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
