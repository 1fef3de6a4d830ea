// Clock: the seam through which every module reads the time, so that tests can run a day of
// retries in milliseconds (STYLE.md §8). SystemClock is thread-safe; ManualClock is thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace capcast {

using TimePoint = std::chrono::system_clock::time_point;
using Duration = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  static SystemClock& instance();
};

// A clock that moves only when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{}) : t_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint{TimePoint::duration{t_.load()}}; }
  void advance(Duration d) { t_ += std::chrono::duration_cast<TimePoint::duration>(d).count(); }
  void set(TimePoint t) { t_ = t.time_since_epoch().count(); }

 private:
  std::atomic<TimePoint::rep> t_;
};

// Milliseconds since the Unix epoch, the unit the store keeps times in.
inline int64_t to_unix_ms(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline TimePoint from_unix_ms(int64_t ms) {
  return TimePoint{std::chrono::milliseconds{ms}};
}

// RFC 3339 UTC rendering with a `Z` (for ATOM and logs; CAP itself forbids `Z`).
std::string format_rfc3339_utc(TimePoint t);

}  // namespace capcast
