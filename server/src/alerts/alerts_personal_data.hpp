// The alerts module's answer to the personal data port: the alerts the person sent and
// their receipts (delivered, read, acknowledged, with the acknowledgement's comment).
#pragma once

#include "platform/personal_data.hpp"

namespace meridian::alerts {

// Erasure keeps every row, so that each alert's tracking ("1 of 3 acknowledged") stays
// true for its sender: the person's receipts lose their acknowledgement comment (the
// only text they wrote there) and the alerts they sent lose the sender's stored name
// (the sender is then named through the pseudonymised account). A legal hold on the
// person keeps both as they are, and the report names the hold.
//
// In a report, `pseudonymised` and `kept` are the state of what stays (the same on a repeat).
class AlertsPersonalData final : public platform::StoredPersonalData {
 public:
  explicit AlertsPersonalData(storage::Database& db);
};

}  // namespace meridian::alerts
