// Format names and detection, the ImportTraces dispatcher, and the machinery shared by the
// per-format importers (trace_import_internal.h).
#include "tracesim/sim/trace_import.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>

#include "trace_import_internal.h"

namespace tracesim::sim {

using import_internal::ImportContext;

namespace import_internal {

Status RecordError(const std::string& file, uint64_t record, std::string_view what) {
  return Status::InvalidArgument(file + ": record " + std::to_string(record) + ": " + std::string(what));
}

Status TruncatedError(const std::string& file, std::string_view what) {
  return Status::InvalidArgument(file + ": truncated: " + std::string(what));
}

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> NormalizeHexId(std::string_view hex, size_t min_digits, size_t width,
                                          std::string* why) {
  if (hex.size() < min_digits || hex.size() > width) {
    *why = min_digits == width
               ? "expected " + std::to_string(width) + " hex digits, got " + std::to_string(hex.size())
               : "expected " + std::to_string(min_digits) + " to " + std::to_string(width) +
                     " hex digits, got " + std::to_string(hex.size());
    return std::nullopt;
  }
  std::string out(width - hex.size(), '0');
  out.reserve(width);
  bool all_zero = true;
  for (char c : hex) {
    int d = HexDigit(c);
    if (d < 0) {
      *why = std::string("'") + c + "' is not a hex digit";
      return std::nullopt;
    }
    if (d != 0) all_zero = false;
    out.push_back("0123456789abcdef"[d]);
  }
  if (all_zero) {
    *why = "all zeros is not a valid id";
    return std::nullopt;
  }
  return out;
}

uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

pipeline::TraceId Fnv1a128(std::string_view bytes) {
  using u128 = unsigned __int128;
  const u128 kPrime = (static_cast<u128>(1) << 88) | 0x13B;
  u128 h = (static_cast<u128>(0x6c62272e07bb0142ULL) << 64) | 0x62b821756295c58dULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= kPrime;
  }
  return pipeline::TraceId{static_cast<uint64_t>(h >> 64), static_cast<uint64_t>(h)};
}

std::string Hex16(uint64_t v) { return pipeline::SpanId{v}.ToHex(); }

// ---------------------------------------------------------------------------------------------
// TraceAssembler

TraceAssembler::TraceAssembler(const std::string& file, const TraceImportOptions& options,
                               const TraceSink& sink, bool merge_duplicate_spans)
    : file_(file), options_(options), sink_(sink), merge_duplicate_spans_(merge_duplicate_spans) {}

Status TraceAssembler::Add(RecordedSpan span, uint64_t record, std::string label) {
  auto it = open_.find(span.trace_id);
  if (it == open_.end()) {
    const pipeline::TraceId id = *pipeline::TraceId::FromHex(span.trace_id);
    if (delivered_.count(id) != 0) {
      return RecordError(file_, record,
                         "trace " + span.trace_id +
                             " reappears after the trace was complete: the records of a trace must lie "
                             "within " +
                             std::to_string(options_.max_open_traces) +
                             " open traces of each other (group the file by trace id, or raise "
                             "max_open_traces)");
    }
    if (open_.size() >= options_.max_open_traces) {
      auto oldest = open_.find(open_order_.front());
      OpenTrace done = std::move(oldest->second);
      open_.erase(oldest);
      open_order_.pop_front();
      if (Status s = Deliver(std::move(done)); !s.ok()) return s;
    }
    open_order_.push_back(span.trace_id);
    it = open_.emplace(span.trace_id, OpenTrace{}).first;
    it->second.trace.trace_id = span.trace_id;
  }
  OpenTrace& open = it->second;
  if (!label.empty() && open.labels.empty()) open.labels.resize(open.trace.spans.size());
  if (!open.labels.empty()) open.labels.push_back(std::move(label));
  open.trace.spans.push_back(std::move(span));
  open.records.push_back(record);
  return Status::Ok();
}

Status TraceAssembler::FlushAll() {
  while (!open_order_.empty()) {
    auto it = open_.find(open_order_.front());
    OpenTrace done = std::move(it->second);
    open_.erase(it);
    open_order_.pop_front();
    if (Status s = Deliver(std::move(done)); !s.ok()) return s;
  }
  return Status::Ok();
}

Status TraceAssembler::Deliver(OpenTrace&& open) {
  std::vector<RecordedSpan>& spans = open.trace.spans;
  const std::string& trace_id = open.trace.trace_id;
  const size_t n = spans.size();
  // Spans ordered by id; stable, so within a run of equal ids the first record comes first.
  std::vector<uint32_t> by_id(n);
  std::iota(by_id.begin(), by_id.end(), 0u);
  std::stable_sort(by_id.begin(), by_id.end(),
                   [&](uint32_t a, uint32_t b) { return spans[a].span_id < spans[b].span_id; });

  // The error of the earliest record wins, whatever its kind.
  uint64_t error_record = std::numeric_limits<uint64_t>::max();
  std::string error_what;
  auto note_error = [&](uint64_t record, std::string what) {
    if (record < error_record) {
      error_record = record;
      error_what = std::move(what);
    }
  };

  auto span_name = [&](uint32_t i) {
    std::string name = "span " + spans[i].span_id;
    if (!open.labels.empty() && !open.labels[i].empty()) name += " (" + open.labels[i] + ")";
    return name;
  };

  std::vector<bool> dropped(n, false);
  for (size_t k = 1, run_start = 0; k < n; ++k) {
    if (spans[by_id[k]].span_id != spans[by_id[run_start]].span_id) {
      run_start = k;
      continue;
    }
    const uint32_t later = by_id[k];
    if (merge_duplicate_spans_) {
      dropped[later] = true;
    } else {
      note_error(open.records[later], span_name(later) + ": duplicate span id in trace " + trace_id +
                                          " (first at record " +
                                          std::to_string(open.records[by_id[run_start]]) + ")");
    }
  }
  if (!options_.allow_missing_parents) {
    for (size_t i = 0; i < n; ++i) {
      const RecordedSpan& s = spans[i];
      if (dropped[i] || s.parent_span_id.empty()) continue;
      auto found = std::lower_bound(by_id.begin(), by_id.end(), s.parent_span_id,
                                    [&](uint32_t a, const std::string& id) { return spans[a].span_id < id; });
      if (found == by_id.end() || spans[*found].span_id != s.parent_span_id) {
        note_error(open.records[i], span_name(static_cast<uint32_t>(i)) + ": parent " + s.parent_span_id +
                                        " not found in trace " + trace_id);
      }
    }
  }
  if (error_record != std::numeric_limits<uint64_t>::max())
    return RecordError(file_, error_record, error_what);

  if (merge_duplicate_spans_) {
    size_t w = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!dropped[i]) {
        if (w != i) spans[w] = std::move(spans[i]);
        ++w;
      }
    }
    spans.resize(w);
  }
  delivered_.insert(*pipeline::TraceId::FromHex(trace_id));
  return sink_(std::move(open.trace));
}

