#include "retention/retention_job.hpp"

#include "core/log.hpp"
#include "core/random.hpp"

namespace meridian::retention {

RetentionJob::RetentionJob(RetentionService& service, std::chrono::milliseconds interval)
    : service_(service), interval_(interval), holder_(random_token(12)), job_(interval, [this] { turn(); }) {}

void RetentionJob::turn() {
  // Held a little longer than a turn, so the holder renews it before anyone else may take it.
  const auto held_for = interval_ * 2 + std::chrono::seconds(5);
  auto mine = service_.claim_purge(holder_, held_for);
  if (!mine.ok()) {
    log::error("retention.lease_failed", {{"message", mine.error().message}});
    return;
  }
  if (!*mine) return;  // another node purges this turn
  auto report = service_.run_once();
  if (!report.ok()) log::error("retention.run_failed", {{"message", report.error().message}});
  ++purges_;
}

}  // namespace meridian::retention
