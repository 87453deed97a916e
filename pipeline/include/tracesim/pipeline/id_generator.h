// Generates trace and span ids from an injected, seeded Rng.
#pragma once

#include "tracesim/pipeline/ids.h"
#include "tracesim/pipeline/random.h"

namespace tracesim::pipeline {

// Deterministic id source: the same Rng state gives the same id sequence.
// Every bit of a trace id is random (hi and lo are each one 64-bit draw), so
// samplers that read any part of the id (OTel: the low 8 bytes; consistent
// probability sampling: the low 56 bits) see uniform values.
// Never returns an all-zero (invalid) id: a zero draw is redrawn.
// Not thread-safe.
class IdGenerator {
 public:
  explicit IdGenerator(Rng rng) : rng_(rng) {}

  TraceId NewTraceId();
  SpanId NewSpanId();

 private:
  Rng rng_;
};

}  // namespace tracesim::pipeline
