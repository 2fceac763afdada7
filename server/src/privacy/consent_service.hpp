// Consent records (issue 14, GDPR): what a person agreed to (recording, AI processing,
// remote support), when, and to which version of the text; withdrawable at any time.
// Every change is a new row, so the history stays; the current answer is the newest row
// per purpose. The records are the person's: their export carries them, their erasure
// deletes them (ConsentPersonalData).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "platform/personal_data.hpp"
#include "policy/policy.hpp"
#include "storage/database.hpp"

namespace meridian::privacy {

// A purpose a person is asked about, with the text they are shown and its version.
struct ConsentPurpose {
  std::string_view key;  // "recording", "ai_processing", "remote_support"
  std::string_view title;
  std::string_view text;
  std::string_view version;
};
const std::vector<ConsentPurpose>& consent_purposes();

struct ConsentRecord {
  std::int64_t id = 0;
  std::string purpose;
  std::string text_version;
  bool granted = false;
  UnixMillis at = 0;
};

// One purpose as the person sees it: the text now, and their newest answer (if any).
struct ConsentState {
  const ConsentPurpose* purpose = nullptr;
  std::optional<ConsentRecord> latest;
  // Granted to the current version of the text (an older version must be asked again).
  bool granted_now() const { return latest && latest->granted && latest->text_version == purpose->version; }
};

class ConsentService final {
 public:
  ConsentService(storage::Database& db, const policy::Policy& policy, const Clock& clock, audit::AuditLog& audit);

  // The person's own (user_id = theirs) or, for administrators, anyone's.
  Result<std::vector<ConsentState>> states(const Subject& who, std::int64_t user_id);
  Result<std::vector<ConsentRecord>> history(const Subject& who, std::int64_t user_id);
  // The person grants (to `version`, which must be the current text's: conflict otherwise)
  // or withdraws; audited privacy.consent.grant / privacy.consent.withdraw.
  Result<ConsentState> set(const Subject& who, std::string_view purpose, std::string_view version, bool granted,
                           const std::string& ip);
  // For other modules: has the person granted this purpose's current text?
  Result<bool> granted(std::int64_t user_id, std::string_view purpose);

 private:
  Result<void> may_read(const Subject& who, std::int64_t user_id) const;

  storage::Database& db_;
  const policy::Policy& policy_;
  const Clock& clock_;
  audit::AuditLog& audit_;
};

// The consent records in every export and erasure.
class ConsentPersonalData final : public platform::StoredPersonalData {
 public:
  explicit ConsentPersonalData(storage::Database& db);
};

}  // namespace meridian::privacy
