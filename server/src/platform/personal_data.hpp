// The personal data port: every module that stores something about a person answers for
// it here, so that the GDPR rights (access, portability, erasure) reach all of a person's
// data, and a new module cannot forget them. The cross-country layer builds the export
// and erasure that people and admins use on top of this port.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <initializer_list>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

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

// An original the person's export carries as it is: a stored object (a file version's
// bytes) and where it goes in the archive ("<folder>/<name>"; privacy makes the name safe).
struct PersonalObject {
  std::string folder;  // "files/12/v3"
  std::string name;
  std::string object_key;
  std::int64_t size = 0;
};

class PersonalDataPort {
 public:
  virtual ~PersonalDataPort() = default;
  virtual std::string_view module() const = 0;
  // The tables holding the person's data that this port answers for (read, exported,
  // erased or knowingly kept): the export-completeness test checks that every table with
  // a person column is some port's.
  virtual std::vector<std::string_view> tables() const = 0;
  virtual Result<PersonalDataSummary> list_personal_data(std::int64_t user_id) = 0;
  virtual Result<PersonalDataExport> export_personal_data(std::int64_t user_id) = 0;
  // Deletes or pseudonymises the person's data in one write transaction, except what a
  // legal hold keeps. Idempotent: a second call erases nothing more and still answers.
  virtual Result<ErasureReport> erase_personal_data(std::int64_t user_id) = 0;
  // The stored objects an export carries besides the JSON (the files module's originals);
  // none for most modules.
  virtual Result<std::vector<PersonalObject>> personal_objects(std::int64_t user_id) {
    (void)user_id;
    return std::vector<PersonalObject>{};
  }
};

// What a module does for each right, given an open transaction of its store.
struct PersonalDataParts {
  std::string_view module;  // "chat", "files", ... (a literal: it outlives the port)
  // The person's records, kind by kind (in a read transaction).
  std::function<Result<std::vector<PersonalRecordCount>>(storage::Session&, std::int64_t user_id)> count;
  // Their export: an object in the module's own terms (in a read transaction).
  std::function<Result<boost::json::object>(storage::Session&, std::int64_t user_id)> collect;
  // Erasure, all of it in one write transaction; the report comes with `module` filled in.
  std::function<Result<void>(storage::Session&, std::int64_t user_id, ErasureReport& report)> erase;
  // The tables it answers for (PersonalDataPort::tables).
  std::vector<std::string_view> tables = {};
};

// The port as the modules implement it: listing and export each in one read transaction,
// erasure in one write transaction, each answered in the module's name. A module's class
// derives from it and hands over its parts, so that it says only what is its own.
class StoredPersonalData : public PersonalDataPort {
 public:
  StoredPersonalData(storage::Database& db, PersonalDataParts parts) : db_(db), parts_(std::move(parts)) {}

  std::string_view module() const final { return parts_.module; }
  std::vector<std::string_view> tables() const final { return parts_.tables; }
  Result<PersonalDataSummary> list_personal_data(std::int64_t user_id) final;
  Result<PersonalDataExport> export_personal_data(std::int64_t user_id) final;
  Result<ErasureReport> erase_personal_data(std::int64_t user_id) final;

 private:
  storage::Database& db_;
  PersonalDataParts parts_;
};

// The legal holds on the person (retention's table, read by every port that honours them),
// each as a receipt names it: "legal hold 'user:7': case 17".
Result<std::vector<std::string>> holds_on_person(storage::Session& s, std::int64_t user_id);

// For exports: the query's rows as JSON objects with these keys, column by column.
Result<boost::json::array> export_rows(storage::Session& s, std::string_view sql, const storage::Params& params,
                                       std::initializer_list<const char*> keys);

// One part of an export: `key` in the export holds the rows `sql` finds for the person
// (their id is its one parameter), as objects with these keys.
struct ExportQuery {
  const char* key;
  const char* sql;
  std::initializer_list<const char*> columns;
};
Result<boost::json::object> export_queries(storage::Session& s, std::int64_t user_id,
                                           std::initializer_list<ExportQuery> queries);

}  // namespace meridian::platform
