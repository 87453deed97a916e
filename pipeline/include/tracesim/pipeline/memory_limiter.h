// The OTel Collector `memory_limiter` processor, sans-I/O.
//
// Ported from opentelemetry-collector internal/memorylimiter (config.go, memorylimiter.go) and
// processor/memorylimiterprocessor (memorylimiter.go):
//   - Limits (memUsageChecker): with limit_mib != 0 the hard limit is limit_mib MiB and the spike
//     limit spike_limit_mib MiB, or 20 % of the hard limit (limit / 5, integer division) when
//     spike_limit_mib is 0. Otherwise (limit_percentage mode) hard = limit_percentage * total / 100
//     and spike = spike_limit_percentage * total / 100 (again limit / 5 when that is 0), with
//     `total` the memory the driver says the collector host has. soft limit = hard - spike.
//   - Memory is measured only at check_interval ticks (a Go time.Ticker started with the
//     processor: ticks at start + k * check_interval; a tick that is late is not replayed). At a
//     tick, usage >= soft limit makes the limiter refuse; usage < soft limit makes it accept again.
//     Between ticks the decision does not change, whatever the usage does.
//   - Above the hard limit the Collector forces a GC and measures again. The usage this
//     simulation reports is the data the collector's buffers really hold, which a GC cannot free,
//     so the re-measurement gives the same value: above hard limit simply means refusing (the
//     state is still reported separately, see state()).
//   - ConsumeTraces while refusing returns ErrDataRefused ("data refused due to high memory
//     usage") and the data stays the caller's: here Status Unavailable (retryable), `spans`
//     untouched. Whether the data is lost is up to the upstream (receiver/client retry); the
//     processor itself never drops anything, so it never calls the DropObserver.
//
// Thread-safety: not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

#include "tracesim/pipeline/processor.h"
#include "tracesim/status.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

inline constexpr uint64_t kMiB = 1024 * 1024;

// `memory_limiter` options (internal/memorylimiter Config). check_interval has no usable default
// in the Collector (0 is rejected); the simulation's default is 1 s. Exactly one of limit_mib and
// limit_percentage is meant to be set; limit_mib wins when both are.
struct MemoryLimiterConfig {
  Duration check_interval{std::chrono::seconds(1)};
  uint64_t limit_mib = 0;
  uint64_t spike_limit_mib = 0;  // 0 = 20 % of limit_mib
  uint32_t limit_percentage = 0;
  uint32_t spike_limit_percentage = 0;  // 0 = 20 % of the percentage limit
};

// Config.Validate + the checks of newFixedMemUsageChecker. Errors are InvalidArgument naming the
// key:
//   "memory_limiter.check_interval: must be greater than zero"
//   "memory_limiter.limit_mib: limit_mib or limit_percentage must be greater than zero"
//   "memory_limiter.limit_percentage: must be at most 100" (same for spike_limit_percentage)
//   "memory_limiter.spike_limit_mib: must be less than limit_mib"
//   "memory_limiter.spike_limit_percentage: must be less than limit_percentage"
Status ValidateMemoryLimiterConfig(const MemoryLimiterConfig& c);

// The resolved limits in bytes.
struct MemoryLimits {
  uint64_t hard_bytes = 0;
  uint64_t spike_bytes = 0;
  uint64_t soft_bytes() const { return hard_bytes - spike_bytes; }
};

// Resolves `c` into byte limits. `total_memory_bytes` is only used in limit_percentage mode,
// where it must be > 0 ("memory_limiter.limit_percentage: needs the host's total memory").
// Also fails when the resolved hard limit is 0 (percentage of a tiny total) or Validate fails.
StatusOr<MemoryLimits> ResolveMemoryLimits(const MemoryLimiterConfig& c, uint64_t total_memory_bytes);

// The limiter's view of memory at the last check.
enum class MemoryState : uint8_t {
  kBelowSoftLimit,  // accepting
  kAboveSoftLimit,  // refusing (usage in [soft, hard))
  kAboveHardLimit,  // refusing (usage >= hard; the Collector would have forced a GC)
};

