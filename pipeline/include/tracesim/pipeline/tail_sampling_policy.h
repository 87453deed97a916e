// The `tail_sampling` policy evaluators (processor/tailsamplingprocessor/internal/sampling/*.go),
// sans-I/O. Built from TailSamplingPolicyConfig by MakeTailSamplingPolicy; the processor
// (tail_sampling.h) evaluates them once per trace when the trace's decision batch comes due.
//
// Attribute model: a span's attributes are the span attributes (interned keys and string values,
// resolved through the borrowed Interner); its resource has one attribute, "service.name", the
// interned name of SpanData::service. Policies that look at "resource or span" attributes
// (numeric_attribute, string_attribute, boolean_attribute) check both, as the Collector does.
// Value conversions follow pcommon.Value: Int() of a non-int is 0, Str() of a non-string is "",
// Bool() of a non-bool is false.
//
// Thread-safety: not thread-safe (rate_limiting and composite keep per-second counters).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tracesim/pipeline/ids.h"
#include "tracesim/pipeline/interner.h"
#include "tracesim/pipeline/span.h"
#include "tracesim/pipeline/tail_sampling_config.h"
#include "tracesim/status.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

// sampling.Decision (the enum form; the Collector's newer OTEP 235 threshold decisions behind
// feature gates are not ported).
enum class TailSamplingDecision : uint8_t {
  kUnspecified,
  kSampled,
  kNotSampled,
  kDropped,           // from a `drop` policy: final, not sampled
  kInvertSampled,     // invert_match policy: no excluded value found
  kInvertNotSampled,  // invert_match policy: an excluded value found: final, not sampled
};

const char* TailSamplingDecisionName(TailSamplingDecision d);

// sampling.TraceData: what a policy sees of a trace.
struct TailSamplingTrace {
  TraceId trace_id;
  // ReceivedBatches: the spans received before the decision, in arrival order.
  std::vector<SpanData> spans;
  // SpanCount: every span received for the trace (late ones included).
  int64_t span_count = 0;
};

class TailSamplingPolicy {
 public:
  virtual ~TailSamplingPolicy() = default;
  // `now` is the processor's tick time (rate_limiting and composite count spans per second of it).
  virtual TailSamplingDecision Evaluate(const TailSamplingTrace& trace, TimePoint now) noexcept = 0;
  // Recreates the per-second counters and caches (a restarted Collector).
  virtual void Reset() noexcept {}
};

// Builds the evaluator for one policy (recursively for and / drop / composite).
// REQUIRES: the config passed ValidateTailSamplingConfig (as part of a TailSamplingConfig);
// otherwise returns InvalidArgument. `interner` is borrowed, must be non-null and outlive the
// policy; keys and values not yet interned are looked up again when the interner grows.
StatusOr<std::unique_ptr<TailSamplingPolicy>> MakeTailSamplingPolicy(const TailSamplingPolicyConfig& config,
                                                                     const Interner* interner);

// probabilistic policy internals, exposed for tests:
// FNV-1a 64 over (salt bytes || 16 trace id bytes).
uint64_t TailSamplingHashTraceId(std::string_view salt, const TraceId& trace_id) noexcept;
// calculateThreshold: floor(round64((2^64 - 1) * ratio)) where round64 rounds the exact product to
// 64 significant bits (big.Float default precision, nearest-even); ratio >= 1 gives 2^64 - 1,
// ratio <= 0 gives 0.
uint64_t TailSamplingProbabilisticThreshold(double ratio) noexcept;

}  // namespace tracesim::pipeline
