#include "app/module_options.hpp"

#include <algorithm>

namespace meridian::app {

region::RegionModuleOptions region_options(const Config& c) {
  region::RegionModuleOptions o;
  o.country_regions = c.country_regions;
  o.cache_ms = c.auth_cache_ms;
  return o;
}

identity::IdentityModuleOptions identity_options(const Config& c) {
  identity::IdentityModuleOptions o;
  o.password_cost =
      c.password_cost == "minimum" ? identity::PasswordCost::minimum() : identity::PasswordCost::interactive();
  o.service.session_ttl_ms = static_cast<std::int64_t>(c.session_ttl_seconds) * 1000;
  o.service.session_cache_ms = c.auth_cache_ms;
  return o;
}

files::FilesModuleOptions files_options(const Config& c) {
  files::FilesModuleOptions o;
  o.object_store = c.object_store;
  o.s3.endpoint = c.s3_endpoint;
  o.s3.region = c.s3_region;
  o.s3.bucket = c.s3_bucket;
  o.s3.access_key = c.s3_access_key;
  o.s3.secret_key = c.s3_secret_key;
  o.fsync = c.files_fsync;
  o.limits.personal_quota_bytes = c.files_personal_quota_bytes;
  o.limits.space_quota_bytes = c.files_space_quota_bytes;
  o.limits.max_file_bytes = c.files_max_file_bytes;
  o.limits.keep_versions = c.files_keep_versions;
  o.download_secret = c.files_download_secret;
  o.maintenance_interval = std::chrono::seconds(c.files_maintenance_interval_seconds);
  return o;
}

retention::RetentionModuleOptions retention_options(const Config& c) {
  retention::RetentionModuleOptions o;
  o.batch_size = c.retention_batch_size;
  o.interval = std::chrono::seconds(c.retention_interval_seconds);
  o.allow_run_as_of = c.retention_allow_run_as_of;
  return o;
}

net::WsLimits ws_limits(const Config& c) {
  net::WsLimits o;
  auto limit = [](long long per_second, long long burst) {
    return net::RateLimit{static_cast<double>(per_second), static_cast<double>(std::max(burst, per_second))};
  };
  o.frames_per_connection = limit(c.ws_frames_per_second, c.ws_frame_burst);
  o.frames_per_person = limit(c.ws_person_frames_per_second, c.ws_person_frame_burst);
  o.writes_per_person = limit(c.ws_writes_per_second, c.ws_write_burst);
  return o;
}

}  // namespace meridian::app
