#include "meetings/room_placement.hpp"

#include <string>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/log.hpp"
#include "platform/job_lease.hpp"

namespace meridian::meetings {
namespace {

// Bus topics: requests to the owner node, and answers/events to the node of a socket.
std::string requests_topic(std::uint32_t node) { return "meet.node." + std::to_string(node); }
std::string peers_topic(std::uint32_t node) { return "meet.peer." + std::to_string(node); }

boost::json::object subject_to_json(const Subject& s) {
  boost::json::array roles;
  for (auto r : s.roles) roles.emplace_back(role_name(r));
  return {{"user_id", s.user_id},      {"session_id", s.session_id}, {"kind", user_kind_name(s.kind)},
          {"roles", std::move(roles)}, {"country", s.country},       {"region", s.region},
          {"email", s.email},          {"scope", s.scope},           {"expires_at", s.expires_at}};
}

// Only this cluster's nodes publish on the bus: a malformed field is a bug, read as empty.
Subject subject_from_json(const boost::json::object& o) {
  auto text = [&](const char* key) -> std::string {
    auto v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  auto number = [&](const char* key) -> std::int64_t {
    auto v = o.if_contains(key);
    return v && v->is_int64() ? v->get_int64() : 0;
  };
  Subject s;
  s.user_id = number("user_id");
  s.session_id = number("session_id");
  parse_user_kind(text("kind"), s.kind);
  if (auto roles = o.if_contains("roles"); roles && roles->is_array())
    for (const auto& r : roles->get_array()) {
      Role role;
      if (r.is_string() && parse_role(r.get_string(), role)) s.roles.push_back(role);
    }
  s.country = text("country");
  s.region = text("region");
  s.email = text("email");
  s.scope = text("scope");
  s.expires_at = number("expires_at");
  return s;
}

std::optional<boost::json::object> parse_object(std::string_view payload) {
  boost::system::error_code ec;
  auto v = boost::json::parse(payload, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

}  // namespace

// A socket of another node, as the owner's room handlers see it: what they send to it
// travels back over the bus to the node that holds it.
class RoomPlacement::RemotePeer final : public net::RealtimeConnection {
 public:
  RemotePeer(bus::Bus& bus, std::uint64_t id, Subject subject) : bus_(bus), id_(id), subject_(std::move(subject)) {}
  std::uint64_t id() const override { return id_; }
  const Subject& subject() const override { return subject_; }
  void send(net::SharedText text) override {
    bus_.publish(peers_topic(net::RealtimeHub::node_of(id_)),
                 boost::json::serialize(boost::json::object{{"conn", id_}, {"text", *text}}));
  }
  // Room handlers answer and send events; they never close a socket (sign-out and
  // deactivation close sockets on every node through the cluster relay).
  void close(std::uint16_t, std::string) override {}

 private:
  bus::Bus& bus_;
  std::uint64_t id_;
  Subject subject_;
};

RoomPlacement::RoomPlacement(storage::Database& db, bus::Bus& bus, net::RealtimeHub& hub, MeetingsService& meetings,
                             const Clock& clock)
    : db_(db), bus_(bus), hub_(hub), meetings_(meetings), clock_(clock), renewal_(kRenewEvery, [this] { renew(); }) {}

RoomPlacement::~RoomPlacement() { stop(); }

std::string RoomPlacement::lease_name(std::int64_t meeting_id) const {
  return "meeting.room." + std::to_string(meeting_id);
}

std::string RoomPlacement::holder() const { return "node:" + std::to_string(hub_.node_tag()); }

std::optional<std::uint32_t> RoomPlacement::owner_elsewhere(std::int64_t meeting_id, Request request) {
  if (meetings_.running_here(meeting_id)) return std::nullopt;
  const auto now = clock_.now_ms();
  const bool joining = request == Request::join;
  if (!joining) {
    std::lock_guard lock(mutex_);
    if (auto known = owners_.find(meeting_id); known != owners_.end() && now - known->second.read_at < kOwnerCacheMs)
      return known->second.node == hub_.node_tag() ? std::nullopt : std::optional(known->second.node);
  }
  if (joining) {
    auto claimed = platform::claim_job_lease(db_, lease_name(meeting_id), holder(), now, kLease);
    if (!claimed.ok()) {
      log::warn("meetings.placement_unavailable", {{"meeting_id", meeting_id}, {"message", claimed.error().message}});
      return std::nullopt;
    }
    if (*claimed) {
      std::lock_guard lock(mutex_);
      owners_[meeting_id] = {hub_.node_tag(), now};
      held_.insert(meeting_id);
      return std::nullopt;
    }
  }
  auto current = platform::job_lease_holder(db_, lease_name(meeting_id), now);
  if (!current.ok()) {
    log::warn("meetings.placement_unavailable", {{"meeting_id", meeting_id}, {"message", current.error().message}});
    return std::nullopt;
  }
  // Nobody ("node:<tag>" ran out in between, or the room runs nowhere): run here, where a
  // join claims it next time and anything else is refused by its handler.
  if (!*current || current->value().rfind("node:", 0) != 0) return std::nullopt;
  const auto owner = static_cast<std::uint32_t>(std::stoul(current->value().substr(5)));
  std::lock_guard lock(mutex_);
  owners_[meeting_id] = {owner, now};
  return owner == hub_.node_tag() ? std::nullopt : std::optional(owner);
}

void RoomPlacement::forward(std::uint32_t owner, net::RealtimeConnection& conn, const boost::json::object& envelope) {
  {
    std::lock_guard lock(mutex_);
    forwarded_[conn.id()].insert(owner);
  }
  bus_.publish(requests_topic(owner), boost::json::serialize(boost::json::object{
                                          {"conn", conn.id()},
                                          {"subject", subject_to_json(conn.subject())},
                                          {"envelope", envelope},
                                      }));
}

void RoomPlacement::deliver(const Effects& fx) {
  for (const auto& d : fx.deliveries) {
    auto text = boost::json::serialize(d.message);
    const auto node = net::RealtimeHub::node_of(d.peer_id);
    if (node == hub_.node_tag())
      hub_.send_to_connection(d.peer_id, std::move(text));
    else
      bus_.publish(peers_topic(node), boost::json::serialize(boost::json::object{{"conn", d.peer_id}, {"text", text}}));
  }
}

void RoomPlacement::settings_changed(std::int64_t meeting_id, std::optional<bool> locked) {
  auto owner = owner_elsewhere(meeting_id, Request::other);
  if (!owner) return;  // runs here (update() applied them) or nowhere
  boost::json::object msg{{"settings", meeting_id}};
  if (locked) msg["locked"] = *locked;
  bus_.publish(requests_topic(*owner), boost::json::serialize(msg));
}

void RoomPlacement::connection_closed(std::uint64_t connection_id) {
  std::set<std::uint32_t> owners;
  {
    std::lock_guard lock(mutex_);
    auto it = forwarded_.find(connection_id);
    if (it == forwarded_.end()) return;
    owners = std::move(it->second);
    forwarded_.erase(it);
  }
  for (auto owner : owners)
    bus_.publish(requests_topic(owner),
                 boost::json::serialize(boost::json::object{{"conn", connection_id}, {"closed", true}}));
}

void RoomPlacement::receive_request(std::string_view payload) {
  auto msg = parse_object(payload);
  if (!msg) return;
  if (auto settings = msg->if_contains("settings"); settings && settings->is_int64()) {
    std::optional<bool> locked;
    if (auto l = msg->if_contains("locked"); l && l->is_bool()) locked = l->get_bool();
    deliver(meetings_.apply_stored_settings(settings->get_int64(), locked));
    return;
  }
  auto conn = msg->if_contains("conn");
  if (!conn || !conn->is_number()) return;
  const auto id = conn->to_number<std::uint64_t>();
  if (msg->if_contains("closed")) {
    deliver(meetings_.leave(id));
    return;
  }
  auto subject = msg->if_contains("subject");
  auto envelope = msg->if_contains("envelope");
  if (!subject || !subject->is_object() || !envelope || !envelope->is_object()) return;
  RemotePeer peer(bus_, id, subject_from_json(subject->get_object()));
  if (dispatch_) dispatch_(peer, envelope->get_object());
}

void RoomPlacement::receive_for_peer(std::string_view payload) {
  auto msg = parse_object(payload);
  if (!msg) return;
  auto conn = msg->if_contains("conn");
  auto text = msg->if_contains("text");
  if (!conn || !conn->is_number() || !text || !text->is_string()) return;
  hub_.send_to_connection(conn->to_number<std::uint64_t>(), std::string(text->get_string()));
}

void RoomPlacement::renew() {
  const auto now = clock_.now_ms();
  std::set<std::int64_t> held;
  {
    std::lock_guard lock(mutex_);
    held.swap(held_);
  }
  // Rooms running here keep their lease; a lease whose room has ended is given up.
  std::set<std::int64_t> keep;
  for (auto id : meetings_.running_here()) {
    auto claimed = platform::claim_job_lease(db_, lease_name(id), holder(), now, kLease);
    if (claimed.ok() && *claimed) keep.insert(id);
  }
  std::vector<std::int64_t> released;
  for (auto id : held)
    if (!keep.count(id) && !meetings_.running_here(id) &&
        platform::release_job_lease(db_, lease_name(id), holder()).ok())
      released.push_back(id);
  std::lock_guard lock(mutex_);
  held_.insert(keep.begin(), keep.end());
  for (auto id : released) owners_.erase(id);  // it may start elsewhere now: read again
}

void RoomPlacement::start(Dispatch dispatch) {
  dispatch_ = std::move(dispatch);
  const auto me = hub_.node_tag();
  requests_ = bus_.subscribe(requests_topic(me),
                             [this](std::string_view, std::string_view payload) { receive_request(payload); });
  for_peers_ = bus_.subscribe(peers_topic(me),
                              [this](std::string_view, std::string_view payload) { receive_for_peer(payload); });
  renewal_.start();
}

void RoomPlacement::stop() {
  renewal_.stop();
  requests_.reset();
  for_peers_.reset();
  std::set<std::int64_t> held;
  {
    std::lock_guard lock(mutex_);
    held.swap(held_);
  }
  for (auto id : meetings_.running_here()) held.insert(id);
  for (auto id : held) (void)platform::release_job_lease(db_, lease_name(id), holder());
}

}  // namespace meridian::meetings
