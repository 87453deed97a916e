// The span model shared by every pipeline component.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "tracesim/pipeline/ids.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

enum class SpanKind : uint8_t { kInternal, kServer, kClient, kProducer, kConsumer };
enum class SpanStatus : uint8_t { kUnset, kOk, kError };

const char* SpanKindName(SpanKind kind);
const char* SpanStatusName(SpanStatus status);

// Interned ids (see Interner): services and operation names are ids, not
// strings, on the hot path.
using ServiceId = uint32_t;
using OperationId = uint32_t;
using AttributeKeyId = uint32_t;

// String attribute values are interned too.
struct InternedString {
  uint32_t id = 0;
  friend bool operator==(const InternedString&, const InternedString&) = default;
};

using AttributeValue = std::variant<bool, int64_t, double, InternedString>;

struct Attribute {
  AttributeKeyId key = 0;
  AttributeValue value;
  friend bool operator==(const Attribute&, const Attribute&) = default;
};

// W3C trace-flags bit 0.
inline constexpr uint8_t kTraceFlagSampled = 0x01;

struct SpanContext {
  TraceId trace_id;
  SpanId span_id;
  uint8_t trace_flags = 0;
  std::string trace_state;  // serialized W3C tracestate, may be empty
  bool is_remote = false;

  bool IsValid() const { return trace_id.IsValid() && span_id.IsValid(); }
  bool IsSampled() const { return (trace_flags & kTraceFlagSampled) != 0; }
};

// A finished (or in-progress) span as handed to processors and exporters.
struct SpanData {
  TraceId trace_id;
  SpanId span_id;
  SpanId parent_span_id;  // invalid (0) for a root span
  ServiceId service = 0;
  OperationId operation = 0;
  SpanKind kind = SpanKind::kInternal;
  SpanStatus status = SpanStatus::kUnset;
  uint8_t trace_flags = 0;
  TimePoint start{};
  TimePoint end{};
  std::vector<Attribute> attributes;
  std::string trace_state;

  Duration duration() const { return end - start; }
  bool IsRoot() const { return !parent_span_id.IsValid(); }
};

// Estimated size in bytes of the span on the wire (OTLP protobuf-like
// encoding); used to size network messages and memory accounting.
size_t EstimateWireBytes(const SpanData& span);

}  // namespace tracesim::pipeline
