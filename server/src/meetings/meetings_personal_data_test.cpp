#include "meetings/meetings_personal_data.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "meetings/meetings_service.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"
#include "testing/personal_data_checks.hpp"

namespace meridian::meetings {
namespace {

using testing::count_of;

// Webhooks are recorded, never sent: the dispatcher is not started.
class NoPoster final : public HttpPoster {
 public:
  HttpPostResult post(const std::string&, const std::string&, const std::vector<std::pair<std::string, std::string>>&,
                      std::int64_t) override {
    return HttpPostResult{0, "not sent in tests"};
  }
};

class MeetingsPersonalDataTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    WebhookOptions hooks;
    hooks.urls = {"http://127.0.0.1:9/hook"};
    webhooks_ = std::make_unique<WebhookDispatcher>(*db_, clock_, hooks, std::make_unique<NoPoster>());
    MeetingsOptions o;
    o.regions = {{"eu-central", {"turn:eu.example.test:3478"}}};
    meetings_ = std::make_unique<MeetingsService>(*db_, *identity_, policy_, clock_, o, nullptr, webhooks_.get());
    port_ = std::make_unique<MeetingsPersonalData>(*db_);
    ana_ = person("ana");
    ben_ = person("ben");
    carl_ = person("carl");
  }

  Meeting make(const Subject& host, std::vector<std::int64_t> users) {
    NewMeeting in;
    in.title = "Tax review";
    in.user_ids = std::move(users);
    auto m = meetings_->create(host, in);
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
    return m.ok() ? *m : Meeting{};
  }

  std::vector<std::string> everything() {
    return rows_of({"SELECT * FROM meetings ORDER BY id", "SELECT * FROM meeting_invitees ORDER BY meeting_id, user_id",
                    "SELECT * FROM meeting_guests ORDER BY id", "SELECT * FROM meeting_recordings ORDER BY id",
                    "SELECT * FROM meeting_recording_presence ORDER BY id",
                    "SELECT * FROM webhook_deliveries ORDER BY id"});
  }

  // Everything that names one person by id.
  std::vector<std::string> of(std::int64_t id) {
    return rows_of({"SELECT * FROM meeting_invitees WHERE user_id = ? ORDER BY meeting_id",
                    "SELECT * FROM meeting_recording_presence WHERE user_id = ? ORDER BY id",
                    "SELECT * FROM meeting_guests WHERE user_id = ? ORDER BY id"},
                   {id});
  }

  std::unique_ptr<WebhookDispatcher> webhooks_;
  std::unique_ptr<MeetingsService> meetings_;
  std::unique_ptr<MeetingsPersonalData> port_;
  Subject ana_, ben_, carl_;
};

// Restriction of processing (GDPR art. 18, privacy/): a restricted person's name does not
// go to integrations; the recording itself (shown in the meeting) still lists them.
TEST_P(MeetingsPersonalDataTest, ARestrictedPersonsNameIsNotSentToWebhooks) {
  identity::UserChange change;
  change.gdpr_restrict_processing = true;
  ASSERT_TRUE(identity_->update_user(audit::Actor{}, ben_.user_id, change).ok());
  auto m = make(ana_, {ben_.user_id, carl_.user_id});
  ASSERT_TRUE(meetings_->join(ana_, 1, m.code).ok());
  ASSERT_TRUE(meetings_->join(ben_, 2, m.code).ok());
  ASSERT_TRUE(meetings_->join(carl_, 3, m.code).ok());
  ASSERT_TRUE(meetings_->start_recording(1, m.id).ok());
  const auto payloads = rows("SELECT payload FROM webhook_deliveries WHERE event = 'recording.started'");
  ASSERT_EQ(payloads.size(), 1u);
  EXPECT_EQ(payloads[0].find("\"ben\""), std::string::npos) << payloads[0];
  EXPECT_NE(payloads[0].find("\"ana\""), std::string::npos) << payloads[0];
  EXPECT_NE(payloads[0].find("\"carl\""), std::string::npos) << payloads[0];
  EXPECT_NE(payloads[0].find("{\"display_name\":null,\"role\":\"participant\"}"), std::string::npos) << payloads[0];
  EXPECT_EQ(rows("SELECT display_name FROM meeting_recording_presence WHERE user_id = ?", {ben_.user_id}),
            std::vector<std::string>{"ben|"});
  // The host restricted: their name goes too.
  ASSERT_TRUE(identity_->update_user(audit::Actor{}, ana_.user_id, change).ok());
  ASSERT_TRUE(meetings_->stop_recording(1, m.id).ok());
  ASSERT_TRUE(meetings_->start_recording(1, m.id).ok());
  const auto second = rows("SELECT payload FROM webhook_deliveries WHERE event = 'recording.started' ORDER BY id");
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[1].find("\"ana\""), std::string::npos) << second[1];
  meetings_->leave(1);
  meetings_->leave(2);
  meetings_->leave(3);
}

