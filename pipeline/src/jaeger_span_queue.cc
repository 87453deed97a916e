#include "tracesim/pipeline/jaeger_span_queue.h"

#include <cassert>
#include <span>
#include <string>
#include <utility>

namespace tracesim::pipeline {

Status ValidateJaegerCollectorQueueOptions(const JaegerCollectorQueueOptions& o) {
  if (o.queue_size < 1) {
    return Status::InvalidArgument("jaeger.queue_size: expected >= 1, got " + std::to_string(o.queue_size));
  }
  if (o.num_workers < 1) {
    return Status::InvalidArgument("jaeger.num_workers: expected >= 1, got " + std::to_string(o.num_workers));
  }
  if (o.queue_size_memory_mib > kJaegerMaxQueueSizeMemoryMib) {
    return Status::InvalidArgument(
        "jaeger.queue_size_memory_mib: expected <= " + std::to_string(kJaegerMaxQueueSizeMemoryMib) +
        " (bytes must fit in 64 bits), got " + std::to_string(o.queue_size_memory_mib));
  }
  if (o.resize_check_interval <= Duration::zero()) {
    return Status::InvalidArgument("jaeger.resize_check_interval: expected > 0");
  }
  return Status::Ok();
}

std::string_view JaegerResizeOutcomeName(JaegerResizeOutcome outcome) noexcept {
  switch (outcome) {
    case JaegerResizeOutcome::kResized:
      return "resized";
    case JaegerResizeOutcome::kDisabled:
      return "disabled";
    case JaegerResizeOutcome::kMemoryNotSet:
      return "memory_not_set";
    case JaegerResizeOutcome::kWarmingUp:
      return "warming_up";
    case JaegerResizeOutcome::kNoSpanBytes:
      return "no_span_bytes";
    case JaegerResizeOutcome::kChangeTooSmall:
      return "change_too_small";
  }
  return "unknown";
}

JaegerResizeCheck CheckJaegerQueueResize(uint64_t memory_bytes, uint64_t bytes_processed,
                                         uint64_t spans_processed, uint64_t warmup_spans,
                                         size_t current_capacity) noexcept {
  JaegerResizeCheck check;
  if (warmup_spans == 0) {
    check.outcome = JaegerResizeOutcome::kDisabled;
    return check;
  }
  if (memory_bytes == 0) {
    check.outcome = JaegerResizeOutcome::kMemoryNotSet;
    return check;
  }
  // spans_processed >= warmup_spans >= 1 past this point: the division below is defined.
  if (spans_processed < warmup_spans) {
    check.outcome = JaegerResizeOutcome::kWarmingUp;
    return check;
  }
  check.average_span_bytes = bytes_processed / spans_processed;
  if (check.average_span_bytes == 0) {
    check.outcome = JaegerResizeOutcome::kNoSpanBytes;
    return check;
  }
  uint64_t ideal = memory_bytes / check.average_span_bytes;
  if (ideal > kJaegerMaxDynamicQueueSize) ideal = kJaegerMaxDynamicQueueSize;
  check.ideal_capacity = ideal;

  // The float64 arithmetic of updateQueueSize, IEEE semantics included (x/0 = +Inf, 0/0 = NaN).
  const double ideal_f = static_cast<double>(ideal);
  const double current_f = static_cast<double>(current_capacity);
  const double diff = ideal_f > current_f ? ideal_f / current_f : current_f / ideal_f;
  // BoundedQueue.Resize is a no-op for an unchanged capacity; diff > 1.2 excludes that anyway.
  check.outcome = diff > kJaegerMinRequiredResizeChange && ideal != current_capacity
                      ? JaegerResizeOutcome::kResized
                      : JaegerResizeOutcome::kChangeTooSmall;
  return check;
}

namespace {

TimePoint FirstCheck(const JaegerCollectorQueueOptions& o, TimePoint start) {
  return o.queue_size_memory_mib == 0 ? kTimeInfinite : start + o.resize_check_interval;
}

}  // namespace

JaegerSpanQueue::JaegerSpanQueue(JaegerCollectorQueueOptions options, DropObserver* observer, TimePoint start)
    : options_(options),
      observer_(observer),
      start_(start),
      next_check_(FirstCheck(options, start)),
      capacity_(options.queue_size > 0 ? static_cast<size_t>(options.queue_size) : 0) {
  assert(ValidateJaegerCollectorQueueOptions(options).ok());
}

bool JaegerSpanQueue::Offer(SpanData&& span, TimePoint now) {
  if (count_ >= capacity_) {
    ++dropped_spans_;
    if (observer_ != nullptr) {
      observer_->OnDrop(Stage::kCollectorProcessor, DropCause::kEnqueueFailed,
                        std::span<const SpanData>(&span, 1));
    }
    return false;
  }
  if (count_ == ring_.size()) Grow();
  const size_t bytes = EstimateWireBytes(span);
  size_t tail = head_ + count_;
  if (tail >= ring_.size()) tail -= ring_.size();
  JaegerQueuedSpan& slot = ring_[tail];
  slot.span = std::move(span);
  slot.queued_at = now;
  slot.bytes = bytes;
  ++count_;
  held_bytes_ += bytes;
  ++accepted_spans_;
  if (count_ > peak_size_) peak_size_ = count_;
  return true;
}

void JaegerSpanQueue::Grow() {
  const size_t old_size = ring_.size();
  std::vector<JaegerQueuedSpan> grown(old_size == 0 ? 64 : 2 * old_size);
  for (size_t i = 0; i < count_; ++i) {
    size_t at = head_ + i;
    if (at >= old_size) at -= old_size;
    grown[i] = std::move(ring_[at]);
  }
  ring_ = std::move(grown);
  head_ = 0;
}

void JaegerSpanQueue::PopFront() noexcept {
  const size_t bytes = ring_[head_].bytes;
  if (++head_ == ring_.size()) head_ = 0;
  --count_;
  held_bytes_ -= bytes;
  // countSpan: only in the chain when dynamic sizing is on (the counters feed nothing else).
  if (options_.queue_size_memory_mib != 0) {
    ++spans_processed_;
    bytes_processed_ += bytes;
  }
}

std::optional<JaegerQueuedSpan> JaegerSpanQueue::TakeItem() {
  if (count_ == 0) return std::nullopt;
  std::optional<JaegerQueuedSpan> item(std::move(ring_[head_]));
  PopFront();
  return item;
}

std::optional<SpanData> JaegerSpanQueue::Take() {
  if (count_ == 0) return std::nullopt;
  std::optional<SpanData> span(std::move(ring_[head_].span));
  PopFront();
  return span;
}

std::optional<JaegerResizeCheck> JaegerSpanQueue::OnTimer(TimePoint now) noexcept {
  if (now < next_check_) return std::nullopt;
  const JaegerResizeCheck check =
      CheckJaegerQueueResize(memory_bytes(), bytes_processed_, spans_processed_, warmup_spans(), capacity_);
  if (check.outcome == JaegerResizeOutcome::kResized) {
    capacity_ = static_cast<size_t>(check.ideal_capacity);
    ++resizes_;
  }
  // Next tick: the first start + k * interval strictly after `now` (a Go ticker drops missed ticks).
  const Duration interval = options_.resize_check_interval;
  const int64_t k = (now - start_) / interval + 1;
  next_check_ = start_ + k * interval;
  return check;
}

std::vector<SpanData> JaegerSpanQueue::DrainAll() {
  std::vector<SpanData> out;
  out.reserve(count_);
  for (size_t i = 0; i < count_; ++i) {
    size_t at = head_ + i;
    if (at >= ring_.size()) at -= ring_.size();
    out.push_back(std::move(ring_[at].span));
  }
  // The crashed process's memory is gone: release the buffer too.
  std::vector<JaegerQueuedSpan>().swap(ring_);
  head_ = 0;
  count_ = 0;
  held_bytes_ = 0;
  return out;
}

void JaegerSpanQueue::Restart(TimePoint now) noexcept {
  start_ = now;
  next_check_ = FirstCheck(options_, now);
  capacity_ = static_cast<size_t>(options_.queue_size);
  spans_processed_ = 0;
  bytes_processed_ = 0;
  peak_size_ = count_;
}

}  // namespace tracesim::pipeline
