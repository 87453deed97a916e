#include "tracesim/pipeline/span.h"

namespace tracesim::pipeline {

const char* SpanKindName(SpanKind kind) {
  switch (kind) {
    case SpanKind::kInternal: return "internal";
    case SpanKind::kServer: return "server";
    case SpanKind::kClient: return "client";
    case SpanKind::kProducer: return "producer";
    case SpanKind::kConsumer: return "consumer";
  }
  return "unknown";
}

const char* SpanStatusName(SpanStatus status) {
  switch (status) {
    case SpanStatus::kUnset: return "unset";
    case SpanStatus::kOk: return "ok";
    case SpanStatus::kError: return "error";
  }
  return "unknown";
}

size_t EstimateWireBytes(const SpanData& span) {
  // OTLP protobuf: trace id (18), span id (10), parent (10 if set), name
  // (~20), kind (2), start/end fixed64 (18), status (~4), flags (5), plus
  // ~16 bytes per attribute (key + typed value) and the tracestate.
  size_t bytes = 18 + 10 + (span.parent_span_id.IsValid() ? 10 : 0) + 20 + 2 + 18 + 4 + 5;
  bytes += 16 * span.attributes.size();
  if (!span.trace_state.empty()) bytes += 2 + span.trace_state.size();
  return bytes;
}

}  // namespace tracesim::pipeline
