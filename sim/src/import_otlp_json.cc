// OTLP JSON importer: one ExportTraceServiceRequest document ({"resourceSpans": [...]}), or the
// OpenTelemetry Collector file exporter's JSON-lines form (one such document per line).
// A record is one element of resourceSpans, numbered across the whole file.
#include <charconv>
#include <limits>
#include <sstream>

#include "trace_import_internal.h"

namespace tracesim::sim::import_internal {
namespace {

using nlohmann::json;
using pipeline::SpanKind;
using pipeline::SpanStatus;

constexpr std::string_view kDefaultService = "unknown_service";  // OTel's fallback for a missing service.name

// startTimeUnixNano / endTimeUnixNano: a decimal string (the protobuf JSON mapping of fixed64) or a
// JSON integer.
Status RequireUnixNanos(const json& obj, std::string_view key, const std::string& path, int64_t* out) {
  const json* v = Member(obj, key);
  if (v == nullptr) return Status::InvalidArgument("missing " + path);
  if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    uint64_t u = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), u);
    if (s.empty() || ec == std::errc::invalid_argument || end != s.data() + s.size()) {
      return Status::InvalidArgument(path + " must be a decimal number of nanoseconds, got \"" + s + "\"");
    }
    if (ec == std::errc::result_out_of_range ||
        u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Status::InvalidArgument(path + " out of range: " + s);
    }
    *out = static_cast<int64_t>(u);
    return Status::Ok();
  }
  if (Status s = RequireInt64(obj, key, path, out); !s.ok()) {
    return Status::InvalidArgument(path + " must be a string or an integer of nanoseconds, got " +
                                   TypeName(*v));
  }
  if (*out < 0) return Status::InvalidArgument(path + " must not be negative: " + std::to_string(*out));
  return Status::Ok();
}

Status ParseKind(const json& span, const std::string& path, SpanKind* kind) {
  const json* v = Member(span, "kind");
  *kind = SpanKind::kInternal;  // SPAN_KIND_UNSPECIFIED is treated as internal
  if (v == nullptr) return Status::Ok();
  static constexpr std::string_view kNames[] = {"SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL",
                                                "SPAN_KIND_SERVER",      "SPAN_KIND_CLIENT",
                                                "SPAN_KIND_PRODUCER",    "SPAN_KIND_CONSUMER"};
  static constexpr SpanKind kKinds[] = {SpanKind::kInternal, SpanKind::kInternal, SpanKind::kServer,
                                        SpanKind::kClient,   SpanKind::kProducer, SpanKind::kConsumer};
  if (v->is_number_integer() || v->is_number_unsigned()) {
    int64_t k = v->get<int64_t>();
    if (k < 0 || k > 5) return Status::InvalidArgument(path + ".kind " + std::to_string(k) + " is not 0..5");
    *kind = kKinds[k];
    return Status::Ok();
  }
  if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    for (int i = 0; i < 6; ++i) {
      if (s == kNames[i]) {
        *kind = kKinds[i];
        return Status::Ok();
      }
    }
    return Status::InvalidArgument(path + ".kind \"" + s + "\" is not a SPAN_KIND_* name");
  }
  return Status::InvalidArgument(path + ".kind must be an integer or a string, got " + TypeName(*v));
}

Status ParseStatus(const json& span, const std::string& path, SpanStatus* status) {
  *status = SpanStatus::kUnset;
  const json* st = Member(span, "status");
  if (st == nullptr) return Status::Ok();
  if (!st->is_object())
    return Status::InvalidArgument(path + ".status must be an object, got " + TypeName(*st));
  const json* code = Member(*st, "code");
  if (code == nullptr) return Status::Ok();
  static constexpr std::string_view kNames[] = {"STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"};
  static constexpr SpanStatus kStatuses[] = {SpanStatus::kUnset, SpanStatus::kOk, SpanStatus::kError};
  if (code->is_number_integer() || code->is_number_unsigned()) {
    int64_t c = code->get<int64_t>();
    if (c < 0 || c > 2) {
      return Status::InvalidArgument(path + ".status.code " + std::to_string(c) + " is not 0..2");
    }
    *status = kStatuses[c];
    return Status::Ok();
  }
  if (code->is_string()) {
    const std::string& s = code->get_ref<const std::string&>();
    for (int i = 0; i < 3; ++i) {
      if (s == kNames[i]) {
        *status = kStatuses[i];
        return Status::Ok();
      }
    }
    return Status::InvalidArgument(path + ".status.code \"" + s + "\" is not a STATUS_CODE_* name");
  }
  return Status::InvalidArgument(path + ".status.code must be an integer or a string, got " +
                                 TypeName(*code));
}

