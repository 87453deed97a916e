// The OpenTelemetry SDK built-in head samplers and their factory by name.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "tracesim/pipeline/ids.h"
#include "tracesim/pipeline/sampler.h"
#include "tracesim/status.h"

namespace tracesim::pipeline {

// Samples every span: RECORD_AND_SAMPLE, parent tracestate kept.
// Description "AlwaysOnSampler".
std::unique_ptr<Sampler> MakeAlwaysOnSampler();

// Samples nothing: DROP. Description "AlwaysOffSampler".
std::unique_ptr<Sampler> MakeAlwaysOffSampler();

// TraceIdRatioBased, OpenTelemetry Go SDK variant (go.opentelemetry.io/otel/
// sdk/trace, sampling.go), the reference implementation of the spec:
//   upper_bound = uint64(ratio * 2^63)
//   x           = big-endian uint64 of trace-id bytes 8..15 (TraceId::lo) >> 1
//   sample iff x < upper_bound
// The parent's sampled flag is ignored (wrap in ParentBased to honour it).
// `ratio` is clamped to [0, 1] (NaN counts as 0); ratio >= 1 always samples,
// ratio <= 0 never. Description "TraceIdRatioBased{<ratio with 6 decimals>}"
// as the OTel spec prescribes (e.g. "TraceIdRatioBased{0.100000}").
std::unique_ptr<Sampler> MakeTraceIdRatioBasedSampler(double ratio);

// The Go SDK's upper bound for `ratio` (clamped as above): uint64(ratio*2^63),
// and 2^63 for ratio >= 1 (every x = lo >> 1 is below it).
uint64_t GoTraceIdRatioUpperBound(double ratio);

// The trace-id hash of each SDK's TraceIdRatioBased. The OTel spec left the
// algorithm unspecified until the 56-bit threshold rules (see
// consistent_probability_sampler.h), so the SDKs differ: each keeps its own
// consistent subset of trace ids, and two services running different SDKs at
// the same ratio keep different traces (ParentBased hides this for children).
enum class TraceIdRatioHash : uint8_t {
  // OTel Go (go.opentelemetry.io/otel/sdk/trace, sampling.go): see above.
  kGo,
  // OTel Java (TraceIdRatioBasedSampler.java):
  //   idUpperBound = ratio == 0 ? Long.MIN_VALUE
  //                : ratio == 1 ? Long.MAX_VALUE : (long)(ratio * Long.MAX_VALUE)
  //   x = Math.abs(trace-id bytes 8..15 as a signed big-endian long)
  //   sample iff x < idUpperBound
  // Math.abs(Long.MIN_VALUE) is Long.MIN_VALUE, so lo == 0x8000000000000000
  // is sampled at every ratio in (0, 1]. Description "TraceIdRatioBased{%.6f}".
  kJava,
  // OTel C++ (sdk/src/trace/samplers/trace_id_ratio.cc):
  //   CalculateThreshold(r) = 0 for r <= 0, UINT64_MAX for r >= 1, else
  //     product = UINT32_MAX * r; hi = trunc(product);
  //     lo = ldexp(product - hi, 32) + product;  (uint64(hi) << 32) + uint64(lo)
  //     i.e. r * (2^64 - 1) computed in two 32-bit halves
  //   x = trace-id bytes 0..7 loaded by memcpy into a uint64 (little-endian
  //       host: byte 0 is the least significant), i.e. the HIGH half, byte-swapped
  //   sample iff threshold != 0 && CalculateThreshold(double(x) / 2^64) <= threshold
  // Description "TraceIdRatioBasedSampler{<std::to_string(ratio)>}".
  kCpp,
};

// "go", "java", "cpp" (the HeadSamplerConfig::ratio_hash names).
const char* TraceIdRatioHashName(TraceIdRatioHash hash);
// Parses a name above; anything else is InvalidArgument listing the names.
StatusOr<TraceIdRatioHash> ParseTraceIdRatioHash(std::string_view name);

// TraceIdRatioBased with the given SDK's hash; `ratio` clamped as above.
std::unique_ptr<Sampler> MakeTraceIdRatioBasedSampler(double ratio, TraceIdRatioHash hash);

// The Java SDK's idUpperBound for `ratio` (clamped to [0, 1], NaN as 0).
int64_t JavaTraceIdRatioUpperBound(double ratio);
// The Java SDK's sampling value for a trace id: Math.abs((long) lo).
int64_t JavaTraceIdRatioValue(TraceId trace_id);
// The C++ SDK's CalculateThreshold(ratio) (clamped, NaN as 0).
uint64_t CppTraceIdRatioThreshold(double ratio);
// The C++ SDK's CalculateThresholdFromBuffer(trace_id) (little-endian host).
uint64_t CppTraceIdThreshold(TraceId trace_id);

// Delegates for the four parent cases of ParentBased. A null member takes
// the OTel default: remote_parent_sampled = AlwaysOn,
// remote_parent_not_sampled = AlwaysOff, local_parent_sampled = AlwaysOn,
// local_parent_not_sampled = AlwaysOff.
struct ParentBasedOptions {
  std::unique_ptr<Sampler> remote_parent_sampled;
  std::unique_ptr<Sampler> remote_parent_not_sampled;
  std::unique_ptr<Sampler> local_parent_sampled;
  std::unique_ptr<Sampler> local_parent_not_sampled;
};

// ParentBased: a root span (no valid parent) is decided by `root`; a child
// by the delegate for its parent's case (remote or local, sampled or not).
// Description "ParentBased{root:R,remoteParentSampled:A,
// remoteParentNotSampled:B,localParentSampled:C,localParentNotSampled:D}".
// REQUIRES: root != nullptr.
std::unique_ptr<Sampler> MakeParentBasedSampler(std::unique_ptr<Sampler> root,
                                                ParentBasedOptions options = {});

// A sampler by its OTEL_TRACES_SAMPLER name: always_on, always_off,
// traceidratio, parentbased_always_on, parentbased_always_off,
// parentbased_traceidratio. `ratio` (OTEL_TRACES_SAMPLER_ARG) is used by the
// two ratio samplers only and must then lie in [0, 1]. An unknown name or a
// bad ratio is InvalidArgument naming it (and listing the valid names).
StatusOr<std::unique_ptr<Sampler>> MakeSamplerByName(std::string_view name, double ratio);

}  // namespace tracesim::pipeline
