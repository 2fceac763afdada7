// Presence: who is online, away, in do-not-disturb or offline, with a custom status text,
// aggregated over all of a person's connections (tabs, devices). Pure domain logic: no
// storage, no transport, no threads. PresenceService adds locking, the flush timer and
// fan-out; presence_routes.cpp the WebSocket and REST surface.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/subject.hpp"

namespace meridian::presence {

enum class Status { online, away, dnd, offline };
const char* status_name(Status s);

// What the person chose: follow activity (auto), or stay away / do-not-disturb while connected.
enum class Mode { automatic, away, dnd };
bool parse_mode(std::string_view text, Mode& out);
const char* mode_name(Mode m);

// Where and when someone works, for "22:14 in Lisbon, outside working hours".
struct Locale {
  std::string country;    // ISO 3166-1 alpha-2
  std::string time_zone;  // IANA
  std::int64_t work_start_minute = 540;
  std::int64_t work_end_minute = 1020;
  std::string work_days;  // "1,2,3,4,5" (ISO weekdays)
  bool operator==(const Locale&) const = default;
};

struct PresenceView {
  std::int64_t user_id = 0;
  Status status = Status::offline;
  std::string status_text;
  std::optional<Locale> locale;  // filled for REST answers only
  bool operator==(const PresenceView&) const = default;
};

// Aggregation rule: no connection -> offline; mode dnd -> dnd; mode away -> away; any
// connection active (not idle) -> online; all connections idle -> away.
class PresenceTracker {
 public:
  static constexpr std::size_t kMaxStatusText = 100;

  void connect(const Subject& who, std::uint64_t connection_id);
  void disconnect(std::int64_t user_id, std::uint64_t connection_id);
  // Idle is reported by each client for its own connection (no input for a while, tab hidden).
  void set_idle(std::int64_t user_id, std::uint64_t connection_id, bool idle);
  void set_mode(std::int64_t user_id, Mode mode);
  void set_status_text(std::int64_t user_id, std::string text);

  PresenceView view(std::int64_t user_id) const;
  // Connection ids with this bit stand for all of a person's connections on another node
  // (presence/presence_cluster.hpp); the hub's own ids never have it.
  static constexpr std::uint64_t kRemoteBit = std::uint64_t{1} << 63;
  // This node's own connections of a person: nullopt = none, else whether any is active.
  std::optional<bool> local_activity(std::int64_t user_id) const;
  Mode mode(std::int64_t user_id) const;
  std::optional<UserKind> kind(std::int64_t user_id) const;  // of a connected user
  bool connected(std::int64_t user_id) const;
  // Connected users (their kinds), for fan-out.
  const std::unordered_map<std::int64_t, UserKind>& connected_users() const { return kinds_; }

  // Coalescing: the users whose view differs from what was last published, with their
  // new view; marks them published. A change undone within one flush window (a reload:
  // disconnect then connect) publishes nothing.
  std::vector<PresenceView> take_changes();

 private:
  struct User {
    std::unordered_map<std::uint64_t, bool> connections;  // connection id -> idle
    Mode mode = Mode::automatic;
    std::string status_text;
  };
  void touch(std::int64_t user_id) { dirty_.insert(user_id); }

  std::unordered_map<std::int64_t, User> users_;
  std::unordered_map<std::int64_t, UserKind> kinds_;  // connected users only
  std::unordered_map<std::int64_t, PresenceView> published_;
  std::unordered_set<std::int64_t> dirty_;
};

// Who may see whose presence. `shares_conversation(a, b)` asks chat membership.
//   - everyone sees themselves;
//   - internal staff (employees, agents) see all staff;
//   - a customer sees only staff who share a conversation with them (their agents),
//     never other customers or guests;
//   - a guest sees only people who share a conversation with them;
//   - staff see a customer or guest only when they share a conversation.
bool is_staff(UserKind kind);
template <typename SharesConversation>
bool can_see(std::int64_t viewer, UserKind viewer_kind, std::int64_t subject, UserKind subject_kind,
             SharesConversation&& shares_conversation) {
  if (viewer == subject) return true;
  if (is_staff(viewer_kind) && is_staff(subject_kind)) return true;
  if (viewer_kind == UserKind::customer && !is_staff(subject_kind)) return false;
  return shares_conversation(viewer, subject);
}

}  // namespace meridian::presence
