// Thread-safe, interest-based presence with coalesced fan-out. Changes collect in a
// PresenceTracker; a background thread flushes them every `flush_interval` as ONE
// `presence` envelope per subscribed connection, listing the changes of the people that
// connection subscribed to (`presence.subscribe`) and may see. An index subject ->
// subscribed connections makes a flush cost O(changes x their subscribers): a thousand
// people connecting at once cost nothing but bookkeeping when nobody watches them, instead
// of one envelope to every connected person (O(N^2) work for N people arriving).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/result.hpp"
#include "core/subject.hpp"
#include "presence/presence.hpp"
#include "storage/database.hpp"
#include "platform/periodic_job.hpp"

namespace meridian::presence {

// What presence needs to know about people beyond who is connected.
class Directory {
 public:
  virtual ~Directory() = default;
  // The kind of any user (connected or not); nullopt for no such user.
  virtual std::optional<UserKind> kind(std::int64_t user_id) = 0;
  // The kinds of many users at once (absent: no such active user). One read for a whole
  // presence.subscribe instead of one per id; the default asks kind() for each.
  virtual std::unordered_map<std::int64_t, UserKind> kinds(const std::vector<std::int64_t>& user_ids) {
    std::unordered_map<std::int64_t, UserKind> out;
    for (auto id : user_ids)
      if (auto k = kind(id)) out.emplace(id, *k);
    return out;
  }
  // Everyone sharing at least one conversation with `user_id` (chat membership), without them.
  virtual std::vector<std::int64_t> contacts(std::int64_t user_id) = 0;
  // Country, time zone and working hours; nullopt when unknown.
  virtual std::optional<Locale> locale(std::int64_t /*user_id*/) { return std::nullopt; }
};

// Reads users and conversation_members from storage.
class SqlDirectory final : public Directory {
 public:
  explicit SqlDirectory(storage::Database& db) : db_(db) {}
  std::optional<UserKind> kind(std::int64_t user_id) override;
  std::unordered_map<std::int64_t, UserKind> kinds(const std::vector<std::int64_t>& user_ids) override;
  std::vector<std::int64_t> contacts(std::int64_t user_id) override;
  std::optional<Locale> locale(std::int64_t user_id) override;

 private:
  storage::Database& db_;
};

struct PresenceOptions {
  std::chrono::milliseconds flush_interval{300};
};

// The people whose presence changed on this node since the cluster last looked
// (presence_cluster.hpp publishes them to the other nodes).
class LocalChanges {
 public:
  // settings: the person's mode or status text was set.
  void noted(std::int64_t user_id, bool settings);
  struct Taken {
    std::set<std::int64_t> users;
    std::set<std::int64_t> settings;
  };
  Taken take();

 private:
  std::mutex mutex_;
  Taken pending_;
};

class PresenceService {
 public:
  // `send(connection_id, text)` delivers one text frame to one connection.
  using Sender = std::function<void(std::uint64_t connection_id, const std::string& text)>;
  static constexpr std::size_t kMaxSubscriptions = 500;  // user ids per connection

  // `changes`: told of every change of a person made on this node (several nodes).
  PresenceService(Directory& directory, Sender send, PresenceOptions options = {}, LocalChanges* changes = nullptr);
  ~PresenceService();
  PresenceService(const PresenceService&) = delete;
  PresenceService& operator=(const PresenceService&) = delete;

  // Starts the flush thread (tests may leave it off and call flush() themselves).
  void start();
  void stop();

  void connected(const Subject& who, std::uint64_t connection_id);
  void disconnected(std::int64_t user_id, std::uint64_t connection_id);
  // presence.set: any of mode, status text, and this connection's idleness.
  Result<PresenceView> set(const Subject& who, std::uint64_t connection_id, std::optional<Mode> mode,
                           std::optional<std::string> status_text, std::optional<bool> idle);

  // presence.subscribe: replaces the set of people this connection follows (at most
  // kMaxSubscriptions ids; an empty list unsubscribes). Returns the current views of the
  // visible ones (no locale). Ids the viewer may not see are kept but yield nothing, now
  // or later, unless visibility changes (e.g. a guest added to a conversation): it is
  // checked at every flush, so asking reveals nothing and no error is given.
  Result<std::vector<PresenceView>> subscribe(const Subject& who, std::uint64_t connection_id,
                                              std::vector<std::int64_t> user_ids);
  std::size_t subscriber_count(std::int64_t user_id);  // connections following someone (tests)

  // GET /api/v1/presence: the views (with locale) of those among `user_ids` the viewer
  // may see (the others are left out, not refused, so that asking reveals nothing).
  std::vector<PresenceView> visible(const Subject& viewer, const std::vector<std::int64_t>& user_ids,
                                    bool with_locale = true);

  // Publishes what changed since the last flush; returns the number of envelopes sent.
  std::size_t flush();

  static std::string envelope(const std::vector<PresenceView>& views);

  // Several nodes (presence/presence_cluster.hpp).
  struct LocalState {
    std::int64_t user_id = 0;
    UserKind kind = UserKind::employee;
    std::optional<bool> active;  // nullopt: no connection on this node
    Mode mode = Mode::automatic;
    std::string status_text;
  };
  LocalState local_state(std::int64_t user_id);
  std::vector<LocalState> local_snapshot();  // everyone connected on this node
  // Another node's connections of a person (`node_key` tells the nodes apart): active or
  // idle, or gone (nullopt). They count like this node's own in the aggregate.
  void remote_connection(std::uint32_t node_key, std::int64_t user_id, UserKind kind, std::optional<bool> active);
  void remote_settings(std::int64_t user_id, Mode mode, std::string status_text);
  // Connected on any node (for @here).
  bool online(std::int64_t user_id);

 private:
  void flush_logged();  // one turn of the flush thread: flush(), a failure logged
  void unsubscribe_locked(std::uint64_t connection_id);

  struct Subscription {
    std::int64_t user_id = 0;
    UserKind kind = UserKind::employee;
    std::vector<std::int64_t> subjects;  // deduplicated
  };

  Directory& directory_;
  Sender send_;
  PresenceOptions options_;
  LocalChanges* changes_;
  std::mutex mutex_;  // guards tracker_, subscriptions_, followers_
  PresenceTracker tracker_;
  std::unordered_map<std::uint64_t, Subscription> subscriptions_;                  // connection -> follows
  std::unordered_map<std::int64_t, std::unordered_set<std::uint64_t>> followers_;  // subject -> connections
  std::mutex flush_mutex_;                                                         // one flush at a time
  platform::PeriodicJob flusher_;  // last: its thread stops before the members it uses go
};

}  // namespace meridian::presence
