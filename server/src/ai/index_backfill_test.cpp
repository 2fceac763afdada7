// The backfill of the file index: files stored before the index existed become answerable,
// one node at a time, going on from its checkpoint after a restart or a node's death, and
// answers still honour who may read what now.
#include <gtest/gtest.h>

#include <algorithm>

#include "ai/ai_test_support.hpp"
#include "ai/index_backfill.hpp"
#include "platform/job_lease.hpp"
#include "storage/testing/test_database.hpp"

namespace meridian::ai {
namespace {

class IndexBackfillTest : public testing::AiTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(AiTest::SetUp());
    ana_ = person("ana");
    ben_ = person("ben");
  }

  std::unique_ptr<IndexBackfill> node(const std::string& holder, std::int64_t batch = 2) {
    return std::make_unique<IndexBackfill>(*db_, *files_, *index_, clock_, holder, batch);
  }

  IndexBackfill::Step step(IndexBackfill& b) {
    auto s = b.step();
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? *s : IndexBackfill::Step::done;
  }

  void run_to_end(IndexBackfill& b) {
    for (int i = 0; i < 100; ++i)
      if (step(b) == IndexBackfill::Step::done) return;
    FAIL() << "the backfill did not end";
  }

  BackfillProgress progress(IndexBackfill& b) {
    auto p = b.progress();
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
    return p.ok() ? *p : BackfillProgress{};
  }

  std::vector<std::int64_t> cited(const Subject& who, const std::string& q) {
    auto a = ai_->ask(who, q, {.all = true});
    EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error().message);
    std::vector<std::int64_t> out;
    if (a)
      for (const auto& c : a->citations) out.push_back(c.file_id);
    return out;
  }

  UnixMillis indexed_at(std::int64_t file_id) {
    auto d = index_->document(file_id);
    EXPECT_TRUE(d.ok() && d->has_value()) << "file " << file_id << " is not indexed";
    return d.ok() && *d ? (*d)->updated_at : 0;
  }

  // Five of Ana's files, stored before the index existed.
  std::vector<files::Node> five_old_files() {
    std::vector<files::Node> out;
    const char* topics[] = {"refunds", "travel", "payroll", "security", "onboarding"};
    for (const char* t : topics)
      out.push_back(store_unindexed(
          ana_, personal_space(ana_), 0, std::string(t) + ".md",
          std::string("# ") + t + "\nThe " + t + " policy changed in March: ask the " + t + " desk before acting.\n"));
    return out;
  }

  Subject ana_, ben_;
};

TEST_P(IndexBackfillTest, FilesStoredBeforeTheIndexBecomeAnswerable) {
  const auto old = five_old_files();
  EXPECT_TRUE(cited(ana_, "What about payroll?").empty());  // nothing indexed yet
  auto b = node("node-a");
  auto before = progress(*b);
  EXPECT_EQ(before.run.state, "pending");
  EXPECT_EQ(before.run.handled, 0);
  EXPECT_EQ(before.remaining, 5);

  EXPECT_EQ(step(*b), IndexBackfill::Step::more);
  auto midway = progress(*b);
  EXPECT_EQ(midway.run.state, "running");
  EXPECT_EQ(midway.run.handled, 2);
  EXPECT_EQ(midway.remaining, 3);
  EXPECT_EQ(midway.holder, "node-a");
  EXPECT_EQ(midway.index["ready"], 2);

  ASSERT_NO_FATAL_FAILURE(run_to_end(*b));
  auto after = progress(*b);
  EXPECT_EQ(after.run.state, "done");
  EXPECT_EQ(after.run.handled, 5);
  EXPECT_EQ(after.run.indexed, 5);
  EXPECT_EQ(after.run.failed, 0);
  EXPECT_EQ(after.remaining, 0);
  EXPECT_GT(after.run.finished_at, 0);
  EXPECT_FALSE(after.holder.has_value());  // given up once done
  EXPECT_EQ(cited(ana_, "What about payroll?"), std::vector<std::int64_t>{old[2].id});
  // Done stays done: the next start of a node does nothing.
  EXPECT_EQ(step(*node("node-b")), IndexBackfill::Step::done);
}

