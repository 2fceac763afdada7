// What every personal data port (platform/personal_data.hpp) is checked for beside its
// module's own cases: what it lists and exports of a person, its counts read by kind, and an
// erasure that, done again, erases nothing more and changes nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "platform/personal_data.hpp"

namespace meridian::testing {

// What the port lists and exports of one person.
struct Disclosure {
  std::vector<platform::PersonalRecordCount> records;  // list_personal_data
  std::string text;                                    // export_personal_data, as written
  boost::json::value json;                             // the same, parsed
};

// Lists and exports the person's data; nothing (and a test failure saying why) when the port
// refuses either or the export is not JSON.
std::optional<Disclosure> disclose(platform::PersonalDataPort& port, std::int64_t user_id);

// The count of that kind of record; -1 when the port does not name the kind.
std::int64_t count_of(const std::vector<platform::PersonalRecordCount>& counts, std::string_view kind);

// Erases the person's data a second time: the port answers, erases nothing (every count 0)
// and leaves what `snapshot` reads as it was. Answers the second report, for what the
// module says it still keeps and why; nothing when the port failed.
std::optional<platform::ErasureReport> erase_again(platform::PersonalDataPort& port, std::int64_t user_id,
                                                   const std::function<std::vector<std::string>()>& snapshot);

}  // namespace meridian::testing
