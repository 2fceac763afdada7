#include "meetings/meetings_service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "bus/in_process_bus.hpp"
#include "core/random.hpp"
#include "meetings/room_placement.hpp"
#include "net/realtime.hpp"
#include "platform/job_lease.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"

namespace meridian::meetings {
namespace {

class MeetingsServiceTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    MeetingsOptions o;
    o.public_url = "https://meet.example.test/";
    o.turn_secret = "s3cret";
    o.regions = {{"eu-central", {"turn:eu.example.test:3478"}},
                 {"us-east", {"turn:us.example.test:3478"}},
                 {"ap-south", {"turn:ap.example.test:3478"}}};
    toggles_ = std::make_unique<region::FeatureToggles>(*db_, *audit_, clock_, 0);
    meetings_ = std::make_unique<MeetingsService>(*db_, *identity_, policy_, clock_, o, toggles_.get());
    ana_ = person("ana", UserKind::employee, "PT", "Europe/Lisbon");
    ben_ = person("ben", UserKind::employee, "US", "America/New_York");
    carl_ = person("carl", UserKind::customer, "IN", "Asia/Kolkata");
  }

  Meeting make(const Subject& host, std::vector<std::int64_t> users = {}) {
    NewMeeting in;
    in.title = "Tax review";
    in.user_ids = std::move(users);
    auto m = meetings_->create(host, in);
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
    return m.ok() ? *m : Meeting{};
  }

  static const boost::json::object* message(const Effects& fx, std::uint64_t peer, std::string_view type) {
    for (const auto& d : fx.deliveries)
      if (d.peer_id == peer && d.message.at("type").as_string() == type) return &d.message;
    return nullptr;
  }

  std::unique_ptr<region::FeatureToggles> toggles_;
  std::unique_ptr<MeetingsService> meetings_;
  Subject ana_, ben_, carl_;
};

TEST_P(MeetingsServiceTest, CreatesInstantAndScheduledMeetingsWithALink) {
  auto m = make(ana_, {ben_.user_id, carl_.user_id});
  EXPECT_GT(m.id, 0);
  EXPECT_EQ(m.code.size(), 12u);
  EXPECT_EQ(meetings_->join_url(m), "https://meet.example.test/meet/" + m.code);
  EXPECT_EQ(m.invitees.size(), 2u);
  NewMeeting s;
  s.title = "Quarterly";
  s.kind = MeetingKind::scheduled;
  s.starts_at = clock_.now_ms() + 86'400'000;
  auto scheduled = meetings_->create(ana_, s);
  ASSERT_TRUE(scheduled.ok()) << scheduled.error().message;
  EXPECT_EQ(scheduled->time_zone, "Europe/Lisbon");
  auto got = meetings_->get(ben_, m.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->host_name, "ana");
  EXPECT_EQ(meetings_->mine(ben_)->size(), 1u);
  EXPECT_EQ(meetings_->mine(ana_)->size(), 2u);
}

TEST_P(MeetingsServiceTest, RefusesBadInputAndCustomersCannotHost) {
  NewMeeting in;
  in.title = "  ";
  EXPECT_EQ(meetings_->create(ana_, in).error().code, ErrorCode::invalid_argument);
  in.title = "x";
  in.kind = MeetingKind::scheduled;
  EXPECT_EQ(meetings_->create(ana_, in).error().code, ErrorCode::invalid_argument);  // no starts_at
  in.starts_at = clock_.now_ms() - 3'600'000;
  EXPECT_EQ(meetings_->create(ana_, in).error().code, ErrorCode::invalid_argument);  // past
  in.kind = MeetingKind::instant;
  in.starts_at.reset();
  in.user_ids = {99999};
  EXPECT_EQ(meetings_->create(ana_, in).error().code, ErrorCode::invalid_argument);
  in.user_ids.clear();
  in.cohost_ids = {carl_.user_id};
  EXPECT_EQ(meetings_->create(ana_, in).error().code, ErrorCode::invalid_argument);
  in.cohost_ids.clear();
  EXPECT_EQ(meetings_->create(carl_, in).error().code, ErrorCode::forbidden);
}

TEST_P(MeetingsServiceTest, OnlyHostInviteesAndAdminsSeeAMeeting) {
  auto m = make(ana_);
  EXPECT_EQ(meetings_->get(ben_, m.id).error().code, ErrorCode::not_found);
  EXPECT_EQ(meetings_->get(carl_, m.id).error().code, ErrorCode::not_found);
  EXPECT_TRUE(meetings_->by_code(m.code).ok());
  EXPECT_EQ(meetings_->by_code("nope").error().code, ErrorCode::not_found);
}

