// Shared machinery of the trace importers (sim/src/import_*.cc): error formatting, id
// normalization, the trace-grouping buffer and the streaming JSON reader.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <istream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tracesim/pipeline/ids.h"
#include "tracesim/sim/trace_import.h"
#include "tracesim/status.h"

namespace tracesim::sim::import_internal {

// "<file>: record <n>: <what>"
Status RecordError(const std::string& file, uint64_t record, std::string_view what);
// "<file>: truncated: <what>"
Status TruncatedError(const std::string& file, std::string_view what);

// Parses a hex id of `min_digits`..`width` digits (either case) into `width` lowercase digits,
// left-padded with zeros. On failure returns nullopt and sets *why ("expected 16 hex digits, got 15",
// "'g' is not a hex digit", "all zeros is not a valid id").
std::optional<std::string> NormalizeHexId(std::string_view hex, size_t min_digits, size_t width,
                                          std::string* why);

// FNV-1a, 64 and 128 bit (offset bases and primes of the FNV reference), over raw bytes.
uint64_t Fnv1a64(std::string_view bytes);
pipeline::TraceId Fnv1a128(std::string_view bytes);
std::string Hex16(uint64_t v);  // 16 lowercase hex digits

// Groups spans into traces and delivers them to the sink. Not thread-safe.
class TraceAssembler {
 public:
  // `merge_duplicate_spans`: a later span repeating a span id of its trace is dropped instead of
  // being an error (the Alibaba downstream-view mode).
  TraceAssembler(const std::string& file, const TraceImportOptions& options, const TraceSink& sink,
                 bool merge_duplicate_spans);

  // Adds a span read from `record`; may first deliver the oldest open trace. `label` is added to
  // the span's error messages ("span <id> (<label>): ..."), e.g. the source's own ids.
  // REQUIRES: span.trace_id, span_id normalized.
  Status Add(RecordedSpan span, uint64_t record, std::string label = {});
  // Delivers every open trace, oldest first.
  Status FlushAll();

 private:
  struct OpenTrace {
    RecordedTrace trace;
    std::vector<uint64_t> records;    // records[i] is the record of trace.spans[i]
    std::vector<std::string> labels;  // empty, or labels[i] is the label of trace.spans[i]
  };
  Status Deliver(OpenTrace&& open);

  const std::string& file_;
  const TraceImportOptions& options_;
  const TraceSink& sink_;
  bool merge_duplicate_spans_;
  std::unordered_map<std::string, OpenTrace> open_;
  std::deque<std::string> open_order_;  // trace ids, oldest first
  std::unordered_set<pipeline::TraceId, pipeline::TraceIdHash> delivered_;
};

// Streaming JSON reader: parses one JSON value from `in`, handing each element of the record array
// to `on_record` as soon as it is complete and discarding it afterwards, so memory stays bounded by
// one element. The record array is the root itself (`array_key` empty) or the member `array_key`
// of a root object. Records are numbered from *next_record (incremented per element started).
struct JsonSyntaxError {
  bool at_end_of_input = false;  // the input ended inside the value (a truncated document)
  bool inside_record = false;    // *next_record - 1 is the record being parsed
  uint64_t record = 0;           // the last record started (0: none)
  std::string detail;            // nlohmann's description: "at line 3, column 7: syntax error ..."
};
using JsonRecordHandler = std::function<Status(uint64_t record, nlohmann::json& element)>;
// Returns the handler's first error, or OK with *syntax set on a syntax error, or OK with the root
// (its record array emptied) in *root.
Status StreamJsonRecords(std::istream& in, uint64_t input_size, std::string_view array_key,
                         uint64_t* next_record, const JsonRecordHandler& on_record,
                         std::optional<JsonSyntaxError>* syntax, nlohmann::json* root);
// Formats a syntax error of a whole-file document: "<file>: truncated: ..." or
// "<file>: record <n>: invalid JSON ...".
Status JsonSyntaxStatus(const std::string& file, const JsonSyntaxError& e);

// Typed access to JSON members with errors naming the member path ("spans[2].startTime").
std::string TypeName(const nlohmann::json& j);
// Member `key` of `obj`, or nullptr when absent (a JSON null counts as absent).
const nlohmann::json* Member(const nlohmann::json& obj, std::string_view key);

// The string member `key` of `obj`, for a hex id. Sets *value to nullptr when
// the member is absent (or an empty string) and `optional`; an error when it
// is required and missing, or not a string. `path` names the member in errors.
Status FindIdString(const nlohmann::json& obj, std::string_view key, const std::string& path, bool optional,
                    const std::string** value);
// Required string member; "missing <path>" / "<path> must be a string, got <type>".
Status RequireString(const nlohmann::json& obj, std::string_view key, const std::string& path,
                     std::string* out);
// Required integer member (a JSON integer, no fraction); "<path> must be an integer, got ...".
Status RequireInt64(const nlohmann::json& obj, std::string_view key, const std::string& path, int64_t* out);
// Microseconds to nanoseconds; "<path> out of range" when the result does not fit int64.
Status MicrosToNanos(int64_t us, const std::string& path, int64_t* ns);

// Per-format importers. `in` is positioned at the start of the file.
struct ImportContext {
  const std::string& file;
  uint64_t file_size;
  const TraceImportOptions& options;
  const TraceSink& sink;
};
Status ImportOtlpJson(std::istream& in, const ImportContext& ctx);
Status ImportJaegerJson(std::istream& in, const ImportContext& ctx);
Status ImportZipkinJson(std::istream& in, const ImportContext& ctx);
Status ImportAlibabaCsv(std::istream& in, const ImportContext& ctx);

}  // namespace tracesim::sim::import_internal
