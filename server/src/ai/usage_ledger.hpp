// The tokens each person spent on external AI providers, per UTC day (ai_usage), and the
// budgets read from it: per person per day and for the whole organisation per calendar
// month (UTC). Built-in answers cost nothing and are not counted. Tokens are estimated
// from the text sent and received (text.hpp, estimate_tokens), the same for every provider.
#pragma once

#include <cstdint>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace meridian::ai {

struct Budget {
  std::int64_t limit = 0;  // 0: none
  std::int64_t used = 0;
  UnixMillis resets_at = 0;
  bool spent() const { return limit > 0 && used >= limit; }
  std::int64_t left() const { return limit > used ? limit - used : 0; }
};

struct BudgetState {
  UnixMillis now = 0;  // when it was read
  Budget person_day;
  Budget organisation_month;
};

class UsageLedger final {
 public:
  UsageLedger(storage::Database& db, const Clock& clock) : db_(db), clock_(clock) {}
  // What this person and the organisation used today and this month, against these limits.
  Result<BudgetState> state(std::int64_t user_id, std::int64_t person_day_limit, std::int64_t organisation_month_limit);
  Result<void> record(std::int64_t user_id, std::int64_t tokens);

 private:
  storage::Database& db_;
  const Clock& clock_;
};

}  // namespace meridian::ai
