#include "meetings/room.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace meridian::meetings {
namespace {

Peer person(std::uint64_t peer, MeetingRole role, bool external = false, bool invited = true) {
  Peer p;
  p.peer_id = peer;
  p.user_id = role == MeetingRole::guest ? -static_cast<std::int64_t>(peer) : static_cast<std::int64_t>(peer);
  p.display_name = "p" + std::to_string(peer);
  p.role = role;
  p.external = external || role == MeetingRole::guest;
  p.invited = invited;
  return p;
}

std::vector<std::string> types_for(const Effects& fx, std::uint64_t peer) {
  std::vector<std::string> out;
  for (const auto& d : fx.deliveries)
    if (d.peer_id == peer) out.emplace_back(d.message.at("type").as_string());
  return out;
}

bool got(const Effects& fx, std::uint64_t peer, std::string_view type) {
  for (const auto& t : types_for(fx, peer))
    if (t == type) return true;
  return false;
}

class RoomTest : public ::testing::Test {
 protected:
  // host 1, co-host 2, participant 3, guest 4 (admitted), guest 5 in the lobby.
  void SetUp() override {
    ASSERT_TRUE(room_.join(person(1, MeetingRole::host)).ok());
    ASSERT_TRUE(room_.join(person(2, MeetingRole::cohost)).ok());
    ASSERT_TRUE(room_.join(person(3, MeetingRole::participant)).ok());
    ASSERT_TRUE(room_.join(person(4, MeetingRole::guest)).ok());
    ASSERT_TRUE(room_.admit(1, 4, true).ok());
    ASSERT_TRUE(room_.join(person(5, MeetingRole::guest)).ok());
  }
  Room room_{7, RoomSettings{}};
};

TEST_F(RoomTest, HostsAndInternalPeopleEnterGuestsWaitInTheLobby) {
  EXPECT_TRUE(room_.peer(1)->admitted);
  EXPECT_TRUE(room_.peer(3)->admitted);
  EXPECT_FALSE(room_.peer(5)->admitted);
  EXPECT_EQ(room_.admitted_count(), 4u);
  EXPECT_EQ(room_.lobby().size(), 1u);
}

TEST_F(RoomTest, LobbyChangesGoToHostsAndCohostsOnly) {
  auto fx = room_.join(person(6, MeetingRole::guest));
  ASSERT_TRUE(fx.ok());
  EXPECT_TRUE(got(*fx, 1, "meet.lobby"));
  EXPECT_TRUE(got(*fx, 2, "meet.lobby"));
  EXPECT_FALSE(got(*fx, 3, "meet.lobby"));
  EXPECT_FALSE(got(*fx, 4, "meet.lobby"));
  // The waiting guest learns only that it waits: no participant list.
  ASSERT_EQ(types_for(*fx, 6), std::vector<std::string>{"meet.joined"});
  EXPECT_TRUE(fx->deliveries.front().message.at("waiting").as_bool());
  EXPECT_TRUE(fx->deliveries.front().message.at("participants").as_array().empty());
}

TEST_F(RoomTest, EveryHostOnlyCommandIsRefusedForParticipantAndGuest) {
  const std::vector<std::pair<std::string, std::function<Result<Effects>(std::uint64_t)>>> commands = {
      {"admit", [&](std::uint64_t a) { return room_.admit(a, 5, true); }},
      {"deny", [&](std::uint64_t a) { return room_.admit(a, 5, false); }},
      {"mute ask", [&](std::uint64_t a) { return room_.mute(a, 1, false); }},
      {"mute force", [&](std::uint64_t a) { return room_.mute(a, 1, true); }},
      {"remove", [&](std::uint64_t a) { return room_.remove(a, 2); }},
      {"lock", [&](std::uint64_t a) { return room_.lock(a, true); }},
      {"end", [&](std::uint64_t a) { return room_.end(a); }},
      {"promote", [&](std::uint64_t a) { return room_.set_role(a, 3, MeetingRole::cohost); }},
      {"demote", [&](std::uint64_t a) { return room_.set_role(a, 2, MeetingRole::participant); }},
      {"recording",
       [&](std::uint64_t a) {
         return room_.broadcast_recording(a, boost::json::object{{"id", 1}});
       }},
  };
  for (std::uint64_t actor : {3u, 4u, 5u}) {
    for (const auto& [name, run] : commands) {
      auto r = run(actor);
      ASSERT_FALSE(r.ok()) << name << " by peer " << actor;
      EXPECT_EQ(r.error().code, ErrorCode::forbidden) << name << " by peer " << actor;
    }
  }
  // Nothing changed.
  EXPECT_FALSE(room_.locked());
  EXPECT_EQ(room_.admitted_count(), 4u);
  EXPECT_EQ(room_.peer(2)->role, MeetingRole::cohost);
  EXPECT_FALSE(room_.peer(1)->audio_muted);
}

TEST_F(RoomTest, CohostModeratesButMayNotEndPromoteOrRemoveTheHost) {
  EXPECT_TRUE(room_.lock(2, true).ok());
  EXPECT_TRUE(room_.mute(2, 3, true).ok());
  EXPECT_TRUE(room_.peer(3)->audio_muted);
  EXPECT_EQ(room_.end(2).error().code, ErrorCode::forbidden);
  EXPECT_EQ(room_.set_role(2, 3, MeetingRole::cohost).error().code, ErrorCode::forbidden);
  EXPECT_EQ(room_.remove(2, 1).error().code, ErrorCode::forbidden);
  EXPECT_TRUE(room_.admit(2, 5, true).ok());
}

TEST_F(RoomTest, AskingToMuteOnlyAsksForcingMutesAndTellsEveryone) {
  auto ask = room_.mute(1, 3, false);
  ASSERT_TRUE(ask.ok());
  EXPECT_EQ(types_for(*ask, 3), std::vector<std::string>{"meet.mute_requested"});
  EXPECT_FALSE(room_.peer(3)->audio_muted);
  auto force = room_.mute(1, 3, true);
  ASSERT_TRUE(force.ok());
  EXPECT_TRUE(got(*force, 3, "meet.muted"));
  EXPECT_TRUE(got(*force, 4, "meet.participant_updated"));
  EXPECT_TRUE(room_.peer(3)->audio_muted);
}

TEST_F(RoomTest, AdmitAndDenyFromTheLobby) {
  auto deny = room_.admit(1, 5, false);
  ASSERT_TRUE(deny.ok());
  EXPECT_TRUE(got(*deny, 5, "meet.denied"));
  EXPECT_EQ(room_.peer(5), nullptr);
  EXPECT_EQ(room_.admit(1, 5, true).error().code, ErrorCode::not_found);
  ASSERT_TRUE(room_.join(person(6, MeetingRole::guest)).ok());
  auto admit = room_.admit(1, 6, true);
  ASSERT_TRUE(admit.ok());
  EXPECT_TRUE(got(*admit, 6, "meet.admitted"));
  EXPECT_TRUE(got(*admit, 3, "meet.participant_joined"));
  EXPECT_TRUE(room_.peer(6)->admitted);
}

TEST_F(RoomTest, RemovedPeopleLeaveAndCannotComeBack) {
  auto fx = room_.remove(1, 3);
  ASSERT_TRUE(fx.ok());
  EXPECT_TRUE(got(*fx, 3, "meet.removed"));
  EXPECT_TRUE(got(*fx, 2, "meet.participant_left"));
  EXPECT_EQ(room_.peer(3), nullptr);
  auto back = room_.join(person(3, MeetingRole::participant));
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.error().code, ErrorCode::forbidden);
}

