#include "tracesim/pipeline/memory_limiter.h"

#include <cassert>
#include <limits>
#include <string>
#include <utility>

namespace tracesim::pipeline {

Status ValidateMemoryLimiterConfig(const MemoryLimiterConfig& c) {
  if (c.check_interval <= Duration::zero()) {
    return Status::InvalidArgument("memory_limiter.check_interval: must be greater than zero");
  }
  if (c.limit_mib == 0 && c.limit_percentage == 0) {
    return Status::InvalidArgument(
        "memory_limiter.limit_mib: limit_mib or limit_percentage must be greater than zero");
  }
  if (c.limit_percentage > 100) {
    return Status::InvalidArgument("memory_limiter.limit_percentage: must be at most 100");
  }
  if (c.spike_limit_percentage > 100) {
    return Status::InvalidArgument("memory_limiter.spike_limit_percentage: must be at most 100");
  }
  // limit_mib * kMiB must fit in 64 bits.
  if (c.limit_mib > std::numeric_limits<uint64_t>::max() / kMiB) {
    return Status::InvalidArgument("memory_limiter.limit_mib: too large");
  }
  if (c.limit_mib > 0) {
    if (c.spike_limit_mib >= c.limit_mib) {
      return Status::InvalidArgument("memory_limiter.spike_limit_mib: must be less than limit_mib");
    }
  } else if (c.spike_limit_percentage >= c.limit_percentage) {
    return Status::InvalidArgument(
        "memory_limiter.spike_limit_percentage: must be less than limit_percentage");
  }
  return Status::Ok();
}

StatusOr<MemoryLimits> ResolveMemoryLimits(const MemoryLimiterConfig& c, uint64_t total_memory_bytes) {
  if (Status s = ValidateMemoryLimiterConfig(c); !s.ok()) return s;
  MemoryLimits limits;
  if (c.limit_mib != 0) {
    limits.hard_bytes = c.limit_mib * kMiB;
    limits.spike_bytes = c.spike_limit_mib * kMiB;
  } else {
    if (total_memory_bytes == 0) {
      return Status::InvalidArgument(
          "memory_limiter.limit_percentage: needs the host's total memory (none was given)");
    }
    if (total_memory_bytes > std::numeric_limits<uint64_t>::max() / 100) {
      return Status::InvalidArgument("memory_limiter.limit_percentage: total memory too large");
    }
    limits.hard_bytes = c.limit_percentage * total_memory_bytes / 100;
    limits.spike_bytes = c.spike_limit_percentage * total_memory_bytes / 100;
  }
  // newFixedMemUsageChecker: an unspecified spike limit is 20 % of the limit.
  if (limits.spike_bytes == 0) limits.spike_bytes = limits.hard_bytes / 5;
  if (limits.hard_bytes == 0 || limits.spike_bytes >= limits.hard_bytes) {
    return Status::InvalidArgument("memory_limiter.limit_percentage: resolves to an unusable limit (hard " +
                                   std::to_string(limits.hard_bytes) + " bytes, spike " +
                                   std::to_string(limits.spike_bytes) + " bytes) for a total memory of " +
                                   std::to_string(total_memory_bytes) + " bytes");
  }
  return limits;
}

std::string_view MemoryStateName(MemoryState s) {
  switch (s) {
    case MemoryState::kBelowSoftLimit:
      return "below_soft_limit";
    case MemoryState::kAboveSoftLimit:
      return "above_soft_limit";
    case MemoryState::kAboveHardLimit:
      return "above_hard_limit";
  }
  return "unknown";
}

MemoryLimiter::MemoryLimiter(MemoryLimits limits, Duration check_interval, TimePoint start) noexcept
    : limits_(limits), check_interval_(check_interval), start_(start), next_check_(start) {
  assert(limits.spike_bytes < limits.hard_bytes);
  assert(check_interval > Duration::zero());
  next_check_ = start >= kTimeInfinite - check_interval ? kTimeInfinite : start + check_interval;
}

StatusOr<MemoryLimiter> MemoryLimiter::Create(const MemoryLimiterConfig& config, uint64_t total_memory_bytes,
                                              TimePoint start) {
  StatusOr<MemoryLimits> limits = ResolveMemoryLimits(config, total_memory_bytes);
  if (!limits.ok()) return limits.status();
  return MemoryLimiter(*limits, config.check_interval, start);
}

bool MemoryLimiter::Check(TimePoint now, uint64_t used_bytes) noexcept {
  if (now < next_check_) return false;
  ++checks_;
  last_used_bytes_ = used_bytes;
  // aboveHardLimit -> forced GC and re-read: the held data cannot be collected, so the usage is
  // unchanged and the refusal decision is aboveSoftLimit either way.
  if (used_bytes >= limits_.hard_bytes) {
    state_ = MemoryState::kAboveHardLimit;
  } else if (used_bytes >= limits_.soft_bytes()) {
    state_ = MemoryState::kAboveSoftLimit;
  } else {
    state_ = MemoryState::kBelowSoftLimit;
  }
  // time.Ticker: ticks at start + k * interval; ticks missed while late are not replayed.
  const int64_t k = (now - start_) / check_interval_ + 1;
  const Duration offset = check_interval_ * k;
  next_check_ = start_ >= kTimeInfinite - offset ? kTimeInfinite : start_ + offset;
  return true;
}

void MemoryLimiter::Restart(TimePoint now) noexcept {
  start_ = now;
  state_ = MemoryState::kBelowSoftLimit;
  last_used_bytes_ = 0;
  next_check_ = now >= kTimeInfinite - check_interval_ ? kTimeInfinite : now + check_interval_;
}

void MemoryLimiter::ResetState() noexcept {
  state_ = MemoryState::kBelowSoftLimit;
  last_used_bytes_ = 0;
}

MemoryLimiterProcessor::MemoryLimiterProcessor(MemoryLimiter limiter, MemoryUsageFn usage) noexcept
    : limiter_(std::move(limiter)), usage_(std::move(usage)) {
  assert(usage_);
}

Status MemoryLimiterProcessor::Consume(SpanBatch& spans, TimePoint now,
                                       std::vector<SpanBatch>& out) noexcept {
  if (limiter_.must_refuse()) {
    refused_spans_ += spans.size();
    return Status::Unavailable("data refused due to high memory usage");
  }
  accepted_spans_ += spans.size();
  if (!spans.empty()) out.push_back(std::move(spans));
  spans.clear();
  return Status::Ok();
}

void MemoryLimiterProcessor::OnTimer(TimePoint now, std::vector<SpanBatch>& out) noexcept {
  if (now < limiter_.NextDeadline()) return;
  limiter_.Check(now, usage_());
}

SpanBatch MemoryLimiterProcessor::DrainAll() {
  limiter_.ResetState();
  return {};
}

}  // namespace tracesim::pipeline
