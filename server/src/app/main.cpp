// Composition root: reads the configuration, opens storage, wires the modules to the
// transport, prints where Meridian runs, and shuts down cleanly on SIGINT/SIGTERM.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <thread>

#include <boost/json/serialize.hpp>

#include "app/config.hpp"
#include "audit/audit_routes.hpp"
#include "attachments/chat_attachments.hpp"
#include "bus/in_process_bus.hpp"
#include "bus/redis_bus.hpp"
#include "chat/chat_routes.hpp"
#include "chat/live_chat.hpp"
#include "chat/search_routes.hpp"
#include "chat/support_routes.hpp"
#include "cluster/relay.hpp"
#include "files/files_routes.hpp"
#include "files/maintenance_job.hpp"
#include "objectstore/local_disk_store.hpp"
#include "objectstore/s3_store.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "identity/identity_routes.hpp"
#include "meetings/meetings_config.hpp"
#include "meetings/meetings_routes.hpp"
#include "net/server.hpp"
#include "presence/presence_cluster.hpp"
#include "presence/presence_routes.hpp"
#include "region/region_routes.hpp"
#include "retention/chat_purges.hpp"
#include "retention/retention_job.hpp"
#include "retention/retention_routes.hpp"
#include "storage/migrations.hpp"
#include "storage/postgres/postgres_database.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace meridian::app {
namespace {

std::unique_ptr<storage::Database> open_storage(const Config& c) {
  if (!c.database_url.empty()) {
    if (c.database_url.rfind("postgres://", 0) != 0 && c.database_url.rfind("postgresql://", 0) != 0)
      throw std::runtime_error("database_url must start with postgresql:// (leave it empty for SQLite)");
    auto db = storage::open_postgres({c.database_url, c.database_pool_size});
    if (!db.ok()) throw std::runtime_error("cannot open PostgreSQL: " + db.error().message);
    return std::move(*db);
  }
  std::filesystem::create_directories(c.data_dir);
  std::filesystem::create_directories(std::filesystem::path(c.data_dir) / "objects");
  auto db = storage::open_sqlite({(std::filesystem::path(c.data_dir) / "meridian.db").string()});
  if (!db.ok()) throw std::runtime_error("cannot open SQLite: " + db.error().message);
  return std::move(*db);
}

// In-process for one node; Redis pub/sub when bus_url names it (several nodes).
std::unique_ptr<bus::Bus> open_bus(const Config& c) {
  if (c.bus_url.empty()) return std::make_unique<bus::InProcessBus>();
  auto options = bus::parse_redis_url(c.bus_url);
  if (!options.ok()) throw std::runtime_error(options.error().message);
  if (c.bus_prefix.empty()) throw std::runtime_error("bus prefix must not be empty");
  options->prefix = c.bus_prefix;
  auto redis = std::make_unique<bus::RedisBus>(*options);
  // Start anyway when Redis is late: /readyz says not ready until it answers, and the
  // bus keeps reconnecting.
  if (!redis->wait_ready(std::chrono::seconds(5)))
    log::warn("bus.redis_not_ready",
              {{"host", std::string_view(options->host)}, {"port", std::int64_t{options->port}}});
  return redis;
}

// @here counts people connected to any node.
class PresenceOnline final : public chat::OnlineCheck {
 public:
  explicit PresenceOnline(presence::PresenceService& presence) : presence_(presence) {}
  bool online(std::int64_t user_id) const override { return presence_.online(user_id); }

