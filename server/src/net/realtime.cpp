#include "net/realtime.hpp"

#include <exception>
#include <random>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "core/json_fields.hpp"
#include "core/log.hpp"
#include "net/http_types.hpp"

namespace meridian::net {

std::uint32_t RealtimeHub::random_node_tag() {
  std::random_device device;
  std::uniform_int_distribution<std::uint32_t> tags(1, (1u << 20) - 1);
  return tags(device);
}

namespace {

constexpr std::size_t kMaxEchoedTypeChars = 64;

// The id is echoed back exactly as the client sent it (string or number).
std::string envelope_with_id(boost::json::object envelope, const boost::json::value* id) {
  if (id) envelope["id"] = *id;
  return boost::json::serialize(envelope);
}

std::string error_envelope_for(const boost::json::value* id, std::string_view code, std::string_view message) {
  boost::json::object envelope;
  envelope["type"] = "error";
  if (id) envelope["id"] = *id;
  boost::json::object detail;
  detail["code"] = code;
  detail["message"] = message;
  envelope["error"] = std::move(detail);
  return boost::json::serialize(envelope);
}

std::string error_envelope_for(const boost::json::value* id, ErrorCode code, std::string_view message) {
  return error_envelope_for(id, error_code_name(code), message);
}

}  // namespace

void RealtimeHub::on(std::string type, WsHandler handler, bool accepts_scoped_tokens, bool stores) {
  if (accepts_scoped_tokens) scoped_types_[type] = true;
  if (stores) storing_types_[type] = true;
  handlers_[std::move(type)] = std::move(handler);
}

void RealtimeHub::on_close(std::function<void(std::uint64_t, const Subject&)> handler) {
  close_handlers_.push_back(std::move(handler));
}

bool RealtimeHub::admit(RealtimeConnection& conn, const boost::json::value* id, bool stores) {
  const auto now = TokenBucket::Clock::now();
  const std::int64_t person = conn.subject().user_id;
  std::unique_lock lock(flows_mutex_);
  Flow& f = flows_.try_emplace(conn.id(), Flow{TokenBucket(limits_.frames_per_connection, now)}).first->second;
  // A frame: the connection's own budget, then the person's (all their sockets). A write
  // (its frame was admitted already): the person's writes.
  const bool ok = stores ? person_writes_.take(person, now) : f.frames.take(now) && person_frames_.take(person, now);
  if (ok) {
    f.refusals = 0;
    return true;
  }
  ++f.refusals;
  const bool close = limits_.refusals_before_close > 0 && f.refusals >= limits_.refusals_before_close;
  const bool warn = now - f.warned >= std::chrono::seconds(1);
  if (warn) f.warned = now;
  lock.unlock();
  if (close) {
    conn.close(1008, "rate limit exceeded");
  } else if (warn || id) {
    // Answered when it asked (an id) and otherwise once a second, so that a flood does not
    // fill its own send queue with refusals.
    conn.send(error_envelope_for(id, ErrorCode::rate_limited,
                                 stores ? "too many messages stored; slow down and send it again"
                                        : "too many messages on this connection; slow down and send it again"));
  }
  return false;
}

void RealtimeHub::dispatch(RealtimeConnection& conn, std::string_view text) {
  // Frames over the budget are refused before they are even parsed.
  if (!admit(conn, nullptr, false)) return;
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(text, ec);
  if (ec) {
    conn.send(error_envelope_for(nullptr, ErrorCode::invalid_argument, "malformed JSON: " + ec.message()));
    return;
  }
  if (!json::numbers_finite(parsed)) {
    conn.send(error_envelope_for(nullptr, ErrorCode::invalid_argument, "malformed JSON: a number is out of range"));
    return;
  }
  if (!parsed.is_object()) {
    conn.send(error_envelope_for(nullptr, ErrorCode::invalid_argument, "an envelope must be a JSON object"));
    return;
  }
  const boost::json::object& envelope = parsed.get_object();
  const boost::json::value* id = envelope.if_contains("id");
  const boost::json::value* type = envelope.if_contains("type");
  if (!type || !type->is_string()) {
    conn.send(error_envelope_for(id, ErrorCode::invalid_argument, "an envelope needs a string \"type\""));
    return;
  }
  std::string_view type_name = type->get_string();
  auto handler = handlers_.find(std::string(type_name));
  if (handler == handlers_.end()) {
    if (type_name == "ping") {
      boost::json::object pong;
      pong["type"] = "pong";
      conn.send(envelope_with_id(std::move(pong), id));
      return;
    }
    std::string shown(type_name.substr(0, kMaxEchoedTypeChars));
    conn.send(error_envelope_for(id, "unknown_type", "unknown message type '" + shown + "'"));
    return;
  }
  if (storing_types_.contains(handler->first) && !admit(conn, id, true)) return;
  if (!conn.subject().scope.empty() && !scoped_types_.contains(handler->first)) {
    conn.send(error_envelope_for(id, ErrorCode::unauthenticated,
                                 "this token is valid only for its own meeting or support session"));
    return;
  }
  try {
    handler->second(conn, envelope);
  } catch (const std::exception& e) {
    log::error("ws.handler_exception", {{"type", type_name},
                                        {"connection", static_cast<std::int64_t>(conn.id())},
                                        {"what", std::string_view(e.what())}});
    conn.send(error_envelope_for(id, ErrorCode::internal, "internal error"));
  } catch (...) {
    log::error("ws.handler_exception", {{"type", type_name}, {"connection", static_cast<std::int64_t>(conn.id())}});
    conn.send(error_envelope_for(id, ErrorCode::internal, "internal error"));
  }
}

void RealtimeHub::on_open(std::function<void(RealtimeConnection&)> handler) {
  open_handlers_.push_back(std::move(handler));
}

void RealtimeHub::attach(const std::shared_ptr<RealtimeConnection>& conn) {
  {
    std::lock_guard lock(mutex_);
    std::int64_t user_id = conn->subject().user_id;
    connections_[conn->id()] = Entry{conn, user_id, conn->subject()};
    connections_by_user_.emplace(user_id, conn->id());
  }
  for (const auto& handler : open_handlers_) handler(*conn);
}

void RealtimeHub::detach(std::uint64_t connection_id) {
  {
    std::lock_guard flows(flows_mutex_);
    flows_.erase(connection_id);
  }
  Subject subject;
  {
    std::lock_guard lock(mutex_);
    auto it = connections_.find(connection_id);
    if (it == connections_.end()) return;
    auto [first, last] = connections_by_user_.equal_range(it->second.user_id);
    for (auto u = first; u != last; ++u) {
      if (u->second == connection_id) {
        connections_by_user_.erase(u);
        break;
      }
    }
    subject = std::move(it->second.subject);
    connections_.erase(it);
  }
  for (const auto& handler : close_handlers_) {
    try {
      handler(connection_id, subject);
    } catch (const std::exception& e) {
      log::error("ws.close_handler_exception", {{"what", std::string_view(e.what())}});
    }
  }
}

bool RealtimeHub::send_to_connection(std::uint64_t connection_id, const std::string& text) {
  return send_to_connection(connection_id, share_text(text));
}

bool RealtimeHub::send_to_connection(std::uint64_t connection_id, const SharedText& text) {
  std::shared_ptr<RealtimeConnection> conn;
  {
    std::lock_guard lock(mutex_);
    auto it = connections_.find(connection_id);
    if (it == connections_.end()) return false;
    conn = it->second.connection.lock();
  }
  if (!conn) return false;
  conn->send(text);
  return true;
}

std::size_t RealtimeHub::connection_count() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

namespace {

// The connections still alive: weak pointers are locked outside the hub's mutex.
std::vector<std::shared_ptr<RealtimeConnection>> lock_live(const std::vector<std::weak_ptr<RealtimeConnection>>& weak) {
  std::vector<std::shared_ptr<RealtimeConnection>> live;
  live.reserve(weak.size());
  for (const auto& w : weak)
    if (auto c = w.lock()) live.push_back(std::move(c));
  return live;
}

// Adds the connections of one user (under the hub's mutex).
template <typename ByUser, typename Connections>
void add_connections_of(const ByUser& by_user, const Connections& connections, std::int64_t user_id,
                        std::vector<std::weak_ptr<RealtimeConnection>>& out) {
  auto [first, last] = by_user.equal_range(user_id);
  for (auto u = first; u != last; ++u) {
    auto it = connections.find(u->second);
    if (it != connections.end()) out.push_back(it->second.connection);
  }
}

}  // namespace

std::vector<std::shared_ptr<RealtimeConnection>> RealtimeHub::snapshot() const {
  std::vector<std::weak_ptr<RealtimeConnection>> weak;
  {
    std::lock_guard lock(mutex_);
    weak.reserve(connections_.size());
    for (const auto& [id, entry] : connections_) weak.push_back(entry.connection);
  }
  return lock_live(weak);
}

std::vector<std::shared_ptr<RealtimeConnection>> RealtimeHub::snapshot_user(std::int64_t user_id) const {
  std::vector<std::weak_ptr<RealtimeConnection>> weak;
  {
    std::lock_guard lock(mutex_);
    add_connections_of(connections_by_user_, connections_, user_id, weak);
  }
  return lock_live(weak);
}

bool RealtimeHub::user_connected(std::int64_t user_id) const {
  std::lock_guard lock(mutex_);
  return connections_by_user_.count(user_id) > 0;
}

std::vector<std::shared_ptr<RealtimeConnection>> RealtimeHub::snapshot_users(
    const std::vector<std::int64_t>& user_ids) const {
  std::vector<std::weak_ptr<RealtimeConnection>> weak;
  weak.reserve(user_ids.size());
  {
    std::lock_guard lock(mutex_);
    for (std::int64_t user_id : user_ids) add_connections_of(connections_by_user_, connections_, user_id, weak);
  }
  return lock_live(weak);
}

// Locking the weak pointers and sending happen outside the mutex: send() posts to the
// connection's strand and a connection's destructor calls detach().
void RealtimeHub::send_to_user(std::int64_t user_id, const std::string& text) {
  auto conns = snapshot_user(user_id);
  if (conns.empty()) return;
  const SharedText shared = share_text(text);
  for (auto& conn : conns) conn->send(shared);
}

void RealtimeHub::send_to_user(std::int64_t user_id, const SharedText& text) {
  for (auto& conn : snapshot_user(user_id)) conn->send(text);
}

void RealtimeHub::send_to_users(const std::vector<std::int64_t>& user_ids, const std::string& text) {
  auto conns = snapshot_users(user_ids);
  if (conns.empty()) return;
  const SharedText shared = share_text(text);
  for (auto& conn : conns) conn->send(shared);
}

void RealtimeHub::send_to_users(const std::vector<std::int64_t>& user_ids, const SharedText& text) {
  for (auto& conn : snapshot_users(user_ids)) conn->send(text);
}

void RealtimeHub::close_user(std::int64_t user_id, std::uint16_t code, const std::string& reason) {
  for (auto& conn : snapshot_user(user_id)) conn->close(code, reason);
}

void RealtimeHub::close_session(std::int64_t user_id, std::int64_t session_id, std::uint16_t code,
                                const std::string& reason) {
  for (auto& conn : snapshot_user(user_id))
    if (conn->subject().session_id == session_id) conn->close(code, reason);
}

void RealtimeHub::close_all(std::uint16_t code, const std::string& reason) {
  for (auto& conn : snapshot()) conn->close(code, reason);
}

std::string RealtimeHub::error_envelope(std::string_view id, const Error& error) {
  if (id.empty()) return error_envelope_for(nullptr, error.code, client_message(error));
  boost::json::value id_value(id);
  return error_envelope_for(&id_value, error.code, client_message(error));
}

}  // namespace meridian::net
