// OpenTelemetry consistent probability sampling with 56-bit thresholds
// (spec "TraceState: Probability Sampling", trace/tracestate-probability-sampling.md,
// and trace/tracestate-handling.md; OTEP 235).
//
//   randomness R = the `rv` sub-key of the `ot` tracestate entry if present,
//                  else the least-significant 56 bits of the trace id
//   threshold  T = (1 - p) * 2^56, rounded as the spec's
//                  probability_to_threshold_with_precision (4 digits by default)
//   sample iff R >= T; a sampled span carries `ot=th:<T in hex, trailing zeros
//   removed>` ("th:0" is 100 %); adjusted count = 2^56 / (2^56 - T).
//
// Known vectors (precision 4): p=1 -> th:0, 0.5 -> th:8, 0.25 -> th:c,
// 1/3 -> th:aaab, 0.2 -> th:cccd, 0.1 -> th:e666, 0.01 -> th:fd70a,
// 0.001 -> th:ffbe77.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tracesim/pipeline/ids.h"
#include "tracesim/pipeline/sampler.h"
#include "tracesim/pipeline/span.h"
#include "tracesim/status.h"

namespace tracesim::pipeline {

// 2^56: thresholds and randomness values are 56-bit.
inline constexpr uint64_t kMaxAdjustedCount = uint64_t{1} << 56;
inline constexpr uint64_t kRandomnessMask = kMaxAdjustedCount - 1;
// The spec's recommended default encoding precision (hex digits).
inline constexpr int kDefaultThresholdPrecision = 4;

// The decoded value of the `ot` tracestate member ("th:c;rv:...;k:v").
struct OtelTraceState {
  std::optional<uint64_t> th;  // rejection threshold, < 2^56
  std::optional<uint64_t> rv;  // explicit randomness, < 2^56
  // Other sub-keys, in order, kept verbatim.
  std::vector<std::pair<std::string, std::string>> others;

  friend bool operator==(const OtelTraceState&, const OtelTraceState&) = default;
};

// Parses the value of the `ot` member. Grammar (tracestate-handling.md):
// list-member *( ";" list-member ), list-member = key ":" value,
// key = lcalpha *(lcalpha / DIGIT), value = *(ALPHA / DIGIT / "." / "_" / "-"),
// keys unique, at most 256 characters. `th` must be 1..14 lowercase hex
// digits and `rv` exactly 14. Any violation is InvalidArgument saying which
// (samplers then ignore the whole entry). "" is an empty OtelTraceState.
StatusOr<OtelTraceState> ParseOtelTraceState(std::string_view ot_value);

// "th:<hex>;rv:<14 hex>;k:v..." (th and rv first, when present); "" when empty.
std::string FormatOtelTraceState(const OtelTraceState& ots);

// Finds the `ot` member in a serialized W3C tracestate and parses it. A
// tracestate without `ot` gives an empty OtelTraceState; an invalid W3C
// tracestate or `ot` value is InvalidArgument.
StatusOr<OtelTraceState> ExtractOtelTraceState(std::string_view w3c_tracestate);

// The spec's probability_to_threshold_with_precision: the `th` hex digits
// (trailing zeros removed, "0" for p = 1) for p, with `precision` digits
// raised by one per leading 'f' (exp // -4 of frexp(p)), capped to [1, 12].
// REQUIRES: 0 < p <= 1, 1 <= precision <= 12 (p is clamped into range).
std::string EncodeThreshold(double p, int precision = kDefaultThresholdPrecision);

// Parses 1..14 lowercase hex digits into a 56-bit threshold (right-padded
// with zeros). InvalidArgument otherwise.
StatusOr<uint64_t> ParseThreshold(std::string_view th);

// The `th` hex digits of a threshold: 14 digits with trailing zeros removed,
// "0" for 0. REQUIRES: threshold < 2^56.
std::string FormatThreshold(uint64_t threshold);

// ParseThreshold(EncodeThreshold(p, precision)).
uint64_t ProbabilityToThreshold(double p, int precision = kDefaultThresholdPrecision);

// (2^56 - T) / 2^56.
double ThresholdToProbability(uint64_t threshold);
// 2^56 / (2^56 - T) = 1 / probability.
double ThresholdToAdjustedCount(uint64_t threshold);

// The randomness a consistent sampler uses: ots.rv if present, else the low
// 56 bits of the trace id (trace-id bytes 9..15).
uint64_t ConsistentRandomness(TraceId trace_id, const OtelTraceState& ots);

// Adjusted count of a span / tracestate: 2^56 / (2^56 - th) when the `ot`
// entry carries a valid th; nullopt when there is no th (non-probabilistic
// sampling: the adjusted count is undefined) or the tracestate is invalid.
// For a SpanData, also nullopt when the span is not sampled.
std::optional<double> AdjustedCount(std::string_view w3c_tracestate);
std::optional<double> AdjustedCount(const SpanData& span);

// Consistent probability sampler (the spec's TraceIdRatioBased with
// thresholds; ComposableProbability in the composite-sampler spec). Decides
// every span independently of the parent's decision: R >= T with
// T = ProbabilityToThreshold(p, precision).
//  - sampled: the `ot` entry's th is set to T (rv and other sub-keys kept,
//    `ot` moved to the front of the tracestate);
//  - not sampled: a th inherited from the parent is erased (unknown
//    probability); otherwise the tracestate is unchanged (nullopt).
// p == 0 never samples (no threshold exists: "never" is not probability
// sampling) and writes nothing. `p` is clamped to [0, 1] (NaN as 0).
// Description "ConsistentProbabilityBased{<p %.6f>,th:<hex>}".
std::unique_ptr<Sampler> MakeConsistentProbabilitySampler(double p,
                                                          int precision = kDefaultThresholdPrecision);

// Parent-based consistent sampling (the spec's "Parent-based threshold"):
// a root (no valid parent) is decided by `root`; a child follows the
// parent's sampled flag. A sampled parent's th is propagated unchanged,
// unless it is apparently inconsistent (R < th), in which case it is erased.
// An unsampled parent gives DROP with its tracestate unchanged.
// Description "ConsistentParentBased{root:<root description>}".
// REQUIRES: root != nullptr.
std::unique_ptr<Sampler> MakeConsistentParentBasedSampler(std::unique_ptr<Sampler> root);

}  // namespace tracesim::pipeline
