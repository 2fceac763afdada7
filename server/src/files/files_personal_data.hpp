// Files' answer to the personal data port: the person's personal space, the grants they
// hold, the share links they made, the file locks they hold and their activity.
#pragma once

#include "core/clock.hpp"
#include "platform/personal_data.hpp"

namespace meridian::files {

// Erasure, in one write transaction, taking the affected spaces' rows first (ascending,
// docs/architecture.md "Lock order"): grants to the person go, their file locks are
// lifted, the share links they made are revoked (the rows stay, as every revoked link's
// do, naming the maker by id only), and their activity rows lose the IP address and
// country (actor id kept, as in the audit log: it names a pseudonymised account).
//
// The personal space's files are NOT deleted yet: a file's content is a blob shared by
// reference count across the region's spaces, and releasing it must go through the
// files service's blob functions inside this transaction, which are not callable from
// outside yet (the service is being split). They are reported as kept with that reason;
// so are unfinished uploads, which expire and are swept by the maintenance job.
//
// In a report, `erased` counts what this call deleted; `pseudonymised` and `kept` are the
// state of what stays (the same on a repeat).
class FilesPersonalData final : public platform::StoredPersonalData {
 public:
  FilesPersonalData(storage::Database& db, const Clock& clock);
};

}  // namespace meridian::files
