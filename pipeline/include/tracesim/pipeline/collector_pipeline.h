// An OTel Collector traces pipeline's processor chain (service.pipelines.traces.processors),
// sans-I/O.
//
// The chain is an ordered list of (name, config) entries; names follow the Collector's component
// id syntax `type[/name]` ("batch", "batch/2", "memory_limiter", "tail_sampling",
// "probabilistic_sampler"). Spans handed to Consume() flow through the processors in order; what
// comes out of the last one is appended to `out` (the exporters' input). Timers of holding
// processors (batch, tail_sampling) and the memory_limiter's check ticker are exposed as one
// NextDeadline(); OnTimer() fires the due processors and pushes what they emit through the rest of
// the chain.
//
// Refusals (only memory_limiter refuses), following how the Collector's components call each
// other:
//   - memory_limiter and probabilistic_sampler are synchronous: they call the next consumer inside
//     ConsumeTraces and return its error. While spans have passed only such processors, a refusal
//     travels back to the caller: Consume returns Unavailable and `spans` holds the refused spans,
//     i.e. the spans as they reached the refusing memory_limiter (with a probabilistic_sampler in
//     front, only the ones it sampled; the ones it did not sample were dropped and reported once).
//     With memory_limiter first, as the Collector documents it must be, `spans` is untouched.
//   - batch and tail_sampling are asynchronous: their ConsumeTraces only buffers and returns nil;
//     they send later from their own goroutine and, on an error from the next consumer, log it and
//     drop the data (batch: "Sender failed"; tail_sampling: the error is only logged). So spans
//     refused downstream of them are lost: reported to the DropObserver as
//     (Stage::kCollectorProcessor, DropCause::kMemoryLimiterRefused), and Consume still returns OK.
//
// Thread-safety: not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tracesim/pipeline/batch_processor.h"
#include "tracesim/pipeline/drop_observer.h"
#include "tracesim/pipeline/interner.h"
#include "tracesim/pipeline/memory_limiter.h"
#include "tracesim/pipeline/processor.h"
#include "tracesim/pipeline/tail_sampling_config.h"
#include "tracesim/status.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

// One processor's configuration; the alternative decides the component type:
// BatchProcessorOptions = "batch", MemoryLimiterConfig = "memory_limiter",
// TailSamplingConfig = "tail_sampling", ProbabilisticSamplerConfig = "probabilistic_sampler".
using ProcessorConfig =
    std::variant<BatchProcessorOptions, MemoryLimiterConfig, TailSamplingConfig, ProbabilisticSamplerConfig>;

// One entry of the chain, in pipeline order.
struct ProcessorEntry {
  std::string name;  // component id "type" or "type/name"
  ProcessorConfig config;
};

// The component type of a config alternative ("batch", "memory_limiter", ...).
std::string_view ProcessorConfigType(const ProcessorConfig& config) noexcept;

// The type part of a component id: "batch/2" -> "batch", "batch" -> "batch".
std::string_view ProcessorTypeFromName(std::string_view name) noexcept;

// Checks the chain the way the Collector checks a pipeline: every name is a valid component id
// (non-empty type; when a '/' is present, a non-empty name after it), its type matches the config
// alternative, no name appears twice ("references processor X multiple times"), and every config
// is valid (the component's own Validate). Errors are InvalidArgument, prefixed with the entry:
// "processors[1] (batch/2): batch.send_batch_max_size: ...". An empty chain is valid.
Status ValidateProcessorEntries(const std::vector<ProcessorEntry>& entries);

// The `batch` processor behind the Processor interface. Never refuses.
class BatchProcessorStage final : public Processor {
 public:
  // REQUIRES: ValidateBatchProcessorOptions(options).ok().
  BatchProcessorStage(BatchProcessorOptions options, TimePoint start);