// ---------------------------------------------------------------------------------------------
// Streaming JSON

namespace {

struct AbortParse {};

std::string ParseErrorDetail(const nlohmann::json::parse_error& e) {
  std::string_view what = e.what();
  constexpr std::string_view kMarker = "parse error ";
  size_t at = what.find(kMarker);
  return std::string(at == std::string_view::npos ? what : what.substr(at + kMarker.size()));
}

}  // namespace

Status StreamJsonRecords(std::istream& in, uint64_t input_size, std::string_view array_key,
                         uint64_t* next_record, const JsonRecordHandler& on_record,
                         std::optional<JsonSyntaxError>* syntax, nlohmann::json* root) {
  using Event = nlohmann::json::parse_event_t;
  const size_t record_depth = array_key.empty() ? 1 : 2;
  std::vector<char> stack;  // 'o' object, 'a' array: the open containers, root first
  std::string top_key;      // the last key read in the root object
  bool in_record = false;
  uint64_t current = *next_record - 1;
  Status handler_status;

  auto at_record_level = [&](int depth) {
    if (static_cast<size_t>(depth) != record_depth || stack.size() != record_depth) return false;
    if (array_key.empty()) return stack[0] == 'a';
    return stack[0] == 'o' && stack[1] == 'a' && top_key == array_key;
  };
  auto run_handler = [&](nlohmann::json& element) {
    Status s = on_record(current, element);
    if (!s.ok()) {
      handler_status = std::move(s);
      throw AbortParse{};
    }
  };

  nlohmann::json::parser_callback_t callback = [&](int depth, Event event, nlohmann::json& parsed) -> bool {
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        if (at_record_level(depth)) {
          in_record = true;
          current = (*next_record)++;
        }
        stack.push_back(event == Event::object_start ? 'o' : 'a');
        return true;
      case Event::key:
        if (depth == 1 && parsed.is_string()) top_key = parsed.get<std::string>();
        return true;
      case Event::object_end:
      case Event::array_end:
        stack.pop_back();
        if (in_record && at_record_level(depth)) {
          in_record = false;
          run_handler(parsed);
          return false;  // discard the element: memory stays bounded by one record
        }
        return true;
      case Event::value:
        if (at_record_level(depth)) {
          current = (*next_record)++;
          run_handler(parsed);
          return false;
        }
        return true;
    }
    return true;
  };

  try {
    *root = nlohmann::json::parse(in, callback, /*allow_exceptions=*/true, /*ignore_comments=*/false);
  } catch (const AbortParse&) {
    return handler_status;
  } catch (const nlohmann::json::parse_error& e) {
    JsonSyntaxError err;
    err.at_end_of_input = e.byte > input_size;
    err.inside_record = in_record;
    err.record = current;
    err.detail = ParseErrorDetail(e);
    *syntax = std::move(err);
  }
  return Status::Ok();
}