Status RequireHexId(const json& obj, std::string_view key, const std::string& path, size_t width,
                    bool optional, std::string* out) {
  const std::string* found = nullptr;
  if (Status st = FindIdString(obj, key, path, optional, &found); !st.ok()) return st;
  if (found == nullptr) {
    out->clear();
    return Status::Ok();
  }
  const std::string& s = *found;
  std::string why;
  std::optional<std::string> id = NormalizeHexId(s, width, width, &why);
  if (!id) return Status::InvalidArgument(path + ": bad id \"" + s + "\": " + why);
  *out = std::move(*id);
  return Status::Ok();
}

Status ParseSpan(const json& span, const std::string& path, const std::string& service, RecordedSpan* out) {
  if (!span.is_object()) return Status::InvalidArgument(path + " must be an object, got " + TypeName(span));
  out->service = service;
  if (Status s = RequireHexId(span, "traceId", path + ".traceId", 32, false, &out->trace_id); !s.ok())
    return s;
  if (Status s = RequireHexId(span, "spanId", path + ".spanId", 16, false, &out->span_id); !s.ok()) return s;
  if (Status s = RequireHexId(span, "parentSpanId", path + ".parentSpanId", 16, true, &out->parent_span_id);
      !s.ok()) {
    return s;
  }
  if (Status s = RequireString(span, "name", path + ".name", &out->operation); !s.ok()) return s;
  if (Status s = ParseKind(span, path, &out->kind); !s.ok()) return s;
  if (Status s = ParseStatus(span, path, &out->status); !s.ok()) return s;
  int64_t start = 0, end = 0;
  if (Status s = RequireUnixNanos(span, "startTimeUnixNano", path + ".startTimeUnixNano", &start); !s.ok()) {
    return s;
  }
  if (Status s = RequireUnixNanos(span, "endTimeUnixNano", path + ".endTimeUnixNano", &end); !s.ok())
    return s;
  if (end < start) {
    return Status::InvalidArgument("span " + out->span_id + ": negative duration (endTimeUnixNano " +
                                   std::to_string(end) + " < startTimeUnixNano " + std::to_string(start) +
                                   ")");
  }
  out->start_ns = start;
  out->duration_ns = end - start;
  return Status::Ok();
}

Status ServiceName(const json& rs, std::string* service) {
  *service = std::string(kDefaultService);
  const json* resource = Member(rs, "resource");
  if (resource == nullptr) return Status::Ok();
  if (!resource->is_object())
    return Status::InvalidArgument("resource must be an object, got " + TypeName(*resource));
  const json* attrs = Member(*resource, "attributes");
  if (attrs == nullptr) return Status::Ok();
  if (!attrs->is_array()) {
    return Status::InvalidArgument("resource.attributes must be an array, got " + TypeName(*attrs));
  }
  for (size_t i = 0; i < attrs->size(); ++i) {
    const json& a = (*attrs)[i];
    const std::string path = "resource.attributes[" + std::to_string(i) + "]";
    if (!a.is_object()) return Status::InvalidArgument(path + " must be an object, got " + TypeName(a));
    std::string key;
    if (Status s = RequireString(a, "key", path + ".key", &key); !s.ok()) return s;
    if (key != "service.name") continue;
    const json* value = Member(a, "value");
    if (value == nullptr || !value->is_object()) return Status::InvalidArgument("missing " + path + ".value");
    return RequireString(*value, "stringValue", path + ".value.stringValue", service);
  }
  return Status::Ok();
}

