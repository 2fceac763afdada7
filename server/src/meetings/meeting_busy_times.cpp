#include "meetings/meeting_busy_times.hpp"

#include <string>

namespace meridian::meetings {

Result<std::vector<platform::BusyPeriod>> MeetingBusyTimes::busy(const std::vector<std::int64_t>& user_ids,
                                                                 std::int64_t from, std::int64_t to) {
  std::vector<platform::BusyPeriod> out;
  if (user_ids.empty() || to <= from) return out;
  std::string in;
  for (std::size_t i = 0; i < user_ids.size(); ++i) in += i ? ", ?" : "?";
  // A meeting lasts at most a day (meetings' own limit), so starts a day before `from` suffice.
  const std::string window =
      " m.starts_at IS NOT NULL AND m.cancelled_at IS NULL AND m.starts_at < ? AND m.starts_at >= ?"
      " AND m.starts_at + m.duration_minutes * 60000 > ?";
  storage::Params params;
  for (auto id : user_ids) params.emplace_back(id);
  for (auto v : {to, from - 86'400'000, from}) params.emplace_back(v);
  for (auto id : user_ids) params.emplace_back(id);
  for (auto v : {to, from - 86'400'000, from}) params.emplace_back(v);
  auto r = db_.read([&](storage::Session& s) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(
        out,
        storage::query_rows(
            s,
            "SELECT m.host_id, m.starts_at, m.duration_minutes FROM meetings m WHERE m.host_id IN (" + in + ") AND" +
                window +
                " UNION ALL SELECT i.user_id, m.starts_at, m.duration_minutes FROM meeting_invitees i "
                "JOIN meetings m ON m.id = i.meeting_id WHERE i.user_id IN (" +
                in + ") AND" + window,
            params, [](const storage::Row& row) {
              return platform::BusyPeriod{row.integer(0), row.integer(1), row.integer(1) + row.integer(2) * 60'000};
            }));
    return {};
  });
  if (!r.ok()) return r.error();
  return out;
}

}  // namespace meridian::meetings
