// The identity module: people, teams, sign-in and sessions, the first administrator.
#pragma once

#include "identity/identity_personal_data.hpp"
#include "identity/identity_service.hpp"
#include "identity/password_hasher.hpp"
#include "platform/module.hpp"
#include "platform/ports.hpp"
#include "region/countries.hpp"
#include "region/feature_toggles.hpp"

namespace meridian::identity {

struct IdentityModuleOptions {
  PasswordCost password_cost = PasswordCost::interactive();
  IdentityOptions service;
};

class IdentityModule final : public platform::Module {
 public:
  // `working_time`: who is working at an instant (availability), for /me; null: identity's band.
  IdentityModule(const platform::ModuleContext& ctx, const IdentityModuleOptions& options,
                 const region::RegionMap& regions, region::FeatureToggles& toggles,
                 platform::WorkingTime* working_time = nullptr);
  std::string_view name() const override { return "identity"; }

  IdentityService& service() { return identity_; }
  const PasswordHasher& hasher() const { return hasher_; }
  // Its share of the GDPR rights (platform/personal_data.hpp).
  platform::PersonalDataPort& personal_data() { return personal_data_; }

 private:
  PasswordHasher hasher_;
  IdentityService identity_;
  IdentityPersonalData personal_data_;
};

}  // namespace meridian::identity
