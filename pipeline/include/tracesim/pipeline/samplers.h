// The OpenTelemetry SDK built-in head samplers and their factory by name.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

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
