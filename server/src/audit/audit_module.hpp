// The audit module: the log itself is in every module's context (each records its own
// actions inside its transactions); this module serves it to admins.
#pragma once

#include "audit/audit_personal_data.hpp"
#include "platform/module.hpp"

namespace meridian::audit {

class AuditModule final : public platform::Module {
 public:
  explicit AuditModule(const platform::ModuleContext& ctx);
  std::string_view name() const override { return "audit"; }
  // Its share of the GDPR rights (platform/personal_data.hpp).
  platform::PersonalDataPort& personal_data() { return personal_data_; }

 private:
  AuditPersonalData personal_data_;
};

}  // namespace meridian::audit
