// The live side of remote support on this node: which WebSocket connection is each side of
// a session, and the consent that relaying is checked against. Every relay and every
// consent change of a session runs under that session's lock, so that once a revocation
// returns, nothing more of that step is relayed (not even a message already on its way in).
// Like meeting rooms, a session's two connections meet on one node.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/result.hpp"
#include "net/rate_limit.hpp"
#include "remote_support/remote_session.hpp"

namespace meridian::remote_support {

// What a message relayed between the sides needs.
enum class Relayed {
  signal,      // WebRTC offer/answer/candidates for the screen: viewing granted
  annotation,  // pointer highlights and drawings, agent -> customer: annotations granted, not paused
  chat,        // a chat line either way: chat granted
};

struct Connections {
  std::optional<std::uint64_t> agent;
  std::optional<std::uint64_t> customer;
};

class LiveSessions final {
 public:
  // annotations_per_second: the agent's drawing rate per session (bursts of twice that).
  explicit LiveSessions(double annotations_per_second) : annotation_rate_(annotations_per_second) {}

  struct Counts {
    std::int64_t annotations = 0;
    std::int64_t chat = 0;
  };
  // Runs fn under the session's lock, with the annotations and chat lines relayed since
  // they were last written (fn writes them to the log); when it succeeds, those counts
  // are done with and relaying follows the session it answers (its consent, pause and
  // status) from then on.
  Result<RemoteSession> change(std::int64_t session_id, const std::function<Result<RemoteSession>(Counts)>& fn);

  // The connection becomes this side of the session (a side has one connection: the
  // previous one, if any, is answered so that it can be told).
  std::optional<std::uint64_t> join(const RemoteSession& s, Side side, std::uint64_t connection);
  // The connection went away: the sessions it was a side of, and which side.
  std::vector<std::pair<std::int64_t, Side>> leave(std::uint64_t connection);
  Connections connections(std::int64_t session_id) const;
  // Which side the connection is of the session, if it joined it.
  std::optional<Side> side_of(std::int64_t session_id, std::uint64_t connection) const;

  // Sends (through `send`, under the session's lock) to the other side, when the session's
  // consent allows this kind from this connection's side. forbidden naming the missing
  // consent; conflict when the connection has not joined; unavailable when the other side
  // is not connected; rate_limited for annotations over the rate. Annotations and chat
  // lines relayed are counted (for change).
  Result<void> relay(std::int64_t session_id, std::uint64_t from, Relayed kind,
                     const std::function<void(std::uint64_t to, Side from_side)>& send);
  // Counts annotations the agent drew over the data channel (which does not pass the
  // server), when annotations are allowed now; refused like relay otherwise.
  Result<void> count_annotations(std::int64_t session_id, std::uint64_t from, std::int64_t count);

  // The session ended: forget it; its connections, to tell.
  Connections forget(std::int64_t session_id);

 private:
  struct Entry {
    mutable std::mutex mutex;
    std::optional<RemoteSession> session;
    Connections conns;
    net::TokenBucket annotations;
    Counts counts;
    explicit Entry(double rate) : annotations(net::RateLimit{rate, rate * 2}) {}
  };
  std::shared_ptr<Entry> entry(std::int64_t session_id, bool create);
  static Result<void> allowed(const Entry& e, Side from_side, Relayed kind);

  double annotation_rate_;
  mutable std::mutex mutex_;
  std::map<std::int64_t, std::shared_ptr<Entry>> entries_;
};

}  // namespace meridian::remote_support
