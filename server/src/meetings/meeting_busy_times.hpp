// Meetings' answer to platform::BusyTimes: when people host or are invited to a scheduled
// meeting that is not cancelled, so that scheduling suggests no clashing slot.
#pragma once

#include "platform/ports.hpp"
#include "storage/database.hpp"

namespace meridian::meetings {

class MeetingBusyTimes final : public platform::BusyTimes {
 public:
  explicit MeetingBusyTimes(storage::Database& db) : db_(db) {}
  Result<std::vector<platform::BusyPeriod>> busy(const std::vector<std::int64_t>& user_ids, std::int64_t from,
                                                 std::int64_t to) override;

 private:
  storage::Database& db_;
};

}  // namespace meridian::meetings
