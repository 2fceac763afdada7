// An erasure as people and administrators see it: who asked, in what state it is, and its
// receipt, the stores checked and what was done in each (counts only: the receipt names
// nothing about the person, so it is kept as the proof of the erasure).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace meridian::privacy {

enum class ErasureState { requested, done, failed };
const char* erasure_state_name(ErasureState state);
bool parse_erasure_state(std::string_view text, ErasureState& out);

// One line of a receipt: a kind of record in one store ("chat.messages"), what was done
// with it (erased, pseudonymised, kept, closed, scrubbed) and how many.
struct ReceiptLine {
  std::string name;
  std::string module;
  std::string action;
  std::int64_t count = 0;
};

struct Receipt {
  std::vector<ReceiptLine> stores;
  std::vector<std::string> held;  // why something was kept: "legal hold 'user:7': audit"
  std::string error;              // a failed erasure: what failed (the stores before it are listed)
};

struct Erasure {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  ErasureState state = ErasureState::requested;
  std::optional<std::int64_t> requested_by;  // the person, when they asked for it
  UnixMillis requested_at = 0;
  std::optional<std::int64_t> erased_by;
  std::optional<UnixMillis> finished_at;
  Receipt receipt;
};

}  // namespace meridian::privacy
