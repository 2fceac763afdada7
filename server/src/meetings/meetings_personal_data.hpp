// Meetings' answer to the personal data port: invitations, recording presence and
// acknowledgements, guest passes, and the meetings and recordings the person started.
#pragma once

#include "platform/personal_data.hpp"

namespace meridian::meetings {

// Erasure deletes the person's invitations, their presence and acknowledgement rows in
// recordings (also those of their guest passes), and their guest passes. Meetings they
// hosted stay for the people invited (the host is named through the account, which
// identity pseudonymises); recordings they started keep their metadata with the stored
// starter's name replaced, and webhook deliveries stop carrying their name.
//
// In a report, `erased` counts what this call deleted; `pseudonymised` is the state of
// what stays (the same on a repeat).
class MeetingsPersonalData final : public platform::StoredPersonalData {
 public:
  explicit MeetingsPersonalData(storage::Database& db);
};

}  // namespace meridian::meetings
