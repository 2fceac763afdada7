#include "net/server_state.hpp"

#include <exception>
#include <utility>
#include <vector>

#include "core/log.hpp"

namespace meridian::net {

ServerState::ServerState(ServerOptions options, const Router& router, RealtimeHub& hub, Authenticator authenticate,
                         ReadinessProbe ready, Metrics& metrics)
    : options_(std::move(options)),
      router_(router),
      hub_(hub),
      authenticate_(std::move(authenticate)),
      ready_(std::move(ready)),
      metrics_(metrics),
      static_files_(options_.web_root),
      blocking_pool_(static_cast<std::size_t>(options_.blocking_threads > 0 ? options_.blocking_threads : 1)),
      work_pool_(static_cast<std::size_t>(options_.work_threads > 0 ? options_.work_threads : 1)) {
  last_id_ = std::uint64_t{hub.node_tag()} << 32;
}

Result<Subject> ServerState::authenticate(std::string_view token, std::string_view remote_ip) const {
  if (!authenticate_) return make_error(ErrorCode::unauthenticated, "authentication is not configured");
  try {
    return authenticate_(token, remote_ip);
  } catch (const std::exception& e) {
    log::error("auth.exception", {{"what", std::string_view(e.what())}});
  } catch (...) {
    log::error("auth.exception");
  }
  return make_error(ErrorCode::internal, "internal error");
}

bool ServerState::ready() const {
  if (shutting_down()) return false;
  if (!ready_) return true;
  try {
    return ready_();
  } catch (...) {
    return false;
  }
}

bool ServerState::join(std::uint64_t id, std::weak_ptr<Session> session) {
  std::lock_guard lock(mutex_);
  sessions_.emplace(id, std::move(session));
  return !shutting_down_.load();
}

void ServerState::leave(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
  if (sessions_.empty()) no_sessions_.notify_all();
}

void ServerState::shutdown_sessions() {
  std::vector<std::weak_ptr<Session>> sessions;
  {
    std::lock_guard lock(mutex_);
    shutting_down_ = true;
    sessions.reserve(sessions_.size());
    for (const auto& [id, session] : sessions_) sessions.push_back(session);
  }
  for (auto& weak : sessions)
    if (auto session = weak.lock()) session->shutdown();
}

void ServerState::abort_sessions() {
  std::vector<std::weak_ptr<Session>> sessions;
  {
    std::lock_guard lock(mutex_);
    sessions.reserve(sessions_.size());
    for (const auto& [id, session] : sessions_) sessions.push_back(session);
  }
  for (auto& weak : sessions)
    if (auto session = weak.lock()) session->abort();
}

bool ServerState::wait_until_no_sessions(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return no_sessions_.wait_until(lock, deadline, [this] { return sessions_.empty(); });
}

}  // namespace meridian::net
