// W3C Trace Context (Recommendation, level 1): `traceparent` and `tracestate`
// encoding and decoding with every validation rule of the spec, including the
// rules for parsing a traceparent of a higher (future) version.
//
// Reference: https://www.w3.org/TR/trace-context/ sections 3.2 (traceparent),
// 3.3 (tracestate), 3.5/3.6 (mutation), and the W3C conformance test suite
// (w3c/trace-context test/test.py), whose cases the unit tests mirror.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tracesim/pipeline/ids.h"
#include "tracesim/pipeline/span.h"
#include "tracesim/status.h"

namespace tracesim::pipeline {

// ---------------------------------------------------------------- traceparent

// A decoded `traceparent` header.
struct TraceParent {
  uint8_t version = 0;
  TraceId trace_id;
  SpanId parent_id;
  // The flags byte exactly as received. Only bit 0 (kTraceFlagSampled) is
  // defined by level 1; the other bits are kept here so that the parse is
  // lossless, and masked off by ExtractContext / InjectContext (the spec:
  // "Vendors MUST set those to zero").
  uint8_t trace_flags = 0;

  friend bool operator==(const TraceParent&, const TraceParent&) = default;
};

// Length of a version-00 traceparent: "vv-" + 32 + "-" + 16 + "-" + 2.
inline constexpr size_t kTraceParentLength = 55;

// Parses a `traceparent` header value. Leading and trailing optional
// whitespace (spaces, tabs) is ignored. Rules:
//  - every field is lowercase hex of the exact width, fields separated by '-';
//  - version "ff" is invalid; version 00 must be exactly 55 characters;
//  - a version above 00 is parsed by its first 55 characters, which must be
//    followed by the end of the value or by '-' (unknown trailing fields are
//    ignored, never interpreted);
//  - an all-zero trace-id or parent-id is invalid.
// Errors are InvalidArgument and name the offending field.
StatusOr<TraceParent> ParseTraceParent(std::string_view header);

// Formats "00-<32hex>-<16hex>-<2hex>" in lowercase. Always writes version 00,
// the highest version this implementation knows (the spec's "downgrade the
// version" mutation when re-sending a higher-version header); the flags byte
// is written as given.
std::string FormatTraceParent(const TraceParent& tp);
// The same into *out, reusing its capacity (no allocation once it has held one).
void FormatTraceParentInto(const TraceParent& tp, std::string* out);

// ----------------------------------------------------------------- tracestate

// Limits of the tracestate grammar (level 1).
inline constexpr size_t kTraceStateMaxMembers = 32;
inline constexpr size_t kTraceStateMaxKeyLength = 256;     // simple-key
inline constexpr size_t kTraceStateMaxTenantLength = 241;  // multi-tenant key: tenant-id
inline constexpr size_t kTraceStateMaxSystemLength = 14;   // multi-tenant key: system-id
inline constexpr size_t kTraceStateMaxValueLength = 256;

// Validates a tracestate key:
//   simple-key       = lcalpha 0*255( lcalpha / DIGIT / "_" / "-" / "*" / "/" )
//   multi-tenant-key = tenant-id "@" system-id
//   tenant-id        = ( lcalpha / DIGIT ) 0*240( keychar )
//   system-id        = lcalpha 0*13( keychar )
// Returns OK or InvalidArgument saying what is wrong.
Status ValidateTraceStateKey(std::string_view key);

// Validates a tracestate value: 1..256 printable ASCII characters
// (0x20..0x7E) other than ',' and '=', not ending with a space.
Status ValidateTraceStateValue(std::string_view value);

// An ordered list of key=value list-members, most recent (leftmost) first.
// Keys are unique. Not thread-safe.
class TraceState {
 public:
  TraceState() = default;

  // Parses a `tracestate` header value (several header fields are combined
  // by the caller with ',' as RFC 7230 says). Empty and whitespace-only
  // list-members are allowed and skipped; spaces and tabs around each
  // list-member are ignored. At most 32 (non-empty) list-members. A bad key
  // or value, a member without '=', a duplicate key or a 33rd member makes
  // the whole header invalid: InvalidArgument naming the member and the
  // problem. An empty header gives an empty TraceState.
  static StatusOr<TraceState> Parse(std::string_view header);

  // "k1=v1,k2=v2" with no optional whitespace; "" when empty.
  std::string ToString() const;

  // The value of `key`, or nullopt. The view is valid until the next
  // mutation of this TraceState.
  std::optional<std::string_view> Get(std::string_view key) const;

  // Adds or updates `key` and moves it to the front (the spec's mutation
  // rule). Validates key and value (InvalidArgument). Adding a new key to a
  // list that already holds 32 members is refused with ResourceExhausted:
  // nothing is evicted silently; Erase() a member first.
  Status Set(std::string_view key, std::string_view value);

  // Removes `key` if present; the order of the others is kept.
  void Erase(std::string_view key);

  size_t size() const { return members_.size(); }
  bool empty() const { return members_.empty(); }

  // The list-members in order (front = most recent).
  const std::vector<std::pair<std::string, std::string>>& members() const { return members_; }

  friend bool operator==(const TraceState&, const TraceState&) = default;

 private:
  std::vector<std::pair<std::string, std::string>> members_;
};

// ---------------------------------------------------------------- propagation

// Extracts a remote parent context from the two header values ("" when a
// header is absent).
//  - A missing or invalid traceparent yields nullopt, and tracestate is not
//    parsed (the spec: a vendor that failed to parse traceparent MUST NOT
//    parse tracestate).
//  - A valid traceparent with an invalid tracestate yields a context with an
//    empty trace_state (a bad tracestate never voids the traceparent).
//  - A valid tracestate is stored normalized (TraceState::ToString()).
//  - trace_flags keeps the sampled bit only; is_remote = true.
std::optional<SpanContext> ExtractContext(std::string_view traceparent, std::string_view tracestate);

// Writes the header values for `ctx`: a version-00 traceparent whose flags
// carry the sampled bit only, and ctx.trace_state (possibly empty) as the
// tracestate. If ctx is invalid, both outputs are cleared: nothing is
// propagated (as OpenTelemetry propagators do).
// REQUIRES: traceparent and tracestate are non-null.
void InjectContext(const SpanContext& ctx, std::string* traceparent, std::string* tracestate);

}  // namespace tracesim::pipeline
