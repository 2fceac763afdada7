// Meetings across nodes (docs/architecture.md, "Meetings across nodes"). A running room
// lives in the memory of one node, its owner: the node that holds the store lease
// "meeting.room.<id>". A meet.* request that arrives on another node is forwarded over the
// bus to the owner, which runs it against the room as if the socket were its own; the
// answers and the room's events go back to the node that holds each socket (a connection
// id names its node: net::RealtimeHub::node_of). Why one owner and not the room's state in
// the store: signalling is many small messages that must stay in order per room, and one
// owner orders them in memory with one bus hop, without a store write per message.
//
// With one node, or the in-process bus, this node claims every lease and nothing is
// forwarded. A stopping node gives its leases up, so the next join starts the room on
// another node at once; a node that dies holds them until they run out (kLease).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include <boost/json/object.hpp>

#include "bus/bus.hpp"
#include "core/clock.hpp"
#include "meetings/meetings_service.hpp"
#include "net/realtime.hpp"
#include "platform/periodic_job.hpp"
#include "storage/database.hpp"

namespace meridian::meetings {

class RoomPlacement {
 public:
  static constexpr std::chrono::milliseconds kLease{15'000};
  static constexpr std::chrono::milliseconds kRenewEvery{5'000};
  // How long a node trusts what it last read about another node's lease.
  static constexpr std::int64_t kOwnerCacheMs = 2'000;

  RoomPlacement(storage::Database& db, bus::Bus& bus, net::RealtimeHub& hub, MeetingsService& meetings,
                const Clock& clock);
  ~RoomPlacement();
  RoomPlacement(const RoomPlacement&) = delete;
  RoomPlacement& operator=(const RoomPlacement&) = delete;

  // The node that runs the meeting's room when that is another node; nullopt when it is
  // this one, or nowhere. Only a join starts a room, so only a join claims its lease (a
  // store write), after reading the store afresh; any other request reads who holds it and
  // may use what was read within kOwnerCacheMs (signalling is frequent, and a room moves
  // only when its node stops or dies). A room running nowhere answers nullopt: the request
  // runs here and its handler refuses it. A store failure answers nullopt too.
  enum class Request { join, other };
  std::optional<std::uint32_t> owner_elsewhere(std::int64_t meeting_id, Request request);

  // Hands the request to the owner, which answers the connection through the bus.
  void forward(std::uint32_t owner, net::RealtimeConnection& conn, const boost::json::object& envelope);

  // Sends each of the room's events to its connection, on whichever node holds it.
  void deliver(const Effects& fx);

  // A host changed a meeting's settings over REST on this node (already stored): when its
  // room runs on another node, that node applies them (MeetingsService::apply_stored_settings).
  void settings_changed(std::int64_t meeting_id, std::optional<bool> locked);
  // Whether the meeting's room runs on another node (a cancel is refused then, as here).
  bool running_elsewhere(std::int64_t meeting_id) { return owner_elsewhere(meeting_id, Request::other).has_value(); }

  // A socket of this node closed: the owners of the rooms it was forwarded to let it leave.
  void connection_closed(std::uint64_t connection_id);

  // Forwarded requests arrive here; `dispatch` runs one as the type's handler would.
  using Dispatch = std::function<void(net::RealtimeConnection&, const boost::json::object& envelope)>;
  void start(Dispatch dispatch);
  // Stops renewing and gives every lease this node holds up.
  void stop();

 private:
  class RemotePeer;
  std::string lease_name(std::int64_t meeting_id) const;
  std::string holder() const;
  void receive_request(std::string_view payload);
  void receive_for_peer(std::string_view payload);
  void renew();

  storage::Database& db_;
  bus::Bus& bus_;
  net::RealtimeHub& hub_;
  MeetingsService& meetings_;
  const Clock& clock_;
  Dispatch dispatch_;

  std::mutex mutex_;
  struct KnownOwner {
    std::uint32_t node = 0;
    std::int64_t read_at = 0;
  };
  std::unordered_map<std::int64_t, KnownOwner> owners_;                   // meeting id -> last read owner
  std::unordered_map<std::uint64_t, std::set<std::uint32_t>> forwarded_;  // local connection -> owners it used
  std::set<std::int64_t> held_;                                           // leases this node claimed

  std::unique_ptr<bus::Subscription> requests_;
  std::unique_ptr<bus::Subscription> for_peers_;
  platform::PeriodicJob renewal_;
};

}  // namespace meridian::meetings
