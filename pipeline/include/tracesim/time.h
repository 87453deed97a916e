// Virtual time. The pipeline never reads a clock: callers pass `now`.
#pragma once

#include <chrono>
#include <cstdint>

namespace tracesim {

// A clock with no now(): time points are only ever handed in by a driver
// (a SimGrid actor in sim/, a manual clock in tests).
struct VirtualClock {
  using rep = int64_t;
  using period = std::nano;
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<VirtualClock, duration>;
  static constexpr bool is_steady = true;
};

using Duration = std::chrono::nanoseconds;
using TimePoint = VirtualClock::time_point;

constexpr TimePoint kTimeZero{};
constexpr TimePoint kTimeInfinite{Duration::max()};

inline constexpr TimePoint FromNanos(int64_t ns) { return TimePoint(Duration(ns)); }
inline constexpr int64_t ToNanos(TimePoint t) { return t.time_since_epoch().count(); }
inline constexpr double ToSeconds(Duration d) { return static_cast<double>(d.count()) * 1e-9; }
inline constexpr double ToSeconds(TimePoint t) { return ToSeconds(t.time_since_epoch()); }
inline constexpr Duration FromSeconds(double s) { return Duration(static_cast<int64_t>(s * 1e9)); }
inline constexpr Duration FromMillis(double ms) { return Duration(static_cast<int64_t>(ms * 1e6)); }

}  // namespace tracesim
