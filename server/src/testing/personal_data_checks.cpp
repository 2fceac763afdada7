#include "testing/personal_data_checks.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace meridian::testing {

std::optional<Disclosure> disclose(platform::PersonalDataPort& port, std::int64_t user_id) {
  auto listed = port.list_personal_data(user_id);
  EXPECT_TRUE(listed.ok()) << (listed.ok() ? "" : listed.error().message);
  auto exported = port.export_personal_data(user_id);
  EXPECT_TRUE(exported.ok()) << (exported.ok() ? "" : exported.error().message);
  if (!listed.ok() || !exported.ok()) return std::nullopt;
  boost::system::error_code ec;
  auto json = boost::json::parse(exported->json, ec);
  EXPECT_FALSE(ec) << "the export is not JSON: " << ec.message();
  if (ec) return std::nullopt;
  return Disclosure{std::move(listed->records), std::move(exported->json), std::move(json)};
}

std::int64_t count_of(const std::vector<platform::PersonalRecordCount>& counts, std::string_view kind) {
  for (const auto& c : counts)
    if (c.kind == kind) return c.count;
  return -1;
}

std::optional<platform::ErasureReport> erase_again(platform::PersonalDataPort& port, std::int64_t user_id,
                                                   const std::function<std::vector<std::string>()>& snapshot) {
  const auto before = snapshot();
  auto again = port.erase_personal_data(user_id);
  EXPECT_TRUE(again.ok()) << (again.ok() ? "" : again.error().message);
  if (!again.ok()) return std::nullopt;
  for (const auto& c : again->erased) EXPECT_EQ(c.count, 0) << c.kind;
  EXPECT_EQ(before, snapshot());
  return *again;
}

}  // namespace meridian::testing
