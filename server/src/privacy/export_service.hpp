// The right of access and portability: one ZIP archive with everything Meridian keeps
// about a person -- every module's personal data port as `<module>.json`, the original
// files they own (every version), and `manifest.json` listing both -- built in the
// background with progress, downloadable once through an expiring link, audited.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "files/download_tokens.hpp"
#include "net/streaming.hpp"
#include "objectstore/object_store.hpp"
#include "platform/personal_data.hpp"
#include "policy/policy.hpp"
#include "privacy/export.hpp"
#include "privacy/export_repository.hpp"
#include "storage/database.hpp"

namespace meridian::privacy {

struct ExportOptions {
  UnixMillis keep_ms = 24 * 3600 * 1000;         // a ready archive is removed after this
  UnixMillis lease_ms = 60'000;                  // a builder that stops renewing loses its export
  UnixMillis downloaded_grace_ms = 3600 * 1000;  // a downloaded archive is removed after this
  std::string node_id = "node";
};

struct ExportHooks {
  // not_found for an unknown person; otherwise the object key prefix of their region.
  std::function<Result<std::string>(std::int64_t user_id)> archive_prefix;
  // An export was queued: wake the builder.
  std::function<void()> queued = [] {};
};

// An archive on its way out: the bytes and the name to save them under.
struct ExportDownload {
  std::shared_ptr<net::BodySource> source;
  std::string file_name;
};

class ExportService final {
 public:
  ExportService(storage::Database& db, const policy::Policy& policy, const Clock& clock, audit::AuditLog& audit,
                std::vector<platform::PersonalDataPort*> ports, objectstore::ObjectStore& store,
                const files::DownloadTokens& tokens, ExportHooks hooks, ExportOptions options = {});

  // The person for themselves, or an administrator for anyone; an export still being
  // built for the person is answered again.
  Result<Export> request(const Subject& who, std::int64_t user_id, const std::string& ip);
  // The person's own, or any for administrators (others: not_found).
  Result<Export> get(const Subject& who, std::int64_t id);
  // The person's own (user_id = theirs) or, for administrators, everyone's (no user_id).
  Result<std::vector<Export>> list(const Subject& who, std::optional<std::int64_t> user_id, int limit);
  // For a ready export the caller may see: a link valid for a short while (the token
  // names the caller and the export); nullopt otherwise. The person's link spends their
  // one download; an administrator's spends the one administrator's copy, kept apart.
  std::optional<std::string> download_url(const Subject& who, const Export& e) const;
  // The archive, once for the person and once for an administrator: the token must be
  // this export's and fresh, the archive still kept.
  Result<ExportDownload> download(std::int64_t id, std::string_view token, const std::string& ip);

  // The builder: builds the next export due; false when there was none.
  Result<bool> build_next();
  // Removes archives past their time; how many.
  Result<std::int64_t> sweep();

  // Called after an export is queued (the module wakes its builder).
  void on_queued(std::function<void()> fn) { hooks_.queued = std::move(fn); }

  // Erasure: the person's exports and their archives; how many.
  Result<std::int64_t> erase_of(std::int64_t user_id);

 private:
  Result<void> build(const Export& e);
  Export as_seen(Export e) const;

  storage::Database& db_;
  const policy::Policy& policy_;
  const Clock& clock_;
  audit::AuditLog& audit_;
  std::vector<platform::PersonalDataPort*> ports_;
  objectstore::ObjectStore& store_;
  const files::DownloadTokens& tokens_;
  ExportHooks hooks_;
  ExportOptions options_;
  ExportRepository repo_;
};

}  // namespace meridian::privacy
