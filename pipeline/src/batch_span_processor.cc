#include "tracesim/pipeline/batch_span_processor.h"

#include <algorithm>
#include <cassert>
#include <span>
#include <utility>

namespace tracesim::pipeline {
namespace {

// t + d, saturating at kTimeInfinite. REQUIRES: d >= 0.
TimePoint AddSaturating(TimePoint t, Duration d) { return t >= kTimeInfinite - d ? kTimeInfinite : t + d; }

}  // namespace

Status ValidateBatchSpanProcessorOptions(const BatchSpanProcessorOptions& o) {
  if (o.max_queue_size == 0) {
    return Status::InvalidArgument("batch_span_processor.max_queue_size: must be positive");
  }
  if (o.max_export_batch_size == 0) {
    return Status::InvalidArgument("batch_span_processor.max_export_batch_size: must be positive");
  }
  if (o.max_export_batch_size > o.max_queue_size) {
    return Status::InvalidArgument(
        "batch_span_processor.max_export_batch_size: must be less than or equal to max_queue_size");
  }
  if (o.schedule_delay <= Duration::zero()) {
    return Status::InvalidArgument("batch_span_processor.schedule_delay: must be positive");
  }
  if (o.export_timeout < Duration::zero()) {
    return Status::InvalidArgument("batch_span_processor.export_timeout: must be non-negative");
  }
  return Status::Ok();
}

BatchSpanProcessor::BatchSpanProcessor(BatchSpanProcessorOptions options, DropObserver* observer,
                                       TimePoint start)
    : options_(options), observer_(observer), deadline_(AddSaturating(start, options.schedule_delay)) {
  assert(ValidateBatchSpanProcessorOptions(options).ok());
}

void BatchSpanProcessor::AdvanceIdleTimer(TimePoint now, bool strict) const {
  if (export_in_progress_ || !queue_.empty() || now < deadline_ || deadline_ == kTimeInfinite) return;
  const Duration delay = options_.schedule_delay;
  const Duration behind = now - deadline_;  // >= 0
  // Ticks at deadline_ + k*delay; the first one >= now (or > now when strict).
  int64_t k = behind / delay;
  if (strict || behind % delay != Duration::zero()) ++k;
  const Duration step = delay * k;  // k <= behind/delay + 1, cannot overflow past `now + delay`
  deadline_ = AddSaturating(deadline_, step);
}

bool BatchSpanProcessor::DueInternal(TimePoint now) const {
  if (export_in_progress_ || queue_.empty()) return false;
  return queue_.size() >= options_.max_export_batch_size || now >= deadline_;
}

void BatchSpanProcessor::OnEnd(SpanData&& span, TimePoint now) noexcept {
  if ((span.trace_flags & kTraceFlagSampled) == 0) return;
  if (queue_.size() - staged_ >= options_.max_queue_size) {
    ++dropped_spans_;
    if (observer_ != nullptr) {
      observer_->OnDrop(Stage::kSdkProcessor, DropCause::kSdkQueueFull, std::span<const SpanData>(&span, 1));
    }
    return;
  }
  // An idle worker's timer kept ticking while nothing was queued; a span that ends exactly on a
  // tick is exported by that tick.
  AdvanceIdleTimer(now, /*strict=*/false);
  queue_.push_back(std::move(span));
  if (!export_requested_ && DueInternal(now)) export_requested_ = true;
}

bool BatchSpanProcessor::ExportDue(TimePoint now) const {
  AdvanceIdleTimer(now, /*strict=*/true);
  return DueInternal(now);
}

std::vector<SpanData> BatchSpanProcessor::TakeBatch(TimePoint now) {
  assert(!export_in_progress_);
  (void)now;
  std::vector<SpanData> batch;
  if (queue_.empty()) return batch;
  const size_t n = std::min(queue_.size(), options_.max_export_batch_size);
  batch.reserve(n);
  auto end = queue_.begin() + static_cast<std::ptrdiff_t>(n);
  std::move(queue_.begin(), end, std::back_inserter(batch));
  queue_.erase(queue_.begin(), end);
  staged_ = 0;  // n >= staged_: the staged spans are the oldest and at most a batch
  export_in_progress_ = true;
  export_requested_ = false;
  return batch;
}

void BatchSpanProcessor::OnExportDone(TimePoint now) {
  export_in_progress_ = false;
  deadline_ = AddSaturating(now, options_.schedule_delay);
  // The Java worker now moves up to a batch worth of queued spans into its pending batch.
  staged_ = std::min(queue_.size(), options_.max_export_batch_size);
}

std::vector<SpanData> BatchSpanProcessor::DrainAll() {
  std::vector<SpanData> out;
  out.reserve(queue_.size());
  std::move(queue_.begin(), queue_.end(), std::back_inserter(out));
  queue_.clear();
  staged_ = 0;
  export_requested_ = false;
  return out;
}

}  // namespace tracesim::pipeline
