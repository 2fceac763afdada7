// The personal data port: every module that stores something about a person answers for
// it here, so that the GDPR rights (access, portability, erasure) reach all of a person's
// data, and a new module cannot forget them. The cross-country layer builds the export
// and erasure that people and admins use on top of this port.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <initializer_list>
#include <string_view>

#include <boost/json/array.hpp>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace meridian::platform {

// One kind of record a module keeps about the person, and how many.
struct PersonalRecordCount {
  std::string kind;  // "chat.messages", "files.files", "identity.sessions", ...
  std::int64_t count = 0;
};

struct PersonalDataSummary {
  std::string module;
  std::vector<PersonalRecordCount> records;
};

// A module's share of an export: JSON text (an object), in the module's own terms.
struct PersonalDataExport {
  std::string module;
  std::string json;
};

// What an erasure did. Kept records are not an error: a legal hold or the law (the audit
// log's security record) keeps them, and the receipt says so.
struct ErasureReport {
  std::string module;
  std::vector<PersonalRecordCount> erased;         // deleted
  std::vector<PersonalRecordCount> pseudonymised;  // kept, no longer naming the person
  std::vector<PersonalRecordCount> kept;           // kept as they are
  std::vector<std::string> reasons_kept;           // "legal hold 'case-17'", ...
};

class PersonalDataPort {
 public:
  virtual ~PersonalDataPort() = default;
  virtual std::string_view module() const = 0;
  virtual Result<PersonalDataSummary> list_personal_data(std::int64_t user_id) = 0;
  virtual Result<PersonalDataExport> export_personal_data(std::int64_t user_id) = 0;
  // Deletes or pseudonymises the person's data in one write transaction, except what a
  // legal hold keeps. Idempotent: a second call erases nothing more and still answers.
  virtual Result<ErasureReport> erase_personal_data(std::int64_t user_id) = 0;
};

// For exports: the query's rows as JSON objects with these keys, column by column.
Result<boost::json::array> export_rows(storage::Session& s, std::string_view sql, const storage::Params& params,
                                       std::initializer_list<const char*> keys);

}  // namespace meridian::platform
