#include "files/maintenance_job.hpp"

#include "core/log.hpp"

namespace meridian::files {

void MaintenanceJob::run_once() {
  auto expired = uploads_.expire();
  if (!expired) log::error("files.upload_expiry_failed", {{"message", expired.error().message}});
  auto collected = files_.collect_garbage();
  if (!collected) log::error("files.gc_failed", {{"message", collected.error().message}});
  // Chat uploads never attached within a day, and attachments whose message went.
  auto swept = files_.sweep_conversation_files();
  if (!swept) log::error("files.attachment_sweep_failed", {{"message", swept.error().message}});
  if ((expired && *expired > 0) || (collected && *collected > 0) || (swept && *swept > 0))
    log::info("files.maintenance", {{"expired_uploads", static_cast<std::int64_t>(expired ? *expired : 0)},
                                    {"objects_collected", static_cast<std::int64_t>(collected ? *collected : 0)},
                                    {"attachments_removed", static_cast<std::int64_t>(swept ? *swept : 0)}});
}

}  // namespace meridian::files
