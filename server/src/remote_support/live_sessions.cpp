#include "remote_support/live_sessions.hpp"

#include <string>

namespace meridian::remote_support {

std::shared_ptr<LiveSessions::Entry> LiveSessions::entry(std::int64_t session_id, bool create) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(session_id);
  if (it != entries_.end()) return it->second;
  if (!create) return nullptr;
  auto e = std::make_shared<Entry>(annotation_rate_);
  entries_.emplace(session_id, e);
  return e;
}

Result<RemoteSession> LiveSessions::change(std::int64_t session_id,
                                           const std::function<Result<RemoteSession>(Counts)>& fn) {
  auto e = entry(session_id, true);
  std::lock_guard lock(e->mutex);
  const Counts pending = e->counts;
  auto changed = fn(pending);
  if (!changed.ok()) return changed;
  e->session = *changed;
  e->counts.annotations -= pending.annotations;
  e->counts.chat -= pending.chat;
  return changed;
}

std::optional<std::uint64_t> LiveSessions::join(const RemoteSession& s, Side side, std::uint64_t connection) {
  auto e = entry(s.id, true);
  std::lock_guard lock(e->mutex);
  e->session = s;
  auto& slot = side == Side::agent ? e->conns.agent : e->conns.customer;
  std::optional<std::uint64_t> previous;
  if (slot && *slot != connection) previous = slot;
  slot = connection;
  return previous;
}

std::vector<std::pair<std::int64_t, Side>> LiveSessions::leave(std::uint64_t connection) {
  std::vector<std::shared_ptr<Entry>> all;
  std::vector<std::int64_t> ids;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, e] : entries_) {
      ids.push_back(id);
      all.push_back(e);
    }
  }
  std::vector<std::pair<std::int64_t, Side>> out;
  for (std::size_t i = 0; i < all.size(); ++i) {
    std::lock_guard lock(all[i]->mutex);
    if (all[i]->conns.agent == connection) {
      all[i]->conns.agent.reset();
      out.emplace_back(ids[i], Side::agent);
    }
    if (all[i]->conns.customer == connection) {
      all[i]->conns.customer.reset();
      out.emplace_back(ids[i], Side::customer);
    }
  }
  return out;
}

Connections LiveSessions::connections(std::int64_t session_id) const {
  std::shared_ptr<Entry> e;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(session_id);
    if (it == entries_.end()) return {};
    e = it->second;
  }
  std::lock_guard lock(e->mutex);
  return e->conns;
}

std::optional<Side> LiveSessions::side_of(std::int64_t session_id, std::uint64_t connection) const {
  auto c = connections(session_id);
  if (c.agent == connection) return Side::agent;
  if (c.customer == connection) return Side::customer;
  return std::nullopt;
}

Result<void> LiveSessions::allowed(const Entry& e, Side from_side, Relayed kind) {
  if (!e.session || e.session->status != SessionStatus::active)
    return make_error(ErrorCode::conflict, "the session is not running");
  const ConsentLadder& c = e.session->consent;
  switch (kind) {
    case Relayed::signal:
      if (!c.allows(Step::view))
        return make_error(ErrorCode::forbidden, "the customer has not allowed viewing their screen");
      return {};
    case Relayed::annotation:
      if (from_side != Side::agent) return make_error(ErrorCode::forbidden, "only the agent draws on the screen");
      if (!c.allows(Step::annotate))
        return make_error(ErrorCode::forbidden, "the customer has not allowed pointing and drawing on their screen");
      if (e.session->paused) return make_error(ErrorCode::conflict, "the customer paused sharing their screen");
      return {};
    case Relayed::chat:
      if (!c.allows(Step::chat)) return make_error(ErrorCode::forbidden, "the customer has not allowed chatting");
      return {};
  }
  return make_error(ErrorCode::invalid_argument, "unknown kind of message");
}

Result<void> LiveSessions::relay(std::int64_t session_id, std::uint64_t from, Relayed kind,
                                 const std::function<void(std::uint64_t to, Side from_side)>& send) {
  auto e = entry(session_id, false);
  if (!e) return make_error(ErrorCode::conflict, "join the session first");
  std::lock_guard lock(e->mutex);
  Side side;
  if (e->conns.agent == from) {
    side = Side::agent;
  } else if (e->conns.customer == from) {
    side = Side::customer;
  } else {
    return make_error(ErrorCode::conflict, "join the session first");
  }
  MERIDIAN_TRY(allowed(*e, side, kind));
  const auto& to = side == Side::agent ? e->conns.customer : e->conns.agent;
  if (!to) return make_error(ErrorCode::unavailable, "the other side is not connected");
  if (kind == Relayed::annotation) {
    if (!e->annotations.take(net::TokenBucket::Clock::now()))
      return make_error(ErrorCode::rate_limited, "too many annotations; slow down");
    ++e->counts.annotations;
  }
  if (kind == Relayed::chat) ++e->counts.chat;
  send(*to, side);
  return {};
}

Result<void> LiveSessions::count_annotations(std::int64_t session_id, std::uint64_t from, std::int64_t count) {
  auto e = entry(session_id, false);
  if (!e) return make_error(ErrorCode::conflict, "join the session first");
  std::lock_guard lock(e->mutex);
  if (e->conns.agent != from) return make_error(ErrorCode::forbidden, "only the agent draws on the screen");
  MERIDIAN_TRY(allowed(*e, Side::agent, Relayed::annotation));
  e->counts.annotations += count;
  return {};
}

Connections LiveSessions::forget(std::int64_t session_id) {
  std::shared_ptr<Entry> e;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(session_id);
    if (it == entries_.end()) return {};
    e = it->second;
    entries_.erase(it);
  }
  std::lock_guard lock(e->mutex);
  return e->conns;
}

}  // namespace meridian::remote_support
