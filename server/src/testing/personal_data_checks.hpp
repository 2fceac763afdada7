// What every personal data port (platform/personal_data.hpp) is checked for beside its
// module's own cases: its counts read by kind, and an erasure that, done again, erases
// nothing more and changes nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/personal_data.hpp"

namespace meridian::testing {

// The count of that kind of record; -1 when the port does not name the kind.
std::int64_t count_of(const std::vector<platform::PersonalRecordCount>& counts, std::string_view kind);

// Erases the person's data a second time: the port answers, erases nothing (every count 0)
// and leaves what `snapshot` reads as it was. Answers the second report, for what the
// module says it still keeps and why; nothing when the port failed.
std::optional<platform::ErasureReport> erase_again(platform::PersonalDataPort& port, std::int64_t user_id,
                                                   const std::function<std::vector<std::string>()>& snapshot);

}  // namespace meridian::testing