TEST_F(RoomTest, LockedRoomRefusesEveryoneButHosts) {
  ASSERT_TRUE(room_.lock(1, true).ok());
  EXPECT_EQ(room_.join(person(8, MeetingRole::participant)).error().code, ErrorCode::forbidden);
  EXPECT_EQ(room_.join(person(9, MeetingRole::guest)).error().code, ErrorCode::forbidden);
  EXPECT_TRUE(room_.join(person(10, MeetingRole::cohost)).ok());
}

TEST_F(RoomTest, PublisherLimitRefusesWithAClearMessage) {
  ASSERT_TRUE(room_.join(person(8, MeetingRole::participant)).ok());
  ASSERT_TRUE(room_.join(person(9, MeetingRole::participant)).ok());  // 6 admitted
  auto full = room_.join(person(10, MeetingRole::participant));
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::conflict);
  EXPECT_NE(full.error().message.find("at most 6"), std::string::npos);
  // Waiting in the lobby is still possible; admitting is refused the same way.
  EXPECT_EQ(room_.admit(1, 5, true).error().code, ErrorCode::conflict);
}

TEST_F(RoomTest, ExternalPeopleWaitWhenTheRoomSaysSoOrWhenNotInvited) {
  Room open{8, RoomSettings{false, false, 6}};
  ASSERT_TRUE(open.join(person(1, MeetingRole::host)).ok());
  ASSERT_TRUE(open.join(person(2, MeetingRole::participant, true, true)).ok());
  ASSERT_TRUE(open.join(person(3, MeetingRole::participant, true, false)).ok());
  EXPECT_TRUE(open.peer(2)->admitted);   // invited customer, lobby off for externals
  EXPECT_FALSE(open.peer(3)->admitted);  // uninvited customer always waits
  ASSERT_TRUE(room_.join(person(8, MeetingRole::participant, true, true)).ok());
  EXPECT_FALSE(room_.peer(8)->admitted);  // default: externals wait
}

