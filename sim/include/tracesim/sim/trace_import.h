// Importers of recorded traces: OTLP JSON, Jaeger JSON, Zipkin v2 JSON and the Alibaba
// microservices call-graph CSV, read into one small format-neutral model for replay.
//
// Importers stream: memory is bounded by one record (a JSON resource span / data[] element /
// top-level array element, or one CSV line) plus the traces still open in the grouping buffer
// (TraceImportOptions::max_open_traces), never by the size of the file. They are strict: the first
// malformed record stops the import with an error that names the file and the record:
//   "<file>: record <n>: <what>"      e.g. "a.csv: record 7: span 5c1f...: negative duration (rt -3 ms)"
//   "<file>: truncated: <what>"       an unterminated JSON document or a partial last CSV line
// The mapping of each format onto the model and every error message are documented in
// docs/trace-import.md.
//
// Thread-safety: the functions are reentrant; they share no state between calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tracesim/pipeline/span.h"
#include "tracesim/status.h"

namespace tracesim::sim {

// One span of a recorded trace, normalized across formats.
struct RecordedSpan {
  std::string trace_id;        // 32 lowercase hex digits, never all zeros
  std::string span_id;         // 16 lowercase hex digits, never all zeros
  std::string parent_span_id;  // 16 lowercase hex digits; empty for a root span
  std::string service;
  std::string operation;
  pipeline::SpanKind kind = pipeline::SpanKind::kInternal;
  pipeline::SpanStatus status = pipeline::SpanStatus::kUnset;
  int64_t start_ns = 0;     // as recorded: Unix epoch ns (JSON formats), trace-relative ns (Alibaba)
  int64_t duration_ns = 0;  // >= 0

  friend bool operator==(const RecordedSpan&, const RecordedSpan&) = default;
};

// All spans of one trace, in the order of their records in the file (for Alibaba: the order of the
// CSV lines, after merging the two sides of a call; see AlibabaNegativeRt).
struct RecordedTrace {
  std::string trace_id;  // equal to every span's trace_id
  std::vector<RecordedSpan> spans;
};

enum class TraceFormat { kOtlpJson, kJaegerJson, kZipkinJson, kAlibabaCsv };

// "otlp_json", "jaeger_json", "zipkin_json", "alibaba_csv".
const char* TraceFormatName(TraceFormat format);
// Inverse of TraceFormatName; an unknown name is kInvalidArgument listing the valid names.
StatusOr<TraceFormat> ParseTraceFormat(std::string_view name);

// Detects the format from the first 64 KiB of the file: '[' opens Zipkin; '{' opens OTLP when the
// first key is "resourceSpans" and Jaeger when it is "data"; a first line naming the traceid and
// rpcid (or rpc_id) columns is the Alibaba CSV. The extension is a hint used only when the content
// does not decide (a ".jsonl"/".ndjson" JSON object stream is OTLP). Errors: kNotFound when the file
// cannot be opened; kInvalidArgument for an empty, gzip-compressed or unrecognized file.
StatusOr<TraceFormat> DetectTraceFormat(const std::string& path);

// How the Alibaba importer treats a negative rt. The dataset records an RPC or HTTP call twice with
// the same rpcid: in the upstream (rt > 0, the upstream's view) and in the downstream (rt < 0, minus
// the downstream's response time).
enum class AlibabaNegativeRt {
  kError,           // default (strict): a negative rt is the error "negative duration"
  kDownstreamView,  // a negative rt is the downstream's record of the call: duration = -rt; the
                    // later of two records with one rpcid is merged into the first (dropped)
};

struct TraceImportOptions {
  // Strict by default: a span whose parent is not in its trace is an error. When true, such a span
  // is kept with its parent id unchanged (an orphan, as a tracing backend would show it).
  bool allow_missing_parents = false;
  // Grouping buffer: traces whose spans are still being collected. A record of a new trace, when
  // this many are open, delivers the oldest-opened trace first; a record of a trace that was already
  // delivered is the error "trace T reappears". Bounds memory for large files. REQUIRES: >= 1.
  size_t max_open_traces = 4096;
  AlibabaNegativeRt alibaba_negative_rt = AlibabaNegativeRt::kError;
};

// Receives each complete trace. A non-OK status stops the import and is returned unchanged.
using TraceSink = std::function<Status(RecordedTrace&&)>;

// Streams the file, calling `sink` once per trace (grouped by trace id), in the order of each
// trace's first record. Before an error is returned, `sink` may already have received the traces
// that were complete. Structural errors of a trace (duplicate span id, missing parent) are found
// when the trace is complete, so they may be reported after a later record's syntax error.
Status ImportTraces(const std::string& path, TraceFormat format, const TraceImportOptions& options,
                    const TraceSink& sink);
// Same, with default (strict) options.
Status ImportTraces(const std::string& path, TraceFormat format, const TraceSink& sink);

}  // namespace tracesim::sim
