// The alerts module: priority alerts to a frozen audience, receipts and acknowledgements,
// escalation steps fired once across nodes (docs/architecture.md, "Alerts").
#pragma once

#include "alerts/alert_events.hpp"
#include "alerts/alerts_personal_data.hpp"
#include "alerts/alerts_service.hpp"
#include "alerts/alert_scheduler.hpp"
#include "platform/feature_gate.hpp"
#include "platform/module.hpp"
#include "platform/ports.hpp"

namespace meridian::alerts {

class AlertsModule final : public platform::Module {
 public:
  // working: the shared working-time component for quiet hours (availability's), or null.
  // features: the per-country toggles alerts.<category> (region's), or null.
  explicit AlertsModule(const platform::ModuleContext& ctx, platform::WorkingTime* working = nullptr,
                        platform::FeatureGate* features = nullptr);
  std::string_view name() const override { return "alerts"; }
  void start() override;
  void stop() override;

  AlertsService& service() { return alerts_; }
  // Its share of the GDPR rights (platform/personal_data.hpp).
  platform::PersonalDataPort& personal_data() { return personal_data_; }

 private:
  AlertsService alerts_;
  RelaySchedulerSink sink_;
  AlertScheduler escalation_;
  AlertsPersonalData personal_data_;
};

}  // namespace meridian::alerts
