#include "ai/answer_streams.hpp"

#include <algorithm>
#include <chrono>

#include <boost/json/object.hpp>

#include "ai/ai_json.hpp"
#include "core/json_fields.hpp"
#include "core/log.hpp"

namespace meridian::ai {
namespace {

constexpr const char* kStreaming = "streaming";

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string snapshot_frame(const StoredAnswer& a, const std::string& request_id) {
  boost::json::object out{{"type", "ai.answer.snapshot"}, {"answer", stored_answer_json(a)}};
  if (!request_id.empty()) out["id"] = request_id;
  return json::serialize(out);
}

}  // namespace

Result<StoredAnswer> AnswerStreams::start(const Subject& who, const std::string& question, const FileScope& scope,
                                          const std::string& ip) {
  MERIDIAN_TRY(ai_.admit_question(who, question, scope));
  std::unique_lock lock(mutex_);
  if (stopping_) return make_error(ErrorCode::unavailable, "the server is stopping; ask again in a moment");
  std::size_t mine = 0;
  for (const auto& [id, job] : jobs_) mine += job->asker.user_id == who.user_id ? 1 : 0;
  if (jobs_.size() >= options_.max_running || mine >= options_.max_per_person) {
    Error e = make_error(ErrorCode::rate_limited,
                         mine >= options_.max_per_person
                             ? "you already have " + std::to_string(mine) +
                                   " answers being written; wait for one or stop it, then ask again"
                             : "too many answers are being written right now; ask again in a moment");
    e.retry_after_seconds = 2;
    return e;
  }
  auto job = std::make_shared<Job>();
  job->asker = who;
  job->scope = scope;
  job->ip = ip;
  auto& a = job->answer;
  a.asker_id = who.user_id;
  a.scope = scope_target(scope);
  a.question = question;
  a.status = kStreaming;
  a.created_at = a.updated_at = clock_.now_ms();
  MERIDIAN_ASSIGN_OR_RETURN(a.id, storage::write_value<std::int64_t>(
                                      db_, [&](storage::Session& s) { return AiRepository{}.create_answer(s, a); }));
  job->saved_at_ms = steady_ms();
  jobs_.emplace(a.id, job);
  threads_.emplace_back([this, job] { run(job); });
  // Reap the threads of answers that ended (each joins at once: it has returned or is about to).
  for (auto it = threads_.begin(); it != threads_.end();) {
    if (std::find(ended_.begin(), ended_.end(), it->get_id()) != ended_.end()) {
      std::erase(ended_, it->get_id());
      it->join();
      it = threads_.erase(it);
    } else {
      ++it;
    }
  }
  return a;
}

void AnswerStreams::send(Job& job, const std::string& frame) {
  auto text = net::share_text(frame);
  for (auto it = job.subscribers.begin(); it != job.subscribers.end();) {
    if (hub_.send_to_connection(*it, text))
      ++it;
    else
      it = job.subscribers.erase(it);  // gone: it subscribes again when it comes back
  }
}

bool AnswerStreams::on_piece(Job& job, std::string_view piece) {
  std::lock_guard lock(job.mutex);
  if (job.stop) return false;
  if (piece.empty()) return true;
  const auto offset = job.answer.text.size();
  job.answer.text.append(piece);
  send(job, json::serialize(boost::json::object{
                {"type", "ai.answer.delta"}, {"answer_id", job.answer.id}, {"offset", offset}, {"text", piece}}));
  // Saved in batches: a reload loses at most the last flush_ms of text, never the answer.
  const auto now = steady_ms();
  if (job.answer.text.size() - job.saved >= options_.flush_bytes || now - job.saved_at_ms >= options_.flush_ms) {
    auto saved = db_.write([&](storage::Session& s) {
      return AiRepository{}.save_answer_text(s, job.answer.id, job.answer.text, clock_.now_ms());
    });
    if (saved) {
      job.saved = job.answer.text.size();
      job.saved_at_ms = now;
    } else {
      log::error("ai.answer_save_failed", {{"answer_id", job.answer.id}, {"message", saved.error().message}});
    }
  }
  return true;
}

void AnswerStreams::on_restart(Job& job) {
  std::lock_guard lock(job.mutex);
  job.answer.text.clear();
  job.saved = 0;
  job.saved_at_ms = 0;  // the empty text is saved with the next piece
  send(job, snapshot_frame(job.answer, ""));
}

void AnswerStreams::run(const std::shared_ptr<Job>& job) {
  AskStream stream{[this, &job](std::string_view piece) { return on_piece(*job, piece); },
                   [this, &job] { on_restart(*job); }};
  auto r = ai_.ask(job->asker, job->answer.question, job->scope, job->ip, &stream);
  StoredAnswer done;
  {
    std::lock_guard lock(job->mutex);
    done = job->answer;
    if (r) {
      done.provider = r->provider;
      if (job->stop) {
        // What the asker saw is the answer; the verified citations stay.
        done.status = "stopped";
        r->answer = done.text;
        if (job->shutdown) done.error = "the server was stopped while writing this answer; ask again";
      } else {
        done.status = "done";
        done.text = r->answer;
      }
      done.result = json::serialize(answer_json(*r));
    } else {
      done.status = "failed";
      done.error = r.error().message;
    }
  }
  done.updated_at = clock_.now_ms();
  finish(job, std::move(done));
}

void AnswerStreams::finish(const std::shared_ptr<Job>& job, StoredAnswer done) {
  // Saved before the job leaves the running set: a subscriber that no longer finds it
  // running reads the finished answer from the store.
  auto saved = db_.write([&](storage::Session& s) { return AiRepository{}.finish_answer(s, done); });
  if (!saved) log::error("ai.answer_save_failed", {{"answer_id", done.id}, {"message", saved.error().message}});
  std::lock_guard lock(mutex_);
  {
    std::lock_guard job_lock(job->mutex);
    job->answer = done;
    send(*job, json::serialize(boost::json::object{
                   {"type", "ai.answer.done"}, {"answer_id", done.id}, {"answer", stored_answer_json(done)}}));
    job->subscribers.clear();
  }
  jobs_.erase(done.id);
  ended_.push_back(std::this_thread::get_id());
  idle_.notify_all();
}

Result<StoredAnswer> AnswerStreams::owned(const Subject& who, std::int64_t id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto found, storage::read_value<std::optional<StoredAnswer>>(
                                            db_, [&](storage::Session& s) { return AiRepository{}.answer(s, id); }));
  if (!found || found->asker_id != who.user_id)
    return make_error(ErrorCode::not_found, "no answer with id " + std::to_string(id));
  return *found;
}

