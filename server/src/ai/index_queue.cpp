#include "ai/index_queue.hpp"

namespace meridian::ai {

void IndexQueue::version_stored(std::int64_t node_id, std::int64_t) { push({IndexJob::Kind::index, node_id}); }

void IndexQueue::removed(const std::vector<std::int64_t>& node_ids) {
  for (auto id : node_ids) push({IndexJob::Kind::remove, id});
}

void IndexQueue::push(IndexJob job) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    jobs_.push_back(job);
    pending_.insert(job.node_id);
  }
  changed_.notify_one();
}

std::optional<IndexJob> IndexQueue::next(std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, wait, [this] { return closed_ || !jobs_.empty(); });
  if (closed_ || jobs_.empty()) return std::nullopt;
  auto job = jobs_.front();
  jobs_.pop_front();
  return job;
}

void IndexQueue::done(std::int64_t node_id) {
  std::lock_guard lock(mutex_);
  if (auto it = pending_.find(node_id); it != pending_.end()) pending_.erase(it);
}

void IndexQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

bool IndexQueue::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

bool IndexQueue::waiting_for(std::int64_t node_id) const {
  std::lock_guard lock(mutex_);
  return pending_.contains(node_id);
}

std::size_t IndexQueue::waiting() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

}  // namespace meridian::ai