 private:
  presence::PresenceService& presence_;
};

std::string printable_host(const std::string& address) {
  return address == "0.0.0.0" || address == "::" ? "localhost" : address;
}

int run(const Config& c) {
  const auto started = std::chrono::steady_clock::now();
  log::Level level;
  if (!log::parse_level(c.log_level, level))
    throw std::runtime_error("log level must be debug, info, warn, error or off");
  log::set_level(level);
  init_crypto();

  SystemClock clock;
  auto db = open_storage(c);
  auto migrated = storage::apply_migrations(*db, storage::schema_migrations());
  if (!migrated.ok()) throw std::runtime_error(migrated.error().message);

  region::RegionMap regions;
  for (const auto& [country, region] : c.country_regions) {
    if (!region::is_country_code(country))
      throw std::runtime_error("[regions]: '" + country + "' is not an ISO 3166-1 alpha-2 country code");
    regions.set(country, region);
  }
  policy::Policy policy;
  audit::AuditLog audit_log(*db, clock);
  region::FeatureToggles toggles(*db, audit_log, clock, c.auth_cache_ms);
  identity::PasswordHasher hasher(c.password_cost == "minimum" ? identity::PasswordCost::minimum()
                                                               : identity::PasswordCost::interactive());
  identity::IdentityOptions identity_options;
  identity_options.session_ttl_ms = static_cast<std::int64_t>(c.session_ttl_seconds) * 1000;
  identity_options.session_cache_ms = c.auth_cache_ms;
  identity::IdentityService identity(*db, audit_log, regions, hasher, clock, identity_options);

  auto bootstrap = identity.ensure_admin(c.admin_email, c.admin_password);
  if (!bootstrap.ok()) throw std::runtime_error("cannot create the first administrator: " + bootstrap.error().message);

  // Real-time modules publish through the bus so that fan-out works the same across nodes.
  auto event_bus_owner = open_bus(c);
  bus::Bus& event_bus = *event_bus_owner;

  net::Router router;
  net::RealtimeHub hub;
  // Sends to people's sockets on every node (through the bus).
  cluster::Relay relay(event_bus, hub);
  identity::add_identity_routes(router, {identity, toggles, policy, hub, clock, &relay});
  region::add_region_routes(router, toggles, regions, policy);
  audit::add_audit_routes(router, audit_log, policy);
  // Chat, files and meetings are built in the order of what each needs: who may act in
  // a conversation first (chat's access), then files (attachments need it), then chat
  // with its ports, then the modules that use chat.
  presence::SqlDirectory presence_directory(*db);
  presence::LocalChanges presence_changes;
  presence::PresenceService presence(
      presence_directory,
      [&hub](std::uint64_t connection_id, const std::string& text) { hub.send_to_connection(connection_id, text); },
      {}, &presence_changes);
  presence::add_presence_routes(router, hub, presence);
  presence.start();
  // Other nodes' connections count in the aggregate; @here counts people connected anywhere.
  presence::PresenceCluster presence_cluster(event_bus, presence, presence_changes);
  presence_cluster.start();
  PresenceOnline online(presence);

  chat::ConversationAccess conversation_access(policy);
  std::unique_ptr<objectstore::ObjectStore> objects;
  if (c.object_store == "s3") {
    objectstore::S3Options s3;
    s3.endpoint = c.s3_endpoint;
    s3.region = c.s3_region;
    s3.bucket = c.s3_bucket;
    s3.access_key = c.s3_access_key;
    s3.secret_key = c.s3_secret_key;
    objects = std::make_unique<objectstore::S3Store>(s3);
  } else if (c.object_store == "local") {
    objects =
        std::make_unique<objectstore::LocalDiskStore>(std::filesystem::path(c.data_dir) / "objects", c.files_fsync);
  } else {
    throw std::runtime_error("files.object_store must be local or s3");
  }
  files::FilesOptions files_options;
  files_options.personal_quota_bytes = c.files_personal_quota_bytes;
  files_options.space_quota_bytes = c.files_space_quota_bytes;
  files_options.max_file_bytes = c.files_max_file_bytes;
  files_options.keep_versions = c.files_keep_versions;
  attachments::ConversationsForFiles files_conversations(conversation_access);
  files::FilesService files_service(*db, *objects, clock, files_options, &files_conversations);
  files::add_files_routes(router, files_service);
  attachments::FilesForChat chat_files(files_service);

  chat::LiveChat live_chat(*db, conversation_access, hub, relay);
  chat::ChatService chat(*db, policy, clock, conversation_access, {&live_chat, &online, &chat_files});
  chat::add_chat_routes(router, hub, chat, live_chat);
  meetings::WebhookDispatcher webhooks(*db, clock, meetings::load_webhook_options(c.config_file),
                                       std::make_unique<meetings::CurlPoster>());
  meetings::MeetingsService meetings(*db, identity, policy, clock, meetings::load_meetings_options(c.config_file),
                                     &toggles, &webhooks, &chat, &conversation_access.room_guests());
  meetings::add_meetings_routes(router, hub, meetings, policy, &webhooks);
  webhooks.start();
  chat::SupportService support(*db, policy, clock, conversation_access, &live_chat, &audit_log);
  chat::add_support_routes(router, relay, support);
  chat::SearchService search(*db, policy);
  chat::add_search_routes(router, search);
  retention::ChatPurges chat_purges(chat);
  retention::RetentionService retention_service(*db, audit_log, policy, clock,
                                                retention::RetentionOptions{c.retention_batch_size},
                                                {&chat_purges, &chat_files});
  retention::add_retention_routes(router, retention_service, chat, {c.retention_allow_run_as_of});
  retention::RetentionJob retention_job(retention_service, std::chrono::seconds(c.retention_interval_seconds));
  if (c.retention_interval_seconds > 0) retention_job.start();

  files::ResumableOptions resumable_options;
  resumable_options.staging_dir = std::filesystem::path(c.data_dir) / "uploads";
  files::ResumableUploads resumable(*db, files_service, clock, resumable_options);
  files::add_upload_routes(router, resumable);
  files::MaintenanceJob files_maintenance(files_service, resumable,
                                          std::chrono::seconds(c.files_maintenance_interval_seconds));
  if (c.files_maintenance_interval_seconds > 0) files_maintenance.start();
  files::ShareLinks share_links(*db, files_service, toggles, hasher, clock);
  files::add_link_routes(router, share_links);
  files::FileSearch file_search(*db, files_service);
  files::DownloadTokens download_tokens(clock, c.files_download_secret);
  files::add_access_routes(router, files_service, file_search, download_tokens,
                           [&identity](std::int64_t user_id) -> Result<Subject> {
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

  net::Metrics metrics;
  net::ServerOptions options;
  options.address = c.address;
  options.port = c.port;
  options.threads = c.threads;
  options.web_root = c.web_root;
  options.ws_max_frame_bytes = c.max_ws_frame_bytes;
  options.ws_idle_timeout = std::chrono::seconds(c.ws_idle_timeout_seconds);
  net::Server server(
      options, router, hub,
      [&identity, &meetings](std::string_view token, std::string_view) -> Result<Subject> {
        // Meeting guest passes are scoped tokens; anything else is a session token.
        if (auto guest = meetings.authenticate_guest(token); guest.ok() || guest.error().code != ErrorCode::not_found)
          return guest;
        return identity.authenticate(token);
      },
      [&db, &event_bus] { return db->ready() && event_bus.ready(); }, metrics);
  auto port = server.start();
  if (!port.ok())
    throw std::runtime_error("cannot listen on " + c.address + ":" + std::to_string(c.port) + ": " +
                             port.error().message);

  const std::string url = "http://" + printable_host(c.address) + ":" + std::to_string(*port) + "/";
  const auto startup_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  log::info("server.started", {{"url", url},
                               {"port", std::int64_t{*port}},
                               {"storage", c.database_url.empty() ? "sqlite" : "postgres"},
                               {"bus", c.bus_url.empty() ? "in-process" : "redis"},
                               {"web_root", c.web_root},
                               {"startup_ms", std::int64_t{startup_ms}}});
  std::fprintf(stderr, "\n  Meridian is running at %s\n", url.c_str());
  if (bootstrap->created) {
    std::fprintf(stderr, "  First administrator: %s\n", c.admin_email.c_str());
    if (bootstrap->generated_password)
      std::fprintf(stderr, "  Password (shown once, change it after signing in): %s\n",
                   bootstrap->generated_password->c_str());
    else
      std::fprintf(stderr, "  Password: the one given in MERIDIAN_ADMIN_PASSWORD\n");
  }
  if (c.web_root.empty()) std::fprintf(stderr, "  (no web app found: run `make build` to serve the UI)\n");
  std::fprintf(stderr, "\n");

  server.wait();
  retention_job.stop();
  files_maintenance.stop();
  presence_cluster.stop();
  presence.stop();
  webhooks.stop();
  // No handler may run once the modules start going away: the Redis threads stop here.
  event_bus_owner.reset();
  auto flushed = db->flush();
  if (!flushed.ok()) log::error("storage.flush_failed", {{"message", flushed.error().message}});
  db.reset();
  log::info("server.exited");
  return 0;
}

}  // namespace
}  // namespace meridian::app

int main(int argc, char** argv) {
  try {
    auto parsed = meridian::app::load_config(argc, argv);
    if (parsed.exit_now) return parsed.exit_code;
    return meridian::app::run(parsed.config);
  } catch (const std::exception& e) {
    meridian::log::error("server.fatal", {{"message", std::string_view(e.what())}});
    std::fprintf(stderr, "meridian: %s\n", e.what());
    return 1;
  }
}
