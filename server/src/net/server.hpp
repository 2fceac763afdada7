// The HTTP + WebSocket server: one port, a thread pool, graceful shutdown.
// Beast and Asio stay behind this header (pimpl).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "core/subject.hpp"
#include "net/http_types.hpp"
#include "net/metrics.hpp"
#include "net/realtime.hpp"
#include "net/router.hpp"

namespace meridian::net {

struct ServerOptions {
  std::string address = "0.0.0.0";
  std::uint16_t port = 8080;  // 0 picks a free port
  int threads = 0;            // 0 = hardware concurrency
  int blocking_threads = 4;   // pool for routes marked RouteOptions::blocking
  // Pool for the work of WebSocket frames and handshakes (authentication, the greeting,
  // every handler): it waits for the store, so it runs here and never on an I/O thread,
  // where it would stall every other connection of that thread. Also the number of
  // writes that can wait for one commit together.
  int work_threads = 16;
  std::string web_root;       // built Angular app; empty = no static files
  std::size_t max_header_bytes = 16 * 1024;
  std::chrono::seconds http_idle_timeout{60};
  // A streamed request body goes to its sink in chunks of this size, two buffers per
  // upload: the next chunk is read from the socket while the sink writes the previous.
  std::size_t stream_chunk_bytes = 1024 * 1024;
  std::size_t ws_max_frame_bytes = 64 * 1024;        // larger -> close 1009
  std::size_t ws_max_queued_messages = 1024;         // per connection
  std::size_t ws_max_queued_bytes = 4 * 1024 * 1024; // per connection
  std::chrono::seconds ws_idle_timeout{60};          // pings at half of it
  std::chrono::seconds shutdown_grace{4};
  // After the grace, requests still running are cut (their sockets closed) and get this
  // long to wind down, so that nothing of theirs outlives wait() (the application's
  // objects, such as storage, go away after it returns).
  std::chrono::seconds shutdown_abort_grace{2};
  // TLS on the server itself (both set): PEM certificate chain and key, read again on SIGHUP.
  std::string tls_cert_file;
  std::string tls_key_file;
};

// Validates a bearer token (from the Authorization header, or for browsers the
// WebSocket subprotocol "bearer.<token>") and returns who it belongs to.
using Authenticator = std::function<Result<Subject>(std::string_view token, std::string_view remote_ip)>;
// /readyz: true when storage and the bus answer.
using ReadinessProbe = std::function<bool()>;

class Server {
 public:
  Server(ServerOptions options, const Router& router, RealtimeHub& hub, Authenticator authenticate,
         ReadinessProbe ready, Metrics& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the worker threads; returns the bound port.
  Result<std::uint16_t> start();
  // Blocks until stop() or SIGINT/SIGTERM, then shuts down gracefully: stops accepting,
  // closes WebSockets with 1001, lets in-flight requests finish (up to shutdown_grace),
  // then cuts the ones left and waits for them to end (up to shutdown_abort_grace), and
  // for the blocking pool's work.
  void wait();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace meridian::net
