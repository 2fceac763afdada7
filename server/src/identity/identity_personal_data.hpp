// Identity's answer to the personal data port: the person's account, sessions, roles,
// team memberships and sign-in failure counter.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/clock.hpp"
#include "platform/personal_data.hpp"

namespace meridian::identity {

// Erasure keeps the users row, pseudonymised: messages, files, meetings and the audit log
// reference it by foreign key, and what they show for it becomes "Former user". Sessions,
// roles, team memberships and the email's sign-in failure counter go. The last active
// administrator is not erased (conflict), as the service refuses to deactivate them.
//
// In a report, `erased` counts what this call deleted; `pseudonymised` is the state of
// what stays (the same on a repeat), so a second call still answers for the account.
class IdentityPersonalData final : public platform::StoredPersonalData {
 public:
  IdentityPersonalData(storage::Database& db, const Clock& clock);
};

// The address an erased account keeps (unique, and under .invalid so nothing is ever sent).
std::string erased_email(std::int64_t user_id);
inline constexpr std::string_view kErasedDisplayName = "Former user";

}  // namespace meridian::identity
