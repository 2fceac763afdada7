// Retention's answer to the personal data port: the retention policies and legal holds
// the person set as an administrator.
#pragma once

#include "platform/personal_data.hpp"

namespace meridian::retention {

// Erasure keeps them as they are: they are the organisation's records of its own rules,
// naming the administrator by account id only, which identity pseudonymises; a hold on
// the person is kept too (it is what keeps their data), and is named by the modules
// whose data it keeps.
class RetentionPersonalData final : public platform::StoredPersonalData {
 public:
  explicit RetentionPersonalData(storage::Database& db);
};

}  // namespace meridian::retention
