#include "ai/usage_ledger.hpp"

#include <chrono>

#include "ai/ai_repository.hpp"

namespace meridian::ai {
namespace {

using namespace std::chrono;

constexpr std::int64_t kDayMs = 86'400'000;

std::int64_t day_of(UnixMillis at) { return at >= 0 ? at / kDayMs : (at - kDayMs + 1) / kDayMs; }

// The first day of the month holding `day`, and of the next month (days since 1970-01-01, UTC).
std::pair<std::int64_t, std::int64_t> month_of(std::int64_t day) {
  const year_month_day ymd{sys_days{days{day}}};
  const year_month_day first{ymd.year(), ymd.month(), std::chrono::day{1}};
  const year_month_day next = first + months{1};
  return {sys_days{first}.time_since_epoch().count(), sys_days{next}.time_since_epoch().count()};
}

}  // namespace

Result<BudgetState> UsageLedger::state(std::int64_t user_id, std::int64_t person_day_limit,
                                       std::int64_t organisation_month_limit) {
  BudgetState out;
  out.now = clock_.now_ms();
  const auto today = day_of(out.now);
  const auto [first, next] = month_of(today);
  out.person_day.limit = person_day_limit;
  out.person_day.resets_at = (today + 1) * kDayMs;
  out.organisation_month.limit = organisation_month_limit;
  out.organisation_month.resets_at = next * kDayMs;
  MERIDIAN_TRY(db_.read([&](storage::Session& s) -> Result<void> {
    AiRepository repo;
    MERIDIAN_ASSIGN_OR_RETURN(out.person_day.used, repo.usage_of(s, user_id, today, today + 1));
    MERIDIAN_ASSIGN_OR_RETURN(out.organisation_month.used, repo.usage_of(s, 0, first, next));
    return {};
  }));
  return out;
}

Result<void> UsageLedger::record(std::int64_t user_id, std::int64_t tokens) {
  if (tokens <= 0) return {};
  const auto today = day_of(clock_.now_ms());
  return db_.write([&](storage::Session& s) { return AiRepository{}.add_usage(s, user_id, today, tokens); });
}

}  // namespace meridian::ai
