// What the listener and every session share (like Beast chat-multi's shared_state):
// configuration, the application's router, hub and authenticator, and the registry of
// live sessions that graceful shutdown walks.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "net/server.hpp"
#include "net/static_files.hpp"

namespace meridian::net {

// An HTTP or WebSocket connection as shutdown sees it.
class Session {
 public:
  virtual ~Session() = default;
  // Thread-safe. HTTP: finish the request in flight, then close; WebSocket: close 1001.
  virtual void shutdown() = 0;
  // Thread-safe. When the grace is over: the socket closes now, and the request in flight
  // ends as if the client had gone (a streamed body's sink is dropped and keeps what arrived).
  virtual void abort() = 0;
};

// The executor to come back on after work handed to a pool: `home` (a connection's strand),
// counted as outstanding work of its I/O context for as long as the copy lives. While a
// session's work is on a pool it has no socket operation pending; uncounted, a shutting-down
// I/O context with nothing else to do would return from run(), and the answer (a reply, a
// finished handshake) would never be written: the session would hang until it is cut.
template <class Executor>
auto tracked(const Executor& home) {
  return boost::asio::prefer(home, boost::asio::execution::outstanding_work.tracked);
}

class TlsCredentials;

class ServerState final {
 public:
  ServerState(ServerOptions options, const Router& router, RealtimeHub& hub, Authenticator authenticate,
              ReadinessProbe ready, Metrics& metrics);

  const ServerOptions& options() const { return options_; }
  const Router& router() const { return router_; }
  RealtimeHub& hub() const { return hub_; }
  Metrics& metrics() const { return metrics_; }
  const StaticFiles& static_files() const { return static_files_; }

  // Never throws: an authenticator that throws counts as an internal error.
  Result<Subject> authenticate(std::string_view token, std::string_view remote_ip) const;
  bool ready() const;
  boost::asio::thread_pool& blocking_pool() { return blocking_pool_; }
  boost::asio::thread_pool& work_pool() { return work_pool_; }

  // Set before the listener runs when TLS is on (ServerOptions::tls_cert_file).
  void use_tls(std::shared_ptr<TlsCredentials> tls) { tls_ = std::move(tls); }
  const std::shared_ptr<TlsCredentials>& tls() const { return tls_; }

  std::uint64_t next_id() { return ++last_id_; }
  bool shutting_down() const { return shutting_down_.load(); }

  // The registry holds weak pointers: it never keeps a session alive. join() returns
  // false once shutdown began, and the session then winds itself down.
  bool join(std::uint64_t id, std::weak_ptr<Session> session);
  void leave(std::uint64_t id);
  // Marks shutdown and asks every live session to wind down.
  void shutdown_sessions();
  // Closes the sockets of the sessions still there (Session::abort).
  void abort_sessions();
  // True when every session has left before the deadline.
  bool wait_until_no_sessions(std::chrono::steady_clock::time_point deadline);

 private:
  ServerOptions options_;
  const Router& router_;
  RealtimeHub& hub_;
  Authenticator authenticate_;
  ReadinessProbe ready_;
  Metrics& metrics_;
  StaticFiles static_files_;
  boost::asio::thread_pool blocking_pool_;
  boost::asio::thread_pool work_pool_;
  std::shared_ptr<TlsCredentials> tls_;
  std::atomic<std::uint64_t> last_id_{0};
  std::atomic<bool> shutting_down_{false};

  std::mutex mutex_;
  std::condition_variable no_sessions_;
  std::unordered_map<std::uint64_t, std::weak_ptr<Session>> sessions_;
};

}  // namespace meridian::net