// What the backfill did not read is counted apart, not as indexed: files of a person who
// restricted the processing of their data, files of a kind it does not read; a failure is
// counted and the last one kept (which file, why).
TEST_P(IndexBackfillTest, SkippedFilesAreCountedApartAndTheLastFailureIsKept) {
  index_->leave_out_restricted(*exclusions_);
  const auto readable = store_unindexed(ana_, personal_space(ana_), 0, "refunds.md", "# Refunds\nWithin 30 days.\n");
  store_unindexed(ben_, personal_space(ben_), 0, "bens-plan.md", "# Plan\nFalcon launch in May.\n");
  store_unindexed(ben_, personal_space(ben_), 0, "bens-notes.txt", "Falcon budget notes.");
  store_unindexed(ana_, personal_space(ana_), 0, "chart.png", "\x89PNG not text", "image/png");
  const auto broken =
      store_unindexed(ana_, personal_space(ana_), 0, "minutes.docx", "PK\x03\x04 not really a zip", "application/zip");
  identity::UserChange change;
  change.gdpr_restrict_processing = true;
  ASSERT_TRUE(identity_->update_user(audit::Actor{}, ben_.user_id, change).ok());

  auto b = node("node-a", 16);
  ASSERT_NO_FATAL_FAILURE(run_to_end(*b));
  auto p = progress(*b);
  EXPECT_EQ(p.run.handled, 5);
  EXPECT_EQ(p.run.indexed, 1);
  EXPECT_EQ(p.run.skipped_restricted, 2);
  EXPECT_EQ(p.run.skipped_unsupported, 1);
  EXPECT_EQ(p.run.failed, 1);
  EXPECT_EQ(p.run.last_error_file_id, broken.id);
  EXPECT_NE(p.run.last_error.find("not a readable Office file"), std::string::npos) << p.run.last_error;
  EXPECT_GT(p.run.last_error_at, 0);
  EXPECT_EQ(p.index["restricted"], 2);
  EXPECT_EQ(cited(ana_, "refunds days"), std::vector<std::int64_t>{readable.id});

  // A new run starts its figures and its last error afresh.
  ASSERT_TRUE(b->restart().ok());
  auto fresh = progress(*b);
  EXPECT_EQ(fresh.run.skipped_restricted, 0);
  EXPECT_EQ(fresh.run.skipped_unsupported, 0);
  EXPECT_EQ(fresh.run.last_error, "");
  EXPECT_EQ(fresh.run.last_error_file_id, 0);
}

TEST_P(IndexBackfillTest, ARestartGoesOnFromTheCheckpointAndIndexesNothingTwice) {
  const auto old = five_old_files();
  {
    auto a = node("node-a");
    EXPECT_EQ(step(*a), IndexBackfill::Step::more);
    a->release();  // a node that stops gives the lease up
  }
  const auto first = indexed_at(old[0].id);
  const auto second = indexed_at(old[1].id);
  clock_.advance_ms(1000);
  auto again = node("node-a-restarted");
  EXPECT_EQ(step(*again), IndexBackfill::Step::more);
  auto p = progress(*again);
  EXPECT_EQ(p.run.handled, 4);
  EXPECT_EQ(p.run.after_id, old[3].id);
  EXPECT_EQ(indexed_at(old[0].id), first);  // not indexed again
  EXPECT_EQ(indexed_at(old[1].id), second);
  ASSERT_NO_FATAL_FAILURE(run_to_end(*again));
  p = progress(*again);
  EXPECT_EQ(p.run.handled, 5);
  EXPECT_EQ(p.run.indexed, 5);
}

