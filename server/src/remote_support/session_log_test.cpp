#include "remote_support/session_log.hpp"

#include <gtest/gtest.h>

#include "core/random.hpp"

namespace meridian::remote_support {
namespace {

std::vector<LogEntry> chain_of(int n) {
  std::vector<LogEntry> out;
  std::optional<LogEntry> last;
  for (int i = 0; i < n; ++i) {
    LogEntry e;
    e.session_id = 7;
    e.at = 1'700'000'000'000 + i;
    e.actor = i % 2 ? "caller:7" : "agent:3";
    e.event = "consent_asked";
    e.country = "DE";
    e.data = R"({"step":"view"})";
    last = chained(last, e);
    out.push_back(*last);
  }
  return out;
}

TEST(SessionLog, EachEntryCarriesTheHashOfTheOneBefore) {
  init_crypto();
  auto log = chain_of(4);
  EXPECT_EQ(log[0].prev_hash, kGenesisHash);
  EXPECT_EQ(log[0].seq, 1);
  for (std::size_t i = 1; i < log.size(); ++i) {
    EXPECT_EQ(log[i].prev_hash, log[i - 1].hash);
    EXPECT_EQ(log[i].seq, static_cast<std::int64_t>(i + 1));
  }
  EXPECT_TRUE(verify_chain(log).intact);
  EXPECT_TRUE(verify_chain({}).intact);
}

TEST(SessionLog, AChangedFieldIsDetectedAtItsEntry) {
  init_crypto();
  for (auto tamper : std::vector<std::function<void(LogEntry&)>>{
           [](LogEntry& e) { e.event = "consent_granted"; }, [](LogEntry& e) { e.data = R"({"step":"chat"})"; },
           [](LogEntry& e) { e.actor = "agent:4"; }, [](LogEntry& e) { e.at += 1; },
           [](LogEntry& e) { e.country = "PT"; }}) {
    auto log = chain_of(5);
    tamper(log[2]);
    auto check = verify_chain(log);
    EXPECT_FALSE(check.intact);
    EXPECT_EQ(check.first_bad_seq, 3);
  }
}

TEST(SessionLog, ARewrittenHashBreaksTheNextLinkAndAGapIsNoticed) {
  init_crypto();
  auto log = chain_of(5);
  log[1].event = "consent_granted";
  log[1].hash = entry_hash(log[1]);  // recomputed by the tamperer
  auto check = verify_chain(log);
  EXPECT_FALSE(check.intact);
  EXPECT_EQ(check.first_bad_seq, 3);

  auto gap = chain_of(5);
  gap.erase(gap.begin() + 2);
  EXPECT_FALSE(verify_chain(gap).intact);
}

}  // namespace
}  // namespace meridian::remote_support
