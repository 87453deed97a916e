// The Jaeger v1 collector's span queue (the bounded queue inside its span processor), sans-I/O:
// an alternative collector profile to the OTel Collector chain (collector_pipeline.h).
//
// Facts ported from jaegertracing/jaeger (Go), with their sources:
//   cmd/collector/app/flags/flags.go
//     - --collector.queue-size, DefaultQueueSize = 2000 ("The queue size of the collector"); the
//       queue holds one item per span.
//     - --collector.num-workers, DefaultNumWorkers = 50 ("The number of workers pulling items from
//       the queue").
//     - --collector.queue-size-memory, default 0, "(experimental) The max memory size in MiB to use
//       for the dynamic queue"; InitFromViper stores it in bytes: value * 1024 * 1024.
//   cmd/collector/app/span_handler_builder.go (BuildSpanProcessor)
//     - Options.DynQueueSizeWarmup(QueueSize) "same as queue size for now": the warm-up (minimum
//       number of processed spans before any resize) is the configured queue size.
//   cmd/collector/app/span_processor.go
//     - enqueueSpan wraps each span in a queueItem{queuedTime: now, span} and calls
//       queue.Produce(item); ProcessSpans enqueues the spans of a request one at a time and
//       returns one ok flag per span (reportBusy, tchannel only, is not modelled).
//     - the queue's onDroppedItem handler increments SpansDropped (metric
//       jaeger_collector_spans_dropped_total).
//     - workers: queue.StartConsumers(numWorkers, processItemFromQueue); each call handles one
//       item: sanitizer, then the processSpan chain [preSave, saveSpan, countSpan], then
//       InQueueLatency = now - queuedTime.
//     - countSpan (in the chain only when dynQueueSizeMemory > 0; dynQueueSizeWarmup > 0 in older
//       releases): bytesProcessed += span.Size() (the span's protobuf-encoded size,
//       model.Span.Size()); spansProcessed += 1. It runs after saveSpan, whether the write
//       succeeded or not.
//     - NewSpanProcessor starts background(1*time.Minute, updateQueueSize) when
//       dynQueueSizeMemory > 0 (older releases: when dynQueueSizeWarmup > 0, the check then
//       skipping every minute while the memory is 0): a time.Ticker, ticks at start + k minutes.
//     - updateQueueSize: skip when dynQueueSizeWarmup == 0; skip when dynQueueSizeMemory == 0;
//       skip when spansProcessed < dynQueueSizeWarmup; else
//         average        = bytesProcessed / spansProcessed            (integer division)
//         idealQueueSize = float64(dynQueueSizeMemory / average)      (integer division)
//         idealQueueSize = min(idealQueueSize, maxQueueSize = 1_000_000)
//         diff = ideal > current ? ideal / current : current / ideal  (float64)
//         if diff > minRequiredChange (1.2): queue.Resize(int(idealQueueSize))
//       so the queue both grows and shrinks, and only moves when more than 20 % apart.
//     - test vectors (span_processor_test.go TestUpdateDynQueueSize): 1 GiB, 10 KiB/span, cap 100
//       -> 104857; 1 MiB, 10 KiB/span, cap 1000 -> 102; 1 MiB, cap 100 -> unchanged (2 %);
//       999 of 1000 warm-up spans -> unchanged; 10 GiB -> 1_000_000.
//   pkg/queue/bounded_queue.go
//     - Produce: if Size() >= Capacity() the item is handed to onDroppedItem and Produce returns
//       false ("all items will be dropped if the capacity is 0"); otherwise it is sent on the
//       channel and size += 1. Workers receive one item at a time (size -= 1) in channel (FIFO)
//       order.
//     - Resize(capacity): no-op when equal; otherwise a new channel of the new capacity replaces
//       the old one, new consumers start on it and the old channel is closed and drained by the
//       old consumers: nothing queued is lost, and the size counter (old + new items) is compared
//       with the new capacity, so after a shrink nothing is accepted until the backlog falls
//       below the new capacity.
//
// Modelling choices:
//   - One deque holds every item; a resize changes only the capacity (same accept/drop decisions
//     as Jaeger's combined size counter). Jaeger's old and new channels drain concurrently after
//     a resize, so its order is FIFO only per channel; here it stays strictly FIFO.
//   - span.Size() is approximated by EstimateWireBytes(span) (an OTLP-protobuf-like size
//     estimate): both are the encoded size of the span, which is what Jaeger averages. The
//     format tag and collector tags Jaeger appends before enqueueing are not added.
//   - countSpan is accounted when a worker takes the span (Take/TakeItem), not after the write
//     completes: the difference is at most num_workers spans in flight.
//   - With queue_size_memory_mib == 0 there is no ticker: NextDeadline() is kTimeInfinite (the
//     current release; older ones ticked and skipped, which behaves the same).
//   - average == 0 would be a division by zero (a Go panic) in Jaeger; it cannot happen with
//     EstimateWireBytes (> 0 for every span) and is reported as a skipped check.
//   - num_workers is not used by the queue itself: the driver runs that many worker actors, each
//     taking one span at a time with Take().
//
// Thread-safety: not thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "tracesim/pipeline/drop_observer.h"
#include "tracesim/pipeline/span.h"
#include "tracesim/status.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

