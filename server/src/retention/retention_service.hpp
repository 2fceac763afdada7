// Retention: admins set policies (how long messages are kept, by scope) and legal holds;
// run_once() deletes what has expired, in small batches, each its own short write
// transaction so that live chat never waits long; every run is audited with counts.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "audit/audit_log.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "policy/policy.hpp"
#include "retention/retention.hpp"
#include "retention/retention_repository.hpp"
#include "storage/database.hpp"

namespace meridian::retention {

struct RetentionOptions {
  int batch_size = 500;  // messages (or notes) deleted per write transaction
};

// The policy that applies to one conversation, for its info panel.
struct InForce {
  std::optional<RetentionPolicy> policy;  // nullopt: kept forever
  bool held = false;                      // shown to admins only
};

// Who hears what a run deleted: chat tells the members live; files removes the
// attachments the deleted messages released.
class PurgeListener {
 public:
  virtual ~PurgeListener() = default;
  // After each committed batch: the ids deleted, the batch's change_seq, and how many
  // thread roots that stayed took the numbers right after it (their reply counts changed).
  virtual void messages_purged(std::int64_t /*conversation_id*/, const std::vector<std::int64_t>& /*message_ids*/,
                               std::int64_t /*change_seq*/, std::int64_t /*roots_updated*/) {}
  // After a run that deleted messages.
  virtual void run_purged() {}
};

class RetentionService final {
 public:
  RetentionService(storage::Database& db, audit::AuditLog& audit, const policy::Policy& policy, const Clock& clock,
                   RetentionOptions options = {}, std::vector<PurgeListener*> listeners = {})
      : db_(db), audit_(audit), policy_(policy), clock_(clock), options_(options), listeners_(std::move(listeners)) {}

  Result<std::vector<RetentionPolicy>> policies(const Subject& who);
  Result<RetentionPolicy> set_policy(const Subject& who, const std::string& scope, std::int64_t keep_days,
                                     const std::string& ip = "");
  Result<void> delete_policy(const Subject& who, const std::string& scope, const std::string& ip = "");

  Result<std::vector<LegalHold>> holds(const Subject& who);
  Result<LegalHold> set_hold(const Subject& who, const std::string& scope, std::string reason,
                             const std::string& ip = "");
  Result<void> delete_hold(const Subject& who, const std::string& scope, const std::string& ip = "");

  // The caller must already have been allowed to see the conversation (chat checks it).
  Result<InForce> in_force(std::int64_t conversation_id);

  // One pass over every conversation. Runs are serialised (a manual run waits for the
  // periodic one). `as_of` judges expiry as if it were that time (tests of a running
  // server; the REST route accepts it only when configured to).
  Result<RunReport> run_once(std::optional<UnixMillis> as_of = std::nullopt);

  // Claims this turn's purge for `holder` (one node at a time; see RetentionJob).
  Result<bool> claim_purge(const std::string& holder, std::chrono::milliseconds held_for);

 private:
  storage::Database& db_;
  audit::AuditLog& audit_;
  const policy::Policy& policy_;
  const Clock& clock_;
  RetentionOptions options_;
  RetentionRepository repo_;
  std::mutex run_mutex_;
  std::vector<PurgeListener*> listeners_;
};

}  // namespace meridian::retention