TEST_P(MeetingsPersonalDataTest, ErasureLeavesNothingOfThePersonButTheMeetingsTheyHosted) {
  // Ana hosts and records with Ben present; Ben acknowledges.
  auto ana_meeting = make(ana_, {ben_.user_id, carl_.user_id});
  ASSERT_TRUE(meetings_->join(ana_, 1, ana_meeting.code).ok());
  ASSERT_TRUE(meetings_->join(ben_, 2, ana_meeting.code).ok());
  ASSERT_TRUE(meetings_->start_recording(1, ana_meeting.id).ok());
  ASSERT_TRUE(meetings_->acknowledge_recording(2, ana_meeting.id).ok());
  // Ben hosts and records with Carl present.
  auto ben_meeting = make(ben_, {carl_.user_id});
  ASSERT_TRUE(meetings_->join(ben_, 3, ben_meeting.code).ok());
  ASSERT_TRUE(meetings_->join(carl_, 4, ben_meeting.code).ok());
  ASSERT_TRUE(meetings_->start_recording(3, ben_meeting.id).ok());
  ASSERT_TRUE(meetings_->acknowledge_recording(4, ben_meeting.id).ok());
  meetings_->leave(1);
  meetings_->leave(2);
  meetings_->leave(3);
  meetings_->leave(4);
  ASSERT_EQ(rows("SELECT id FROM webhook_deliveries WHERE payload LIKE '%\"ben\"%'").size(), 2u);

  const auto seen = testing::disclose(*port_, ben_.user_id);
  ASSERT_TRUE(seen);
  EXPECT_EQ(count_of(seen->records, "meetings.invitations"), 1);
  EXPECT_EQ(count_of(seen->records, "meetings.recording_presence"), 2);
  EXPECT_EQ(count_of(seen->records, "meetings.hosted"), 1);
  EXPECT_EQ(count_of(seen->records, "meetings.recordings_started"), 1);
  const auto& json = seen->json;
  EXPECT_EQ(json.at("invitations").as_array().size(), 1u);
  EXPECT_EQ(json.at("hosted").as_array().size(), 1u);

  const auto ana_before = of(ana_.user_id);
  const auto carl_before = of(carl_.user_id);
  auto report = port_->erase_personal_data(ben_.user_id);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(count_of(report->erased, "meetings.invitations"), 1);
  EXPECT_EQ(count_of(report->erased, "meetings.recording_presence"), 2);
  EXPECT_EQ(count_of(report->pseudonymised, "meetings.hosted"), 1);
  EXPECT_EQ(count_of(report->pseudonymised, "meetings.webhook_deliveries"), 2);

  EXPECT_TRUE(of(ben_.user_id).empty());
  EXPECT_EQ(rows("SELECT started_by_name FROM meeting_recordings WHERE started_by = ?", {ben_.user_id}),
            std::vector<std::string>{"Former user|"});
  EXPECT_TRUE(rows("SELECT id FROM webhook_deliveries WHERE payload LIKE '%\"ben\"%'").empty());
  // Ana's recording still names her and Carl was never there; Ben's meeting stays.
  EXPECT_EQ(rows("SELECT id FROM webhook_deliveries WHERE payload LIKE '%\"ana\"%'").size(), 1u);
  EXPECT_EQ(rows("SELECT id FROM meetings WHERE host_id = ?", {ben_.user_id}).size(), 1u);
  EXPECT_EQ(ana_before, of(ana_.user_id));
  EXPECT_EQ(carl_before, of(carl_.user_id));

  auto again = testing::erase_again(*port_, ben_.user_id, [&] { return everything(); });
  ASSERT_TRUE(again);
  EXPECT_EQ(count_of(again->pseudonymised, "meetings.hosted"), 1);
}

TEST_P(MeetingsPersonalDataTest, AGuestAccountLosesItsPassesAndPresence) {
  auto m = make(ana_, {});
  ASSERT_TRUE(meetings_->join(ana_, 1, m.code).ok());
  auto pass = meetings_->guest_pass(m.code, "Gina");
  ASSERT_TRUE(pass.ok());
  auto guest = meetings_->authenticate_guest(pass->token);
  ASSERT_TRUE(meetings_->join(*guest, 2, m.code).ok());
  ASSERT_TRUE(meetings_->admit(1, m.id, 2, true).ok());
  ASSERT_TRUE(meetings_->start_recording(1, m.id).ok());
  // The account a guest writes in the chat as (MeetingsService makes it on the first message).
  auto account = identity_->create_meeting_guest_account("meeting-guest-1@guests.invalid", "Gina", "PT", "UTC");
  ASSERT_TRUE(account.ok());
  ASSERT_TRUE(db_->write([&](storage::Session& s) -> Result<void> {
                   auto n = s.execute("UPDATE meeting_guests SET user_id = ?", {*account});
                   if (!n.ok()) return n.error();
                   return {};
                 })
                  .ok());
  ASSERT_EQ(rows("SELECT id FROM meeting_recording_presence WHERE display_name = 'Gina'").size(), 1u);

  auto report = port_->erase_personal_data(*account);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(count_of(report->erased, "meetings.guest_passes"), 1);
  EXPECT_EQ(count_of(report->erased, "meetings.recording_presence"), 1);
  EXPECT_TRUE(rows("SELECT id FROM meeting_guests").empty());
  EXPECT_TRUE(rows("SELECT id FROM meeting_recording_presence WHERE display_name = 'Gina'").empty());
  EXPECT_TRUE(rows("SELECT id FROM webhook_deliveries WHERE payload LIKE '%Gina%'").empty());
  EXPECT_EQ(rows("SELECT id FROM meeting_recording_presence").size(), 1u);  // Ana's
}

INSTANTIATE_TEST_SUITE_P(Stores, MeetingsPersonalDataTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::meetings