// span_processor.go maxQueueSize: the cap on a dynamically computed queue size.
inline constexpr uint64_t kJaegerMaxDynamicQueueSize = 1'000'000;
// span_processor.go minRequiredChange: resize only when ideal and current differ by more than 20 %.
inline constexpr double kJaegerMinRequiredResizeChange = 1.2;
// The largest queue_size_memory_mib whose byte count (MiB * 2^20) fits in 64 bits.
inline constexpr uint64_t kJaegerMaxQueueSizeMemoryMib = (uint64_t{1} << 44) - 1;

// Jaeger collector span-queue options; defaults are Jaeger's.
struct JaegerCollectorQueueOptions {
  int queue_size = 2000;               // --collector.queue-size, in spans
  int num_workers = 50;                // --collector.num-workers
  uint64_t queue_size_memory_mib = 0;  // --collector.queue-size-memory, MiB; 0 = no dynamic resize
  // Period of the background resize check. Hard-coded to 1 minute in Jaeger (not a flag); kept as
  // an option so experiments can change it.
  Duration resize_check_interval = std::chrono::minutes(1);
};

// Errors are InvalidArgument naming the key:
//   "jaeger.queue_size: expected >= 1, got 0"
//   "jaeger.num_workers: expected >= 1, got 0"
//   "jaeger.queue_size_memory_mib: expected <= 17592186044415 (bytes must fit in 64 bits), got ..."
//   "jaeger.resize_check_interval: expected > 0"
// (Jaeger itself accepts queue_size 0, which drops every span; the simulator rejects it.)
Status ValidateJaegerCollectorQueueOptions(const JaegerCollectorQueueOptions& o);

// What one updateQueueSize check decided.
enum class JaegerResizeOutcome : uint8_t {
  kResized,         // capacity changed to ideal_capacity
  kDisabled,        // warm-up is 0: dynamic sizing off (Jaeger starts no ticker)
  kMemoryNotSet,    // queue_size_memory is 0
  kWarmingUp,       // fewer spans processed than the warm-up
  kNoSpanBytes,     // average span size is 0 (a division by zero in Jaeger)
  kChangeTooSmall,  // ideal within a factor 1.2 of the current capacity
};

std::string_view JaegerResizeOutcomeName(JaegerResizeOutcome outcome) noexcept;

struct JaegerResizeCheck {
  JaegerResizeOutcome outcome = JaegerResizeOutcome::kDisabled;
  uint64_t average_span_bytes = 0;  // bytes_processed / spans_processed; 0 when not computed
  uint64_t ideal_capacity = 0;      // min(memory / average, 1'000'000); 0 when not computed
};

// updateQueueSize's decision, as a pure function (span_processor.go). `memory_bytes` is
// queue_size_memory in bytes, `warmup_spans` dynQueueSizeWarmup, `current_capacity` the queue's
// capacity now. The float64 comparisons are reproduced with doubles (current 0 -> +Inf ratio ->
// resize; ideal 0 and current 0 -> NaN -> no resize).
JaegerResizeCheck CheckJaegerQueueResize(uint64_t memory_bytes, uint64_t bytes_processed,
                                         uint64_t spans_processed, uint64_t warmup_spans,
                                         size_t current_capacity) noexcept;

// One queue item: the span and when it was enqueued (Jaeger's queueItem).
struct JaegerQueuedSpan {
  SpanData span;
  TimePoint queued_at{};
  size_t bytes = 0;  // EstimateWireBytes(span), computed once at Offer
};

class JaegerSpanQueue {
 public:
  // `observer` is borrowed and may be null. The resize ticker starts at `start` (first check at
  // start + resize_check_interval) when queue_size_memory_mib > 0.
  // REQUIRES: ValidateJaegerCollectorQueueOptions(options).ok().
  JaegerSpanQueue(JaegerCollectorQueueOptions options, DropObserver* observer, TimePoint start);

