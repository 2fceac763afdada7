// Restriction of processing (GDPR art. 18): a person, or an administrator on their behalf,
// restricts the processing of their data; while it holds, AI does not process their
// content (their own copilot requests are refused with the reason, their messages are
// left out of everyone's summaries, their files are neither indexed nor used in answers)
// and their name is not sent to integrations (meeting webhooks).
// The flag is identity's (users.gdpr_restrict_processing), read with the user by every
// module; this service sets it for the person themselves and audits each change.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "identity/identity_service.hpp"
#include "policy/policy.hpp"
#include "storage/database.hpp"

namespace meridian::privacy {

struct Restriction {
  std::int64_t user_id = 0;
  bool restricted = false;
};

// What stops while a person's processing is restricted, as "Your data" lists it.
const std::vector<std::string>& restriction_effects();

class RestrictionService final {
 public:
  RestrictionService(storage::Database& db, const policy::Policy& policy, audit::AuditLog& audit,
                     identity::IdentityService& identity);

  // The person's own, or anyone's for administrators (others: forbidden).
  Result<Restriction> get(const Subject& who, std::int64_t user_id);
  // Restricts or lifts; audited privacy.restriction.set / privacy.restriction.lift (and by
  // identity as a profile change). Setting what already holds changes nothing.
  Result<Restriction> set(const Subject& who, std::int64_t user_id, bool restricted, const std::string& ip);

 private:
  Result<void> may(const Subject& who, std::int64_t user_id) const;

  storage::Database& db_;
  const policy::Policy& policy_;
  audit::AuditLog& audit_;
  identity::IdentityService& identity_;
};

}  // namespace meridian::privacy
