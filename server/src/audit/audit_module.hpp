// The audit module: the log itself is in every module's context (each records its own
// actions inside its transactions); this module serves it to admins.
#pragma once

#include "platform/module.hpp"

namespace meridian::audit {

class AuditModule final : public platform::Module {
 public:
  explicit AuditModule(const platform::ModuleContext& ctx);
  std::string_view name() const override { return "audit"; }
};

}  // namespace meridian::audit
