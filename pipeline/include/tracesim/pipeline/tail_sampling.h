// The OTel Collector `tail_sampling` processor, sans-I/O.
//
// Ported from processor/tailsamplingprocessor/processor.go (processTraces, samplingPolicyOnTick,
// makeDecision, dropTrace, releaseSampledTrace/releaseNotSampledTrace), internal/idbatcher and
// internal/cache (LRU decision caches):
//   - Consume: the spans are grouped per trace id (first-appearance order). Per trace:
//       1. trace id in the sampled decision cache: the spans go downstream at once (one batch);
//       2. in the non-sampled decision cache: dropped (kTailSampledOut);
//       3. unknown: a new trace (arrival = now) is stored in the id -> trace map, its id is added
//          to the decision batcher's current batch and pushed on the num_traces circular buffer;
//          when the buffer is full the oldest id is popped first and that trace is removed from
//          the map (dropTrace): if it was undecided its spans are lost (kDroppedTooEarly);
//       4. span_count += number of spans; undecided: spans are held; decided (still in the map):
//          sampled -> emitted at once (one batch), not sampled -> dropped (kTailSampledOut).
//   - Decision ticker (policyTicker, 1 s): ticks at start + k s. The batcher is a pipe of
//     N = max(1, trunc(decision_wait in s)) batches, initially empty, plus the current batch;
//     each tick takes the front batch and moves the current one to the back. So a trace first
//     seen during tick interval (t_{k-1}, t_k] is decided at tick t_{k+N}: the first tick at or
//     after first arrival + decision_wait, except for arrivals exactly on a tick (after it fired),
//     decided one tick later. For every id of the front batch: not in the map -> counted
//     dropped_too_early (the Collector's metric); otherwise makeDecision over all policies in
//     order (stop at the first kDropped). Final decision: any kDropped -> not sampled; else any
//     kInvertNotSampled -> not sampled; else any kSampled -> sampled; else any kInvertSampled
//     with no kNotSampled -> sampled; else not sampled. Sampled: the held spans go downstream as
//     one batch per trace; not sampled: they are dropped (kTailSampledOut). The decision is put
//     in the matching decision cache; when that cache is enabled, the trace leaves the map
//     immediately, otherwise it stays (as a decided, empty trace) until the circular buffer
//     evicts it.
// Determinism: traces are grouped and decided in first-appearance / batch order (the Collector
// iterates Go maps, whose order is random).
//
// Thread-safety: not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tracesim/pipeline/drop_observer.h"
#include "tracesim/pipeline/ids.h"
#include "tracesim/pipeline/interner.h"
#include "tracesim/pipeline/processor.h"
#include "tracesim/pipeline/span.h"
#include "tracesim/pipeline/tail_sampling_config.h"
#include "tracesim/pipeline/tail_sampling_policy.h"
#include "tracesim/status.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

// cache.NewLRUDecisionCache: an LRU set keyed by the trace id's right half (bytes 8..15, so two
// ids sharing them collide, as in the Collector). Capacity > 0. Not thread-safe.
class TailSamplingDecisionCache {
 public:
  explicit TailSamplingDecisionCache(size_t capacity) : capacity_(capacity) {}
  // Get: true when present (and marks it most recently used).
  bool Get(const TraceId& id);
  // Put: adds or refreshes; evicts the least recently used key beyond capacity.
  void Put(const TraceId& id);
  void Clear();
  size_t size() const { return index_.size(); }

 private:
  size_t capacity_;
  std::list<uint64_t> order_;  // front = most recent
  std::unordered_map<uint64_t, std::list<uint64_t>::iterator> index_;
};

class TailSamplingProcessor final : public Processor {
 public:
  // REQUIRES: ValidateTailSamplingConfig(config).ok() (use Create to get an error instead);
  // interner non-null. `interner` and `observer` (may be null) are borrowed and must outlive the
  // processor. The decision ticker starts at `start` (first tick at start + 1 s).
  TailSamplingProcessor(TailSamplingConfig config, const Interner* interner, DropObserver* observer,
                        TimePoint start);
  static StatusOr<std::unique_ptr<TailSamplingProcessor>> Create(TailSamplingConfig config,
                                                                 const Interner* interner,
                                                                 DropObserver* observer, TimePoint start);