TEST_F(RoomTest, SignalsPassOnlyBetweenAdmittedPeers) {
  boost::json::object offer{{"description", boost::json::object{{"type", "offer"}, {"sdp", "v=0"}}}};
  auto fx = room_.relay(3, 1, offer);
  ASSERT_TRUE(fx.ok());
  ASSERT_EQ(fx->deliveries.size(), 1u);
  EXPECT_EQ(fx->deliveries[0].peer_id, 1u);
  EXPECT_EQ(fx->deliveries[0].message.at("from").as_uint64(), 3u);
  EXPECT_EQ(room_.relay(5, 1, offer).error().code, ErrorCode::forbidden);  // lobby
  EXPECT_EQ(room_.relay(1, 5, offer).error().code, ErrorCode::not_found);  // to the lobby
  EXPECT_EQ(room_.relay(1, 99, offer).error().code, ErrorCode::not_found);
  EXPECT_EQ(room_.relay(99, 1, offer).error().code, ErrorCode::forbidden);
}

TEST_F(RoomTest, GuestsShareTheirScreenOnlyWhenAllowed) {
  auto r = room_.update_media(4, boost::json::object{{"screen_sharing", true}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::forbidden);
  EXPECT_TRUE(room_.update_media(3, boost::json::object{{"screen_sharing", true}}).ok());
  EXPECT_TRUE(room_.update_media(4, boost::json::object{{"audio_muted", true}}).ok());
  EXPECT_EQ(room_.update_media(4, boost::json::object{{"audio_muted", "yes"}}).error().code,
            ErrorCode::invalid_argument);
  Room allowing{9, RoomSettings{true, true, 6}};
  ASSERT_TRUE(allowing.join(person(1, MeetingRole::host)).ok());
  ASSERT_TRUE(allowing.join(person(4, MeetingRole::guest)).ok());
  ASSERT_TRUE(allowing.admit(1, 4, true).ok());
  EXPECT_TRUE(allowing.update_media(4, boost::json::object{{"screen_sharing", true}}).ok());
}

TEST_F(RoomTest, PromoteDemoteAndGuestsStayGuests) {
  ASSERT_TRUE(room_.set_role(1, 3, MeetingRole::cohost).ok());
  EXPECT_TRUE(room_.lock(3, true).ok());
  ASSERT_TRUE(room_.set_role(1, 3, MeetingRole::participant).ok());
  EXPECT_EQ(room_.lock(3, false).error().code, ErrorCode::forbidden);
  EXPECT_EQ(room_.set_role(1, 4, MeetingRole::cohost).error().code, ErrorCode::forbidden);
  EXPECT_EQ(room_.set_role(1, 3, MeetingRole::host).error().code, ErrorCode::invalid_argument);
}

TEST_F(RoomTest, EndForAllTellsEveryoneIncludingTheLobby) {
  auto fx = room_.end(1);
  ASSERT_TRUE(fx.ok());
  EXPECT_TRUE(fx->ended);
  for (std::uint64_t p : {1u, 2u, 3u, 4u, 5u}) EXPECT_TRUE(got(*fx, p, "meet.ended")) << p;
  EXPECT_TRUE(room_.empty());
}

TEST_F(RoomTest, ParticipantListsCarryNoEmailAddresses) {
  auto json = peer_json(*room_.peer(3));
  EXPECT_FALSE(json.contains("email"));
  EXPECT_TRUE(peer_json(*room_.peer(4)).at("user_id").is_null());
}

TEST_F(RoomTest, ChatGoesToAdmittedPeersOnlyAndOnlyAdmittedPeersPost) {
  auto fx = room_.chat(4, boost::json::object{{"text", "hi"}});
  ASSERT_TRUE(fx.ok());
  for (std::uint64_t p : {1, 2, 3, 4}) EXPECT_TRUE(got(*fx, p, "meet.chat")) << p;
  EXPECT_FALSE(got(*fx, 5, "meet.chat"));  // the lobby
  EXPECT_EQ(room_.chat(5, boost::json::object{}).error().code, ErrorCode::forbidden);
  EXPECT_EQ(room_.chat(99, boost::json::object{}).error().code, ErrorCode::forbidden);
  ASSERT_TRUE(room_.remove(1, 3).ok());
  auto after = room_.chat(1, boost::json::object{{"text", "bye"}});
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(got(*after, 3, "meet.chat"));
  EXPECT_FALSE(room_.chat_member(3).ok());
}

TEST_F(RoomTest, AskToUnmuteIsAPromptForMutedPeopleFromModeratorsOnly) {
  EXPECT_EQ(room_.ask_unmute(1, 3).error().code, ErrorCode::conflict);  // not muted
  ASSERT_TRUE(room_.update_media(3, boost::json::object{{"audio_muted", true}}).ok());
  auto fx = room_.ask_unmute(2, 3);
  ASSERT_TRUE(fx.ok());
  EXPECT_EQ(types_for(*fx, 3), std::vector<std::string>{"meet.unmute_requested"});
  EXPECT_TRUE(room_.peer(3)->audio_muted);
  EXPECT_EQ(room_.ask_unmute(4, 3).error().code, ErrorCode::forbidden);
  EXPECT_EQ(room_.ask_unmute(3, 1).error().code, ErrorCode::forbidden);
}

TEST_F(RoomTest, RaisedHandIsPartOfTheMediaState) {
  auto fx = room_.update_media(4, boost::json::object{{"hand_raised", true}});
  ASSERT_TRUE(fx.ok());
  EXPECT_TRUE(room_.peer(4)->hand_raised);
  EXPECT_TRUE(got(*fx, 1, "meet.participant_updated"));
  EXPECT_EQ(room_.update_media(4, boost::json::object{{"hand_raised", 1}}).error().code, ErrorCode::invalid_argument);
}

TEST_F(RoomTest, RecordingStoppedTellsEveryoneWithTheReason) {
  ASSERT_TRUE(room_.broadcast_recording(1, boost::json::object{{"id", 1}}).ok());
  auto fx = room_.recording_stopped("recording stopped: x");
  for (std::uint64_t p : {1, 2, 3, 4, 5}) EXPECT_TRUE(got(fx, p, "meet.recording")) << p;
  EXPECT_EQ(fx.deliveries.front().message.at("reason").as_string(), "recording stopped: x");
}

TEST(SdpVideo, CountsVideoSectionsThatSend) {
  const std::string head = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
  EXPECT_EQ(sending_video_sections(head), 0u);
  EXPECT_EQ(sending_video_sections(head + "m=audio 9 X 111\r\na=sendrecv\r\nm=video 9 X 96\r\na=sendrecv\r\n"), 1u);
  // No direction attribute means sendrecv; recvonly, inactive and rejected (port 0) do not send.
  EXPECT_EQ(sending_video_sections(head + "m=video 9 X 96\r\nm=video 9 X 97\r\na=sendonly\r\n"), 2u);
  EXPECT_EQ(sending_video_sections(head + "m=video 9 X 96\r\nm=video 9 X 97\r\na=recvonly\r\n"), 1u);
  EXPECT_EQ(sending_video_sections(head + "m=video 9 X 96\r\nm=video 9 X 97\r\na=inactive\r\n"), 1u);
  EXPECT_EQ(sending_video_sections(head + "m=video 9 X 96\r\nm=video 0 X 97\r\n"), 1u);
  EXPECT_EQ(sending_video_sections("m=video 9 X 96\nm=video 9 X 97\n"), 2u);  // bare newlines
}

TEST_F(RoomTest, AGuestWhoMayNotShareCannotOfferASecondVideoTrack) {
  const std::string two = "v=0\r\nm=video 9 X 96\r\na=sendrecv\r\nm=video 9 X 97\r\na=sendonly\r\n";
  const std::string one = "v=0\r\nm=video 9 X 96\r\na=sendrecv\r\nm=video 9 X 97\r\na=recvonly\r\n";
  auto offer = [](const std::string& sdp) {
    return boost::json::object{{"description", boost::json::object{{"type", "offer"}, {"sdp", sdp}}}};
  };
  EXPECT_EQ(room_.relay(4, 1, offer(two)).error().code, ErrorCode::forbidden);
  EXPECT_TRUE(room_.relay(4, 1, offer(one)).ok());
  EXPECT_TRUE(room_.relay(4, 1, boost::json::object{{"candidate", boost::json::object{}}}).ok());
  EXPECT_TRUE(room_.relay(3, 1, offer(two)).ok());  // not a guest
  auto fx = room_.update_settings(true, true, std::nullopt);
  for (std::uint64_t p : {1, 2, 3, 4, 5}) EXPECT_TRUE(got(fx, p, "meet.room_updated")) << p;
  EXPECT_TRUE(room_.relay(4, 1, offer(two)).ok());
  EXPECT_FALSE(room_.locked());
  room_.update_settings(true, false, true);
  EXPECT_TRUE(room_.locked());
  EXPECT_EQ(room_.relay(4, 1, offer(two)).error().code, ErrorCode::forbidden);
}

TEST(RoomSettingsTest, ARoomCanOpenLocked) {
  RoomSettings settings;
  settings.locked = true;
  Room room{9, settings};
  EXPECT_TRUE(room.join(person(1, MeetingRole::host)).ok());
  EXPECT_EQ(room.join(person(2, MeetingRole::participant)).error().code, ErrorCode::forbidden);
}

}  // namespace
}  // namespace meridian::meetings