TEST_P(MeetingsServiceTest, GuestPassIsScopedToItsMeetingAndExpires) {
  auto m = make(ana_);
  auto other = make(ana_);
  auto pass = meetings_->guest_pass(m.code, " Gina ");
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->display_name, "Gina");
  EXPECT_EQ(pass->token.rfind(kGuestTokenPrefix, 0), 0u);
  auto who = meetings_->authenticate_guest(pass->token);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->scope, meeting_scope(m.id));
  EXPECT_LT(who->user_id, 0);
  EXPECT_EQ(meetings_->get(*who, m.id).error().code, ErrorCode::not_found);
  EXPECT_EQ(meetings_->create(*who, NewMeeting{"x"}).error().code, ErrorCode::forbidden);
  auto wrong_room = meetings_->join(*who, 50, other.code);
  ASSERT_FALSE(wrong_room.ok());
  EXPECT_EQ(wrong_room.error().code, ErrorCode::forbidden);
  EXPECT_EQ(meetings_->authenticate_guest("mg_forged").error().code, ErrorCode::not_found);
  EXPECT_EQ(meetings_->authenticate_guest("session-token").error().code, ErrorCode::not_found);
  EXPECT_EQ(meetings_->guest_pass(m.code, "\x01").error().code, ErrorCode::invalid_argument);
  clock_.advance_ms(meetings_->options().guest_token_ttl_seconds * 1000 + 1);
  EXPECT_EQ(meetings_->authenticate_guest(pass->token).error().code, ErrorCode::unauthenticated);
}

TEST_P(MeetingsServiceTest, GuestWaitsHostAdmitsAndEndRevokesThePass) {
  auto m = make(ana_);
  auto host = meetings_->join(ana_, 1, m.code);
  ASSERT_TRUE(host.ok()) << host.error().message;
  auto joined = message(*host, 1, "meet.joined");
  ASSERT_NE(joined, nullptr);
  EXPECT_EQ(joined->at("you").at("role").as_string(), "host");
  ASSERT_FALSE(joined->at("ice_servers").as_array().empty());
  EXPECT_EQ(joined->at("media_region").at("region").as_string(), "eu-central");
  auto pass = meetings_->guest_pass(m.code, "Gina");
  auto guest = meetings_->authenticate_guest(pass->token);
  auto waiting = meetings_->join(*guest, 2, m.code);
  ASSERT_TRUE(waiting.ok());
  EXPECT_TRUE(message(*waiting, 2, "meet.joined")->at("waiting").as_bool());
  EXPECT_NE(message(*waiting, 1, "meet.lobby"), nullptr);
  // The guest cannot act on the room it only waits in, nor on another.
  EXPECT_EQ(meetings_->command(2, m.id, [](Room& r) { return r.lock(2, true); }).error().code, ErrorCode::forbidden);
  EXPECT_EQ(meetings_->command(2, m.id + 1, [](Room& r) { return r.lock(2, true); }).error().code,
            ErrorCode::forbidden);
  auto admitted = meetings_->command(1, m.id, [](Room& r) { return r.admit(1, 2, true); });
  ASSERT_TRUE(admitted.ok());
  ASSERT_NE(message(*admitted, 2, "meet.admitted"), nullptr);
  EXPECT_TRUE(message(*admitted, 2, "meet.admitted")->contains("ice_servers"));
  EXPECT_EQ(meetings_->end(2, m.id).error().code, ErrorCode::forbidden);
  ASSERT_TRUE(meetings_->end(1, m.id).ok());
  EXPECT_EQ(meetings_->authenticate_guest(pass->token).error().code, ErrorCode::unauthenticated);
  EXPECT_TRUE(meetings_->get(ana_, m.id)->ended_at.has_value());
}

