// The OTel Collector `batch` processor (one shard, traces), sans-I/O: the caller
// hands in spans and timer ticks with the virtual time; the processor returns the
// batches to send downstream.
//
// Ported from processor/batchprocessor/batch_processor.go (shard.startLoop,
// processItem, sendItems, resetTimer; config.go Validate):
//   - The shard has a timer iff timeout != 0 and send_batch_size != 0. It is started with the
//     shard (deadline = start + timeout).
//   - processItem (Add): append the spans; then
//       while items > 0 && (no timer || items >= send_batch_size): sendItems
//     and if anything was sent: stop and reset the timer (deadline = now + timeout).
//     Without a timer everything is sent at once (split by send_batch_max_size).
//   - timer fires (OnTimer): if items > 0: sendItems (once); resetTimer (deadline = now + timeout).
//     Because every Add leaves fewer than send_batch_size <= send_batch_max_size items pending,
//     that single send always empties the shard.
//   - sendItems: when send_batch_max_size > 0 and items > send_batch_max_size, send the oldest
//     send_batch_max_size spans (splitTraces); otherwise send everything pending.
// A failed downstream send is the driver's business (the Collector logs and drops it); the
// processor has already handed the batch over. Its buffer is in memory: DrainAll is for crashes.
//
// Thread-safety: not thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "tracesim/pipeline/span.h"
#include "tracesim/status.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

// Collector `batch` processor options; defaults are the Collector's.
struct BatchProcessorOptions {
  uint32_t send_batch_size = 8192;
  Duration timeout = std::chrono::milliseconds(200);
  uint32_t send_batch_max_size = 0;  // 0 = no maximum
};

// config.go Validate: send_batch_max_size == 0 or >= send_batch_size; timeout >= 0.
// Errors are InvalidArgument naming the key ("batch.send_batch_max_size: ...").
Status ValidateBatchProcessorOptions(const BatchProcessorOptions& o);

class BatchProcessor {
 public:
  // REQUIRES: ValidateBatchProcessorOptions(options).ok().
  BatchProcessor(BatchProcessorOptions options, TimePoint start);

  // Adds spans (in order) and returns the batches that become ready by size, oldest first, each
  // of at most send_batch_max_size spans when that is set. With a timer, a size-triggered send
  // re-arms the timer at now + timeout. Without a timer (timeout == 0 or send_batch_size == 0)
  // everything pending is returned.
  std::vector<std::vector<SpanData>> Add(std::vector<SpanData>&& spans, TimePoint now);

  // The timer fired. Before NextDeadline() (or without a timer) does nothing and returns no
  // batch. Otherwise sends what is pending (if anything; at most one batch, see above) and
  // re-arms the timer at now + timeout.
  std::vector<std::vector<SpanData>> OnTimer(TimePoint now);

  // The periodic timer's next expiry; kTimeInfinite when the shard has no timer.
  TimePoint NextDeadline() const { return deadline_; }
  bool has_timer() const { return has_timer_; }

  size_t pending_spans() const { return pending_.size() - head_; }
  size_t pending_bytes() const { return pending_bytes_; }  // sum of EstimateWireBytes
  const BatchProcessorOptions& options() const { return options_; }

  // Crash: removes and returns everything pending, oldest first. The timer keeps running.
  std::vector<SpanData> DrainAll();

 private:
  // sendItems: the next batch (oldest first, split by send_batch_max_size).
  std::vector<SpanData> TakeOne();
  // Drops the already-sent prefix [0, head_) of pending_.
  void Compact();
  void ResetTimer(TimePoint now);

  BatchProcessorOptions options_;
  bool has_timer_;
  TimePoint deadline_;
  // Pending spans are pending_[head_..]; the prefix was sent and is compacted after each call.
  std::vector<SpanData> pending_;
  size_t head_ = 0;
  size_t pending_bytes_ = 0;
};

}  // namespace tracesim::pipeline
