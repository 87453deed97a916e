// Alibaba microservices call-graph CSV importer (cluster-trace-microservices-v2021 MSCallGraph and
// v2022 CallGraph). Read line by line; a record is one CSV line, numbered from 1 (the header).
// Each line is one call um -> dm and becomes one span of dm; see docs/trace-import.md.
#include <charconv>
#include <cmath>
#include <limits>

#include "trace_import_internal.h"

namespace tracesim::sim::import_internal {
namespace {

using pipeline::SpanKind;

enum Column { kTraceId, kTimestamp, kRpcId, kUm, kRpcType, kDm, kInterface, kRt, kColumnCount };
constexpr std::string_view kColumnNames[kColumnCount] = {"traceid", "timestamp", "rpcid",     "um",
                                                         "rpctype", "dm",        "interface", "rt"};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Splits one CSV line (RFC 4180 quoting within the line; a quoted field may not hold a newline).
bool SplitCsv(std::string_view line, std::vector<std::string>* fields, std::string* why) {
  fields->clear();
  size_t i = 0;
  while (true) {
    std::string field;
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size()) {
          *why = "unterminated quoted field " + std::to_string(fields->size() + 1);
          return false;
        }
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(line[i++]);
      }
      if (i < line.size() && line[i] != ',') {
        *why = "unexpected text after the closing quote of field " + std::to_string(fields->size() + 1);
        return false;
      }
    } else {
      size_t comma = line.find(',', i);
      if (comma == std::string_view::npos) comma = line.size();
      field.assign(line.substr(i, comma - i));
      i = comma;
    }
    fields->push_back(std::move(field));
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

bool ValidRpcId(std::string_view rpcid) {
  if (rpcid.empty() || rpcid.front() == '.' || rpcid.back() == '.') return false;
  for (size_t i = 0; i < rpcid.size(); ++i) {
    char c = rpcid[i];
    if (c == '.') {
      if (rpcid[i - 1] == '.') return false;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

// A decimal number of milliseconds ("13", "2.0", "-7"), converted to nanoseconds.
bool ParseMillis(std::string_view text, int64_t* ns) {
  double ms = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(ms))
    return false;
  const double v = std::round(ms * 1e6);
  if (std::fabs(v) >= 9.2e18) return false;
  *ns = static_cast<int64_t>(v);
  return true;
}

std::string SpanIdOf(std::string_view traceid, std::string_view rpcid) {
  std::string key;
  key.reserve(traceid.size() + 1 + rpcid.size());
  key.append(traceid).push_back('\0');
  key.append(rpcid);
  const uint64_t h = Fnv1a64(key);
  return Hex16(h == 0 ? 1 : h);  // 0 is not a valid span id
}

std::string TraceIdOf(std::string_view traceid) {
  pipeline::TraceId id = Fnv1a128(traceid);
  if (!id.IsValid()) id.lo = 1;
  return id.ToHex();
}

class AlibabaReader {
 public:
  explicit AlibabaReader(const ImportContext& ctx)
      : ctx_(ctx),
        downstream_view_(ctx.options.alibaba_negative_rt == AlibabaNegativeRt::kDownstreamView),
        assembler_(ctx.file, ctx.options, ctx.sink, /*merge_duplicate_spans=*/downstream_view_) {}

  Status Run(std::istream& in) {
    std::string line;
    uint64_t line_no = 0;
    std::vector<std::string> fields;
    while (std::getline(in, line)) {
      ++line_no;
      if (in.eof()) {
        return TruncatedError(ctx_.file, "line " + std::to_string(line_no) +
                                             " is not terminated by a newline (a partial last line)");
      }
      if (line_no == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);  // UTF-8 byte order mark
      if (Trim(line).empty()) {
        if (line_no == 1) return RecordError(ctx_.file, 1, "missing the CSV header");
        continue;
      }
      std::string why;
      if (!SplitCsv(Trim(line), &fields, &why)) return RecordError(ctx_.file, line_no, why);
      Status s = line_no == 1 ? ReadHeader(fields) : ReadRow(fields, line_no);
      if (!s.ok()) return s;
    }
    if (in.bad()) return Status::Internal(ctx_.file + ": read error");
    if (line_no == 0) return TruncatedError(ctx_.file, "empty file, no CSV header");
    return assembler_.FlushAll();
  }

 private:
  Status ReadHeader(const std::vector<std::string>& names) {
    header_size_ = names.size();
    for (size_t c = 0; c < kColumnCount; ++c) column_[c] = SIZE_MAX;
    for (size_t i = 0; i < names.size(); ++i) {
      std::string name(Trim(names[i]));
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (name == "rpc_id") name = "rpcid";  // the v2022 spelling
      for (size_t c = 0; c < kColumnCount; ++c) {
        if (name != kColumnNames[c]) continue;
        if (column_[c] != SIZE_MAX) {
          return RecordError(ctx_.file, 1, "the header names column \"" + name + "\" twice");
        }
        column_[c] = i;
      }
    }
    for (size_t c = 0; c < kColumnCount; ++c) {
      if (column_[c] == SIZE_MAX) {
        return RecordError(
            ctx_.file, 1,
            "the header lacks column \"" + std::string(kColumnNames[c]) +
                "\" (required: traceid, timestamp, rpcid or rpc_id, um, rpctype, dm, interface, rt)");
      }
    }
    return Status::Ok();
  }

  Status ReadRow(const std::vector<std::string>& f, uint64_t line_no) {
    auto fail = [&](const std::string& what) { return RecordError(ctx_.file, line_no, what); };
    if (f.size() != header_size_) {
      return fail("expected " + std::to_string(header_size_) + " fields as in the header, got " +
                  std::to_string(f.size()));
    }
    auto field = [&](Column c) { return Trim(f[column_[c]]); };
    const std::string_view traceid = field(kTraceId), rpcid = field(kRpcId), dm = field(kDm);
    const std::string_view rpctype = field(kRpcType), interface = field(kInterface);
    if (traceid.empty()) return fail("missing traceid");
    if (rpcid.empty()) return fail("missing rpcid");
    if (!ValidRpcId(rpcid)) {
      return fail("bad rpcid \"" + std::string(rpcid) +
                  "\": expected dot-separated decimal numbers such as 0.1.2");
    }
    if (dm.empty()) return fail("missing dm");

    std::string type(rpctype);
    for (char& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (type != "rpc" && type != "http" && type != "mq" && type != "db" && type != "mc" &&
        type != "unknown" && !type.empty()) {
      return fail("rpctype \"" + std::string(rpctype) + "\" is not rpc, http, mq, db, mc or UNKNOWN");
    }

    RecordedSpan span;
    span.trace_id = TraceIdOf(traceid);
    span.span_id = SpanIdOf(traceid, rpcid);
    const size_t dot = rpcid.rfind('.');
    if (dot != std::string_view::npos) span.parent_span_id = SpanIdOf(traceid, rpcid.substr(0, dot));
    span.service = std::string(dm);
    span.operation = std::string(!interface.empty() ? interface : rpctype);
    span.kind = type == "mq" ? SpanKind::kConsumer : SpanKind::kServer;
    std::string label = "rpcid " + std::string(rpcid) + ", traceid " + std::string(traceid);

    const std::string_view timestamp = field(kTimestamp), rt = field(kRt);
    if (timestamp.empty()) return fail("missing timestamp");
    if (!ParseMillis(timestamp, &span.start_ns)) {
      return fail("timestamp \"" + std::string(timestamp) + "\" is not a number of milliseconds");
    }
    if (span.start_ns < 0) return fail("negative timestamp " + std::string(timestamp));
    if (rt.empty()) return fail("span " + span.span_id + " (" + label + "): missing rt");
    if (!ParseMillis(rt, &span.duration_ns)) {
      return fail("rt \"" + std::string(rt) + "\" is not a number of milliseconds");
    }
    if (span.duration_ns < 0) {
      if (!downstream_view_) {
        return fail("span " + span.span_id + " (" + label + "): negative duration (rt " + std::string(rt) +
                    " ms; a downstream-side record: see AlibabaNegativeRt::kDownstreamView)");
      }
      span.duration_ns = -span.duration_ns;
    }
    return assembler_.Add(std::move(span), line_no, std::move(label));
  }

  const ImportContext& ctx_;
  const bool downstream_view_;
  TraceAssembler assembler_;
  size_t header_size_ = 0;
  size_t column_[kColumnCount] = {};
};

}  // namespace

Status ImportAlibabaCsv(std::istream& in, const ImportContext& ctx) { return AlibabaReader(ctx).Run(in); }

}  // namespace tracesim::sim::import_internal
