// The SDK tracer: starts and ends spans, consults the head sampler, hands
// recording spans to the span processor (OpenTelemetry SDK Tracer semantics).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "tracesim/pipeline/id_generator.h"
#include "tracesim/pipeline/sampler.h"
#include "tracesim/pipeline/span.h"
#include "tracesim/pipeline/span_processor.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

struct StartSpanOptions {
  // Local or remote (is_remote) parent; nullptr or an invalid context starts
  // a root span (new trace id).
  const SpanContext* parent = nullptr;
  SpanKind kind = SpanKind::kInternal;
  // Given to the sampler and set on the span (if it records).
  std::span<const Attribute> attributes = {};
};

// OpenTelemetry SpanLimits (the part the span model carries).
struct TracerOptions {
  // OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT default: attributes beyond it are dropped
  // (counted in TracerStats::attributes_dropped).
  size_t attribute_count_limit = 128;
};

class Tracer;

// Move-only handle of an in-progress span. A default-constructed or
// moved-from Span is empty: invalid context, not recording, ended.
// Not thread-safe.
class Span {
 public:
  Span() = default;
  Span(Span&& other) noexcept;
  Span& operator=(Span&& other) noexcept;
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;

  // The span's context: valid for every started span, recording or not, so
  // that a dropped span still propagates its trace (with the sampled flag
  // unset). Stays valid after the span ends.
  const SpanContext& context() const { return context_; }
  // True while the span records (decision RECORD_ONLY or RECORD_AND_SAMPLE)
  // and has not ended (OTel: an ended span is no longer recording).
  bool IsRecording() const { return recording_ && !ended_; }
  bool IsSampled() const { return context_.IsSampled(); }
  bool ended() const { return ended_; }

  // Sets (or overwrites) an attribute. No-op when not recording. A new key
  // beyond TracerOptions::attribute_count_limit is dropped and counted.
  void SetAttribute(AttributeKeyId key, AttributeValue value);
  // OTel status rules: setting kUnset is ignored; once kOk is set it is
  // final; kError may be replaced by kOk. No-op when not recording.
  void SetStatus(SpanStatus status);

 private:
  friend class Tracer;

  SpanContext context_;
  SpanData data_;  // filled only when recording
  uint32_t attribute_limit_ = 0;
  uint32_t attributes_dropped_ = 0;
  bool recording_ = false;
  bool ended_ = true;
};

struct TracerStats {
  uint64_t started = 0;             // StartSpan calls
  uint64_t ended = 0;               // spans ended (first EndSpan per span)
  uint64_t sampled = 0;             // started with RECORD_AND_SAMPLE
  uint64_t record_only = 0;         // started with RECORD_ONLY
  uint64_t dropped_by_sampler = 0;  // started with DROP
  uint64_t attributes_dropped = 0;  // over the attribute count limit, counted at span end
};

// One per service instance. Not thread-safe.
class Tracer {
 public:
  // `sampler`, `ids` and `processor` are borrowed and must outlive the
  // tracer; `processor` may be null (recording spans are then discarded when
  // they end). REQUIRES: sampler != nullptr, ids != nullptr.
  Tracer(ServiceId service, Sampler* sampler, IdGenerator* ids, SpanProcessor* processor,
         TracerOptions options = {});

  // Starts a span at `now`. A child inherits the parent's trace id and the
  // parent's trace flags other than sampled; a root gets a new trace id. The
  // sampled flag comes from the sampler's decision; the tracestate from the
  // SamplingResult, else the parent's. The span id is always new.
  Span StartSpan(OperationId name, TimePoint now, const StartSpanOptions& options = {});

  // Ends `span` at `now`. A recording span is moved to the processor (its
  // SpanData is then gone from the handle; context() stays valid). Ending an
  // ended or empty span is a no-op.
  // REQUIRES: span was started by this tracer; now >= its start time.
  void EndSpan(Span& span, TimePoint now);

  const TracerStats& stats() const { return stats_; }
  ServiceId service() const { return service_; }
  const Sampler& sampler() const { return *sampler_; }

 private:
  ServiceId service_;
  Sampler* sampler_;
  IdGenerator* ids_;
  SpanProcessor* processor_;
  TracerOptions options_;
  TracerStats stats_;
};

}  // namespace tracesim::pipeline
