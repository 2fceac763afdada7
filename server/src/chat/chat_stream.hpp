// The live event stream of every conversation, in change_seq order, with nothing left out.
//
// Each change to a message takes the conversation's next sequence number inside its
// write transaction, and that number is row-locked (PostgreSQL) or written by the only
// writer (SQLite) until commit, so committed numbers have no holes and when number n is
// committed every number below it is too. Publishing happens after commit, on the
// poster's thread, so two posters' events can reach publish() in either order. publish()
// releases them per conversation in order: a number at or below `released` was already
// sent (from storage, see below) and is dropped; a number above released + 1 means the
// ones between are committed but their publishers are still on their way, so they are
// read from storage now, sent, and dropped when their publishers arrive.
//
// `replay` reads from storage under the same per-conversation lock, so on each socket
// the replay sits exactly between the events before it (covered by the replay) and the
// events after it (all above the replay's end).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/json/value.hpp>

#include "chat/change_reader.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "net/realtime.hpp"

namespace meridian::chat {

// Where the stream reads the changes the bus has not brought (yet): storage.
class StreamSource {
 public:
  virtual ~StreamSource() = default;
  // Changes in (after, upto] with the members now and the last number taken, no person asking.
  virtual Result<StreamFill> fill(std::int64_t conversation_id, std::int64_t after, std::int64_t upto,
                                               int limit) = 0;
  // Changes in (after, upto] as `who` may see them: a reconnecting socket's replay.
  virtual Result<ChangePage> changes(const Subject& who, std::int64_t conversation_id, std::int64_t after, int limit,
                                     std::int64_t upto) = 0;
};

// Where released events go: this node's live sockets of the people.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  virtual void send_to_user(std::int64_t user_id, const std::string& text) = 0;
  virtual void send_to_users(const std::vector<std::int64_t>& user_ids, const std::string& text) = 0;
};

class ChatStream final {
 public:
  // The event text for one viewer (reactions carry a per-viewer "me").
  using Render = std::function<std::string(std::int64_t viewer)>;
  struct Item {
    std::int64_t change_seq = 0;
    Render render;
    bool per_viewer = true;  // false: the same text for everyone (no reactions, so no "me")
  };

  static constexpr int kReplayPage = 200;

  ChatStream(StreamSource& source, StreamSink& sink) : source_(source), sink_(sink) {}
  ChatStream(const ChatStream&) = delete;
  ChatStream& operator=(const ChatStream&) = delete;

  // Inside the write transaction that took `seq`: the first number taken since start
  // tells where this conversation's stream begins.
  void taken(std::int64_t conversation_id, std::int64_t seq);

  // Releases the items (in change_seq order) to the recipients' sockets, after everything
  // before them; what was already sent is dropped.
  void publish(std::int64_t conversation_id, const std::vector<std::int64_t>& recipients, std::vector<Item> items);

  // Replays (cursor, released] to one socket, preceded by a `sync.replay` marker that
  // carries the request's id (or the error that stopped the replay).
  void replay(net::RealtimeConnection& conn, const boost::json::value* request_id, std::int64_t conversation_id,
              std::int64_t cursor);

 private:
  struct Entry {
    std::mutex mutex;       // held while sending: one conversation's events go out one at a time
    std::mutex init_mutex;  // guards `released`; taken() (inside a transaction) never waits for sends
    std::optional<std::int64_t> released;
  };

  static std::optional<std::int64_t> released(Entry& e);
  static void set_released(Entry& e, std::int64_t v);
  std::shared_ptr<Entry> entry(std::int64_t conversation_id);
  void deliver(const std::vector<std::int64_t>& recipients, const Render& render, bool per_viewer);
  // Sends (released, upto] from storage to the members now. Caller holds e.mutex.
  void fill(std::int64_t conversation_id, Entry& e, std::int64_t upto);

  StreamSource& source_;
  StreamSink& sink_;
  std::mutex mutex_;  // guards entries_
  std::unordered_map<std::int64_t, std::shared_ptr<Entry>> entries_;
};

// The server's source: chat's storage.
class StoreStreamSource final : public StreamSource {
 public:
  explicit StoreStreamSource(ChangeReader& reader) : reader_(reader) {}
  Result<StreamFill> fill(std::int64_t conversation_id, std::int64_t after, std::int64_t upto,
                                       int limit) override;
  Result<ChangePage> changes(const Subject& who, std::int64_t conversation_id, std::int64_t after, int limit,
                             std::int64_t upto) override;

 private:
  ChangeReader& reader_;
};

// The server's sink: the node's realtime hub.
class HubStreamSink final : public StreamSink {
 public:
  explicit HubStreamSink(net::RealtimeHub& hub) : hub_(hub) {}
  void send_to_user(std::int64_t user_id, const std::string& text) override;
  void send_to_users(const std::vector<std::int64_t>& user_ids, const std::string& text) override;

 private:
  net::RealtimeHub& hub_;
};

}  // namespace meridian::chat
