// The OTel Collector `probabilistic_sampler` processor (traces), sans-I/O.
//
// Ported from processor/probabilisticsamplerprocessor (sampler_mode.go makeSampler /
// commonShouldSampleLogic, tracesprocessor.go, fnvhasher.go) and pkg/sampling (OTEP 235
// thresholds, W3C tracestate `ot=` member):
//   - mode "" (unset) is hash_seed, the Collector's default.
//   - hash_seed: FNV-1a-32 of (hash_seed as 4 little-endian bytes || 16 trace id bytes), 14-bit
//     hash buckets (numHashBuckets = 0x4000): sampled iff (hash & 0x3fff) <
//     uint32(float32(pct) * 163.84) (randomnessFromBytes / the reject threshold << 42). A span
//     whose tracestate already carries `ot=rv:` or `ot=th:` is an error (see fail_closed); a
//     sampled span gets `ot=rv:<hash randomness>;th:<threshold>` in its tracestate.
//   - proportional / equalizing: R = `ot=rv:` from the tracestate when present, else the low 56
//     bits of the trace id; an arriving `th` inconsistent with R is an error (see fail_closed);
//     proportional: T from probability incoming(th)·ratio at sampling_precision hex digits;
//     equalizing: T = max(arriving th, T(ratio)); sampled iff R >= T; the sampled span's
//     tracestate gets `ot=th:T` (encoded with trailing zeros removed).
//   - errors (tracestate that does not parse, inconsistent arriving th) sample nothing when
//     fail_closed, everything otherwise.
// Sampled spans are emitted in one batch per Consume (input order kept); the others are reported
// to the observer as (kCollectorProcessor, kTailSampledOut): "sampled out by a collector-side
// sampler" (no dedicated drop cause exists).
//
// Thread-safety: not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tracesim/pipeline/drop_observer.h"
#include "tracesim/pipeline/interner.h"
#include "tracesim/pipeline/processor.h"
#include "tracesim/pipeline/span.h"
#include "tracesim/pipeline/tail_sampling_config.h"
#include "tracesim/status.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

// FNV-1a 32 of (seed as 4 little-endian bytes || 16 trace id bytes), as fnvhasher.go computeHash.
uint32_t ProbabilisticSamplerHash(const TraceId& trace_id, uint32_t seed) noexcept;

// pkg/sampling ProbabilityToThresholdWithPrecision: the 56-bit rejection threshold T of a
// probability (precision 0 = 14 hex digits, raised near 0 and 1); nullopt outside [2^-56, 1].
std::optional<uint64_t> OtelProbabilityToThreshold(double probability, int precision) noexcept;
// Threshold.TValue(): "0" for 0 (always), "" for 2^56 (never), otherwise 14 lowercase hex digits
// with the trailing zeros removed.
std::string OtelThresholdTValue(uint64_t threshold);

class ProbabilisticSamplerProcessor final : public Processor {
 public:
  // REQUIRES: ValidateProbabilisticSamplerConfig(config).ok(). `observer` and `interner` are
  // borrowed, may be null, and must outlive the processor. With an interner, the span attribute
  // "sampling.priority" (OpenTracing) forces the decision as in the Collector: 0 -> not sampled,
  // > 0 -> sampled (int, double, or a string parsed as a float); without one it is ignored.
  ProbabilisticSamplerProcessor(ProbabilisticSamplerConfig config, DropObserver* observer,
                                const Interner* interner = nullptr);

  std::string_view type() const noexcept override { return "probabilistic_sampler"; }
  // Never refuses. Emits the sampled spans (possibly with an updated trace_state) as one batch
  // when any was sampled.
  Status Consume(SpanBatch& spans, TimePoint now, std::vector<SpanBatch>& out) noexcept override;

  // The decision for one span; updates span.trace_state when sampled (consistent modes).
  bool ShouldSample(SpanData& span) noexcept;

  // The effective mode after resolving "" ("hash_seed", "proportional", "equalizing").
  std::string_view effective_mode() const noexcept;

  uint64_t sampled_spans() const noexcept { return sampled_spans_; }
  uint64_t not_sampled_spans() const noexcept { return not_sampled_spans_; }
  uint64_t error_spans() const noexcept { return error_spans_; }  // randomness/tracestate errors

 private:
  enum class Mode : uint8_t { kNever, kHashSeed, kProportional, kEqualizing };

  ProbabilisticSamplerConfig config_;
  DropObserver* observer_;
  const Interner* interner_;
  mutable int64_t priority_key_ = -1;  // interned "sampling.priority", looked up lazily
  mutable size_t priority_seen_size_ = static_cast<size_t>(-1);
  Mode mode_;
  std::string_view mode_name_;
  double ratio_ = 0;        // proportional
  uint64_t threshold_ = 0;  // hash_seed / equalizing: 56-bit rejection threshold T
  uint64_t sampled_spans_ = 0;
  uint64_t not_sampled_spans_ = 0;
  uint64_t error_spans_ = 0;
};

}  // namespace tracesim::pipeline
