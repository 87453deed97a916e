#include "tracesim/pipeline/id_generator.h"

namespace tracesim::pipeline {

TraceId IdGenerator::NewTraceId() {
  TraceId id;
  do {
    id.hi = rng_.NextU64();
    id.lo = rng_.NextU64();
  } while (!id.IsValid());
  return id;
}

SpanId IdGenerator::NewSpanId() {
  SpanId id;
  do {
    id.value = rng_.NextU64();
  } while (!id.IsValid());
  return id;
}

}  // namespace tracesim::pipeline
