#include "files/files_module.hpp"

#include <filesystem>
#include <stdexcept>

#include "files/files_routes.hpp"
#include "objectstore/local_disk_store.hpp"

namespace meridian::files {
namespace {

std::unique_ptr<objectstore::ObjectStore> open_store(const platform::Settings& settings,
                                                     const FilesModuleOptions& options) {
  if (options.object_store == "s3") return std::make_unique<objectstore::S3Store>(options.s3);
  if (options.object_store == "local") {
    const auto root = std::filesystem::path(settings.data_dir) / "objects";
    std::filesystem::create_directories(root);
    return std::make_unique<objectstore::LocalDiskStore>(root, options.fsync);
  }
  throw std::runtime_error("files.object_store must be local or s3");
}

ResumableOptions staging(const platform::Settings& settings) {
  ResumableOptions o;
  o.staging_dir = std::filesystem::path(settings.data_dir) / "uploads";
  return o;
}

}  // namespace

FilesModule::FilesModule(const platform::ModuleContext& ctx, const FilesModuleOptions& options,
                         const ConversationDirectory& conversations, identity::IdentityService& identity,
                         const identity::PasswordHasher& hasher, region::FeatureToggles& toggles,
                         std::vector<FileListener*> listeners)
    : objects_(open_store(ctx.settings, options)),
      files_(ctx.db, *objects_, ctx.clock, options.limits, &conversations, std::move(listeners)),
      uploads_(ctx.db, files_, ctx.clock, staging(ctx.settings)),
      maintenance_(files_, uploads_, options.maintenance_interval),
      links_(ctx.db, files_, toggles, hasher, ctx.clock),
      search_(ctx.db, files_),
      download_tokens_(ctx.clock, options.download_secret),
      periodic_(options.maintenance_interval.count() > 0),
      personal_data_(ctx.db, ctx.clock, files_) {
  add_files_routes(ctx.router, files_);
  add_upload_routes(ctx.router, uploads_);
  add_link_routes(ctx.router, links_);
  // A download link is checked against the person as they are now (deactivated: refused).
  add_access_routes(ctx.router, files_, search_, download_tokens_, [&identity](std::int64_t user_id) -> Result<Subject> {
    auto user = identity.user(user_id);
    if (!user) return user.error();
    if (!user->active) return make_error(ErrorCode::unauthenticated, "deactivated");
    Subject s;
    s.user_id = user->id;
    s.kind = user->kind;
    s.roles = user->roles;
    s.country = user->country;
    s.region = user->region;
    s.email = user->email;
    return s;
  });
}

void FilesModule::start() {
  if (periodic_) maintenance_.start();
}

void FilesModule::stop() {
  maintenance_.stop();
  uploads_.stop();
}

}  // namespace meridian::files