Status ImportResourceSpans(const json& rs, uint64_t record, const std::string& file,
                           TraceAssembler& assembler) {
  auto fail = [&](const Status& s) { return RecordError(file, record, s.message()); };
  if (!rs.is_object())
    return RecordError(file, record, "a resource span must be an object, got " + TypeName(rs));
  std::string service;
  if (Status s = ServiceName(rs, &service); !s.ok()) return fail(s);
  std::string scopes_key = "scopeSpans";
  const json* scopes = Member(rs, scopes_key);
  if (scopes == nullptr) {  // the pre-1.0 OTLP name
    scopes_key = "instrumentationLibrarySpans";
    scopes = Member(rs, scopes_key);
  }
  if (scopes == nullptr) return Status::Ok();
  if (!scopes->is_array()) {
    return RecordError(file, record, scopes_key + " must be an array, got " + TypeName(*scopes));
  }
  for (size_t j = 0; j < scopes->size(); ++j) {
    const json& scope = (*scopes)[j];
    const std::string scope_path = scopes_key + "[" + std::to_string(j) + "]";
    if (!scope.is_object()) {
      return RecordError(file, record, scope_path + " must be an object, got " + TypeName(scope));
    }
    const json* spans = Member(scope, "spans");
    if (spans == nullptr) continue;
    if (!spans->is_array()) {
      return RecordError(file, record, scope_path + ".spans must be an array, got " + TypeName(*spans));
    }
    for (size_t k = 0; k < spans->size(); ++k) {
      RecordedSpan span;
      if (Status s = ParseSpan((*spans)[k], scope_path + ".spans[" + std::to_string(k) + "]", service, &span);
          !s.ok()) {
        return fail(s);
      }
      if (Status s = assembler.Add(std::move(span), record); !s.ok()) return s;
    }
  }
  return Status::Ok();
}

// The root of a document, after its records were streamed out.
Status CheckRoot(const json& root, const std::string& where) {
  if (!root.is_object()) {
    return Status::InvalidArgument(
        where + ": the top-level value must be an object with \"resourceSpans\", got " + TypeName(root));
  }
  const json* rs = Member(root, "resourceSpans");
  if (rs == nullptr) return Status::InvalidArgument(where + ": missing top-level \"resourceSpans\" array");
  if (!rs->is_array()) {
    return Status::InvalidArgument(where + ": \"resourceSpans\" must be an array, got " + TypeName(*rs));
  }
  return Status::Ok();
}

bool IsBlank(std::string_view s) { return s.find_first_not_of(" \t\r") == std::string_view::npos; }

}  // namespace

Status ImportOtlpJson(std::istream& in, const ImportContext& ctx) {
  TraceAssembler assembler(ctx.file, ctx.options, ctx.sink, /*merge_duplicate_spans=*/false);
  uint64_t next_record = 1;
  const JsonRecordHandler handler = [&](uint64_t record, json& element) {
    return ImportResourceSpans(element, record, ctx.file, assembler);
  };

  // JSON lines when the first line is a complete JSON value of its own.
  std::string line;
  bool json_lines = false;
  if (std::getline(in, line) && !in.eof()) json_lines = json::accept(line);
  in.clear();
  in.seekg(0);

  if (!json_lines) {
    std::optional<JsonSyntaxError> syntax;
    json root;
    if (Status s =
            StreamJsonRecords(in, ctx.file_size, "resourceSpans", &next_record, handler, &syntax, &root);
        !s.ok()) {
      return s;
    }
    if (syntax) return JsonSyntaxStatus(ctx.file, *syntax);
    if (Status s = CheckRoot(root, ctx.file); !s.ok()) return s;
    return assembler.FlushAll();
  }

  for (uint64_t line_no = 1; std::getline(in, line); ++line_no) {
    const bool terminated = !in.eof();
    if (IsBlank(line)) continue;
    std::istringstream line_in(line);
    std::optional<JsonSyntaxError> syntax;
    json root;
    if (Status s =
            StreamJsonRecords(line_in, line.size(), "resourceSpans", &next_record, handler, &syntax, &root);
        !s.ok()) {
      return s;
    }
    const std::string where = ctx.file + ": line " + std::to_string(line_no);
    if (syntax) {
      // Positions within the line: "at line 1, column C" is "at column C" of the file's line.
      if (syntax->detail.rfind("at line 1, column ", 0) == 0) syntax->detail.erase(3, 8);
      if (syntax->at_end_of_input && !terminated) {
        return TruncatedError(ctx.file, "the last line (" + std::to_string(line_no) +
                                            ") ends inside a JSON value (" + syntax->detail + ")");
      }
      if (syntax->inside_record) {
        return RecordError(ctx.file, syntax->record,
                           "invalid JSON on line " + std::to_string(line_no) + " " + syntax->detail);
      }
      return Status::InvalidArgument(where + ": invalid JSON " + syntax->detail);
    }
    if (Status s = CheckRoot(root, where); !s.ok()) return s;
  }
  if (in.bad()) return Status::Internal(ctx.file + ": read error");
  return assembler.FlushAll();
}

}  // namespace tracesim::sim::import_internal