std::string_view MemoryStateName(MemoryState s);

// The tick-driven limiter state machine (internal/memorylimiter MemoryLimiter).
class MemoryLimiter {
 public:
  // REQUIRES: limits.spike_bytes < limits.hard_bytes; check_interval > 0.
  // The first check is due at start + check_interval; until then the limiter accepts.
  MemoryLimiter(MemoryLimits limits, Duration check_interval, TimePoint start) noexcept;

  // Validates and resolves `config` (see ResolveMemoryLimits).
  static StatusOr<MemoryLimiter> Create(const MemoryLimiterConfig& config, uint64_t total_memory_bytes,
                                        TimePoint start);

  // A check_interval tick: when now >= NextDeadline(), measures `used_bytes` (the bytes held in
  // every buffer of the collector), updates the refusing state and schedules the next tick at the
  // first start + k * check_interval strictly after `now`. Returns true when a check happened.
  // Before NextDeadline() it does nothing and returns false: the state only changes at ticks.
  bool Check(TimePoint now, uint64_t used_bytes) noexcept;

  // Whether data must be refused now (MustRefuse).
  bool must_refuse() const noexcept { return state_ != MemoryState::kBelowSoftLimit; }
  MemoryState state() const noexcept { return state_; }
  TimePoint NextDeadline() const noexcept { return next_check_; }
  const MemoryLimits& limits() const noexcept { return limits_; }
  Duration check_interval() const noexcept { return check_interval_; }
  uint64_t last_used_bytes() const noexcept { return last_used_bytes_; }
  uint64_t checks() const noexcept { return checks_; }

  // Crash/restart of the process: the limiter starts again from `now` (accepting, next tick at
  // now + check_interval).
  void Restart(TimePoint now) noexcept;
  // Forgets the last measurement (accepting again) but keeps the tick schedule.
  void ResetState() noexcept;

 private:
  MemoryLimits limits_;
  Duration check_interval_;
  TimePoint start_;
  TimePoint next_check_;
  MemoryState state_ = MemoryState::kBelowSoftLimit;
  uint64_t last_used_bytes_ = 0;
  uint64_t checks_ = 0;
};

// How the processor learns the collector's memory usage at a tick: the driver returns the bytes
// held in every buffer of the collector (processors, exporter queues, receivers).
using MemoryUsageFn = std::function<uint64_t()>;

// The `memory_limiter` processor (memorylimiterprocessor): a Processor whose timer is the check
// ticker. OnTimer measures through the MemoryUsageFn; Consume refuses while must_refuse().
class MemoryLimiterProcessor final : public Processor {
 public:
  // REQUIRES: usage is callable.
  MemoryLimiterProcessor(MemoryLimiter limiter, MemoryUsageFn usage) noexcept;

  std::string_view type() const noexcept override { return "memory_limiter"; }
  // Refusing: returns Unavailable("data refused due to high memory usage"), `spans` untouched.
  // Accepting: moves `spans` into one batch appended to `out` (none when `spans` is empty).
  Status Consume(SpanBatch& spans, TimePoint now, std::vector<SpanBatch>& out) noexcept override;
  TimePoint NextDeadline() const noexcept override { return limiter_.NextDeadline(); }
  // Runs the check with usage(); emits nothing.
  void OnTimer(TimePoint now, std::vector<SpanBatch>& out) noexcept override;
  // Holds nothing. DrainAll forgets the last measurement (the restarted process accepts until its
  // next tick); the tick schedule is kept.
  SpanBatch DrainAll() override;
  // The driver restarts the process at `now`: ticks restart from there.
  void Restart(TimePoint now) noexcept { limiter_.Restart(now); }

  const MemoryLimiter& limiter() const noexcept { return limiter_; }
  uint64_t refused_spans() const noexcept { return refused_spans_; }
  uint64_t accepted_spans() const noexcept { return accepted_spans_; }

 private:
  MemoryLimiter limiter_;
  MemoryUsageFn usage_;
  uint64_t refused_spans_ = 0;
  uint64_t accepted_spans_ = 0;
};

}  // namespace tracesim::pipeline
