// The OpenTelemetry SDK BatchSpanProcessor, sans-I/O: no worker thread. A driver
// (a SimGrid actor in sim/, a test with a manual clock) plays the worker: it polls
// ExportDue(), takes a batch, exports it however long that takes, reports
// OnExportDone(), and otherwise sleeps until NextDeadline() or until OnEnd() sets
// export_requested(). Defaults are the OTel spec's (OTEL_BSP_*).
//
// Ported from the Java SDK worker loop (io.opentelemetry.sdk.trace.export.BatchSpanProcessor
// .Worker.run), which the Go SDK (sdk/trace/batch_span_processor.go processQueue) matches except
// where noted:
//   - onEnd: only sampled spans are queued; a span that does not fit in the bounded queue
//     (maxQueueSize) is dropped and counted (never blocks).
//   - One export at a time: the worker blocks on each export (join with exportTimeout), so
//     nothing else is exported until it finishes, succeeds, fails or times out.
//   - Export early when the queue reaches the batch size: a waiting worker is signalled as soon
//     as the spans it holds reach maxExportBatchSize, and exports right away; after an export it
//     keeps exporting while full batches are available.
//   - Timer re-armed after each export: nextExportTime = (end of the export) + scheduleDelay.
//     When nextExportTime passes, the worker exports whatever it holds (up to maxExportBatchSize)
//     — or, holding nothing, exports nothing — and re-arms the timer. An idle processor therefore
//     ticks every scheduleDelay on the grid last_export_end + k*scheduleDelay, and a span that
//     arrives while idle waits for the next tick of that grid, not for a fresh full delay.
//     (Go re-arms its timer when an export *starts* instead; the two differ by the export's
//     duration.)
//   - Queue capacity: spans the Java worker has already moved from its queue into its pending
//     batch (it does so after every export, at most maxExportBatchSize - 1 of them) no longer
//     occupy the queue. This port keeps them in one buffer but does not count them against
//     max_queue_size, so drops happen exactly when the Java SDK's would. The capacity is exactly
//     max_queue_size (Go's channel; Java's JCTools queue may round it up to a power of two).
//   - Failed exports are not retried by the SDK; the exporter (driver) reports them.
//
// Driver contract:
//   loop:
//     if ExportDue(now): batch = TakeBatch(now); export it; OnExportDone(end_time)
//     else: sleep until NextDeadline() or until woken because export_requested() became true
//   After ExportDue(now) returned false with no export in progress, NextDeadline() > now.
//
// Thread-safety: not thread-safe (the driver serializes calls).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "tracesim/pipeline/drop_observer.h"
#include "tracesim/pipeline/span.h"
#include "tracesim/pipeline/span_processor.h"
#include "tracesim/status.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

// OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BSP_SCHEDULE_DELAY, OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
// OTEL_BSP_EXPORT_TIMEOUT, with the spec's defaults.
struct BatchSpanProcessorOptions {
  size_t max_queue_size = 2048;
  Duration schedule_delay = std::chrono::milliseconds(5000);
  size_t max_export_batch_size = 512;
  Duration export_timeout = std::chrono::milliseconds(30000);  // enforced by the driver; 0 = none
};

// max_queue_size > 0, 0 < max_export_batch_size <= max_queue_size, schedule_delay > 0 (a zero
// delay would make an idle processor tick without time advancing), export_timeout >= 0.
// Errors are InvalidArgument naming the key ("batch_span_processor.max_export_batch_size: ...").
// (The Java/Go SDKs clamp max_export_batch_size to max_queue_size silently; tracesim rejects it.)
Status ValidateBatchSpanProcessorOptions(const BatchSpanProcessorOptions& o);

class BatchSpanProcessor : public SpanProcessor {
 public:
  // `observer` is borrowed and may be null. The timer starts at `start` (first deadline
  // start + schedule_delay). REQUIRES: ValidateBatchSpanProcessorOptions(options).ok() (in
  // particular max_export_batch_size <= max_queue_size, both > 0).
  BatchSpanProcessor(BatchSpanProcessorOptions options, DropObserver* observer, TimePoint start);

  // Sampled spans are queued; non-sampled (record-only) spans are ignored (not exported, OTel
  // semantics). A full queue drops the span:
  // observer->OnDrop(Stage::kSdkProcessor, DropCause::kSdkQueueFull, {span}).
  void OnEnd(SpanData&& span, TimePoint now) noexcept override;

  // True when the driver should start an export now: no export in progress and the queue is
  // non-empty and (queue >= max_export_batch_size or now >= NextDeadline()).
  // With nothing queued and the deadline passed, this applies the idle timer tick(s) the worker
  // would have taken (NextDeadline() moves past `now`): hence the `now` argument.
  bool ExportDue(TimePoint now) const;

  // When the schedule delay next elapses: end of the previous export (or start) + k *
  // schedule_delay, see above.
  TimePoint NextDeadline() const { return deadline_; }

  // Takes up to max_export_batch_size spans (oldest first) and marks an export in progress.
  // Clears export_requested(). With nothing queued returns an empty batch and changes nothing.
  // REQUIRES: !export_in_progress().
  std::vector<SpanData> TakeBatch(TimePoint now);

  // The driver finished exporting (success or failure/timeout). Failed spans are not retried by
  // the SDK: the driver reports them itself. Re-arms the deadline at now + schedule_delay.
  void OnExportDone(TimePoint now);

  // True while OnEnd() has made an export due since the driver last looked (lets the driver wake
  // its exporter only when needed). Never set while an export is in progress (the worker is not
  // waiting then; it re-checks ExportDue after OnExportDone). Cleared by TakeBatch.
  bool export_requested() const { return export_requested_; }

  // Spans held (queued, not yet taken for export).
  size_t queue_size() const { return queue_.size(); }
  bool export_in_progress() const { return export_in_progress_; }
  // Sampled spans dropped because the queue was full, since construction.
  uint64_t dropped_spans() const { return dropped_spans_; }

  // Crash: removes and returns everything queued, oldest first (the driver reports them as
  // crash_lost). Does not change the export-in-progress state or the deadline.
  std::vector<SpanData> DrainAll();

  const BatchSpanProcessorOptions& options() const { return options_; }

 private:
  // The idle worker's timer ticks: with nothing held and no export in progress, moves deadline_
  // to the first tick of its grid that is >= now (strict = false) or > now (strict = true).
  void AdvanceIdleTimer(TimePoint now, bool strict) const;
  bool DueInternal(TimePoint now) const;

  BatchSpanProcessorOptions options_;
  DropObserver* observer_;
  std::deque<SpanData> queue_;
  // The oldest `staged_` spans of queue_ are those the Java worker holds in its batch; they do
  // not count against max_queue_size.
  size_t staged_ = 0;
  // Mutable: idle ticks are applied lazily, also from the const ExportDue().
  mutable TimePoint deadline_;
  bool export_in_progress_ = false;
  bool export_requested_ = false;
  uint64_t dropped_spans_ = 0;
};

}  // namespace tracesim::pipeline
