// Thread-safe presence with coalesced fan-out: changes collect in a PresenceTracker and a
// background thread flushes them every `flush_interval` as ONE `presence` envelope per
// recipient listing every change that recipient may see. A thousand people connecting at
// once therefore cost one message per connected viewer per flush, not a million.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.hpp"
#include "core/subject.hpp"
#include "presence/presence.hpp"
#include "storage/database.hpp"

namespace meridian::presence {

// What presence needs to know about people beyond who is connected.
class Directory {
 public:
  virtual ~Directory() = default;
  // The kind of any user (connected or not); nullopt for no such user.
  virtual std::optional<UserKind> kind(std::int64_t user_id) = 0;
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
  std::vector<std::int64_t> contacts(std::int64_t user_id) override;
  std::optional<Locale> locale(std::int64_t user_id) override;

 private:
  storage::Database& db_;
};

struct PresenceOptions {
  std::chrono::milliseconds flush_interval{300};
};

class PresenceService {
 public:
  // `send(user_id, text)` delivers one text frame to every connection of a user.
  using Sender = std::function<void(std::int64_t user_id, const std::string& text)>;

  PresenceService(Directory& directory, Sender send, PresenceOptions options = {});
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

  // GET /api/v1/presence: the views (with locale) of those among `user_ids` the viewer
  // may see (the others are left out, not refused, so that asking reveals nothing).
  std::vector<PresenceView> visible(const Subject& viewer, const std::vector<std::int64_t>& user_ids);

  // Publishes what changed since the last flush; returns the number of envelopes sent.
  std::size_t flush();

  static std::string envelope(const std::vector<PresenceView>& views);

 private:
  void run();

  Directory& directory_;
  Sender send_;
  PresenceOptions options_;
  std::mutex mutex_;  // guards tracker_
  PresenceTracker tracker_;
  std::mutex flush_mutex_;  // one flush at a time
  std::mutex thread_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace meridian::presence