TEST_P(IndexBackfillTest, OneNodeAtATimeAndAnotherTakesOverWhenItDies) {
  const auto old = five_old_files();
  auto a = node("node-a");
  auto b = node("node-b");
  EXPECT_EQ(step(*a), IndexBackfill::Step::more);
  // Node b is refused while node a holds the lease, and changes nothing.
  EXPECT_EQ(step(*b), IndexBackfill::Step::elsewhere);
  EXPECT_EQ(progress(*b).run.handled, 2);
  // Node a dies (no release): its lease runs out and node b goes on from the checkpoint.
  clock_.advance_ms(61'000);
  EXPECT_EQ(step(*b), IndexBackfill::Step::more);
  EXPECT_EQ(progress(*b).run.handled, 4);
  EXPECT_EQ(progress(*b).holder, "node-b");
  // Node a, back, is refused now.
  EXPECT_EQ(step(*a), IndexBackfill::Step::elsewhere);
  ASSERT_NO_FATAL_FAILURE(run_to_end(*b));
  EXPECT_EQ(progress(*b).run.handled, 5);
  EXPECT_EQ(progress(*b).run.indexed, 5);
  EXPECT_EQ(step(*a), IndexBackfill::Step::done);
}

TEST_P(IndexBackfillTest, ACheckpointMovedByAnotherNodeIsNotWrittenOver) {
  five_old_files();
  auto a = node("node-a", 1);
  EXPECT_EQ(step(*a), IndexBackfill::Step::more);
  AiRepository repo;
  auto seen = storage::read_value<BackfillRecord>(*db_, [&](storage::Session& s) { return repo.backfill(s); });
  ASSERT_TRUE(seen.ok());
  // Node a stalls past its lease; node b takes over and moves the checkpoint.
  clock_.advance_ms(61'000);
  auto b = node("node-b", 1);
  EXPECT_EQ(step(*b), IndexBackfill::Step::more);
  // Node a's save from what it saw is refused: it stops instead of going back.
  auto stale = *seen;
  ++stale.after_id;
  ++stale.handled;
  auto saved = storage::write_value<bool>(
      *db_, [&](storage::Session& s) { return repo.save_backfill(s, stale, seen->after_id, seen->state); });
  ASSERT_TRUE(saved.ok());
  EXPECT_FALSE(*saved);
  EXPECT_EQ(progress(*b).run.handled, 2);
  EXPECT_EQ(step(*a), IndexBackfill::Step::elsewhere);
}

TEST_P(IndexBackfillTest, FilesTheUploadsIndexedAreCountedNotIndexedAgain) {
  const auto old =
      store_unindexed(ana_, personal_space(ana_), 0, "old.md", "# Old\nThe archive moved to the basement.");
  const auto fresh = upload(ana_, personal_space(ana_), 0, "new.md", "# New\nThe canteen opens at noon.");
  const auto fresh_at = indexed_at(fresh.id);
  clock_.advance_ms(1000);
  auto b = node("node-a", 10);
  ASSERT_NO_FATAL_FAILURE(run_to_end(*b));
  auto p = progress(*b);
  EXPECT_EQ(p.run.handled, 2);
  EXPECT_EQ(p.run.indexed, 1);
  EXPECT_EQ(indexed_at(fresh.id), fresh_at);
  EXPECT_EQ(cited(ana_, "archive basement"), std::vector<std::int64_t>{old.id});
}

TEST_P(IndexBackfillTest, AnswersStillHonourWhoMayReadNow) {
  const auto bens = store_unindexed(ben_, personal_space(ben_), 0, "salaries.md",
                                    "# Salaries\nThe salary bands for engineers rise by four percent.");
  const files::Caller ben{ben_, "192.0.2.7", "PT"};
  auto grant = files_->add_grant(ben, bens.space_id, bens.id, "user", ana_.user_id, files::FileRole::viewer);
  ASSERT_TRUE(grant.ok()) << grant.error().message;
  auto b = node("node-a");
  ASSERT_NO_FATAL_FAILURE(run_to_end(*b));
  EXPECT_EQ(cited(ana_, "salary bands engineers"), std::vector<std::int64_t>{bens.id});
  // Access revoked after the backfill indexed the file: it is never cited to Ana again.
  ASSERT_TRUE(files_->remove_grant(ben, grant->id).ok());
  EXPECT_TRUE(cited(ana_, "salary bands engineers").empty());
  EXPECT_EQ(cited(ben_, "salary bands engineers"), std::vector<std::int64_t>{bens.id});
}

TEST_P(IndexBackfillTest, RestartWalksEveryFileAgain) {
  five_old_files();
  auto b = node("node-a", 10);
  ASSERT_NO_FATAL_FAILURE(run_to_end(*b));
  store_unindexed(ana_, personal_space(ana_), 0, "later.md", "# Later\nStored while indexing was off.");
  ASSERT_TRUE(b->restart().ok());
  auto p = progress(*b);
  EXPECT_EQ(p.run.state, "pending");
  EXPECT_EQ(p.remaining, 6);
  ASSERT_NO_FATAL_FAILURE(run_to_end(*b));
  p = progress(*b);
  EXPECT_EQ(p.run.handled, 6);
  EXPECT_EQ(p.run.indexed, 1);  // the five were current already
}

INSTANTIATE_TEST_SUITE_P(Stores, IndexBackfillTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::ai
