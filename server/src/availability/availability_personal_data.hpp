// Availability's answer to the personal data port: a person's weekly hours, days off and
// travel zone. Erasure deletes them all (holiday calendars are the organisation's, not the
// person's); nothing is kept.
#pragma once

#include "platform/personal_data.hpp"

namespace meridian::availability {

class AvailabilityPersonalData final : public platform::StoredPersonalData {
 public:
  explicit AvailabilityPersonalData(storage::Database& db);
};

}  // namespace meridian::availability