TEST_P(MeetingsServiceTest, AGuestsChatStartsAtTheAdmissionEvenWithinOneMillisecond) {
  // The clock stands still: a time stamp cannot tell "before" from "after" the admission,
  // the chat's sequence numbers can.
  chat::ConversationAccess access(policy_);
  chat::ChatService chat(*db_, policy_, clock_, access);
  MeetingsOptions o = meetings_->options();
  meetings_ = std::make_unique<MeetingsService>(*db_, *identity_, policy_, clock_, o, toggles_.get(), nullptr, &chat,
                                                &access.room_guests());
  auto m = make(ana_);
  ASSERT_TRUE(meetings_->join(ana_, 1, m.code).ok());
  ASSERT_TRUE(meetings_->post_chat(1, m.id, "before the guest", "c1").ok());
  auto pass = meetings_->guest_pass(m.code, "Gina");
  auto guest = meetings_->authenticate_guest(pass->token);
  ASSERT_TRUE(meetings_->join(*guest, 2, m.code).ok());
  ASSERT_TRUE(meetings_->post_chat(1, m.id, "still in the lobby", "c2").ok());
  EXPECT_EQ(meetings_->admit(2, m.id, 2, true).error().code, ErrorCode::forbidden);  // not a host
  auto admitted = meetings_->admit(1, m.id, 2, true);
  ASSERT_TRUE(admitted.ok()) << admitted.error().message;
  ASSERT_NE(message(*admitted, 2, "meet.admitted"), nullptr);
  ASSERT_TRUE(meetings_->post_chat(1, m.id, "welcome", "c3").ok());
  auto seen = meetings_->chat_history(2, m.id, 50);
  ASSERT_TRUE(seen.ok()) << seen.error().message;
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ(seen->front().text, "welcome");
  EXPECT_EQ(meetings_->chat_history(1, m.id, 50)->size(), 3u);  // the host sees it all
}

TEST_P(MeetingsServiceTest, RegionFollowsWhoJoinsAndIceServersPutTheRoomRegionFirst) {
  auto m = make(ana_, {ben_.user_id, carl_.user_id});
  ASSERT_TRUE(meetings_->join(ben_, 1, m.code).ok());  // US alone: us-east
  EXPECT_EQ(meetings_->media_region(ana_, m.id)->region, "us-east");
  auto fx = meetings_->join(carl_, 2, m.code);  // + India: eu-central has the lowest worst case
  ASSERT_TRUE(fx.ok());
  auto changed = message(*fx, 1, "meet.region");
  ASSERT_NE(changed, nullptr);
  EXPECT_EQ(changed->at("media_region").at("region").as_string(), "eu-central");
  // Carl (India) waits in the lobby as an external person; his servers: room region first, then his nearest.
  auto joined = message(*fx, 2, "meet.joined");
  ASSERT_NE(joined, nullptr);
  const auto& ice = joined->at("ice_servers").as_array();
  ASSERT_EQ(ice.size(), 2u);
  EXPECT_EQ(ice[0].at("region").as_string(), "eu-central");
  EXPECT_EQ(ice[1].at("region").as_string(), "ap-south");
  EXPECT_NE(ice[0].at("username").as_string().find(":u"), std::string::npos);
}

TEST_P(MeetingsServiceTest, RecordingKeepsWhoWasThereWhenAndTheirAcknowledgements) {
  auto m = make(ana_, {ben_.user_id});
  ASSERT_TRUE(meetings_->join(ana_, 1, m.code).ok());
  ASSERT_TRUE(meetings_->join(ben_, 2, m.code).ok());
  EXPECT_EQ(meetings_->start_recording(2, m.id).error().code, ErrorCode::forbidden);  // participant
  auto started = meetings_->start_recording(1, m.id);
  ASSERT_TRUE(started.ok()) << started.error().message;
  // Everyone sees the indicator.
  for (std::uint64_t p : {1u, 2u}) {
    auto msg = message(*started, p, "meet.recording");
    ASSERT_NE(msg, nullptr);
    EXPECT_EQ(msg->at("recording").at("started_by").as_string(), "ana");
  }
  EXPECT_EQ(meetings_->start_recording(1, m.id).error().code, ErrorCode::conflict);
  ASSERT_TRUE(meetings_->acknowledge_recording(2, m.id).ok());
  clock_.advance_ms(1000);
  meetings_->leave(2);
  clock_.advance_ms(1000);
  ASSERT_TRUE(meetings_->join(ben_, 3, m.code).ok());  // back, in a new tab
  clock_.advance_ms(1000);
  auto stopped = meetings_->stop_recording(1, m.id);
  ASSERT_TRUE(stopped.ok());
  EXPECT_TRUE(message(*stopped, 3, "meet.recording")->at("recording").is_null());
  EXPECT_EQ(meetings_->stop_recording(1, m.id).error().code, ErrorCode::conflict);

  auto recs = meetings_->recordings(ana_, m.id);
  ASSERT_TRUE(recs.ok());
  ASSERT_EQ(recs->size(), 1u);
  const auto& r = recs->front();
  EXPECT_EQ(r.started_by, ana_.user_id);
  EXPECT_EQ(*r.stopped_at - r.started_at, 3000);
  EXPECT_EQ(r.stop_reason, "stopped");
  ASSERT_EQ(r.participants.size(), 3u);  // ana, ben's first tab, ben's second tab
  EXPECT_EQ(r.participants[1].display_name, "ben");
  EXPECT_TRUE(r.participants[1].acknowledged_at.has_value());
  EXPECT_EQ(*r.participants[1].left_at - r.participants[1].joined_at, 1000);
  EXPECT_FALSE(r.participants[2].acknowledged_at.has_value());
  EXPECT_EQ(r.participants[2].joined_at, r.started_at + 2000);
  EXPECT_EQ(meetings_->recordings(carl_, m.id).error().code, ErrorCode::not_found);
}

