// The privacy module: the GDPR rights of the cross-country layer (issue 14) on top of
// every module's personal data port. Erasure today; export and consent records build on it.
#pragma once

#include <vector>

#include "identity/identity_service.hpp"
#include "platform/module.hpp"
#include "platform/personal_data.hpp"
#include "privacy/erasure_service.hpp"

namespace meridian::privacy {

class PrivacyModule final : public platform::Module {
 public:
  // `ports`: every module's personal data port, in the order an erasure runs them (see
  // ErasureService): identity's last.
  PrivacyModule(const platform::ModuleContext& ctx, std::vector<platform::PersonalDataPort*> ports,
                identity::IdentityService& identity);
  std::string_view name() const override { return "privacy"; }

  ErasureService& erasures() { return erasures_; }

 private:
  ErasureService erasures_;
};

}  // namespace meridian::privacy
