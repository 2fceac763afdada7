// Answers written while the asker watches, that survive a reload (the failure to beat is
// mattermost-plugin-agents #450: a streamed answer gone after a reload). Each answer is a
// stored job: it is written in the background, its text so far saved in small batches as
// it streams (not per piece), and each piece goes to the connections that subscribed over
// /ws. A subscriber first gets the text so far, then the pieces that follow, then the
// finished answer: a reloaded page shows what was written and keeps streaming, or shows the
// finished answer. Only the asker reads, subscribes to or stops an answer (404 for anyone
// else). The frames are in docs/websocket.md ("AI").
#pragma once

#include <condition_variable>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ai/ai_repository.hpp"
#include "ai/ai_service.hpp"
#include "core/clock.hpp"
#include "net/realtime.hpp"
#include "storage/database.hpp"

namespace meridian::ai {

struct AnswerStreamOptions {
  std::int64_t flush_ms = 250;      // the text so far is saved at least this often while it grows
  std::size_t flush_bytes = 2048;   // or as soon as this much is unsaved
  std::size_t max_running = 8;      // answers written at once on this node
  std::size_t max_per_person = 2;   // of which one person's
  std::int64_t stale_ms = 600'000;  // a streaming answer untouched this long lost its writer
};

class AnswerStreams final {
 public:
  AnswerStreams(storage::Database& db, AiService& ai, net::RealtimeHub& hub, const Clock& clock,
                AnswerStreamOptions options = {})
      : db_(db), ai_(ai), hub_(hub), clock_(clock), options_(options) {}
  ~AnswerStreams() { stop(); }
  AnswerStreams(const AnswerStreams&) = delete;
  AnswerStreams& operator=(const AnswerStreams&) = delete;

  // Refused at once as ask() would refuse it (403/404/400), or when too many answers are
  // being written (429); otherwise stored as `streaming` and written in the background.
  Result<StoredAnswer> start(const Subject& who, const std::string& question, const FileScope& scope,
                             const std::string& ip = "");
  // The answer as stored now (the text so far while it streams); 404 for anyone but the asker.
  Result<StoredAnswer> get(const Subject& who, std::int64_t id);
  // The asker's latest answers, newest first; of one scope ("file:12", ...) when not empty.
  Result<std::vector<StoredAnswer>> list(const Subject& who, const std::string& scope, std::int64_t limit);
  // Sends `ai.answer.snapshot` (answering `request_id`) to this connection, then each piece
  // as `ai.answer.delta` and the end as `ai.answer.done`. 404 for anyone but the asker.
  Result<void> subscribe(net::RealtimeConnection& conn, std::int64_t id, const std::string& request_id);
  // This connection hears no more of the answer (of any answer when id is 0).
  void unsubscribe(std::uint64_t connection_id, std::int64_t id = 0);
  // Asks a running answer to stop; it ends `stopped` with what was written. A finished
  // answer is answered as it is.
  Result<StoredAnswer> stop_answer(const Subject& who, std::int64_t id);

  // Answers left `streaming` by a node that went away (untouched for stale_ms) are marked
  // failed; at start-up.
  Result<std::int64_t> recover();
  // Stops every running answer (each ends `stopped`, its text kept) and waits for them.
  void stop();
  // Waits until no answer is being written (tests).
  void wait_idle();
  // Whether stop() began: new answers are refused.
  bool stopping();

 private:
  struct Job {
    StoredAnswer answer;
    Subject asker;
    FileScope scope;
    std::string ip;
    std::mutex mutex;                     // text, subscribers, flush state
    std::set<std::uint64_t> subscribers;  // connection ids
    std::size_t saved = 0;                // bytes of text saved
    std::int64_t saved_at_ms = 0;         // steady ms of the last save
    bool stop = false;
    bool shutdown = false;  // stopped because the server stops
  };
  void run(const std::shared_ptr<Job>& job);
  bool on_piece(Job& job, std::string_view piece);
  void on_restart(Job& job);
  void finish(const std::shared_ptr<Job>& job, StoredAnswer done);
  void send(Job& job, const std::string& frame);
  Result<StoredAnswer> owned(const Subject& who, std::int64_t id);

  storage::Database& db_;
  AiService& ai_;
  net::RealtimeHub& hub_;
  const Clock& clock_;
  AnswerStreamOptions options_;

  std::mutex mutex_;  // jobs_, threads_, stopping_ (taken before a job's)
  std::condition_variable idle_;
  std::map<std::int64_t, std::shared_ptr<Job>> jobs_;  // running, by answer id
  std::list<std::thread> threads_;
  std::vector<std::thread::id> ended_;  // threads to join
  bool stopping_ = false;
};

}  // namespace meridian::ai