  // BoundedQueue.Produce for one span. When size() >= capacity() the span is dropped: reported
  // via observer->OnDrop(Stage::kCollectorProcessor, DropCause::kEnqueueFailed, {span}), counted
  // in dropped_spans(), `span` is left unmodified (not moved from), and false is returned.
  // Otherwise the span is moved in (stamped queued_at = now) and true is returned.
  bool Offer(SpanData&& span, TimePoint now);

  // A worker takes the oldest span (one at a time); nullopt when empty. With
  // queue_size_memory_mib > 0, accounts the span for the dynamic resize as countSpan does
  // (spans_processed += 1, bytes_processed += its bytes); otherwise those counters stay 0.
  std::optional<SpanData> Take();
  // Same as Take(), with the enqueue time (for in-queue latency) and the span's byte estimate.
  std::optional<JaegerQueuedSpan> TakeItem();

  // The next resize check; kTimeInfinite when queue_size_memory_mib == 0.
  TimePoint NextDeadline() const noexcept { return next_check_; }
  // When now >= NextDeadline(): runs one updateQueueSize check (resizing the capacity when it
  // decides so), schedules the next tick at the first start + k * interval strictly after `now`
  // (missed ticks are not replayed, as with a Go ticker) and returns the check. Before the
  // deadline it does nothing and returns nullopt.
  std::optional<JaegerResizeCheck> OnTimer(TimePoint now) noexcept;

  size_t size() const noexcept { return count_; }         // spans queued
  size_t capacity() const noexcept { return capacity_; }  // spans; may change at OnTimer
  bool empty() const noexcept { return count_ == 0; }
  bool full() const noexcept { return count_ >= capacity_; }
  // Largest size() seen since construction (or the last Restart).
  size_t peak_size() const noexcept { return peak_size_; }
  // Sum of EstimateWireBytes over the queued spans (memory accounting for the driver).
  size_t held_bytes() const noexcept { return held_bytes_; }

  uint64_t accepted_spans() const noexcept { return accepted_spans_; }
  uint64_t dropped_spans() const noexcept { return dropped_spans_; }
  uint64_t spans_processed() const noexcept { return spans_processed_; }  // Jaeger spansProcessed
  uint64_t bytes_processed() const noexcept { return bytes_processed_; }  // Jaeger bytesProcessed
  uint64_t resizes() const noexcept { return resizes_; }
  // queue_size_memory_mib in bytes (Jaeger dynQueueSizeMemory).
  uint64_t memory_bytes() const noexcept { return options_.queue_size_memory_mib * 1024 * 1024; }
  // The warm-up: the configured queue_size (span_handler_builder.go).
  uint64_t warmup_spans() const noexcept { return static_cast<uint64_t>(options_.queue_size); }
  const JaegerCollectorQueueOptions& options() const noexcept { return options_; }

  // Crash: removes and returns every queued span, oldest first (the driver reports them as
  // crash_lost). Counters, capacity and the ticker are untouched; see Restart.
  std::vector<SpanData> DrainAll();
  // The collector process restarts at `now`: a fresh span processor, i.e. capacity back to
  // queue_size, processed/peak counters cleared, ticker restarted from `now`. Queued spans are
  // kept (call DrainAll first for a crash); accepted/dropped/resize totals are kept.
  void Restart(TimePoint now) noexcept;

 private:
  void Grow();
  // Removes the oldest item (REQUIRES: count_ > 0) after the caller moved what it needs out of it,
  // and accounts it for the dynamic resize.
  void PopFront() noexcept;
  JaegerCollectorQueueOptions options_;
  DropObserver* observer_;
  TimePoint start_;
  TimePoint next_check_;
  size_t capacity_;
  // FIFO ring buffer: items are ring_[(head_ + i) % ring_.size()] for i < count_. It grows by
  // doubling when count_ reaches ring_.size() (never beyond what was held at once), so a large
  // dynamic capacity costs nothing until it is used.
  std::vector<JaegerQueuedSpan> ring_;
  size_t head_ = 0;
  size_t count_ = 0;
  size_t peak_size_ = 0;
  size_t held_bytes_ = 0;
  uint64_t accepted_spans_ = 0;
  uint64_t dropped_spans_ = 0;
  uint64_t spans_processed_ = 0;
  uint64_t bytes_processed_ = 0;
  uint64_t resizes_ = 0;
};

}  // namespace tracesim::pipeline
