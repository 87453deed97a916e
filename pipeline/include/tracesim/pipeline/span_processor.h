// The SDK span-processor interface (OpenTelemetry SpanProcessor, end hook).
#pragma once

#include "tracesim/pipeline/span.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

// Receives finished spans from a Tracer. Implementations (batch processor,
// in-memory test double) own what they keep; they are not required to be
// thread-safe (one processor per tracer per simulated process).
class SpanProcessor {
 public:
  virtual ~SpanProcessor() = default;
  // Called for recording spans only (OTel semantics: sampled and
  // record-only spans, never dropped ones), once, when the span ends; `now`
  // is the end time. The processor takes the span by value (moved).
  virtual void OnEnd(SpanData&& span, TimePoint now) noexcept = 0;
};

}  // namespace tracesim::pipeline
