// The right to erasure: a person asks for it, an administrator does it. Doing it runs
// every module's personal data port (platform/personal_data.hpp) in the order given,
// closes the person's live connections, forgets their cached sessions, scrubs the
// touched tables (no copy of erased rows left in free pages or the write-ahead log) and
// keeps a receipt listing every store checked.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "platform/personal_data.hpp"
#include "policy/policy.hpp"
#include "privacy/erasure.hpp"
#include "privacy/privacy_repository.hpp"
#include "storage/database.hpp"

namespace meridian::privacy {

// What the erasure asks of the rest of the server besides the ports.
struct ErasureHooks {
  // The account as it is now: not_found, or whether it is an active administrator.
  std::function<Result<bool>(std::int64_t user_id)> is_active_admin;
  // The person's sockets on this node close, their sessions are forgotten from memory.
  std::function<std::int64_t(std::int64_t user_id)> disconnect;
  // The person's exports and their archives go (ExportService::erase_of); how many.
  std::function<Result<std::int64_t>(std::int64_t user_id)> erase_exports = [](std::int64_t) -> Result<std::int64_t> {
    return std::int64_t{0};
  };
};

class ErasureService final {
 public:
  // `ports` run in this order: those that read the person's name or e-mail from the
  // account (chat, to find mentions of them) before identity, which pseudonymises it.
  ErasureService(storage::Database& db, const policy::Policy& policy, const Clock& clock, audit::AuditLog& audit,
                 std::vector<platform::PersonalDataPort*> ports, ErasureHooks hooks);

  // The person asks for their own erasure; a request already open is answered again.
  Result<Erasure> request(const Subject& who, const std::string& ip);
  // The person's newest erasure request, if any.
  Result<std::optional<Erasure>> my_request(const Subject& who);

  // Administrators: erase the person now (their open request, if any, is fulfilled).
  // The last word is the receipt, also when a store failed (state failed, error named).
  Result<Erasure> erase(const Subject& admin, std::int64_t user_id, const std::string& ip);
  Result<Erasure> get(const Subject& admin, std::int64_t erasure_id);
  Result<std::vector<Erasure>> list(const Subject& admin, std::optional<ErasureState> state, int limit);

  // Every table some port answers for, and the privacy module's own.
  std::vector<std::string> tables() const;

 private:
  storage::Database& db_;
  const policy::Policy& policy_;
  const Clock& clock_;
  audit::AuditLog& audit_;
  std::vector<platform::PersonalDataPort*> ports_;
  ErasureHooks hooks_;
  PrivacyRepository repo_;
};

}  // namespace meridian::privacy
