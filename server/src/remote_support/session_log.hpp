// The tamper-evident session log: every entry carries the hash of the entry before it,
// and its own hash covers that and its fields. The chain holds pseudonymous ids and event
// data only ("agent:7", "caller:12", {"step":"view"}); names, e-mails and addresses sit
// in a table of their own that an erasure clears without breaking the chain.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace meridian::remote_support {

// The prev_hash of a session's first entry.
inline constexpr const char* kGenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

struct LogEntry {
  std::int64_t session_id = 0;
  std::int64_t seq = 0;  // 1, 2, 3 ... within the session
  UnixMillis at = 0;
  std::string actor;    // "agent:7", "customer:9" (an account), "caller:12" (a walk-in caller), "system"
  std::string event;    // "requested", "code_issued", "consent_granted", ...
  std::string country;  // the actor's (account's or stated) country, "" when not known
  std::string data;     // a JSON object, never contents of chat or drawings
  std::string prev_hash;
  std::string hash;
};

// SHA-256 (hex) over prev_hash and every field of the entry except hash.
std::string entry_hash(const LogEntry& e);

// The next entry of a chain whose last entry is `last` (none: the first).
LogEntry chained(const std::optional<LogEntry>& last, LogEntry next);

struct ChainCheck {
  bool intact = true;
  std::optional<std::int64_t> first_bad_seq;  // where the chain breaks
};

// Walks a session's entries in seq order: each links to the one before, seqs have no gap,
// and each hash matches its fields.
ChainCheck verify_chain(const std::vector<LogEntry>& entries);

}  // namespace meridian::remote_support
