// The privacy module: the GDPR rights of the cross-country layer (issue 14) on top of
// every module's personal data port: erasure with a receipt, and export (an archive
// built in the background on every node that runs one, once per export).
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "files/download_tokens.hpp"
#include "identity/identity_service.hpp"
#include "objectstore/object_store.hpp"
#include "platform/module.hpp"
#include "platform/personal_data.hpp"
#include "privacy/consent_service.hpp"
#include "privacy/erasure_service.hpp"
#include "privacy/export_service.hpp"
#include "privacy/restriction_service.hpp"

namespace meridian::privacy {

class PrivacyModule final : public platform::Module {
 public:
  // `ports`: every module's personal data port, in the order an erasure runs them (see
  // ErasureService): identity's last. `store`: where originals are read from and archives
  // kept (the files module's). `link_secret`: the key of the archives' links (shared by
  // every node; empty: random for this process).
  PrivacyModule(const platform::ModuleContext& ctx, std::vector<platform::PersonalDataPort*> ports,
                identity::IdentityService& identity, objectstore::ObjectStore& store, const std::string& link_secret);
  std::string_view name() const override { return "privacy"; }
  void start() override;
  void stop() override;

  ErasureService& erasures() { return erasures_; }
  ExportService& exports() { return exports_; }
  ConsentService& consents() { return consents_; }
  RestrictionService& restrictions() { return restrictions_; }

 private:
  void wake();

  // The consent records' own port, run before identity's (the last) in every export and erasure.
  ConsentPersonalData consent_port_;
  files::DownloadTokens links_;
  ExportService exports_;
  ErasureService erasures_;
  ConsentService consents_;
  RestrictionService restrictions_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread builder_;
};

}  // namespace meridian::privacy
