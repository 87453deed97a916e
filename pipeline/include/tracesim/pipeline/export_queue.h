// The OTel Collector exporterhelper `sending_queue`: the in-memory bounded queue
// (sizer "requests") between an exporter's callers and its consumers, sans-I/O.
//
// Semantics ported from exporterhelper's bounded memory queue + queue sender (sized_queue.go):
//   - capacity is queue_size in units of the `sizer`: "requests" (the default) counts requests,
//     whatever one Consume call handed to the exporter (typically one batch from the `batch`
//     processor); "items" counts spans. A request of size 0 (an empty request with the items
//     sizer) is accepted and not stored (Offer returns OK, as sizedQueue.Offer returns nil);
//   - a request larger than the whole capacity is refused ("element size too large"), blocking or
//     not: ResourceExhausted, counted as `enqueue_failed`;
//   - Offer on a full queue (size + request size > capacity) fails immediately when
//     block_on_overflow is false (the default): the Collector returns "sending queue is full" and
//     records the request's items as `enqueue_failed`. With block_on_overflow the Collector's
//     caller waits for space instead: Offer returns Unavailable, leaves the request untouched and
//     reports nothing; the driver blocks the caller and offers again once a Take freed space;
//   - consumers take requests oldest first (FIFO); num_consumers of them run in parallel, which
//     the driver models by running that many consumer actors (this class only stores requests);
//   - the in-memory queue does not survive a crash: DrainAll hands everything back so the driver
//     can count it as crash_lost. With `storage` set (a storage extension id, e.g. "file_storage")
//     the queue is the persistent queue: it survives a crash (persistent() is true); DrainAll is
//     still available, and the driver decides whether a crash empties the queue or keeps it.
// `enabled = false` means the exporter sends synchronously, with no queue; the driver then does
// not construct an ExportQueue at all.
//
// Thread-safety: not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
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

// What queue_size counts (exporterhelper `sizer`; the Collector's "bytes" sizer is not modelled).
enum class QueueSizer : uint8_t { kRequests, kItems };

// "requests" / "items".
const char* QueueSizerName(QueueSizer sizer);
// Parses the YAML value; error InvalidArgument "sending_queue.sizer: unknown sizer \"x\" (expected
// requests or items)".
StatusOr<QueueSizer> ParseQueueSizer(std::string_view name);

// exporterhelper `sending_queue` options; defaults are the Collector's.
struct SendingQueueOptions {
  bool enabled = true;
  int num_consumers = 10;
  int queue_size = 1000;  // in units of `sizer`
  QueueSizer sizer = QueueSizer::kRequests;
  bool block_on_overflow = false;
  std::string storage{};  // storage extension id, e.g. "file_storage"; non-empty = persistent queue
};

// QueueConfig.Validate: a disabled queue is always valid; otherwise num_consumers > 0 and
// queue_size > 0. Errors are InvalidArgument naming the key ("sending_queue.queue_size: ...").
Status ValidateSendingQueueOptions(const SendingQueueOptions& o);

class ExportQueue {
 public:
  // `observer` is borrowed and may be null.
  // REQUIRES: ValidateSendingQueueOptions(options).ok() with options.queue_size > 0.
  ExportQueue(SendingQueueOptions options, DropObserver* observer);

  // Enqueues `request` (stamping enqueued_at = now). When it does not fit (see the header
  // comment; with the default requests sizer: the queue already holds queue_size requests) and
  // block_on_overflow is false, or when it is larger than the whole capacity, it is refused:
  // returns ResourceExhausted and reports all its spans via
  // observer->OnDrop(Stage::kCollectorExporter, DropCause::kEnqueueFailed, spans); the request is
  // consumed. When it does not fit and block_on_overflow is true: returns Unavailable
  // ("sending queue is full, blocking") and leaves `request` untouched (still the caller's);
  // nothing is reported. Otherwise it is stored and consumed.
  Status Offer(ExportRequest&& request, TimePoint now);

  // Oldest request first; nullopt when empty.
  std::optional<ExportRequest> Take();

  // Puts back a request a consumer had taken but not delivered, at the head
  // of the queue, whatever the capacity: the persistent queue keeps what it
  // dispatched until the export succeeds, and a restarted collector exports
  // those requests again first. An empty request is ignored.
  void Requeue(ExportRequest&& request);

  size_t size() const { return queue_.size(); }      // requests
  size_t span_count() const { return span_count_; }  // spans in queued requests
  size_t capacity() const { return capacity_; }      // in sizer units
  // Occupancy in sizer units (requests, or spans with the items sizer).
  size_t used() const { return options_.sizer == QueueSizer::kItems ? span_count_ : queue_.size(); }
  bool empty() const { return queue_.empty(); }
  // No room left for even one more unit.
  bool full() const { return used() >= capacity_; }
  // Whether a request of `spans` spans would be stored now.
  bool Fits(size_t spans) const;
  // `storage` is set: the queue survives a crash (the driver decides what DrainAll means then).
  bool persistent() const { return !options_.storage.empty(); }
  // Offers that returned Unavailable because of block_on_overflow.
  uint64_t blocked_offers() const { return blocked_offers_; }
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
  uint64_t blocked_offers_ = 0;
};

}  // namespace tracesim::pipeline
