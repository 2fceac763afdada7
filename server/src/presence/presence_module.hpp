// The presence module: who is online, away or busy, on this node and (through the bus)
// on every other; it answers @here for chat (platform::OnlineCheck).
#pragma once

#include "platform/module.hpp"
#include "platform/ports.hpp"
#include "presence/presence_cluster.hpp"
#include "presence/presence_service.hpp"

namespace meridian::presence {

class PresenceModule final : public platform::Module, public platform::OnlineCheck {
 public:
  // `working_time`: who is working now (availability), added to GET /presence as working_now.
  explicit PresenceModule(const platform::ModuleContext& ctx, platform::WorkingTime* working_time = nullptr);
  std::string_view name() const override { return "presence"; }
  void start() override;
  void stop() override;

  bool online(std::int64_t user_id) const override { return service_.online(user_id); }
  PresenceService& service() { return service_; }

 private:
  SqlDirectory directory_;
  LocalChanges changes_;
  mutable PresenceService service_;  // online() takes its lock
  PresenceCluster cluster_;
};

}  // namespace meridian::presence
