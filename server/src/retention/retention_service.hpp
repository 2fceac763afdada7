// Retention: admins set policies (how long messages are kept, by scope) and legal holds;
// run_once() deletes what has expired, in small batches, each its own short write
// transaction so that live chat never waits long; every run is audited with counts.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
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

class RetentionService final {
 public:
  RetentionService(storage::Database& db, audit::AuditLog& audit, const policy::Policy& policy, const Clock& clock,
                   RetentionOptions options = {})
      : db_(db), audit_(audit), policy_(policy), clock_(clock), options_(options) {}

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

  // Called after a run that deleted messages (files removes the attachments released).
  void set_after_purge(std::function<void()> f) { after_purge_ = std::move(f); }
  // Told after each committed batch which messages of a conversation went (the server
  // passes it to chat, which tells the members live).
  // After each committed batch: the ids deleted, the batch's change_seq, and how many thread
  // roots that stayed took the numbers right after it (their reply counts changed).
  using PurgeObserver = std::function<void(std::int64_t conversation_id, std::vector<std::int64_t> message_ids,
                                           std::int64_t change_seq, std::int64_t roots_updated)>;
  void set_purge_observer(PurgeObserver f) { purge_observer_ = std::move(f); }

 private:
  std::function<void()> after_purge_;
  storage::Database& db_;
  audit::AuditLog& audit_;
  const policy::Policy& policy_;
  const Clock& clock_;
  RetentionOptions options_;
  RetentionRepository repo_;
  std::mutex run_mutex_;
  PurgeObserver purge_observer_;
};

}  // namespace meridian::retention
