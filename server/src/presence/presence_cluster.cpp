#include "presence/presence_cluster.hpp"

#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/json_values.hpp"
#include "core/log.hpp"
#include "core/random.hpp"

namespace meridian::presence {
namespace {

boost::json::object user_entry(const PresenceService::LocalState& s) {
  boost::json::object o{{"id", s.user_id}, {"kind", user_kind_name(s.kind)}};
  o["active"] = json::nullable(s.active);
  return o;
}

}  // namespace

PresenceCluster::PresenceCluster(bus::Bus& bus, PresenceService& presence, LocalChanges& changes,
                                 ClusterOptions options)
    : bus_(bus), presence_(presence), options_(options), node_(random_token(12)), changes_(changes) {}

PresenceCluster::~PresenceCluster() { stop(); }

void PresenceCluster::start() {
  std::lock_guard lock(thread_mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  changes_.take();  // the snapshot after "hello" covers what came before
  subscription_ = bus_.subscribe(kTopic, [this](std::string_view, std::string_view payload) { receive(payload); });
  bus_.publish(kTopic, boost::json::serialize(boost::json::object{{"node", node_}, {"op", "hello"}}));
  thread_ = std::thread([this] { run(); });
}

void PresenceCluster::stop() {
  {
    std::lock_guard lock(thread_mutex_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  subscription_.reset();
  bus_.publish(kTopic, boost::json::serialize(boost::json::object{{"node", node_}, {"op", "bye"}}));
}

void PresenceCluster::run() {
  auto next_heartbeat = std::chrono::steady_clock::now() + options_.heartbeat;
  std::unique_lock lock(thread_mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, options_.flush_interval, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    try {
      publish_changes();
      bool wanted = false;
      {
        std::lock_guard r(remotes_mutex_);
        wanted = snapshot_wanted_;
        snapshot_wanted_ = false;
      }
      const auto now = std::chrono::steady_clock::now();
      if (wanted || now >= next_heartbeat) {
        publish_snapshot();
        next_heartbeat = now + options_.heartbeat;
      }
      // Nodes that stopped talking (crashed) take their connections with them.
      std::lock_guard r(remotes_mutex_);
      for (auto it = remotes_.begin(); it != remotes_.end();) {
        if (now - it->second.last_seen > options_.expiry) {
          log::warn("presence.node_expired", {{"node", std::string_view(it->first)}});
          forget_locked(it->second);
          it = remotes_.erase(it);
        } else {
          ++it;
        }
      }
    } catch (const std::exception& e) {
      log::error("presence.cluster_failed", {{"message", std::string_view(e.what())}});
    }
    lock.lock();
  }
}

void PresenceCluster::publish_changes() {
  auto [dirty, settings] = changes_.take();
  if (dirty.empty()) return;
  boost::json::array users, changed_settings;
  for (auto id : dirty) {
    auto s = presence_.local_state(id);
    users.push_back(user_entry(s));
    if (settings.count(id))
      changed_settings.push_back(
          boost::json::object{{"id", id}, {"mode", mode_name(s.mode)}, {"status_text", s.status_text}});
  }
  boost::json::object o{{"node", node_}, {"op", "changes"}, {"users", std::move(users)}};
  if (!changed_settings.empty()) o["settings"] = std::move(changed_settings);
  bus_.publish(kTopic, boost::json::serialize(o));
}

void PresenceCluster::publish_snapshot() {
  boost::json::array users;
  for (const auto& s : presence_.local_snapshot()) users.push_back(user_entry(s));
  bus_.publish(kTopic, boost::json::serialize(
                           boost::json::object{{"node", node_}, {"op", "snapshot"}, {"users", std::move(users)}}));
}

void PresenceCluster::forget_locked(Remote& r) {
  for (const auto& [user, kind] : r.users) presence_.remote_connection(r.key, user, kind, std::nullopt);
  r.users.clear();
}

void PresenceCluster::receive(std::string_view payload) {
  boost::system::error_code ec;
  auto v = boost::json::parse(payload, ec);
  const auto* o = ec ? nullptr : v.if_object();
  const auto* node = o ? o->if_contains("node") : nullptr;
  const auto* op = o ? o->if_contains("op") : nullptr;
  if (!node || !node->is_string() || !op || !op->is_string()) {
    log::warn("presence.bad_bus_event");
    return;
  }
  const std::string from(node->as_string());
  if (from == node_) return;  // our own, back through the bus
  const std::string_view what = op->as_string();

  std::lock_guard lock(remotes_mutex_);
  if (what == "bye") {
    if (auto it = remotes_.find(from); it != remotes_.end()) {
      forget_locked(it->second);
      remotes_.erase(it);
    }
    return;
  }
  auto [it, inserted] = remotes_.try_emplace(from);
  Remote& r = it->second;
  if (inserted) {
    r.key = next_key_++;
    snapshot_wanted_ = true;  // a node we did not know: it learns about us at once
  }
  r.last_seen = std::chrono::steady_clock::now();
  if (what == "hello") {
    snapshot_wanted_ = true;
    return;
  }
  auto apply = [&](const boost::json::object& u, std::set<std::int64_t>* seen) {
    const auto* id = u.if_contains("id");
    const auto* kind_text = u.if_contains("kind");
    const auto* active = u.if_contains("active");
    if (!id || !id->is_int64() || !kind_text || !kind_text->is_string() || !active) return;
    UserKind kind{};
    if (!parse_user_kind(kind_text->as_string(), kind)) return;
    const std::int64_t user = id->as_int64();
    if (active->is_bool()) {
      r.users[user] = kind;
      if (seen) seen->insert(user);
      presence_.remote_connection(r.key, user, kind, active->as_bool());
    } else if (r.users.erase(user)) {
      presence_.remote_connection(r.key, user, kind, std::nullopt);
    }
  };
  const auto* users = o->if_contains("users");
  if (!users || !users->is_array()) return;
  if (what == "changes") {
    for (const auto& u : users->as_array())
      if (u.is_object()) apply(u.as_object(), nullptr);
    if (const auto* settings = o->if_contains("settings"); settings && settings->is_array()) {
      for (const auto& x : settings->as_array()) {
        if (!x.is_object()) continue;
        const auto* id = x.as_object().if_contains("id");
        const auto* mode = x.as_object().if_contains("mode");
        const auto* text = x.as_object().if_contains("status_text");
        Mode m{};
        if (!id || !id->is_int64() || !mode || !mode->is_string() || !parse_mode(mode->as_string(), m) || !text ||
            !text->is_string() || text->as_string().size() > PresenceTracker::kMaxStatusText)
          continue;
        presence_.remote_settings(id->as_int64(), m, std::string(text->as_string()));
      }
    }
  } else if (what == "snapshot") {
    std::set<std::int64_t> seen;
    for (const auto& u : users->as_array())
      if (u.is_object()) apply(u.as_object(), &seen);
    for (auto u = r.users.begin(); u != r.users.end();) {
      if (!seen.count(u->first)) {
        presence_.remote_connection(r.key, u->first, u->second, std::nullopt);
        u = r.users.erase(u);
      } else {
        ++u;
      }
    }
  }
}

}  // namespace meridian::presence