  std::string_view type() const noexcept override { return "tail_sampling"; }
  // Never refuses (the Collector's ConsumeTraces always returns nil).
  Status Consume(SpanBatch& spans, TimePoint now, std::vector<SpanBatch>& out) noexcept override;
  // The next policy tick.
  TimePoint NextDeadline() const noexcept override { return next_tick_; }
  // Runs one decision tick if now >= NextDeadline(), then schedules the next tick at the first
  // start + k s strictly after `now` (missed ticks are skipped, as a Go time.Ticker does).
  void OnTimer(TimePoint now, std::vector<SpanBatch>& out) noexcept override;

  // Spans (and their EstimateWireBytes) of undecided traces.
  size_t held_spans() const noexcept override { return held_spans_; }
  size_t held_bytes() const noexcept override { return held_bytes_; }
  // Crash: returns the spans of undecided traces; the map, circular buffer, batcher, decision
  // caches and policy counters are reset. The ticker keeps its schedule.
  SpanBatch DrainAll() override;

  // Counters (the Collector's metrics).
  uint64_t sampled_traces() const noexcept { return sampled_traces_; }          // decisions: sampled
  uint64_t not_sampled_traces() const noexcept { return not_sampled_traces_; }  // decisions: not
  // sampling_trace_dropped_too_early: ids found missing from the map when their batch came due.
  uint64_t dropped_too_early() const noexcept { return dropped_too_early_; }
  // Undecided traces evicted by the circular buffer (their spans reported kDroppedTooEarly).
  uint64_t evicted_undecided_traces() const noexcept { return evicted_undecided_traces_; }
  uint64_t dropped_too_early_spans() const noexcept { return dropped_too_early_spans_; }
  // Spans that arrived for an already decided trace (in the map or a decision cache).
  uint64_t late_spans() const noexcept { return late_spans_; }
  uint64_t new_traces() const noexcept { return new_traces_; }
  uint64_t sampled_spans() const noexcept { return sampled_spans_; }          // emitted downstream
  uint64_t not_sampled_spans() const noexcept { return not_sampled_spans_; }  // kTailSampledOut
  size_t traces_on_map() const noexcept { return traces_.size(); }
  const TailSamplingConfig& config() const noexcept { return config_; }

 private:
  enum class Final : uint8_t { kUndecided, kSampled, kNotSampled };
  struct Trace {
    TailSamplingTrace data;
    Final decision = Final::kUndecided;
    size_t held_bytes = 0;
  };

  void BuildPolicies();
  void ResetState();
  // One trace's spans of a Consume call: spans[idx[0..n)].
  void ProcessGroup(const TraceId& id, SpanBatch& spans, const uint32_t* idx, size_t n, TimePoint now,
                    std::vector<SpanBatch>& out);
  void DropTrace(const TraceId& id);
  Final MakeDecision(const Trace& trace, TimePoint now);
  void Tick(TimePoint now, std::vector<SpanBatch>& out);
  void ReportDrop(DropCause cause, std::span<const SpanData> spans);

  TailSamplingConfig config_;
  const Interner* interner_;
  DropObserver* observer_;
  TimePoint start_;
  TimePoint next_tick_;
  std::vector<std::unique_ptr<TailSamplingPolicy>> policies_;
  size_t num_batches_;

  std::unordered_map<TraceId, Trace, TraceIdHash> traces_;
  // deleteChan: circular buffer of num_traces ids.
  std::vector<TraceId> ring_;
  size_t ring_head_ = 0;
  size_t ring_size_ = 0;
  // idbatcher: the pipe (front = next to decide) and the current batch.
  std::deque<std::vector<TraceId>> pipe_;
  std::vector<TraceId> current_batch_;
  std::unique_ptr<TailSamplingDecisionCache> sampled_cache_;
  std::unique_ptr<TailSamplingDecisionCache> non_sampled_cache_;

  // Consume scratch (grouping per trace id, a counting sort by first appearance).
  std::unordered_map<TraceId, uint32_t, TraceIdHash> group_index_;
  std::vector<TraceId> group_ids_;
  std::vector<uint32_t> span_group_;
  std::vector<uint32_t> group_offset_;
  std::vector<uint32_t> group_cursor_;
  std::vector<uint32_t> order_;

  size_t held_spans_ = 0;
  size_t held_bytes_ = 0;
  uint64_t sampled_traces_ = 0;
  uint64_t not_sampled_traces_ = 0;
  uint64_t dropped_too_early_ = 0;
  uint64_t evicted_undecided_traces_ = 0;
  uint64_t dropped_too_early_spans_ = 0;
  uint64_t late_spans_ = 0;
  uint64_t new_traces_ = 0;
  uint64_t sampled_spans_ = 0;
  uint64_t not_sampled_spans_ = 0;
};

}  // namespace tracesim::pipeline
