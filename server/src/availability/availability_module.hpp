// The availability module (part of the cross-country layer, docs/architecture.md
// "Availability and scheduling"): working hours per weekday, days off, a travel zone,
// holiday calendars, overlap hours, and the shared working-time answer (platform::WorkingTime)
// that other modules take in their constructors. Built early: it needs only the context.
//
// The scheduling module is apart because it also needs meetings (platform::BusyTimes), which
// is built later.
#pragma once

#include "availability/availability_personal_data.hpp"
#include "availability/availability_service.hpp"
#include "availability/scheduling_service.hpp"
#include "platform/module.hpp"
#include "platform/ports.hpp"

namespace meridian::availability {

class AvailabilityModule final : public platform::Module {
 public:
  explicit AvailabilityModule(const platform::ModuleContext& ctx);
  std::string_view name() const override { return "availability"; }

  AvailabilityService& service() { return availability_; }
  platform::WorkingTime& working_time() { return availability_; }
  platform::PersonalDataPort& personal_data() { return personal_data_; }

 private:
  AvailabilityService availability_;
  AvailabilityPersonalData personal_data_;
};

class SchedulingModule final : public platform::Module {
 public:
  SchedulingModule(const platform::ModuleContext& ctx, AvailabilityService& availability, platform::BusyTimes& busy);
  std::string_view name() const override { return "scheduling"; }

  SchedulingService& service() { return scheduling_; }

 private:
  SchedulingService scheduling_;
};

}  // namespace meridian::availability
