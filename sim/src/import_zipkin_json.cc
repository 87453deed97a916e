// Zipkin v2 JSON importer: a top-level array of spans (POST /api/v2/spans, GET /api/v2/trace/{id},
// the UI's JSON download), or an array of traces, each an array of spans (GET /api/v2/traces).
// A record is one element of the top-level array.
#include "trace_import_internal.h"

namespace tracesim::sim::import_internal {
namespace {

using nlohmann::json;
using pipeline::SpanKind;
using pipeline::SpanStatus;

Status RequireZipkinId(const json& obj, std::string_view key, const std::string& path, bool trace_id,
                       bool optional, std::string* out) {
  const std::string* found = nullptr;
  if (Status st = FindIdString(obj, key, path, optional, &found); !st.ok()) return st;
  if (found == nullptr) {
    out->clear();
    return Status::Ok();
  }
  const std::string& raw = *found;
  std::string why;
  std::optional<std::string> id;
  if (trace_id && raw.size() != 16 && raw.size() != 32) {
    why = "expected 16 or 32 hex digits, got " + std::to_string(raw.size());
  } else {
    id = NormalizeHexId(raw, trace_id ? raw.size() : 16, trace_id ? 32 : 16,
                        &why);  // 64-bit trace ids: left-pad
  }
  if (!id) return Status::InvalidArgument(path + ": bad id \"" + raw + "\": " + why);
  *out = std::move(*id);
  return Status::Ok();
}

Status ParseKind(const json& span, const std::string& path, SpanKind* kind) {
  *kind = SpanKind::kInternal;  // no kind: a local span
  const json* v = Member(span, "kind");
  if (v == nullptr) return Status::Ok();
  if (!v->is_string()) return Status::InvalidArgument(path + ".kind must be a string, got " + TypeName(*v));
  const std::string& k = v->get_ref<const std::string&>();
  if (k == "SERVER") {
    *kind = SpanKind::kServer;
  } else if (k == "CLIENT") {
    *kind = SpanKind::kClient;
  } else if (k == "PRODUCER") {
    *kind = SpanKind::kProducer;
  } else if (k == "CONSUMER") {
    *kind = SpanKind::kConsumer;
  } else {
    return Status::InvalidArgument(path + ".kind \"" + k + "\" is not CLIENT, SERVER, PRODUCER or CONSUMER");
  }
  return Status::Ok();
}

// The "error" tag (any value, even empty) marks an error, as in Zipkin; otherwise otel.status_code.
Status ParseStatus(const json& span, const std::string& path, SpanStatus* status) {
  *status = SpanStatus::kUnset;
  const json* tags = Member(span, "tags");
  if (tags == nullptr) return Status::Ok();
  if (!tags->is_object())
    return Status::InvalidArgument(path + ".tags must be an object, got " + TypeName(*tags));
  for (const auto& [key, value] : tags->items()) {
    if (!value.is_string()) {
      return Status::InvalidArgument(path + ".tags." + key + " must be a string, got " + TypeName(value));
    }
  }
  if (tags->contains("error")) {
    *status = SpanStatus::kError;
  } else if (const json* code = Member(*tags, "otel.status_code"); code != nullptr) {
    if (*code == "OK") {
      *status = SpanStatus::kOk;
    } else if (*code == "ERROR") {
      *status = SpanStatus::kError;
    } else if (*code != "UNSET") {
      return Status::InvalidArgument(path + ".tags.otel.status_code " + code->dump() +
                                     " is not OK, ERROR or UNSET");
    }
  }
  return Status::Ok();
}

Status ParseSpan(const json& span, const std::string& path, RecordedSpan* out) {
  if (!span.is_object())
    return Status::InvalidArgument(path + " must be a span object, got " + TypeName(span));
  if (Status s = RequireZipkinId(span, "traceId", path + ".traceId", true, false, &out->trace_id); !s.ok())
    return s;
  if (Status s = RequireZipkinId(span, "id", path + ".id", false, false, &out->span_id); !s.ok()) return s;
  if (Status s = RequireZipkinId(span, "parentId", path + ".parentId", false, true, &out->parent_span_id);
      !s.ok()) {
    return s;
  }
  if (Member(span, "name") != nullptr) {
    if (Status s = RequireString(span, "name", path + ".name", &out->operation); !s.ok()) return s;
  }
  if (Status s = ParseKind(span, path, &out->kind); !s.ok()) return s;
  if (Status s = ParseStatus(span, path, &out->status); !s.ok()) return s;
  const json* endpoint = Member(span, "localEndpoint");
  if (endpoint == nullptr) return Status::InvalidArgument("missing " + path + ".localEndpoint.serviceName");
  if (!endpoint->is_object()) {
    return Status::InvalidArgument(path + ".localEndpoint must be an object, got " + TypeName(*endpoint));
  }
  if (Status s = RequireString(*endpoint, "serviceName", path + ".localEndpoint.serviceName", &out->service);
      !s.ok()) {
    return s;
  }
  int64_t timestamp_us = 0, duration_us = 0;
  if (Status s = RequireInt64(span, "timestamp", path + ".timestamp", &timestamp_us); !s.ok()) return s;
  if (Status s = RequireInt64(span, "duration", path + ".duration", &duration_us); !s.ok()) return s;
  if (timestamp_us < 0) {
    return Status::InvalidArgument(path + ".timestamp must not be negative: " + std::to_string(timestamp_us));
  }
  if (duration_us < 0) {
    return Status::InvalidArgument("span " + out->span_id + ": negative duration (duration " +
                                   std::to_string(duration_us) + " us)");
  }
  if (Status s = MicrosToNanos(timestamp_us, path + ".timestamp", &out->start_ns); !s.ok()) return s;
  if (Status s = MicrosToNanos(duration_us, path + ".duration", &out->duration_ns); !s.ok()) return s;
  return Status::Ok();
}

Status ImportElement(const json& element, uint64_t record, const std::string& file,
                     TraceAssembler& assembler) {
  auto add = [&](const json& span, const std::string& path) {
    RecordedSpan parsed;
    if (Status s = ParseSpan(span, path, &parsed); !s.ok()) return RecordError(file, record, s.message());
    return assembler.Add(std::move(parsed), record);
  };
  if (element.is_array()) {  // one trace of GET /api/v2/traces
    for (size_t i = 0; i < element.size(); ++i) {
      if (Status s = add(element[i], "span[" + std::to_string(i) + "]"); !s.ok()) return s;
    }
    return Status::Ok();
  }
  if (!element.is_object()) {
    return RecordError(file, record, "expected a span object or an array of spans, got " + TypeName(element));
  }
  return add(element, "span");
}

}  // namespace

Status ImportZipkinJson(std::istream& in, const ImportContext& ctx) {
  TraceAssembler assembler(ctx.file, ctx.options, ctx.sink, /*merge_duplicate_spans=*/false);
  uint64_t next_record = 1;
  std::optional<JsonSyntaxError> syntax;
  json root;
  Status s = StreamJsonRecords(
      in, ctx.file_size, /*array_key=*/"", &next_record,
      [&](uint64_t record, json& element) { return ImportElement(element, record, ctx.file, assembler); },
      &syntax, &root);
  if (!s.ok()) return s;
  if (syntax) return JsonSyntaxStatus(ctx.file, *syntax);
  if (!root.is_array()) {
    return Status::InvalidArgument(
        ctx.file + ": the top-level value must be an array of spans (Zipkin v2), got " + TypeName(root));
  }
  return assembler.FlushAll();
}

}  // namespace tracesim::sim::import_internal