Status JsonSyntaxStatus(const std::string& file, const JsonSyntaxError& e) {
  if (e.at_end_of_input) {
    if (e.inside_record) {
      return TruncatedError(
          file, "the JSON document ends inside record " + std::to_string(e.record) + " (" + e.detail + ")");
    }
    return TruncatedError(file, "unterminated JSON document (" + e.detail + ")");
  }
  if (e.inside_record) return RecordError(file, e.record, "invalid JSON " + e.detail);
  if (e.record > 0) {
    return Status::InvalidArgument(file + ": after record " + std::to_string(e.record) + ": invalid JSON " +
                                   e.detail);
  }
  return Status::InvalidArgument(file + ": invalid JSON " + e.detail);
}

std::string TypeName(const nlohmann::json& j) {
  if (j.is_number_float()) return "a fractional number";
  if (j.is_number()) return "an integer";
  if (j.is_string()) return "a string";
  if (j.is_object()) return "an object";
  if (j.is_array()) return "an array";
  if (j.is_boolean()) return "a boolean";
  return "null";
}

const nlohmann::json* Member(const nlohmann::json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

Status FindIdString(const nlohmann::json& obj, std::string_view key, const std::string& path, bool optional,
                    const std::string** value) {
  *value = nullptr;
  const nlohmann::json* v = Member(obj, key);
  if (v == nullptr || (optional && v->is_string() && v->get_ref<const std::string&>().empty())) {
    return optional ? Status::Ok() : Status::InvalidArgument("missing " + path);
  }
  if (!v->is_string()) return Status::InvalidArgument(path + " must be a hex string, got " + TypeName(*v));
  *value = &v->get_ref<const std::string&>();
  return Status::Ok();
}

Status RequireString(const nlohmann::json& obj, std::string_view key, const std::string& path,
                     std::string* out) {
  const nlohmann::json* v = Member(obj, key);
  if (v == nullptr) return Status::InvalidArgument("missing " + path);
  if (!v->is_string()) return Status::InvalidArgument(path + " must be a string, got " + TypeName(*v));
  *out = v->get<std::string>();
  return Status::Ok();
}

Status RequireInt64(const nlohmann::json& obj, std::string_view key, const std::string& path, int64_t* out) {
  const nlohmann::json* v = Member(obj, key);
  if (v == nullptr) return Status::InvalidArgument("missing " + path);
  if (v->is_number_unsigned()) {
    uint64_t u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Status::InvalidArgument(path + " out of range: " + std::to_string(u));
    }
    *out = static_cast<int64_t>(u);
    return Status::Ok();
  }
  if (v->is_number_integer()) {
    *out = v->get<int64_t>();
    return Status::Ok();
  }
  return Status::InvalidArgument(path + " must be an integer, got " + TypeName(*v) +
                                 (v->is_number_float() ? " (" + v->dump() + ")" : ""));
}

Status MicrosToNanos(int64_t us, const std::string& path, int64_t* ns) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 1000;
  if (us > kMax || us < -kMax) return Status::InvalidArgument(path + " out of range: " + std::to_string(us));
  *ns = us * 1000;
  return Status::Ok();
}

}  // namespace import_internal

// ---------------------------------------------------------------------------------------------
// Format names and detection

const char* TraceFormatName(TraceFormat format) {
  switch (format) {
    case TraceFormat::kOtlpJson:
      return "otlp_json";
    case TraceFormat::kJaegerJson:
      return "jaeger_json";
    case TraceFormat::kZipkinJson:
      return "zipkin_json";
    case TraceFormat::kAlibabaCsv:
      return "alibaba_csv";
  }
  return "unknown";
}

StatusOr<TraceFormat> ParseTraceFormat(std::string_view name) {
  for (TraceFormat f : {TraceFormat::kOtlpJson, TraceFormat::kJaegerJson, TraceFormat::kZipkinJson,
                        TraceFormat::kAlibabaCsv}) {
    if (name == TraceFormatName(f)) return f;
  }
  return Status::InvalidArgument("unknown trace format '" + std::string(name) +
                                 "' (expected otlp_json, jaeger_json, zipkin_json or alibaba_csv)");
}

