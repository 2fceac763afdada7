#include "ai/index_backfill.hpp"

#include "core/log.hpp"
#include "platform/job_lease.hpp"

namespace meridian::ai {

IndexBackfill::IndexBackfill(storage::Database& db, files::FilesService& files, FileIndex& index, const Clock& clock,
                             std::string holder, std::int64_t batch, std::chrono::milliseconds lease)
    : db_(db),
      files_(files),
      index_(index),
      clock_(clock),
      holder_(std::move(holder)),
      batch_(batch < 1 ? 1 : batch),
      lease_(lease) {}

bool IndexBackfill::current(std::int64_t file_id) {
  auto d = index_.document(file_id);
  if (!d || !*d || (*d)->status == "indexing") return false;
  auto stored = files_.open_current(file_id);
  return stored && stored->version.number == (*d)->version;
}

Result<IndexBackfill::Step> IndexBackfill::step() {
  MERIDIAN_ASSIGN_OR_RETURN(
      auto run, storage::read_value<BackfillRecord>(db_, [&](storage::Session& s) { return repo_.backfill(s); }));
  if (run.state == "done") return Step::done;
  MERIDIAN_ASSIGN_OR_RETURN(auto mine,
                            platform::claim_job_lease(db_, kBackfillLease, holder_, clock_.now_ms(), lease_));
  if (!mine) return Step::elsewhere;
  // Read again under the lease: the node that held it before may have moved it.
  MERIDIAN_ASSIGN_OR_RETURN(
      run, storage::read_value<BackfillRecord>(db_, [&](storage::Session& s) { return repo_.backfill(s); }));
  if (run.state == "done") {
    release();
    return Step::done;
  }
  auto save = [&](BackfillRecord next) -> Result<bool> {
    next.updated_at = clock_.now_ms();
    MERIDIAN_ASSIGN_OR_RETURN(auto saved, storage::write_value<bool>(db_, [&](storage::Session& s) {
                                return repo_.save_backfill(s, next, run.after_id, run.state);
                              }));
    if (saved) run = std::move(next);
    return saved;
  };
  if (run.state == "pending") {
    auto next = run;
    next.state = "running";
    next.started_at = clock_.now_ms();
    MERIDIAN_ASSIGN_OR_RETURN(auto saved, save(next));
    if (!saved) return Step::elsewhere;
    log::info("ai.backfill_started", {{"holder", holder_}});
  } else if (!resumed_) {
    log::info("ai.backfill_resumed", {{"holder", holder_}, {"after_id", run.after_id}, {"handled", run.handled}});
  }
  resumed_ = true;
  MERIDIAN_ASSIGN_OR_RETURN(auto ids, files_.file_ids_after(run.after_id, batch_));
  if (ids.empty()) {
    auto next = run;
    next.state = "done";
    next.finished_at = clock_.now_ms();
    MERIDIAN_ASSIGN_OR_RETURN(auto saved, save(next));
    if (!saved) return Step::elsewhere;
    log::info("ai.backfill_done", {{"handled", run.handled}, {"indexed", run.indexed}, {"failed", run.failed}});
    release();
    return Step::done;
  }
  for (auto id : ids) {
    auto next = run;
    next.after_id = id;
    ++next.handled;
    if (!current(id)) {
      auto failed = [&](const std::string& why) {
        ++next.failed;
        next.last_error = why;
        next.last_error_file_id = id;
        next.last_error_at = clock_.now_ms();
      };
      auto done = index_.index_file(id);
      if (!done) {
        failed(done.error().message);
        log::error("ai.backfill_file_failed", {{"file_id", id}, {"message", done.error().message}});
      } else if (!*done) {
        // gone meanwhile: handled, nothing to read
      } else if ((*done)->status == "failed") {
        failed((*done)->detail);
      } else if ((*done)->status == "restricted") {
        ++next.skipped_restricted;
      } else if ((*done)->status == "unsupported" || (*done)->status == "too_large") {
        ++next.skipped_unsupported;
      } else {
        ++next.indexed;
      }
    }
    MERIDIAN_ASSIGN_OR_RETURN(auto saved, save(next));
    if (!saved) return Step::elsewhere;  // the lease ran out and another node went on
  }
  // Renewed for the next batch (a batch outlasting the lease is caught by the checkpoint).
  MERIDIAN_ASSIGN_OR_RETURN(mine, platform::claim_job_lease(db_, kBackfillLease, holder_, clock_.now_ms(), lease_));
  return mine ? Step::more : Step::elsewhere;
}

Result<void> IndexBackfill::restart() {
  return db_.write([&](storage::Session& s) { return repo_.reset_backfill(s, clock_.now_ms()); });
}

void IndexBackfill::release() {
  if (auto r = platform::release_job_lease(db_, kBackfillLease, holder_); !r)
    log::error("ai.backfill_release_failed", {{"message", r.error().message}});
}

Result<BackfillProgress> IndexBackfill::progress() {
  BackfillProgress p;
  MERIDIAN_TRY(db_.read([&](storage::Session& s) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(p.run, repo_.backfill(s));
    MERIDIAN_ASSIGN_OR_RETURN(p.index, repo_.status_counts(s));
    return {};
  }));
  if (p.run.state != "done") {
    MERIDIAN_ASSIGN_OR_RETURN(p.remaining, files_.count_files_after(p.run.after_id));
  }
  MERIDIAN_ASSIGN_OR_RETURN(p.holder, platform::job_lease_holder(db_, kBackfillLease, clock_.now_ms()));
  return p;
}

}  // namespace meridian::ai
