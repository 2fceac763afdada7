// Files' answer to the personal data port: the person's personal space, the grants they
// hold, the share links they made, the file locks they hold and their activity.
#pragma once

#include "core/clock.hpp"
#include "files/files_service.hpp"
#include "platform/personal_data.hpp"

namespace meridian::files {

// Erasure: first the personal space, through the files service (files_service.hpp,
// erase_personal_files): every file and folder in it with all versions, their stored
// objects once no other version holds the same content, and the space's activity log;
// a legal hold on the person keeps them, and the report names the hold. Then, in one
// write transaction taking the affected spaces' rows first (ascending, docs/architecture.md
// "Lock order"): grants to the person go, their file locks are lifted, the share links
// they made elsewhere are revoked (the rows stay, as every revoked link's do, naming the
// maker by id only), and their activity rows lose the IP address and country (actor id
// kept, as in the audit log: it names a pseudonymised account). Unfinished uploads are
// reported as kept: they expire and the maintenance job removes them with their objects.
//
// In a report, `erased` counts what this call deleted; `pseudonymised` and `kept` are the
// state of what stays (the same on a repeat).
class FilesPersonalData final : public platform::PersonalDataPort {
 public:
  FilesPersonalData(storage::Database& db, const Clock& clock, FilesService& files);

  std::string_view module() const override { return rows_.module(); }
  std::vector<std::string_view> tables() const override { return rows_.tables(); }
  Result<platform::PersonalDataSummary> list_personal_data(std::int64_t user_id) override {
    return rows_.list_personal_data(user_id);
  }
  Result<platform::PersonalDataExport> export_personal_data(std::int64_t user_id) override {
    return rows_.export_personal_data(user_id);
  }
  Result<platform::ErasureReport> erase_personal_data(std::int64_t user_id) override;
  // Every version of every file in the person's personal space, oldest first
  // ("files/<file id>/v<number>/<name>"; the bytes are in the files' object store).
  Result<std::vector<platform::PersonalObject>> personal_objects(std::int64_t user_id) override;

 private:
  storage::Database& db_;
  FilesService& files_;
  platform::StoredPersonalData rows_;
};

}  // namespace meridian::files
