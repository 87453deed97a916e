// Jaeger JSON importer: the Jaeger UI's "Download JSON" and the query API's /api/traces response,
// {"data": [{"traceID", "spans": [...], "processes": {...}}]}. A record is one data[] element,
// which is one whole trace.
#include "trace_import_internal.h"

namespace tracesim::sim::import_internal {
namespace {

using nlohmann::json;
using pipeline::SpanKind;
using pipeline::SpanStatus;

// Jaeger writes ids without leading zeros in some versions (fmt "%x"): 1..32 / 1..16 digits.
Status RequireJaegerId(const json& obj, std::string_view key, const std::string& path, size_t width,
                       std::string* out) {
  std::string raw;
  if (Status s = RequireString(obj, key, path, &raw); !s.ok()) return s;
  std::string why;
  std::optional<std::string> id = NormalizeHexId(raw, 1, width, &why);
  if (!id) return Status::InvalidArgument(path + ": bad id \"" + raw + "\": " + why);
  *out = std::move(*id);
  return Status::Ok();
}

// The parent, as Jaeger's model.Span.ParentSpanID(): the first CHILD_OF reference to the same
// trace, else the first FOLLOWS_FROM reference to the same trace, else none.
Status ParseParent(const json& span, const std::string& path, const std::string& trace_id,
                   std::string* parent) {
  parent->clear();
  const json* refs = Member(span, "references");
  if (refs == nullptr) return Status::Ok();
  if (!refs->is_array())
    return Status::InvalidArgument(path + ".references must be an array, got " + TypeName(*refs));
  std::string follows_from;
  for (size_t i = 0; i < refs->size(); ++i) {
    const json& ref = (*refs)[i];
    const std::string ref_path = path + ".references[" + std::to_string(i) + "]";
    if (!ref.is_object())
      return Status::InvalidArgument(ref_path + " must be an object, got " + TypeName(ref));
    std::string ref_type, span_id, ref_trace = trace_id;
    if (Status s = RequireString(ref, "refType", ref_path + ".refType", &ref_type); !s.ok()) return s;
    if (ref_type != "CHILD_OF" && ref_type != "FOLLOWS_FROM") {
      return Status::InvalidArgument(ref_path + ".refType \"" + ref_type +
                                     "\" is not CHILD_OF or FOLLOWS_FROM");
    }
    if (Status s = RequireJaegerId(ref, "spanID", ref_path + ".spanID", 16, &span_id); !s.ok()) return s;
    if (Member(ref, "traceID") != nullptr) {
      if (Status s = RequireJaegerId(ref, "traceID", ref_path + ".traceID", 32, &ref_trace); !s.ok())
        return s;
    }
    if (ref_trace != trace_id) continue;  // a link to another trace, not a parent
    if (ref_type == "CHILD_OF") {
      *parent = span_id;
      return Status::Ok();
    }
    if (follows_from.empty()) follows_from = span_id;
  }
  *parent = follows_from;
  return Status::Ok();
}

// span.kind, error and otel.status_code tags.
Status ParseTags(const json& span, const std::string& path, RecordedSpan* out) {
  out->kind = SpanKind::kInternal;
  out->status = SpanStatus::kUnset;
  const json* tags = Member(span, "tags");
  if (tags == nullptr) return Status::Ok();
  if (!tags->is_array())
    return Status::InvalidArgument(path + ".tags must be an array, got " + TypeName(*tags));
  bool error_tag = false;
  for (size_t i = 0; i < tags->size(); ++i) {
    const json& tag = (*tags)[i];
    const std::string tag_path = path + ".tags[" + std::to_string(i) + "]";
    if (!tag.is_object())
      return Status::InvalidArgument(tag_path + " must be an object, got " + TypeName(tag));
    std::string key;
    if (Status s = RequireString(tag, "key", tag_path + ".key", &key); !s.ok()) return s;
    if (key != "span.kind" && key != "error" && key != "otel.status_code") continue;
    const json* value = Member(tag, "value");
    if (value == nullptr) return Status::InvalidArgument("missing " + tag_path + ".value");
    if (key == "error") {
      if (value->is_boolean()) {
        error_tag = value->get<bool>();
      } else if (value->is_string() && (*value == "true" || *value == "false")) {
        error_tag = *value == "true";
      } else {
        return Status::InvalidArgument(tag_path + ".value of tag \"error\" must be a boolean, got " +
                                       value->dump());
      }
      continue;
    }
    if (!value->is_string()) {
      return Status::InvalidArgument(tag_path + ".value of tag \"" + key + "\" must be a string, got " +
                                     TypeName(*value));
    }
    const std::string& v = value->get_ref<const std::string&>();
    if (key == "span.kind") {
      if (v == "server") {
        out->kind = SpanKind::kServer;
      } else if (v == "client") {
        out->kind = SpanKind::kClient;
      } else if (v == "producer") {
        out->kind = SpanKind::kProducer;
      } else if (v == "consumer") {
        out->kind = SpanKind::kConsumer;
      } else if (v == "internal") {
        out->kind = SpanKind::kInternal;
      } else {
        return Status::InvalidArgument(tag_path + ": span.kind \"" + v +
                                       "\" is not server, client, producer, consumer or internal");
      }
    } else if (v == "OK") {
      if (out->status != SpanStatus::kError) out->status = SpanStatus::kOk;
    } else if (v == "ERROR") {
      out->status = SpanStatus::kError;
    } else if (v != "UNSET") {
      return Status::InvalidArgument(tag_path + ": otel.status_code \"" + v + "\" is not OK, ERROR or UNSET");
    }
  }
  if (error_tag) out->status = SpanStatus::kError;
  return Status::Ok();
}

Status ParseService(const json& span, const std::string& path, const json* processes, std::string* service) {
  const json* process_id = Member(span, "processID");
  const json* process = nullptr;
  std::string process_path;
  if (process_id != nullptr) {
    if (!process_id->is_string()) {
      return Status::InvalidArgument(path + ".processID must be a string, got " + TypeName(*process_id));
    }
    const std::string& pid = process_id->get_ref<const std::string&>();
    process = processes == nullptr ? nullptr : Member(*processes, pid);
    if (process == nullptr) {
      return Status::InvalidArgument(path + ".processID \"" + pid + "\" is not in the trace's processes");
    }
    process_path = "processes." + pid;
  } else {
    process = Member(span, "process");  // older exports embed the process in the span
    if (process == nullptr) return Status::InvalidArgument("missing " + path + ".processID");
    process_path = path + ".process";
  }
  if (!process->is_object()) {
    return Status::InvalidArgument(process_path + " must be an object, got " + TypeName(*process));
  }
  return RequireString(*process, "serviceName", process_path + ".serviceName", service);
}

Status ParseSpan(const json& span, const std::string& path, const std::string& trace_id,
                 const json* processes, RecordedSpan* out) {
  if (!span.is_object()) return Status::InvalidArgument(path + " must be an object, got " + TypeName(span));
  if (Status s = RequireJaegerId(span, "traceID", path + ".traceID", 32, &out->trace_id); !s.ok()) return s;
  if (out->trace_id != trace_id) {
    return Status::InvalidArgument(path + ".traceID " + out->trace_id + " differs from the trace's traceID " +
                                   trace_id);
  }
  if (Status s = RequireJaegerId(span, "spanID", path + ".spanID", 16, &out->span_id); !s.ok()) return s;
  if (Status s = RequireString(span, "operationName", path + ".operationName", &out->operation); !s.ok())
    return s;
  if (Status s = ParseParent(span, path, trace_id, &out->parent_span_id); !s.ok()) return s;
  if (Status s = ParseTags(span, path, out); !s.ok()) return s;
  if (Status s = ParseService(span, path, processes, &out->service); !s.ok()) return s;
  int64_t start_us = 0, duration_us = 0;
  if (Status s = RequireInt64(span, "startTime", path + ".startTime", &start_us); !s.ok()) return s;
  if (Status s = RequireInt64(span, "duration", path + ".duration", &duration_us); !s.ok()) return s;
  if (start_us < 0) {
    return Status::InvalidArgument(path + ".startTime must not be negative: " + std::to_string(start_us));
  }
  if (duration_us < 0) {
    return Status::InvalidArgument("span " + out->span_id + ": negative duration (duration " +
                                   std::to_string(duration_us) + " us)");
  }
  if (Status s = MicrosToNanos(start_us, path + ".startTime", &out->start_ns); !s.ok()) return s;
  if (Status s = MicrosToNanos(duration_us, path + ".duration", &out->duration_ns); !s.ok()) return s;
  return Status::Ok();
}

Status ImportTrace(const json& t, uint64_t record, const std::string& file, TraceAssembler& assembler) {
  auto fail = [&](const Status& s) { return RecordError(file, record, s.message()); };
  if (!t.is_object())
    return RecordError(file, record, "a data[] element must be an object, got " + TypeName(t));
  std::string trace_id;
  if (Status s = RequireJaegerId(t, "traceID", "traceID", 32, &trace_id); !s.ok()) return fail(s);
  const json* spans = Member(t, "spans");
  if (spans == nullptr) return RecordError(file, record, "missing spans");
  if (!spans->is_array()) return RecordError(file, record, "spans must be an array, got " + TypeName(*spans));
  const json* processes = Member(t, "processes");
  if (processes != nullptr && !processes->is_object()) {
    return RecordError(file, record, "processes must be an object, got " + TypeName(*processes));
  }
  for (size_t i = 0; i < spans->size(); ++i) {
    RecordedSpan span;
    if (Status s = ParseSpan((*spans)[i], "spans[" + std::to_string(i) + "]", trace_id, processes, &span);
        !s.ok()) {
      return fail(s);
    }
    if (Status s = assembler.Add(std::move(span), record); !s.ok()) return s;
  }
  return assembler.FlushAll();  // a data[] element is a whole trace
}

}  // namespace

Status ImportJaegerJson(std::istream& in, const ImportContext& ctx) {
  TraceAssembler assembler(ctx.file, ctx.options, ctx.sink, /*merge_duplicate_spans=*/false);
  uint64_t next_record = 1;
  std::optional<JsonSyntaxError> syntax;
  json root;
  Status s = StreamJsonRecords(
      in, ctx.file_size, "data", &next_record,
      [&](uint64_t record, json& element) { return ImportTrace(element, record, ctx.file, assembler); },
      &syntax, &root);
  if (!s.ok()) return s;
  if (syntax) return JsonSyntaxStatus(ctx.file, *syntax);
  if (!root.is_object()) {
    return Status::InvalidArgument(ctx.file + ": the top-level value must be an object with \"data\", got " +
                                   TypeName(root));
  }
  const json* data = Member(root, "data");
  if (data == nullptr) return Status::InvalidArgument(ctx.file + ": missing top-level \"data\" array");
  if (!data->is_array()) {
    return Status::InvalidArgument(ctx.file + ": \"data\" must be an array, got " + TypeName(*data));
  }
  return assembler.FlushAll();
}

}  // namespace tracesim::sim::import_internal