Result<StoredAnswer> AnswerStreams::get(const Subject& who, std::int64_t id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto stored, owned(who, id));
  std::lock_guard lock(mutex_);
  if (auto it = jobs_.find(id); it != jobs_.end()) {
    std::lock_guard job_lock(it->second->mutex);
    return it->second->answer;  // the text so far, also what is not saved yet
  }
  return stored;
}

Result<std::vector<StoredAnswer>> AnswerStreams::list(const Subject& who, const std::string& scope,
                                                      std::int64_t limit) {
  MERIDIAN_ASSIGN_OR_RETURN(auto answers, storage::read_value<std::vector<StoredAnswer>>(db_, [&](storage::Session& s) {
                              return AiRepository{}.answers_of(s, who.user_id, scope, limit);
                            }));
  std::lock_guard lock(mutex_);
  for (auto& a : answers)
    if (auto it = jobs_.find(a.id); it != jobs_.end()) {
      std::lock_guard job_lock(it->second->mutex);
      a = it->second->answer;
    }
  return answers;
}

Result<void> AnswerStreams::subscribe(net::RealtimeConnection& conn, std::int64_t id, const std::string& request_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto stored, owned(conn.subject(), id));
  std::lock_guard lock(mutex_);
  if (auto it = jobs_.find(id); it != jobs_.end()) {
    // The snapshot and the pieces after it go out under the job's lock: none is lost or doubled.
    std::lock_guard job_lock(it->second->mutex);
    conn.send(snapshot_frame(it->second->answer, request_id));
    it->second->subscribers.insert(conn.id());
    return {};
  }
  // Not running here: finished (saved before it left the running set), or written by a
  // node that went away.
  MERIDIAN_ASSIGN_OR_RETURN(stored, owned(conn.subject(), id));
  if (stored.status == kStreaming && clock_.now_ms() - stored.updated_at > options_.stale_ms) {
    stored.status = "failed";
    stored.error = "the server writing this answer went away; ask again";
  }
  conn.send(snapshot_frame(stored, request_id));
  return {};
}

void AnswerStreams::unsubscribe(std::uint64_t connection_id, std::int64_t id) {
  std::lock_guard lock(mutex_);
  for (auto& [answer_id, job] : jobs_) {
    if (id != 0 && answer_id != id) continue;
    std::lock_guard job_lock(job->mutex);
    job->subscribers.erase(connection_id);
  }
}

Result<StoredAnswer> AnswerStreams::stop_answer(const Subject& who, std::int64_t id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto stored, owned(who, id));
  std::lock_guard lock(mutex_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return stored;
  // It ends with its next piece (or when the provider returns): ai.answer.done says so.
  std::lock_guard job_lock(it->second->mutex);
  it->second->stop = true;
  return it->second->answer;
}

Result<std::int64_t> AnswerStreams::recover() {
  const auto now = clock_.now_ms();
  return storage::write_value<std::int64_t>(db_, [&](storage::Session& s) {
    return AiRepository{}.fail_stale_answers(s, now - options_.stale_ms,
                                             "the server writing this answer went away; ask again", now);
  });
}

void AnswerStreams::stop() {
  std::list<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [id, job] : jobs_) {
      std::lock_guard job_lock(job->mutex);
      job->stop = true;
      job->shutdown = true;
    }
    threads.swap(threads_);
    ended_.clear();
  }
  for (auto& t : threads)
    if (t.joinable()) t.join();
}

bool AnswerStreams::stopping() {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void AnswerStreams::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return jobs_.empty(); });
}

}  // namespace meridian::ai
