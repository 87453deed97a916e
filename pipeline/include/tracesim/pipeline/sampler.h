// The head-sampler interface of the SDK (OpenTelemetry Sampler semantics).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "tracesim/pipeline/ids.h"
#include "tracesim/pipeline/span.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

// OTel SamplingDecision: DROP (not recorded, not sampled), RECORD_ONLY
// (recorded, sampled flag unset), RECORD_AND_SAMPLE (recorded, sampled flag
// set).
enum class SamplingDecision : uint8_t { kDrop, kRecordOnly, kRecordAndSample };

const char* SamplingDecisionName(SamplingDecision decision);

// What a sampler sees about the span being started. All pointers and spans
// are borrowed for the duration of ShouldSample only.
struct SamplingParameters {
  const SpanContext* parent = nullptr;  // nullptr (or invalid) for a root span
  TraceId trace_id;                     // the new span's trace id (the parent's for a child)
  OperationId name = 0;
  SpanKind kind = SpanKind::kInternal;
  ServiceId service = 0;
  std::span<const Attribute> attributes = {};
  // The span's start time (the Tracer sets it). Samplers whose decision
  // depends on time (Jaeger rate limiting, the adaptive lower bound) read it
  // instead of a clock; the others ignore it.
  TimePoint now = kTimeZero;
};

struct SamplingResult {
  SamplingDecision decision = SamplingDecision::kDrop;
  // The tracestate the new span carries; nullopt keeps the parent's.
  std::optional<std::string> trace_state;

  bool IsRecording() const { return decision != SamplingDecision::kDrop; }
  bool IsSampled() const { return decision == SamplingDecision::kRecordAndSample; }
};

// Decides, when a span starts, whether it is recorded and sampled.
// Implementations must be deterministic given their inputs and state; they
// may keep state (rate limiters) and are then not thread-safe.
class Sampler {
 public:
  virtual ~Sampler() = default;
  virtual SamplingResult ShouldSample(const SamplingParameters& params) noexcept = 0;
  // The OpenTelemetry description string, e.g. "AlwaysOnSampler",
  // "TraceIdRatioBased{0.100000}", "ParentBased{root:...,remoteParentSampled:...,...}".
  virtual std::string Description() const = 0;
};

}  // namespace tracesim::pipeline
