// Composition root: reads the configuration, opens storage and the bus, lists the
// modules (each built after the ones it needs), serves them, and shuts down cleanly on
// SIGINT/SIGTERM.
#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>

#include "app/config.hpp"
#include "app/module_options.hpp"
#include "app/runtime.hpp"
#include "ai/ai_module.hpp"
#include "alerts/alerts_module.hpp"
#include "attachments/chat_attachments.hpp"
#include "audit/audit_module.hpp"
#include "availability/availability_module.hpp"
#include "chat/chat_module.hpp"
#include "cluster/relay.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "meetings/meetings_module.hpp"
#include "net/server.hpp"
#include "presence/presence_module.hpp"
#include "remote_support/remote_support_module.hpp"
#include "privacy/privacy_module.hpp"
#include "storage/migrations.hpp"

namespace meridian::app {
namespace {

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
  // Real-time modules publish through the bus so that fan-out works the same across nodes.
  auto bus = open_bus(c);
  policy::Policy policy;
  audit::AuditLog audit_log(*db, clock);
  net::Router router;
  net::RealtimeHub hub(ws_limits(c));
  cluster::Relay relay(*bus, hub);  // sends to people's sockets on every node
  const platform::Settings settings{c.config_file, c.data_dir};
  const platform::ModuleContext ctx{*db, *bus, clock, policy, audit_log, relay, router, hub, settings};

  // The modules, each after the ones it needs. Who may act in a conversation is chat's
  // rule, built first because the files of a conversation ask it too (attachments/).
  region::RegionModule region(ctx, region_options(c));
  audit::AuditModule audit(ctx);
  // Availability answers "is this person working at T" (platform::WorkingTime) for /me, presence
  // and alerts' quiet hours.
  availability::AvailabilityModule availability(ctx);
  identity::IdentityModule identity(ctx, identity_options(c), region.regions(), region.toggles(),
                                    &availability.working_time());
  presence::PresenceModule presence(ctx, &availability.working_time());
  chat::ConversationAccess conversation_access(policy, &region.toggles());  // chat.support
  attachments::ConversationsForFiles files_conversations(conversation_access);
  ai::IndexQueue ai_index_queue;  // files tells it of new content; the ai module indexes it
  files::FilesModule files(ctx, files_options(c), files_conversations, identity.service(), identity.hasher(),
                           region.toggles(), {&ai_index_queue});
  attachments::FilesForChat chat_files(files.service());
  chat::ChatModule chat(ctx, conversation_access, presence, chat_files);
  meetings::MeetingsModule meetings(ctx, identity.service(), region.toggles(), chat.service(),
                                    conversation_access.room_guests());
  retention::RetentionModule retention(ctx, retention_options(c), chat.service(), {&chat_files});
  alerts::AlertsModule alerts(ctx, &availability.working_time(), &region.toggles());  // quiet hours, categories
  ai::AiModule ai(ctx, chat.service(), identity.service(), region.toggles(), files.service(), ai_index_queue);
  remote_support::RemoteSupportModule remote_support(ctx, identity.service(), chat.support(), meetings.service(),
                                                     region.toggles());
  availability::SchedulingModule scheduling(ctx, availability.service(), meetings.busy_times());
  // Erasure runs the ports in this order: chat reads the person's name and e-mail (to find
  // mentions of them) before identity pseudonymises the account, last.
  privacy::PrivacyModule privacy(
      ctx,
      {&chat.personal_data(), &files.personal_data(), &meetings.personal_data(), &alerts.personal_data(),
       &retention.personal_data(), &ai.personal_data(), &remote_support.personal_data(), &availability.personal_data(),
       &audit.personal_data(), &identity.personal_data()},
      identity.service(), files.service().store(),
      c.files_download_secret.empty() ? "" : c.files_download_secret + ":exports");
  const std::vector<platform::Module*> modules{&region,         &audit,        &identity,   &presence, &files,
                                               &chat,           &meetings,     &retention,  &alerts,   &ai,
                                               &remote_support, &availability, &scheduling, &privacy};

  auto bootstrap = identity.service().ensure_admin(c.admin_email, c.admin_password);
  if (!bootstrap.ok()) throw std::runtime_error("cannot create the first administrator: " + bootstrap.error().message);
  for (auto* m : modules) m->start();

  net::Metrics metrics;
  net::ServerOptions options;
  options.address = c.address;
  options.port = c.port;
  options.threads = c.threads;
  options.work_threads = c.work_threads;
  options.web_root = c.web_root;
  options.tls_cert_file = c.tls_cert_file;
  options.tls_key_file = c.tls_key_file;
  options.ws_max_frame_bytes = c.max_ws_frame_bytes;
  options.ws_idle_timeout = std::chrono::seconds(c.ws_idle_timeout_seconds);
  auto authenticate = [&identity, &meetings, &remote_support](std::string_view token,
                                                              std::string_view) -> Result<Subject> {
    // Meeting guest passes and remote support customers' tokens are scoped tokens; anything
    // else is a session token.
    auto guest = meetings.service().authenticate_guest(token);
    if (guest.ok() || guest.error().code != ErrorCode::not_found) return guest;
    auto customer = remote_support.service().authenticate(token);
    if (customer.ok() || customer.error().code != ErrorCode::not_found) return customer;
    return identity.service().authenticate(token);
  };
  net::Server server(
      options, router, hub, authenticate, [&db, &bus] { return db->ready() && bus->ready(); }, metrics);
  auto port = server.start();
  if (!port.ok()) {
    // The modules' threads end before the error leaves main (a joinable thread would abort).
    for (auto m = modules.rbegin(); m != modules.rend(); ++m) (*m)->stop();
    throw std::runtime_error("cannot serve on " + c.address + ":" + std::to_string(c.port) + ": " +
                             port.error().message);
  }

  const std::string url = (c.tls_cert_file.empty() ? "http://" : "https://") + printable_host(c.address) + ":" +
                          std::to_string(*port) + "/";
  const auto startup_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  log::info("server.started", {{"url", url},
                               {"port", std::int64_t{*port}},
                               {"storage", c.database_url.empty() ? "sqlite" : "postgres"},
                               {"bus", c.bus_url.empty() ? "in-process" : "redis"},
                               {"web_root", c.web_root},
                               {"startup_ms", std::int64_t{startup_ms}}});
  announce(c, url, *bootstrap);

  server.wait();
  for (auto m = modules.rbegin(); m != modules.rend(); ++m) (*m)->stop();
  // No handler may run once the modules start going away: the Redis threads stop here.
  bus.reset();
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
