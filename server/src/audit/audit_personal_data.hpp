// The audit log's answer to the personal data port: the security events the person did,
// and the failed sign-ins made with their email address.
#pragma once

#include "platform/personal_data.hpp"

namespace meridian::audit {

// The audit log is the security record the law lets us keep (GDPR art. 17(3)): erasure
// deletes no event, it pseudonymises the person's: their email address (as actor, in
// "email:" targets and in details) becomes the address identity gives an erased account,
// and their IP address goes. This is the one writer that changes recorded events, and it
// changes only what names the person.
//
// actor_id is kept: it names nobody once identity pseudonymised the account's row, and an
// investigation still needs to tell one actor's events from another's and match them with
// what other modules kept under the same id; dropping it would make the record useless
// for the purpose it is kept for.
//
// Before or after identity's erasure, it finds the same events: the addresses the person
// used are read from the account, from their own events and from the details of the
// events that created the account, so failed sign-ins made with them are found either way.
//
// Reports: `pseudonymised` counts the events that concern the person in their
// pseudonymised state (the same on a repeat); `kept` the events about the account made by
// others that name it by id only.
class AuditPersonalData final : public platform::StoredPersonalData {
 public:
  explicit AuditPersonalData(storage::Database& db);
};

}  // namespace meridian::audit
