// Time as a port so that expiry, lockout and retention are testable.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace meridian {

// Milliseconds since the Unix epoch: the one time representation stored everywhere.
using UnixMillis = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixMillis now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  UnixMillis now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that tests move by hand.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(UnixMillis start = 1'700'000'000'000) : now_(start) {}
  UnixMillis now_ms() const override { return now_.load(); }
  void advance_ms(UnixMillis delta) { now_ += delta; }
  void set_ms(UnixMillis t) { now_ = t; }

 private:
  std::atomic<UnixMillis> now_;
};

}  // namespace meridian
