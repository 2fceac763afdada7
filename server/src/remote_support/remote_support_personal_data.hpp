// Remote support's share of a person's data (platform/personal_data.hpp): the sessions they
// were the customer or the agent of, the name, e-mail and topic they gave, and their name
// and address beside the session logs. Erasure clears the personal side tables; the
// hash-chained logs keep pseudonymous ids and event data only, so they stay intact.
#pragma once

#include "platform/personal_data.hpp"

namespace meridian::remote_support {

class RemoteSupportPersonalData final : public platform::StoredPersonalData {
 public:
  explicit RemoteSupportPersonalData(storage::Database& db);
};

}  // namespace meridian::remote_support
