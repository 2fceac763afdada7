// The files module's listener for the AI index (files/file_listener.hpp): it only takes
// note of what changed, and the AI module's indexing worker takes the jobs from here.
// Built before the files module (main.cpp), since files gets its listeners at construction.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "files/file_listener.hpp"

namespace meridian::ai {

struct IndexJob {
  enum class Kind { index, remove };
  Kind kind = Kind::index;
  std::int64_t node_id = 0;
};

class IndexQueue final : public files::FileListener {
 public:
  void version_stored(std::int64_t node_id, std::int64_t version) override;
  void removed(const std::vector<std::int64_t>& node_ids) override;
  void push(IndexJob job);

  // The next job, waiting up to `wait`; nullopt when none came or the queue is closed.
  std::optional<IndexJob> next(std::chrono::milliseconds wait);
  // The job taken last is done (for waiting_for and idle).
  void done(std::int64_t node_id);
  void close();
  bool closed() const;

  // Whether a file waits to be indexed or is being indexed now.
  bool waiting_for(std::int64_t node_id) const;
  std::size_t waiting() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<IndexJob> jobs_;
  std::multiset<std::int64_t> pending_;  // queued or in progress
  bool closed_ = false;
};

}  // namespace meridian::ai
