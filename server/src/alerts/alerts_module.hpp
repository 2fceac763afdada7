// The alerts module: priority alerts to a frozen audience, receipts and acknowledgements
// (docs/architecture.md, "Alerts").
#pragma once

#include "alerts/alerts_service.hpp"
#include "platform/module.hpp"

namespace meridian::alerts {

class AlertsModule final : public platform::Module {
 public:
  explicit AlertsModule(const platform::ModuleContext& ctx);
  std::string_view name() const override { return "alerts"; }

  AlertsService& service() { return alerts_; }

 private:
  AlertsService alerts_;
};

}  // namespace meridian::alerts