TEST_P(MeetingsServiceTest, RecordingIsRefusedWhenSomeoneIsFromACountryThatForbidsIt) {
  region::ToggleChange change;
  change.countries.push_back({"IN", false});
  ASSERT_TRUE(toggles_->change(audit::Actor{}, "meet.recording", change).ok());
  NewMeeting in;
  in.title = "Consultation";
  in.user_ids = {carl_.user_id};
  in.lobby_for_external = false;
  auto m = meetings_->create(ana_, in);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(meetings_->join(ana_, 1, m->code).ok());
  ASSERT_TRUE(meetings_->start_recording(1, m->id).ok());  // only Portugal so far
  ASSERT_TRUE(meetings_->stop_recording(1, m->id).ok());
  ASSERT_TRUE(meetings_->join(carl_, 2, m->code).ok());  // India, admitted (invited, lobby off)
  auto refused = meetings_->start_recording(1, m->id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::forbidden);
  EXPECT_NE(refused.error().message.find("IN"), std::string::npos);
  EXPECT_NE(refused.error().message.find("carl"), std::string::npos);
}

TEST_P(MeetingsServiceTest, EndingTheMeetingStopsTheRecording) {
  auto m = make(ana_);
  ASSERT_TRUE(meetings_->join(ana_, 1, m.code).ok());
  ASSERT_TRUE(meetings_->start_recording(1, m.id).ok());
  ASSERT_TRUE(meetings_->end(1, m.id).ok());
  auto recs = meetings_->recordings(ana_, m.id);
  ASSERT_EQ(recs->size(), 1u);
  EXPECT_EQ(recs->front().stop_reason, "meeting ended");
  EXPECT_TRUE(recs->front().participants[0].left_at.has_value());
}

// Two starts of the recording at once (a double click, two moderators): both pass the
// in-memory "not recording" check before either has stored its recording. A test
// transaction holds the meeting row so that both inserts wait for it (PostgreSQL), then
// lets them go. One recording runs; the other is refused and stopped at once. Before, both
// succeeded and the first stayed "running" in the records forever.
TEST_P(MeetingsServiceTest, TwoStartsAtOnceRecordOnce) {
  if (db_->dialect() != storage::Dialect::postgres) GTEST_SKIP() << "SQLite writes one transaction at a time";
  auto m = make(ana_);
  ASSERT_TRUE(meetings_->join(ana_, 1, m.code).ok());
  Result<Effects> a = make_error(ErrorCode::internal, "not run"), b = a;
  {
    storage::testing::RowLockHolder holder(*db_, "SELECT 1 FROM meetings WHERE id = ? FOR UPDATE", {m.id});
    std::thread ta([&] { a = meetings_->start_recording(1, m.id); });
    std::thread tb([&] { b = meetings_->start_recording(1, m.id); });
    EXPECT_TRUE(storage::testing::wait_for_lock_waiters(*db_, 2));
    EXPECT_TRUE(holder.release());
    ta.join();
    tb.join();
  }
  ASSERT_NE(a.ok(), b.ok()) << "exactly one start records";
  EXPECT_EQ((a.ok() ? b : a).error().code, ErrorCode::conflict);
  auto recs = meetings_->recordings(ana_, m.id);
  ASSERT_TRUE(recs.ok());
  ASSERT_EQ(recs->size(), 2u);
  int running = 0;
  for (const auto& r : *recs) running += r.stop_reason.empty() ? 1 : 0;
  EXPECT_EQ(running, 1);
  ASSERT_TRUE(meetings_->stop_recording(1, m.id).ok());  // the running one is the one the room knows
  recs = meetings_->recordings(ana_, m.id);
  for (const auto& r : *recs) EXPECT_FALSE(r.stop_reason.empty());
}

