#include "platform/job_lease.hpp"

#include <string>

namespace meridian::platform {

Result<bool> claim_job_lease(storage::Database& db, std::string_view name, std::string_view holder, UnixMillis now,
                             std::chrono::milliseconds held_for) {
  // One statement, so two nodes claiming at once cannot both win: the row's lock (PostgreSQL)
  // or the single writer (SQLite) orders them, and the second sees the first's lease.
  return storage::write_value<bool>(db, [&](storage::Session& s) {
    return storage::exec_changed(
        s,
        "INSERT INTO job_leases (name, holder, lease_until) VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until "
        "WHERE job_leases.holder = excluded.holder OR job_leases.lease_until <= ?",
        {std::string(name), std::string(holder), now + held_for.count(), now});
  });
}

Result<std::optional<std::string>> job_lease_holder(storage::Database& db, std::string_view name, UnixMillis now) {
  return storage::read_value<std::optional<std::string>>(db, [&](storage::Session& s) {
    return storage::query_row(s, "SELECT holder FROM job_leases WHERE name = ? AND lease_until > ?",
                              {std::string(name), now}, [](const storage::Row& r) { return r.text(0); });
  });
}

Result<void> release_job_lease(storage::Database& db, std::string_view name, std::string_view holder) {
  return db.write([&](storage::Session& s) -> Result<void> {
    return storage::exec(s, "DELETE FROM job_leases WHERE name = ? AND holder = ?",
                         {std::string(name), std::string(holder)});
  });
}

}  // namespace meridian::platform