  std::string_view type() const noexcept override { return "batch"; }
  Status Consume(SpanBatch& spans, TimePoint now, std::vector<SpanBatch>& out) noexcept override;
  TimePoint NextDeadline() const noexcept override { return batch_.NextDeadline(); }
  void OnTimer(TimePoint now, std::vector<SpanBatch>& out) noexcept override;
  size_t held_spans() const noexcept override { return batch_.pending_spans(); }
  size_t held_bytes() const noexcept override { return batch_.pending_bytes(); }
  // The batch buffer is in memory: everything pending, oldest first. The timer keeps running.
  SpanBatch DrainAll() override { return batch_.DrainAll(); }

  const BatchProcessor& batch() const noexcept { return batch_; }

 private:
  BatchProcessor batch_;
};

// What a chain needs from its environment to build the processors.
struct CollectorPipelineEnv {
  DropObserver* observer = nullptr;    // borrowed, may be null; gets every processor's drops
  const Interner* interner = nullptr;  // borrowed; required when a tail_sampling entry is present
  MemoryUsageFn memory_usage;          // required when a memory_limiter entry is present
  uint64_t total_memory_bytes = 0;     // required by memory_limiter limit_percentage mode
};

class CollectorPipeline {
 public:
  // Validates `entries` (ValidateProcessorEntries) and the environment (a memory_limiter needs
  // env.memory_usage, a tail_sampling needs env.interner, limit_percentage needs
  // env.total_memory_bytes; errors name the entry) and builds the processors, their timers
  // starting at `start`.
  static StatusOr<CollectorPipeline> Create(const std::vector<ProcessorEntry>& entries,
                                            CollectorPipelineEnv env, TimePoint start);
  // The signature the brief names: same as above with env fields spelled out.
  static StatusOr<CollectorPipeline> Create(const std::vector<ProcessorEntry>& entries,
                                            DropObserver* observer, const Interner* interner, TimePoint start,
                                            MemoryUsageFn memory_usage, uint64_t total_memory_bytes = 0);

  CollectorPipeline(CollectorPipeline&&) noexcept = default;
  CollectorPipeline& operator=(CollectorPipeline&&) noexcept = default;

  // Runs `spans` through the chain (see the header comment for refusals). Returns OK, with
  // `spans` consumed and the batches leaving the last processor appended to `out`; or
  // Unavailable, with the refused spans left in `spans` (still the caller's). With no processors
  // the spans go straight to `out` as one batch.
  Status Consume(SpanBatch& spans, TimePoint now, std::vector<SpanBatch>& out) noexcept;

  // min over processors of NextDeadline(); kTimeInfinite when none has a timer.
  TimePoint NextDeadline() const noexcept;
  // Fires, in chain order, every processor whose NextDeadline() <= now (once each) and pushes
  // what it emits through the processors after it; the chain's output is appended to `out`.
  void OnTimer(TimePoint now, std::vector<SpanBatch>& out) noexcept;

  // Sums over processors.
  size_t held_spans() const noexcept;
  size_t held_bytes() const noexcept;
  // Crash: every span held by any processor, in chain order (see Processor::DrainAll).
  SpanBatch DrainAll();

  size_t size() const noexcept { return stages_.size(); }
  // REQUIRES: i < size().
  const std::string& name(size_t i) const noexcept { return stages_[i].name; }
  Processor& processor(size_t i) noexcept { return *stages_[i].processor; }
  const Processor& processor(size_t i) const noexcept { return *stages_[i].processor; }
  // Spans refused by a memory_limiter after an asynchronous processor had taken them (lost).
  uint64_t refused_in_chain_spans() const noexcept { return refused_in_chain_spans_; }

 private:
  struct Link {
    std::string name;
    std::unique_ptr<Processor> processor;
    bool synchronous = false;  // calls the next consumer inline (memory_limiter, probabilistic_sampler)
  };

  CollectorPipeline() = default;
  // Pushes `batches` through stages [from, size()) as asynchronous sends (refusals drop) and
  // appends the result to `out`.
  void RunFrom(size_t from, std::vector<SpanBatch>& batches, TimePoint now, std::vector<SpanBatch>& out);
  void ReportRefused(const SpanBatch& batch) noexcept;

  std::vector<Link> stages_;
  DropObserver* observer_ = nullptr;
  uint64_t refused_in_chain_spans_ = 0;
};

}  // namespace tracesim::pipeline
