// Share links: a secret URL to one file for people without an account, with optional
// expiry, Argon2id password and download limit, revocable by managers. Allowed only
// where the per-country toggle "files.external_links" is on for the link's creator,
// checked when the link is made and again on every use. Wrong passwords are throttled
// per link and per address as sign-ins are (identity::FailureThrottle).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "files/files_service.hpp"
#include "identity/failure_throttle.hpp"
#include "identity/password_hasher.hpp"
#include "region/feature_toggles.hpp"

namespace meridian::files {

inline constexpr std::string_view kExternalLinksFeature = "files.external_links";

struct NewLink {
  UnixMillis expires_at = 0;  // 0: never
  std::optional<std::string> password;
  std::int64_t max_downloads = 0;  // 0: unlimited
};

struct ShareLinkOptions {
  // Wrong passwords for one link, from any address: slowed from the 3rd (1, 2, 4 ... s),
  // locked at the 10th.
  identity::ThrottleRule per_link{3, 10};
  // Wrong passwords from one address, for any link.
  identity::ThrottleRule per_address{0, 30};
  identity::ThrottleTimes times;
};

struct Link {
  std::int64_t id = 0;
  std::int64_t node_id = 0;
  std::int64_t created_by = 0;
  bool has_password = false;
  UnixMillis expires_at = 0;
  std::int64_t max_downloads = 0;
  std::int64_t download_count = 0;
  UnixMillis revoked_at = 0;
  UnixMillis created_at = 0;
  std::string token;  // only in the answer to create(): never stored
};

// What a visitor may learn before downloading.
struct LinkPreview {
  std::string name;
  std::int64_t size = 0;
  std::string content_type;
  bool needs_password = false;
};

class ShareLinks final {
 public:
  ShareLinks(storage::Database& db, FilesService& files, region::FeatureToggles& toggles,
             const identity::PasswordHasher& hasher, const Clock& clock, ShareLinkOptions options = {});

  Result<Link> create(const Caller& caller, std::int64_t node_id, const NewLink& link);
  Result<std::vector<Link>> list(const Subject& who, std::int64_t node_id);
  Result<void> revoke(const Caller& caller, std::int64_t link_id);

  // Without using up a download. forbidden for a wrong password; rate_limited (with
  // retry_after_seconds) while the link or the visitor's address is locked.
  Result<LinkPreview> preview(std::string_view token, std::string_view password, const std::string& ip);
  // Counts a download (when `counts`) and logs the use with the visitor's IP.
  Result<Download> open(std::string_view token, std::string_view password, const std::string& ip, bool counts);

  objectstore::ObjectStore& store() { return files_.store(); }

 private:
  struct Checked;
  Result<Checked> check(std::string_view token, std::string_view password, const std::string& ip);
  Result<void> check_password(const Checked& link, std::string_view password, const std::string& ip);

  storage::Database& db_;
  FilesService& files_;
  region::FeatureToggles& toggles_;
  const identity::PasswordHasher& hasher_;
  const Clock& clock_;
  ShareLinkOptions options_;
  identity::FailureThrottle throttle_;
};

}  // namespace meridian::files
