// The remote support module: sessions with single-use codes, the consent ladder, screen
// share signaling and annotations relayed only under consent, and the hash-chained
// session log (docs/architecture.md, "Remote support"). It reads its own [remote_support]
// section of the config file.
#pragma once

#include "chat/support_service.hpp"
#include "identity/identity_service.hpp"
#include "meetings/meetings_service.hpp"
#include "platform/module.hpp"
#include "platform/periodic_job.hpp"
#include "region/feature_toggles.hpp"
#include "remote_support/remote_support_personal_data.hpp"
#include "remote_support/remote_support_service.hpp"

namespace meridian::cluster {
class Relay;
}

namespace meridian::remote_support {

class RemoteSupportModule final : public platform::Module {
 public:
  // support: sessions started from a support conversation; meetings: ICE servers and TURN
  // credentials; toggles: remote_support.screen_share per country.
  RemoteSupportModule(const platform::ModuleContext& ctx, identity::IdentityService& identity,
                      chat::SupportService& support, const meetings::MeetingsService& meetings,
                      region::FeatureToggles& toggles);
  std::string_view name() const override { return "remote_support"; }
  // The queue's check: requests waiting too long are flagged, those past their time expire.
  void start() override;
  void stop() override;

  RemoteSupportService& service() { return service_; }
  platform::PersonalDataPort& personal_data() { return personal_data_; }

 private:
  void check_queue();

  cluster::Relay& relay_;
  RemoteSupportService service_;
  RemoteSupportPersonalData personal_data_;
  platform::PeriodicJob queue_check_;
};

}  // namespace meridian::remote_support
