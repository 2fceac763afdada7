// Tests: people who work around the clock, so that info and warning alerts reach them at
// once whatever the test's clock says (quiet hours are tested on their own).
#pragma once

#include <cstdint>
#include <initializer_list>

#include <gtest/gtest.h>

#include "storage/database.hpp"

namespace meridian::alerts {

inline void always_working(storage::Database& db, std::initializer_list<std::int64_t> user_ids) {
  for (auto id : user_ids) {
    auto done = db.write([id](storage::Session& s) {
      return storage::exec(s,
                           "UPDATE users SET work_start_minute = 0, work_end_minute = 1440, "
                           "work_days = '1,2,3,4,5,6,7' WHERE id = ?",
                           {id});
    });
    ASSERT_TRUE(done.ok()) << done.error().message;
  }
}

}  // namespace meridian::alerts