// Two PATCHes by the host at once, one renaming, one inviting Ben (PostgreSQL: a test
// transaction holds the meeting row until both wait). Each used to write every column
// and the whole invitee list from what it had read, so one change was lost. Now the
// second sees that the meeting changed and applies its patch to the new state.
TEST_P(MeetingsServiceTest, TwoChangesAtOnceBothApply) {
  if (db_->dialect() != storage::Dialect::postgres) GTEST_SKIP() << "SQLite writes one transaction at a time";
  auto m = make(ana_);
  MeetingPatch rename, invite;
  rename.title = "Tax review (moved)";
  invite.user_ids = std::vector<std::int64_t>{ben_.user_id};
  Result<MeetingChange> a = make_error(ErrorCode::internal, "not run"), b = a;
  {
    storage::testing::RowLockHolder holder(*db_, "SELECT 1 FROM meetings WHERE id = ? FOR NO KEY UPDATE", {m.id});
    std::thread ta([&] { a = meetings_->update(ana_, m.id, rename); });
    std::thread tb([&] { b = meetings_->update(ana_, m.id, invite); });
    EXPECT_TRUE(storage::testing::wait_for_lock_waiters(*db_, 2));
    EXPECT_TRUE(holder.release());
    ta.join();
    tb.join();
  }
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  auto after = meetings_->get(ana_, m.id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->title, "Tax review (moved)");
  ASSERT_EQ(after->invitees.size(), 1u);
  EXPECT_EQ(after->invitees.front().user_id, ben_.user_id);
}

// Live rooms are shared by every connection's I/O thread: people join, ask for the room's
// region and leave one room at once, each on their own thread (several tabs each). Every
// join is answered and the room ends up with its host alone. scripts/tsan.sh runs this
// under ThreadSanitizer, which reports any access to the rooms outside their lock.
TEST_P(MeetingsServiceTest, PeopleJoinAndLeaveOneRoomFromManyThreadsAtOnce) {
  auto m = make(ana_, {ben_.user_id});
  ASSERT_TRUE(meetings_->join(ana_, 1, m.code).ok());
  constexpr int kThreads = 4;
  constexpr int kRounds = 8;
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        const auto peer = static_cast<std::uint64_t>(100 + t * kRounds + i);
        if (!meetings_->join(ben_, peer, m.code).ok()) ++refused;
        if (!meetings_->media_region(ben_, m.id).ok()) ++refused;
        meetings_->leave(peer);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(refused.load(), 0);
  auto alone = meetings_->command(1, m.id, [](Room& room) -> Result<Effects> {
    if (room.admitted_count() != 1 || !room.lobby().empty())
      return make_error(ErrorCode::conflict, std::to_string(room.admitted_count()) + " admitted");
    return Effects{};
  });
  EXPECT_TRUE(alone.ok()) << alone.error().message;
  meetings_->leave(1);
}

// Only a join starts a room, so only a join claims the room's lease (a store write on the
// socket's path). Before, any stray meet.* request about a room running nowhere claimed it.
TEST_P(MeetingsServiceTest, OnlyAJoinClaimsARoomOtherRequestsReadWhoRunsIt) {
  using Request = RoomPlacement::Request;
  bus::InProcessBus bus;
  net::RealtimeHub hub;
  RoomPlacement placement(*db_, bus, hub, *meetings_, clock_);
  auto m = make(ana_);
  const std::string lease = "meeting.room." + std::to_string(m.id);
  auto holder = [&] {
    auto h = platform::job_lease_holder(*db_, lease, clock_.now_ms());
    EXPECT_TRUE(h.ok());
    return h.ok() && *h ? **h : std::string("nobody");
  };

  EXPECT_EQ(placement.owner_elsewhere(m.id, Request::other), std::nullopt);  // running nowhere: refused here
  EXPECT_EQ(holder(), "nobody");

  ASSERT_TRUE(platform::claim_job_lease(*db_, lease, "node:77", clock_.now_ms(), std::chrono::seconds(15)).ok());
  EXPECT_EQ(placement.owner_elsewhere(m.id, Request::other), std::optional<std::uint32_t>(77));
  EXPECT_EQ(placement.owner_elsewhere(m.id, Request::join), std::optional<std::uint32_t>(77));
  EXPECT_EQ(holder(), "node:77");

  ASSERT_TRUE(platform::release_job_lease(*db_, lease, "node:77").ok());
  EXPECT_EQ(placement.owner_elsewhere(m.id, Request::join), std::nullopt);  // the join starts it here
  EXPECT_EQ(holder(), "node:" + std::to_string(hub.node_tag()));
}

INSTANTIATE_TEST_SUITE_P(Storage, MeetingsServiceTest, ::testing::ValuesIn(storage::testing::test_database_kinds()));

}  // namespace
}  // namespace meridian::meetings
