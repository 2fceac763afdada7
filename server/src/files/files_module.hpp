// The files module: file spaces, folders, versions, sharing and share links, resumable
// uploads, search and download links, on the object store chosen in its options.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "files/download_tokens.hpp"
#include "files/file_search.hpp"
#include "files/files_personal_data.hpp"
#include "files/files_service.hpp"
#include "files/maintenance_job.hpp"
#include "files/resumable_uploads.hpp"
#include "files/share_links.hpp"
#include "identity/identity_service.hpp"
#include "identity/password_hasher.hpp"
#include "objectstore/object_store.hpp"
#include "objectstore/s3_store.hpp"
#include "platform/module.hpp"
#include "region/feature_toggles.hpp"

namespace meridian::files {

struct FilesModuleOptions {
  std::string object_store = "local";  // "local" (data_dir/objects) or "s3"
  objectstore::S3Options s3;
  bool fsync = true;  // local store: fsync objects before they count as stored
  FilesOptions limits;
  // Key for the file manager's short-lived download links; empty = random per process.
  std::string download_secret;
  std::chrono::seconds maintenance_interval{3600};  // expired uploads + object GC; 0 = never by itself
};

class FilesModule final : public platform::Module {
 public:
  // Throws std::runtime_error for an unknown object store. `conversations`: chat's answer
  // to who is in a conversation (attachments/). `listeners`: told of new content and
  // deletions (the AI module's index).
  FilesModule(const platform::ModuleContext& ctx, const FilesModuleOptions& options,
              const ConversationDirectory& conversations, identity::IdentityService& identity,
              const identity::PasswordHasher& hasher, region::FeatureToggles& toggles,
              std::vector<FileListener*> listeners = {});
  std::string_view name() const override { return "files"; }
  void start() override;
  // Before storage goes away: the maintenance job ends and every upload in progress
  // records what arrived.
  void stop() override;

  FilesService& service() { return files_; }
  // Its share of the GDPR rights (platform/personal_data.hpp).
  platform::PersonalDataPort& personal_data() { return personal_data_; }

 private:
  std::unique_ptr<objectstore::ObjectStore> objects_;
  FilesService files_;
  ResumableUploads uploads_;
  MaintenanceJob maintenance_;
  ShareLinks links_;
  FileSearch search_;
  DownloadTokens download_tokens_;
  bool periodic_;
  FilesPersonalData personal_data_;
};

}  // namespace meridian::files
