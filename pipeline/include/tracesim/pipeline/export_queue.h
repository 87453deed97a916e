// The OTel Collector exporterhelper `sending_queue`: the in-memory bounded queue
// (sizer "requests") between an exporter's callers and its consumers, sans-I/O.
//
// Semantics ported from exporterhelper's bounded memory queue + queue sender:
//   - capacity is queue_size *requests* (not spans); a request is whatever one Consume call
//     handed to the exporter (typically one batch from the `batch` processor);
//   - Offer on a full queue fails immediately (no blocking): the Collector returns
//     "sending queue is full" and records the request's items as `enqueue_failed`;
//   - consumers take requests oldest first (FIFO); num_consumers of them run in parallel, which
//     the driver models by running that many consumer actors (this class only stores requests);
//   - the in-memory queue does not survive a crash: DrainAll hands everything back so the driver
//     can count it as crash_lost.
// `enabled = false` means the exporter sends synchronously, with no queue; the driver then does
// not construct an ExportQueue at all.
//
// Thread-safety: not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "tracesim/pipeline/drop_observer.h"
#include "tracesim/pipeline/span.h"
#include "tracesim/status.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

// One unit of export work: the spans of one exporter call.
struct ExportRequest {
  std::vector<SpanData> spans;
  TimePoint enqueued_at{};
  uint64_t id = 0;
};

// exporterhelper `sending_queue` options; defaults are the Collector's.
struct SendingQueueOptions {
  bool enabled = true;
  int num_consumers = 10;
  int queue_size = 1000;  // in requests
};

// QueueConfig.Validate: a disabled queue is always valid; otherwise num_consumers > 0 and
// queue_size > 0. Errors are InvalidArgument naming the key ("sending_queue.queue_size: ...").
Status ValidateSendingQueueOptions(const SendingQueueOptions& o);

class ExportQueue {
 public:
  // `observer` is borrowed and may be null.
  // REQUIRES: ValidateSendingQueueOptions(options).ok() with options.queue_size > 0.
  ExportQueue(SendingQueueOptions options, DropObserver* observer);

  // Enqueues `request` (stamping enqueued_at = now). When the queue already holds queue_size
  // requests it is refused: returns ResourceExhausted and reports all its spans via
  // observer->OnDrop(Stage::kCollectorExporter, DropCause::kEnqueueFailed, spans).
  // The request is consumed either way.
  Status Offer(ExportRequest&& request, TimePoint now);

  // Oldest request first; nullopt when empty.
  std::optional<ExportRequest> Take();

  size_t size() const { return queue_.size(); }      // requests
  size_t span_count() const { return span_count_; }  // spans in queued requests
  size_t capacity() const { return capacity_; }
  bool empty() const { return queue_.empty(); }
  bool full() const { return queue_.size() >= capacity_; }
  // Requests refused since construction.
  uint64_t rejected_requests() const { return rejected_requests_; }
  const SendingQueueOptions& options() const { return options_; }

  // Crash: removes and returns every queued request, oldest first.
  std::vector<ExportRequest> DrainAll();

 private:
  SendingQueueOptions options_;
  DropObserver* observer_;
  size_t capacity_;
  std::deque<ExportRequest> queue_;
  size_t span_count_ = 0;
  uint64_t rejected_requests_ = 0;
};

}  // namespace tracesim::pipeline
