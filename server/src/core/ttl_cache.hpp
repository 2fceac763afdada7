// A small thread-safe map whose entries expire: for values every request needs (who is
// this token, what does this user's profile say) that may be a few seconds stale on other
// nodes. Bounded: when full it starts over rather than tracking recency.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include "core/clock.hpp"

namespace meridian {

template <class Key, class Value>
class TtlCache final {
 public:
  explicit TtlCache(std::size_t max_entries = 100'000) : max_entries_(max_entries) {}

  std::optional<Value> find(const Key& key, UnixMillis now) const {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.second <= now) return std::nullopt;
    return it->second.first;
  }

  void put(const Key& key, Value value, UnixMillis valid_until) {
    std::lock_guard lock(mutex_);
    if (entries_.size() >= max_entries_ && !entries_.contains(key)) entries_.clear();
    entries_.insert_or_assign(key, std::make_pair(std::move(value), valid_until));
  }

  void erase(const Key& key) {
    std::lock_guard lock(mutex_);
    entries_.erase(key);
  }

  template <class Predicate>  // Predicate(const Key&, const Value&)
  void erase_if(Predicate pred) {
    std::lock_guard lock(mutex_);
    std::erase_if(entries_, [&](const auto& kv) { return pred(kv.first, kv.second.first); });
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }

 private:
  std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::unordered_map<Key, std::pair<Value, UnixMillis>> entries_;
};

}  // namespace meridian
