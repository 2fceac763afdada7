// The privacy module's storage: erasure requests and receipts.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/result.hpp"
#include "privacy/erasure.hpp"
#include "storage/database.hpp"

namespace meridian::privacy {

class PrivacyRepository final {
 public:
  using S = storage::Session;

  Result<std::int64_t> insert_erasure(S& s, const Erasure& e);
  Result<void> finish_erasure(S& s, std::int64_t id, ErasureState state, std::int64_t erased_by, UnixMillis at,
                              const Receipt& receipt);
  Result<std::optional<Erasure>> erasure(S& s, std::int64_t id);
  // The person's newest erasure (requested or done).
  Result<std::optional<Erasure>> latest_erasure_of(S& s, std::int64_t user_id);
  Result<std::optional<std::int64_t>> open_request_of(S& s, std::int64_t user_id);
  Result<std::vector<Erasure>> erasures(S& s, std::optional<ErasureState> state, int limit);
};

std::string receipt_text(const Receipt& r);
Receipt receipt_from_text(const std::string& text);

}  // namespace meridian::privacy
