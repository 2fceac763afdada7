#include "presence/presence.hpp"

#include <utility>

#include "core/names.hpp"

namespace meridian::presence {

namespace {

constexpr const char* kStatuses[] = {"online", "away", "dnd", "offline"};

constexpr const char* kModes[] = {"auto", "away", "dnd"};

}  // namespace

const char* status_name(Status s) { return name_in(kStatuses, s, "offline"); }

bool parse_mode(std::string_view text, Mode& out) { return parse_in(kModes, text, out); }
const char* mode_name(Mode m) { return name_in(kModes, m, "auto"); }

bool is_staff(UserKind kind) { return kind == UserKind::employee || kind == UserKind::agent; }

void PresenceTracker::connect(const Subject& who, std::uint64_t connection_id) {
  users_[who.user_id].connections[connection_id] = false;
  kinds_[who.user_id] = who.kind;
  touch(who.user_id);
}

void PresenceTracker::disconnect(std::int64_t user_id, std::uint64_t connection_id) {
  auto it = users_.find(user_id);
  if (it == users_.end()) return;
  it->second.connections.erase(connection_id);
  if (it->second.connections.empty()) {
    // A chosen mode or status text is kept for the person's next visit (in memory only).
    kinds_.erase(user_id);
    if (it->second.mode == Mode::automatic && it->second.status_text.empty()) users_.erase(it);
  }
  touch(user_id);
}

void PresenceTracker::set_idle(std::int64_t user_id, std::uint64_t connection_id, bool idle) {
  auto it = users_.find(user_id);
  if (it == users_.end()) return;
  auto c = it->second.connections.find(connection_id);
  if (c == it->second.connections.end()) return;
  c->second = idle;
  touch(user_id);
}

void PresenceTracker::set_mode(std::int64_t user_id, Mode mode) {
  users_[user_id].mode = mode;
  touch(user_id);
}

void PresenceTracker::set_status_text(std::int64_t user_id, std::string text) {
  users_[user_id].status_text = std::move(text);
  touch(user_id);
}

PresenceView PresenceTracker::view(std::int64_t user_id) const {
  PresenceView v;
  v.user_id = user_id;
  auto it = users_.find(user_id);
  if (it == users_.end()) return v;
  const User& u = it->second;
  v.status_text = u.status_text;
  if (u.connections.empty()) return v;  // offline; the text stays visible
  if (u.mode == Mode::dnd) {
    v.status = Status::dnd;
  } else if (u.mode == Mode::away) {
    v.status = Status::away;
  } else {
    v.status = Status::away;
    for (const auto& [id, idle] : u.connections)
      if (!idle) {
        v.status = Status::online;
        break;
      }
  }
  return v;
}

std::optional<bool> PresenceTracker::local_activity(std::int64_t user_id) const {
  auto it = users_.find(user_id);
  if (it == users_.end()) return std::nullopt;
  std::optional<bool> out;
  for (const auto& [id, idle] : it->second.connections) {
    if (id & kRemoteBit) continue;
    out = out.value_or(false) || !idle;
  }
  return out;
}

Mode PresenceTracker::mode(std::int64_t user_id) const {
  auto it = users_.find(user_id);
  return it == users_.end() ? Mode::automatic : it->second.mode;
}

std::optional<UserKind> PresenceTracker::kind(std::int64_t user_id) const {
  auto it = kinds_.find(user_id);
  if (it == kinds_.end()) return std::nullopt;
  return it->second;
}

bool PresenceTracker::connected(std::int64_t user_id) const { return kinds_.count(user_id) != 0; }

std::vector<PresenceView> PresenceTracker::take_changes() {
  std::vector<PresenceView> out;
  for (std::int64_t user_id : dirty_) {
    PresenceView now = view(user_id);
    auto it = published_.find(user_id);
    const bool was_offline_unknown = it == published_.end();
    if (was_offline_unknown ? (now.status == Status::offline && now.status_text.empty()) : it->second == now) continue;
    out.push_back(now);
    if (now.status == Status::offline && now.status_text.empty())
      published_.erase(user_id);
    else
      published_[user_id] = now;
  }
  dirty_.clear();
  return out;
}

}  // namespace meridian::presence
