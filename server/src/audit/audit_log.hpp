// The append-only audit log of security-relevant events. No update or delete API
// exists: records are only ever inserted and queried.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "storage/database.hpp"

namespace meridian::audit {

// Who did it and from where; passed from handlers into services.
struct Actor {
  std::optional<std::int64_t> user_id;  // none for anonymous (e.g. failed login)
  std::string email;
  std::string ip;
  std::string country;  // the actor's country (no GeoIP database is shipped)
  std::string region;

  static Actor from(const Subject& s, std::string ip);
  static Actor anonymous(std::string email, std::string ip);
};

struct AuditEvent {
  std::int64_t id = 0;
  UnixMillis at = 0;
  std::optional<std::int64_t> actor_id;
  std::string actor_email;
  std::string action;   // "auth.login", "admin.user.create", ...
  std::string target;   // "user:42", "feature:meet.recording"
  std::string outcome;  // "ok", "denied", "failed"
  std::string ip;
  std::string country;
  std::string region;
  std::string detail;   // JSON object text, never contents of messages or files
};

struct AuditQuery {
  std::optional<std::string> action;  // exact, or prefix when it ends with '*'
  std::optional<std::int64_t> actor_id;
  std::optional<std::string> target;
  std::optional<UnixMillis> since;
  std::optional<UnixMillis> until;
  std::optional<std::int64_t> before_id;  // cursor: newest first
  int limit = 50;                          // 1..200
};

struct AuditPage {
  std::vector<AuditEvent> items;
  std::optional<std::int64_t> next_cursor;
};

class AuditLog final {
 public:
  AuditLog(storage::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Appends inside the caller's write transaction, so the change and its record
  // commit together.
  Result<void> record(storage::Session& s, const Actor& actor, std::string_view action, std::string_view target,
                      std::string_view outcome, std::string_view detail_json = "{}");
  // Appends in its own transaction.
  Result<void> record(const Actor& actor, std::string_view action, std::string_view target,
                      std::string_view outcome, std::string_view detail_json = "{}");

  Result<AuditPage> query(const AuditQuery& q);

 private:
  storage::Database& db_;
  const Clock& clock_;
};

}  // namespace meridian::audit
