// The multiplexed WebSocket as modules see it: typed JSON envelopes in, text frames
// out. Free of Beast; net/websocket_session.cpp implements RealtimeConnection.
//
// Envelope: {"type": "...", "id": "client-chosen, optional", "seq": n (server->client
// stream order), ...payload}. Errors: {"type":"error","id":...,"error":{"code","message"}}.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.hpp"
#include "core/subject.hpp"
#include "net/rate_limit.hpp"

namespace meridian::net {

// One text frame, immutable once built: a fan-out serializes an event once and every
// connection it goes to queues the same bytes (no copy per socket).
using SharedText = std::shared_ptr<const std::string>;
inline SharedText share_text(std::string text) { return std::make_shared<const std::string>(std::move(text)); }

class RealtimeConnection {
 public:
  virtual ~RealtimeConnection() = default;
  virtual std::uint64_t id() const = 0;
  virtual const Subject& subject() const = 0;
  // The peer's address, for logs that record where an action came from ("" when unknown).
  virtual std::string_view remote_ip() const { return {}; }
  // Thread-safe. Queued; a connection whose queue exceeds its bound is closed with
  // 1008 "send queue overflow" instead of growing memory.
  virtual void send(SharedText text) = 0;
  void send(std::string text) { send(share_text(std::move(text))); }
  virtual void close(std::uint16_t code, std::string reason) = 0;
};

using WsHandler = std::function<void(RealtimeConnection&, const boost::json::object& envelope)>;

// Routes envelopes by type and keeps the set of live connections for fan-out.
class RealtimeHub {
 public:
  explicit RealtimeHub(WsLimits limits = {})
      : limits_(limits),
        node_tag_(random_node_tag()),
        person_frames_(limits.frames_per_person),
        person_writes_(limits.writes_per_person) {}

  // This node's tag, chosen at random at start: the high 32 bits of every connection id the
  // server hands out, so an id is unique across nodes and names the node that holds the
  // socket (a meeting's room forwards to it). Below 2^20, so ids stay exact in JavaScript.
  std::uint32_t node_tag() const { return node_tag_; }
  static std::uint32_t node_of(std::uint64_t connection_id) { return static_cast<std::uint32_t>(connection_id >> 32); }
  static std::uint32_t random_node_tag();

  // Connections opened with a scoped token (Subject::scope) are answered `unauthenticated`
  // for every type not registered with accepts_scoped_tokens. A type that `stores`
  // something (a message, a reaction) also counts against the person's write limit.
  void on(std::string type, WsHandler handler, bool accepts_scoped_tokens = false, bool stores = false);
  // Called once for every connection right after it is attached (e.g. to greet it).
  // Several modules may register; handlers run in registration order.
  void on_open(std::function<void(RealtimeConnection&)> handler);

  // Parses one text frame and dispatches it; answers malformed JSON, a missing or
  // unknown type with an error envelope (the connection stays open).
  void dispatch(RealtimeConnection& conn, std::string_view text);

  // Called for every connection after it was detached (it can no longer be sent to).
  void on_close(std::function<void(std::uint64_t connection_id, const Subject& subject)> handler);

  void attach(const std::shared_ptr<RealtimeConnection>& conn);
  void detach(std::uint64_t connection_id);
  std::size_t connection_count() const;
  // Whether the user has at least one live connection on this node.
  bool user_connected(std::int64_t user_id) const;
  // Sends to every live connection of the user (all their tabs).
  void send_to_user(std::int64_t user_id, const std::string& text);
  void send_to_user(std::int64_t user_id, const SharedText& text);
  // The same frame to every live connection of each of the users (a fan-out): the text is
  // shared, not copied per connection, and the connections are looked up under one lock.
  void send_to_users(const std::vector<std::int64_t>& user_ids, const std::string& text);
  void send_to_users(const std::vector<std::int64_t>& user_ids, const SharedText& text);
  // Sends to one connection when it is still open; false when it is gone.
  bool send_to_connection(std::uint64_t connection_id, const std::string& text);
  bool send_to_connection(std::uint64_t connection_id, const SharedText& text);
  // Closes every user session (e.g. after logout or deactivation).
  void close_user(std::int64_t user_id, std::uint16_t code, const std::string& reason);
  // Closes the connections opened with one session token (e.g. after its logout).
  void close_session(std::int64_t user_id, std::int64_t session_id, std::uint16_t code, const std::string& reason);
  void close_all(std::uint16_t code, const std::string& reason);

  // An empty id is left out of the envelope.
  static std::string error_envelope(std::string_view id, const Error& error);

 private:
  struct Entry {
    std::weak_ptr<RealtimeConnection> connection;
    std::int64_t user_id = 0;  // kept here: detach runs when the connection is already gone
    Subject subject;           // for the close handlers, for the same reason
  };
  std::vector<std::shared_ptr<RealtimeConnection>> snapshot() const;
  std::vector<std::shared_ptr<RealtimeConnection>> snapshot_user(std::int64_t user_id) const;
  std::vector<std::shared_ptr<RealtimeConnection>> snapshot_users(const std::vector<std::int64_t>& user_ids) const;

  // Within the limits, or refused with a `rate_limited` error (the first in a second) and,
  // after limits_.refusals_before_close refusals in a row, closed. `stores`: a write.
  bool admit(RealtimeConnection& conn, const boost::json::value* id, bool stores);

  WsLimits limits_;
  std::uint32_t node_tag_;
  KeyedBuckets person_frames_;
  KeyedBuckets person_writes_;
  struct Flow {
    TokenBucket frames;
    int refusals = 0;
    TokenBucket::Clock::time_point warned{};
  };
  std::mutex flows_mutex_;
  std::unordered_map<std::uint64_t, Flow> flows_;  // connection id -> its frame budget

  // Registered before the server starts; read-only afterwards.
  std::unordered_map<std::string, WsHandler> handlers_;
  std::unordered_map<std::string, bool> storing_types_;
  std::unordered_map<std::string, bool> scoped_types_;
  std::vector<std::function<void(std::uint64_t, const Subject&)>> close_handlers_;
  std::vector<std::function<void(RealtimeConnection&)>> open_handlers_;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, Entry> connections_;
  std::unordered_multimap<std::int64_t, std::uint64_t> connections_by_user_;  // user id -> connection id
};

}  // namespace meridian::net
