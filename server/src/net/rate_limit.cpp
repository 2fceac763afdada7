#include "net/rate_limit.hpp"

#include <algorithm>

namespace meridian::net {

void TokenBucket::refill(Clock::time_point now) {
  if (now <= at_) return;
  const double seconds = std::chrono::duration<double>(now - at_).count();
  tokens_ = std::min(limit_.burst, tokens_ + seconds * limit_.per_second);
  at_ = now;
}

bool TokenBucket::take(Clock::time_point now) {
  if (!limit_.limited()) return true;
  refill(now);
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

bool TokenBucket::full(Clock::time_point now) const {
  if (!limit_.limited()) return true;
  const double seconds = now > at_ ? std::chrono::duration<double>(now - at_).count() : 0;
  return tokens_ + seconds * limit_.per_second >= limit_.burst;
}

bool KeyedBuckets::take(std::int64_t key, TokenBucket::Clock::time_point now) {
  if (!limit_.limited()) return true;
  std::lock_guard lock(mutex_);
  if (++calls_ % 4096 == 0)
    std::erase_if(buckets_, [&](const auto& entry) { return entry.second.full(now); });
  auto it = buckets_.try_emplace(key, limit_, now).first;
  return it->second.take(now);
}

}  // namespace meridian::net