namespace {

Status OpenError(const std::string& path, int err) {
  return Status::NotFound(path + ": cannot open: " + std::strerror(err));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The first key of the JSON object starting at text[pos] == '{', or "" if it cannot be read.
std::string FirstJsonKey(std::string_view text, size_t pos) {
  ++pos;
  while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
  if (pos >= text.size() || text[pos] != '"') return "";
  size_t end = text.find('"', pos + 1);
  return end == std::string_view::npos ? "" : std::string(text.substr(pos + 1, end - pos - 1));
}

bool HeaderLooksAlibaba(std::string_view first_line) {
  bool traceid = false, rpcid = false;
  size_t start = 0;
  while (start <= first_line.size()) {
    size_t comma = first_line.find(',', start);
    if (comma == std::string_view::npos) comma = first_line.size();
    std::string name = Lower(Trim(first_line.substr(start, comma - start)));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    traceid |= name == "traceid";
    rpcid |= name == "rpcid" || name == "rpc_id";
    start = comma + 1;
  }
  return traceid && rpcid;
}

}  // namespace

StatusOr<TraceFormat> DetectTraceFormat(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return OpenError(path, errno);
  std::string head(64 * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
      static_cast<unsigned char>(head[1]) == 0x8b) {
    return Status::InvalidArgument(path + ": the file is gzip-compressed; decompress it first");
  }
  size_t pos = head.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;  // UTF-8 byte order mark
  while (pos < head.size() && std::isspace(static_cast<unsigned char>(head[pos]))) ++pos;
  if (pos >= head.size())
    return Status::InvalidArgument(path + ": empty file: cannot detect the trace format");

  const std::string ext = Lower(std::filesystem::path(path).extension().string());
  if (head[pos] == '[') return TraceFormat::kZipkinJson;
  if (head[pos] == '{') {
    const std::string key = FirstJsonKey(head, pos);
    if (key == "resourceSpans") return TraceFormat::kOtlpJson;
    if (key == "data") return TraceFormat::kJaegerJson;
    // The first key is something else: look for the distinguishing top-level keys further on.
    if (head.find("\"resourceSpans\"") != std::string::npos) return TraceFormat::kOtlpJson;
    if (head.find("\"data\"") != std::string::npos && head.find("\"traceID\"") != std::string::npos) {
      return TraceFormat::kJaegerJson;
    }
    if (ext == ".jsonl" || ext == ".ndjson") return TraceFormat::kOtlpJson;
    return Status::InvalidArgument(path +
                                   ": a JSON object with neither \"resourceSpans\" (OTLP JSON) nor \"data\" "
                                   "(Jaeger JSON) in its first 64 KiB: cannot detect the trace format");
  }
  const size_t eol = head.find('\n', pos);
  const std::string_view first_line =
      std::string_view(head).substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
  if (HeaderLooksAlibaba(first_line)) return TraceFormat::kAlibabaCsv;
  if (ext == ".csv") {
    return Status::InvalidArgument(path +
                                   ": CSV header lacks the Alibaba call-graph columns traceid and rpcid (or "
                                   "rpc_id): cannot detect the trace format");
  }
  return Status::InvalidArgument(path +
                                 ": neither JSON (OTLP, Jaeger, Zipkin) nor an Alibaba call-graph CSV: "
                                 "cannot detect the trace format");
}

// ---------------------------------------------------------------------------------------------
// Dispatch

Status ImportTraces(const std::string& path, TraceFormat format, const TraceImportOptions& options,
                    const TraceSink& sink) {
  if (options.max_open_traces == 0) {
    return Status::InvalidArgument("TraceImportOptions::max_open_traces must be at least 1");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return OpenError(path, errno);
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return Status::NotFound(path + ": cannot read size: " + ec.message());
  const ImportContext ctx{path, size, options, sink};
  switch (format) {
    case TraceFormat::kOtlpJson:
      return import_internal::ImportOtlpJson(in, ctx);
    case TraceFormat::kJaegerJson:
      return import_internal::ImportJaegerJson(in, ctx);
    case TraceFormat::kZipkinJson:
      return import_internal::ImportZipkinJson(in, ctx);
    case TraceFormat::kAlibabaCsv:
      return import_internal::ImportAlibabaCsv(in, ctx);
  }
  return Status::InvalidArgument("unknown trace format");
}

Status ImportTraces(const std::string& path, TraceFormat format, const TraceSink& sink) {
  return ImportTraces(path, format, TraceImportOptions{}, sink);
}

}  // namespace tracesim::sim
