#include "net/server.hpp"

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "core/log.hpp"
#include "net/listener.hpp"
#include "net/server_state.hpp"
#include "net/tls.hpp"

namespace meridian::net {
namespace asio = boost::asio;

namespace {
int thread_count(int requested) {
  if (requested > 0) return requested;
  return std::max(1U, std::thread::hardware_concurrency());
}
}  // namespace

struct Server::Impl {
  Impl(ServerOptions options, const Router& router, RealtimeHub& hub, Authenticator authenticate, ReadinessProbe ready,
       Metrics& metrics)
      : threads(thread_count(options.threads)),
        state(std::make_shared<ServerState>(std::move(options), router, hub, std::move(authenticate), std::move(ready),
                                            metrics)),
        ioc(threads) {}

  void request_stop() {
    std::lock_guard lock(mutex);
    stop_requested = true;
    stop_changed.notify_all();
  }

  // Idempotent: wait() and the destructor both end up here.
  void shut_down() {
    {
      std::lock_guard lock(mutex);
      if (!started || stopped) return;
      stopped = true;
    }
    const auto grace = state->options().shutdown_grace;
    const auto deadline = std::chrono::steady_clock::now() + grace;
    log::info("server.stopping", {{"grace_seconds", static_cast<std::int64_t>(grace.count())}});
    listener->stop();
    if (signals) signals->cancel();
    if (reload_signal) reload_signal->cancel();
    state->shutdown_sessions();
    const bool drained = state->wait_until_no_sessions(deadline);
    bool ended = drained;
    if (!drained) {
      // A request still running (an upload whose client keeps sending) ends now as if its
      // client had gone, while the application is still there; left to the I/O context's
      // destruction it would end after the application's objects are gone.
      state->abort_sessions();
      ended = state->wait_until_no_sessions(std::chrono::steady_clock::now() + state->options().shutdown_abort_grace);
    }
    ioc.stop();
    for (auto& t : workers) t.join();
    workers.clear();
    // Work handed to the pools finishes now, not while the application is going away.
    state->blocking_pool().join();
    state->work_pool().join();
    log::info("server.stopped", {{"drained", drained}, {"cut", !drained}, {"ended", ended}});
  }

  void wait_for_reload() {
    reload_signal->async_wait([this](const boost::system::error_code& ec, int) {
      if (ec) return;
      if (const auto& tls = state->tls()) {
        auto reloaded = tls->reload();
        if (reloaded.ok())
          log::info("server.tls_reloaded", {{"certificate", std::string_view(state->options().tls_cert_file)}});
        else
          log::error("server.tls_reload_failed", {{"message", std::string_view(reloaded.error().message)}});
      } else {
        log::info("server.reload_ignored", {{"reason", "TLS is off: nothing to reload"}});
      }
      wait_for_reload();
    });
  }

  const int threads;
  std::shared_ptr<ServerState> state;
  asio::io_context ioc;
  std::shared_ptr<Listener> listener;
  std::optional<asio::signal_set> signals;
  std::optional<asio::signal_set> reload_signal;
  std::vector<std::thread> workers;

  std::mutex mutex;
  std::condition_variable stop_changed;
  bool started = false;
  bool stop_requested = false;
  bool stopped = false;
};

Server::Server(ServerOptions options, const Router& router, RealtimeHub& hub, Authenticator authenticate,
               ReadinessProbe ready, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, hub, std::move(authenticate), std::move(ready),
                                   metrics)) {}

Server::~Server() {
  impl_->request_stop();
  impl_->shut_down();
}

Result<std::uint16_t> Server::start() {
  Impl& impl = *impl_;
  {
    std::lock_guard lock(impl.mutex);
    if (impl.started) return make_error(ErrorCode::conflict, "server already started");
  }
  const ServerOptions& options = impl.state->options();
  // A client leaving mid-download must not kill the process: sendfile(2) has no
  // MSG_NOSIGNAL, so a write to a closed socket would raise SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
    if (options.tls_cert_file.empty() || options.tls_key_file.empty())
      return make_error(ErrorCode::invalid_argument, "TLS needs both a certificate file and a key file");
    auto tls = TlsCredentials::load(options.tls_cert_file, options.tls_key_file);
    if (!tls) return tls.error();
    impl.state->use_tls(std::move(*tls));
  }
  impl.listener = std::make_shared<Listener>(impl.ioc, impl.state);
  auto port = impl.listener->open(options.address, options.port);
  if (!port) return port.error();
  impl.listener->run();

  impl.signals.emplace(impl.ioc, SIGINT, SIGTERM);
  impl.signals->async_wait([&impl](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log::info("server.signal", {{"signal", static_cast<std::int64_t>(signal)}});
    impl.request_stop();
  });

  // SIGHUP reads the TLS certificate and key again (after a renewal); connections already
  // open keep theirs. Without TLS there is nothing to reload, and the signal is only logged.
  impl.reload_signal.emplace(impl.ioc, SIGHUP);
  impl.wait_for_reload();

  impl.workers.reserve(static_cast<std::size_t>(impl.threads));
  for (int i = 0; i < impl.threads; ++i) impl.workers.emplace_back([&impl] { impl.ioc.run(); });
  {
    std::lock_guard lock(impl.mutex);
    impl.started = true;
  }
  log::info("server.listening", {{"address", std::string_view(options.address)},
                                 {"port", static_cast<std::int64_t>(*port)},
                                 {"threads", static_cast<std::int64_t>(impl.threads)},
                                 {"tls", impl.state->tls() != nullptr},
                                 {"web_root", std::string_view(options.web_root)}});
  return *port;
}

void Server::wait() {
  Impl& impl = *impl_;
  {
    std::unique_lock lock(impl.mutex);
    if (!impl.started) return;
    impl.stop_changed.wait(lock, [&impl] { return impl.stop_requested; });
  }
  impl.shut_down();
}

void Server::stop() { impl_->request_stop(); }

}  // namespace meridian::net
