// The meetings module: scheduled and instant meetings, their live rooms (signaling,
// lobby, recording notices), guest passes, webhooks, and the in-meeting chat through chat.
// It reads its own [meetings] and [meetings.webhooks] sections of the config file.
#pragma once

#include "chat/chat_service.hpp"
#include "chat/conversation_access.hpp"
#include "identity/identity_service.hpp"
#include "meetings/meeting_busy_times.hpp"
#include "meetings/meetings_personal_data.hpp"
#include "meetings/meetings_service.hpp"
#include "meetings/room_placement.hpp"
#include "meetings/webhooks.hpp"
#include "platform/module.hpp"
#include "region/feature_toggles.hpp"

namespace meridian::meetings {

class MeetingsModule final : public platform::Module {
 public:
  MeetingsModule(const platform::ModuleContext& ctx, identity::IdentityService& identity,
                 region::FeatureToggles& toggles, chat::ChatService& chat, chat::RoomGuests& room_guests);
  std::string_view name() const override { return "meetings"; }
  void start() override {
    webhooks_.start();
    placement_.start(forwarded_);
  }
  void stop() override {
    placement_.stop();
    webhooks_.stop();
  }

  MeetingsService& service() { return meetings_; }
  // When people are in meetings, for scheduling (platform::BusyTimes).
  platform::BusyTimes& busy_times() { return busy_times_; }

  // Its share of the GDPR rights (platform/personal_data.hpp).
  platform::PersonalDataPort& personal_data() { return personal_data_; }

 private:
  WebhookDispatcher webhooks_;
  MeetingsService meetings_;
  RoomPlacement placement_;            // which node runs each live room
  RoomPlacement::Dispatch forwarded_;  // runs meet.* requests other nodes forward here
  MeetingBusyTimes busy_times_;
  MeetingsPersonalData personal_data_;
};

}  // namespace meridian::meetings
