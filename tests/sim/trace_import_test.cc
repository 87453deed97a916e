// Trace importers: OTLP JSON, Jaeger JSON, Zipkin v2 JSON on hand-written sample files, the
// malformed cases of each, format detection, and the grouping buffer shared by all formats.
#include "tracesim/sim/trace_import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "trace_import_internal.h"

namespace tracesim::sim {
namespace {

using pipeline::SpanKind;
using pipeline::SpanStatus;
using ::testing::HasSubstr;

std::string DataPath(const std::string& name) {
  return std::string(TRACESIM_SOURCE_DIR) + "/tests/data/traces/" + name;
}

std::string WriteTemp(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

StatusOr<std::vector<RecordedTrace>> ImportAll(const std::string& path, TraceFormat format,
                                               const TraceImportOptions& options = {}) {
  std::vector<RecordedTrace> traces;
  Status s = ImportTraces(path, format, options, [&](RecordedTrace&& t) {
    traces.push_back(std::move(t));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return traces;
}

// The error of importing `name` from tests/data/traces.
std::string ImportError(const std::string& path, TraceFormat format, const TraceImportOptions& options = {}) {
  auto r = ImportAll(path, format, options);
  EXPECT_FALSE(r.ok()) << path << " imported without error";
  return r.ok() ? "" : r.status().message();
}

RecordedSpan Span(std::string trace_id, std::string span_id, std::string parent, std::string service,
                  std::string operation, SpanKind kind, SpanStatus status, int64_t start_ns,
                  int64_t duration_ns) {
  return RecordedSpan{std::move(trace_id),
                      std::move(span_id),
                      std::move(parent),
                      std::move(service),
                      std::move(operation),
                      kind,
                      status,
                      start_ns,
                      duration_ns};
}

// ---------------------------------------------------------------------------------------------
// OTLP JSON

void ExpectOtlpSample(const std::vector<RecordedTrace>& traces) {
  const std::string a = "5b8efff798038103d269b633813fc60c";
  const std::string b = "0af7651916cd43dd8448eb211c80319c";
  ASSERT_EQ(traces.size(), 2u);
  EXPECT_EQ(traces[0].trace_id, a);
  EXPECT_EQ(traces[1].trace_id, b);
  const std::vector<RecordedSpan> want_a = {
      Span(a, "eee19b7ec3c1b174", "", "frontend", "GET /checkout", SpanKind::kServer, SpanStatus::kUnset,
           1700000000000000000, 250000000),
      Span(a, "eee19b7ec3c1b175", "eee19b7ec3c1b174", "frontend", "POST /charge", SpanKind::kClient,
           SpanStatus::kError, 1700000000010000000, 190000000),
      Span(a, "eee19b7ec3c1b176", "eee19b7ec3c1b175", "payments", "charge", SpanKind::kServer,
           SpanStatus::kError, 1700000000020000000, 170000000),
      Span(a, "eee19b7ec3c1b177", "eee19b7ec3c1b176", "payments", "db.query", SpanKind::kInternal,
           SpanStatus::kOk, 1700000000030000000, 50000000),
  };
  const std::vector<RecordedSpan> want_b = {
      Span(b, "b7ad6b7169203331", "", "frontend", "GET /home", SpanKind::kServer, SpanStatus::kUnset,
           1700000001000000000, 120000000),
      Span(b, "b7ad6b7169203332", "b7ad6b7169203331", "frontend", "GET /recommendations", SpanKind::kClient,
           SpanStatus::kUnset, 1700000001005000000, 95000000),
      Span(b, "b7ad6b7169203333", "b7ad6b7169203332", "recommender", "recommend", SpanKind::kServer,
           SpanStatus::kOk, 1700000001010000000, 85000000),
      Span(b, "b7ad6b7169203334", "b7ad6b7169203333", "recommender", "cache.get", SpanKind::kInternal,
           SpanStatus::kUnset, 1700000001011000000, 500000),
  };
  EXPECT_EQ(traces[0].spans, want_a);
  EXPECT_EQ(traces[1].spans, want_b);
}

TEST(OtlpJsonImport, SampleDocumentEveryField) {
  auto traces = ImportAll(DataPath("otlp_sample.json"), TraceFormat::kOtlpJson);
  ASSERT_TRUE(traces.ok()) << traces.status().message();
  ExpectOtlpSample(*traces);
}

TEST(OtlpJsonImport, JsonLinesGroupsATraceAcrossLines) {
  auto traces = ImportAll(DataPath("otlp_sample.jsonl"), TraceFormat::kOtlpJson);
  ASSERT_TRUE(traces.ok()) << traces.status().message();
  ExpectOtlpSample(*traces);
}

TEST(OtlpJsonImport, PreOneZeroInstrumentationLibrarySpansAndDefaultService) {
  const std::string path = WriteTemp("otlp_old.json", R"({"resourceSpans":[{"resource":{"attributes":[]},
    "instrumentationLibrarySpans":[{"spans":[{"traceId":"0123456789abcdef0123456789abcdef",
    "spanId":"0123456789abcdef","name":"op","startTimeUnixNano":5,"endTimeUnixNano":9}]}]}]})");
  auto traces = ImportAll(path, TraceFormat::kOtlpJson);
  ASSERT_TRUE(traces.ok()) << traces.status().message();
  ASSERT_EQ(traces->size(), 1u);
  EXPECT_EQ((*traces)[0].spans[0],
            Span("0123456789abcdef0123456789abcdef", "0123456789abcdef", "", "unknown_service", "op",
                 SpanKind::kInternal, SpanStatus::kUnset, 5, 4));
}

TEST(OtlpJsonImport, BadHexIdNamesFileRecordAndField) {
  const std::string path = DataPath("otlp_bad_hex.json");
  EXPECT_EQ(
      ImportError(path, TraceFormat::kOtlpJson),
      path +
          ": record 2: scopeSpans[0].spans[1].spanId: bad id \"eee19b7ec3c1b17g\": 'g' is not a hex digit");
}

TEST(OtlpJsonImport, MissingParent) {
  const std::string path = DataPath("otlp_missing_parent.json");
  EXPECT_EQ(ImportError(path, TraceFormat::kOtlpJson),
            path +
                ": record 2: span eee19b7ec3c1b175: parent 00000000000000aa not found in trace "
                "5b8efff798038103d269b633813fc60c");
}

TEST(OtlpJsonImport, MissingParentToleratedKeepsTheOrphan) {
  TraceImportOptions options;
  options.allow_missing_parents = true;
  auto traces = ImportAll(DataPath("otlp_missing_parent.json"), TraceFormat::kOtlpJson, options);
  ASSERT_TRUE(traces.ok()) << traces.status().message();
  ASSERT_EQ(traces->size(), 1u);
  ASSERT_EQ((*traces)[0].spans.size(), 2u);
  EXPECT_EQ((*traces)[0].spans[1].parent_span_id, "00000000000000aa");
}

TEST(OtlpJsonImport, NegativeDuration) {
  const std::string path = DataPath("otlp_negative_duration.json");
  EXPECT_EQ(ImportError(path, TraceFormat::kOtlpJson),
            path +
                ": record 2: span eee19b7ec3c1b175: negative duration (endTimeUnixNano 1700000000100000000 < "
                "startTimeUnixNano 1700000000200000000)");
}

TEST(OtlpJsonImport, WrongTypeAndMissingField) {
  const std::string wrong = DataPath("otlp_wrong_type.json");
  EXPECT_EQ(ImportError(wrong, TraceFormat::kOtlpJson),
            wrong +
                ": record 2: scopeSpans[0].spans[0].startTimeUnixNano must be a string or an integer of "
                "nanoseconds, got a boolean");
  const std::string missing = DataPath("otlp_missing_field.json");
  EXPECT_EQ(ImportError(missing, TraceFormat::kOtlpJson),
            missing + ": record 2: missing scopeSpans[0].spans[0].name");
}

TEST(OtlpJsonImport, TruncatedDocument) {
  const std::string path = DataPath("otlp_truncated.json");
  std::string error = ImportError(path, TraceFormat::kOtlpJson);
  EXPECT_THAT(error, HasSubstr(path + ": truncated: the JSON document ends inside record 2 ("));
  EXPECT_THAT(error, HasSubstr("unexpected end of input"));
}

TEST(OtlpJsonImport, TruncatedLastJsonLine) {
  const std::string path = DataPath("otlp_truncated.jsonl");
  EXPECT_THAT(ImportError(path, TraceFormat::kOtlpJson),
              HasSubstr(path + ": truncated: the last line (2) ends inside a JSON value ("));
}

TEST(OtlpJsonImport, SyntaxErrorInsideARecord) {
  const std::string path =
      WriteTemp("otlp_syntax.json", R"({"resourceSpans":[{"scopeSpans":[]},{"scopeSpans":[,]}]})");
  EXPECT_THAT(ImportError(path, TraceFormat::kOtlpJson),
              HasSubstr(path + ": record 2: invalid JSON at line 1"));
}

TEST(OtlpJsonImport, SyntaxErrorOnAMiddleJsonLine) {
  const std::string line1 = R"({"resourceSpans":[{"scopeSpans":[]}]})";
  const std::string path = WriteTemp(
      "otlp_mid.jsonl", line1 + "\n" + R"({"resourceSpans":[{"scopeSpans":[}]})" + "\n" + line1 + "\n");
  EXPECT_THAT(ImportError(path, TraceFormat::kOtlpJson),
              HasSubstr(path + ": record 2: invalid JSON on line 2 at column 34: syntax error"));
}

TEST(OtlpJsonImport, KindAndStatusOutOfRange) {
  const std::string kind = WriteTemp("otlp_kind.json", R"({"resourceSpans":[{"scopeSpans":[{"spans":[
    {"traceId":"0123456789abcdef0123456789abcdef","spanId":"0123456789abcdef","name":"op","kind":7,
     "startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]})");
  EXPECT_EQ(ImportError(kind, TraceFormat::kOtlpJson),
            kind + ": record 1: scopeSpans[0].spans[0].kind 7 is not 0..5");
  const std::string status = WriteTemp("otlp_status.json", R"({"resourceSpans":[{"scopeSpans":[{"spans":[
    {"traceId":"0123456789abcdef0123456789abcdef","spanId":"0123456789abcdef","name":"op",
     "startTimeUnixNano":"1","endTimeUnixNano":"2","status":{"code":"BROKEN"}}]}]}]})");
  EXPECT_EQ(ImportError(status, TraceFormat::kOtlpJson),
            status + ": record 1: scopeSpans[0].spans[0].status.code \"BROKEN\" is not a STATUS_CODE_* name");
}

TEST(OtlpJsonImport, AllZeroAndShortIdsAreRejected) {
  const std::string zero = WriteTemp("otlp_zero.json", R"({"resourceSpans":[{"scopeSpans":[{"spans":[
    {"traceId":"00000000000000000000000000000000","spanId":"0123456789abcdef","name":"op",
     "startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]})");
  EXPECT_EQ(
      ImportError(zero, TraceFormat::kOtlpJson),
      zero +
          ": record 1: scopeSpans[0].spans[0].traceId: bad id \"00000000000000000000000000000000\": all "
          "zeros is not a valid id");
  const std::string shortid = WriteTemp("otlp_short.json", R"({"resourceSpans":[{"scopeSpans":[{"spans":[
    {"traceId":"0123456789abcdef","spanId":"0123456789abcdef","name":"op",
     "startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]})");
  EXPECT_EQ(ImportError(shortid, TraceFormat::kOtlpJson),
            shortid +
                ": record 1: scopeSpans[0].spans[0].traceId: bad id \"0123456789abcdef\": expected 32 hex "
                "digits, got 16");
}

TEST(OtlpJsonImport, WrongTopLevel) {
  const std::string path = WriteTemp("otlp_top.json", R"({"resourceSpans":{"a":1}})");
  EXPECT_EQ(ImportError(path, TraceFormat::kOtlpJson),
            path + ": \"resourceSpans\" must be an array, got an object");
  const std::string none = WriteTemp("otlp_none.json", R"({"spans":[]})");
  EXPECT_EQ(ImportError(none, TraceFormat::kOtlpJson), none + ": missing top-level \"resourceSpans\" array");
}

TEST(OtlpJsonImport, DuplicateSpanId) {
  const std::string path = WriteTemp("otlp_dup.json", R"({"resourceSpans":[{"scopeSpans":[{"spans":[
    {"traceId":"0123456789abcdef0123456789abcdef","spanId":"0123456789abcdef","name":"a",
     "startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]},{"scopeSpans":[{"spans":[
    {"traceId":"0123456789abcdef0123456789abcdef","spanId":"0123456789ABCDEF","name":"b",
     "startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]})");
  EXPECT_EQ(
      ImportError(path, TraceFormat::kOtlpJson),
      path +
          ": record 2: span 0123456789abcdef: duplicate span id in trace 0123456789abcdef0123456789abcdef "
          "(first at record 1)");
}

// ---------------------------------------------------------------------------------------------
// Jaeger JSON

TEST(JaegerJsonImport, SampleEveryField) {
  auto traces = ImportAll(DataPath("jaeger_sample.json"), TraceFormat::kJaegerJson);
  ASSERT_TRUE(traces.ok()) << traces.status().message();
  ASSERT_EQ(traces->size(), 2u);
  const std::string j = "3c1f9a2b7d4e5f60a1b2c3d4e5f60718";
  const std::string k = "00000000000000007d4e5f60a1b2c3d4";  // a 64-bit Jaeger trace id, left-padded
  EXPECT_EQ((*traces)[0].trace_id, j);
  EXPECT_EQ((*traces)[1].trace_id, k);
  const std::vector<RecordedSpan> want_j = {
      Span(j, "a1b2c3d4e5f60718", "", "frontend", "HTTP GET /dispatch", SpanKind::kServer, SpanStatus::kUnset,
           1700000002000000000, 730000000),
      Span(j, "a1b2c3d4e5f60719", "a1b2c3d4e5f60718", "frontend", "HTTP GET /customer", SpanKind::kClient,
           SpanStatus::kUnset, 1700000002001000000, 300000000),
      Span(j, "a1b2c3d4e5f6071a", "a1b2c3d4e5f60719", "customer", "/customer", SpanKind::kServer,
           SpanStatus::kError, 1700000002002000000, 298000000),
      // CHILD_OF wins over an earlier FOLLOWS_FROM (Jaeger's Span.ParentSpanID).
      Span(j, "a1b2c3d4e5f6071b", "a1b2c3d4e5f6071a", "mysql", "SQL SELECT", SpanKind::kClient,
           SpanStatus::kOk, 1700000002003000000, 290000000),
  };
  const std::vector<RecordedSpan> want_k = {
      Span(k, "1f2e3d4c5b6a7988", "", "route", "HTTP GET /route", SpanKind::kServer, SpanStatus::kUnset,
           1700000003000000000, 50000000),
      // FOLLOWS_FROM alone is the parent; the error tag as the string "true".
      Span(k, "2f2e3d4c5b6a7988", "1f2e3d4c5b6a7988", "route", "computeRoute", SpanKind::kInternal,
           SpanStatus::kError, 1700000003001000000, 45000000),
      // A short span id is left-padded; a reference to another trace is not the parent.
      Span(k, "000000000000003e", "2f2e3d4c5b6a7988", "route", "cacheLookup", SpanKind::kInternal,
           SpanStatus::kUnset, 1700000003002000000, 0),
  };
  EXPECT_EQ((*traces)[0].spans, want_j);
  EXPECT_EQ((*traces)[1].spans, want_k);
}

TEST(JaegerJsonImport, MissingParent) {
  const std::string path = DataPath("jaeger_missing_parent.json");
  EXPECT_EQ(ImportError(path, TraceFormat::kJaegerJson),
            path +
                ": record 2: span a1b2c3d4e5f60719: parent a1b2c3d4e5f607ff not found in trace "
                "3c1f9a2b7d4e5f60a1b2c3d4e5f60718");
  // The first trace, complete, was delivered before the error.
  std::vector<std::string> delivered;
  Status s = ImportTraces(path, TraceFormat::kJaegerJson, [&](RecordedTrace&& t) {
    delivered.push_back(t.trace_id);
    return Status::Ok();
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(delivered, std::vector<std::string>{"00000000000000007d4e5f60a1b2c3d4"});
}

TEST(JaegerJsonImport, WrongTypeUnknownProcessNegativeDuration) {
  const std::string wrong = DataPath("jaeger_wrong_type.json");
  EXPECT_EQ(ImportError(wrong, TraceFormat::kJaegerJson),
            wrong + ": record 2: spans[1].duration must be an integer, got a string");
  const std::string process = DataPath("jaeger_unknown_process.json");
  EXPECT_EQ(ImportError(process, TraceFormat::kJaegerJson),
            process + ": record 2: spans[1].processID \"p9\" is not in the trace's processes");
  const std::string negative = DataPath("jaeger_negative_duration.json");
  EXPECT_EQ(ImportError(negative, TraceFormat::kJaegerJson),
            negative + ": record 2: span a1b2c3d4e5f60719: negative duration (duration -5 us)");
}

TEST(JaegerJsonImport, Truncated) {
  const std::string path = DataPath("jaeger_truncated.json");
  EXPECT_THAT(ImportError(path, TraceFormat::kJaegerJson),
              HasSubstr(path + ": truncated: the JSON document ends inside record 2 ("));
}

TEST(JaegerJsonImport, SpanOfAnotherTraceAndDuplicateTrace) {
  const std::string other = WriteTemp("jaeger_other.json", R"({"data":[{"traceID":"aa","spans":[
    {"traceID":"bb","spanID":"01","operationName":"x","startTime":1,"duration":1,"processID":"p1"}],
    "processes":{"p1":{"serviceName":"s"}}}]})");
  EXPECT_EQ(
      ImportError(other, TraceFormat::kJaegerJson),
      other +
          ": record 1: spans[0].traceID 000000000000000000000000000000bb differs from the trace's traceID "
          "000000000000000000000000000000aa");
  const std::string twice = WriteTemp("jaeger_twice.json", R"({"data":[
    {"traceID":"aa","spans":[{"traceID":"aa","spanID":"01","operationName":"x","startTime":1,"duration":1,
      "process":{"serviceName":"s"}}]},
    {"traceID":"aa","spans":[{"traceID":"aa","spanID":"02","operationName":"y","startTime":1,"duration":1,
      "process":{"serviceName":"s"}}]}]})");
  EXPECT_THAT(
      ImportError(twice, TraceFormat::kJaegerJson),
      HasSubstr(twice + ": record 2: trace 000000000000000000000000000000aa reappears after the trace was "
                        "complete"));
}

TEST(JaegerJsonImport, UnknownSpanKindAndBadErrorTag) {
  const std::string kind = WriteTemp("jaeger_kind.json", R"({"data":[{"traceID":"aa","spans":[
    {"traceID":"aa","spanID":"01","operationName":"x","startTime":1,"duration":1,"processID":"p1",
     "tags":[{"key":"span.kind","type":"string","value":"rpc"}]}],"processes":{"p1":{"serviceName":"s"}}}]})");
  EXPECT_EQ(
      ImportError(kind, TraceFormat::kJaegerJson),
      kind +
          ": record 1: spans[0].tags[0]: span.kind \"rpc\" is not server, client, producer, consumer or "
          "internal");
  const std::string error = WriteTemp("jaeger_error.json", R"({"data":[{"traceID":"aa","spans":[
    {"traceID":"aa","spanID":"01","operationName":"x","startTime":1,"duration":1,"processID":"p1",
     "tags":[{"key":"error","type":"int64","value":1}]}],"processes":{"p1":{"serviceName":"s"}}}]})");
  EXPECT_EQ(ImportError(error, TraceFormat::kJaegerJson),
            error + ": record 1: spans[0].tags[0].value of tag \"error\" must be a boolean, got 1");
}

// ---------------------------------------------------------------------------------------------
// Zipkin v2 JSON

void ExpectZipkinSample(const std::vector<RecordedTrace>& traces) {
  const std::string z = "4e441824ec2b6a44ffdc9bb9a6453df3";
  const std::string y = "0000000000000000463ac35c9f6413ad";  // a 64-bit Zipkin trace id, left-padded
  ASSERT_EQ(traces.size(), 2u);
  EXPECT_EQ(traces[0].trace_id, z);
  EXPECT_EQ(traces[1].trace_id, y);
  const std::vector<RecordedSpan> want_z = {
      Span(z, "ffdc9bb9a6453df3", "", "frontend", "get /api", SpanKind::kServer, SpanStatus::kUnset,
           1700000004000000000, 150000000),
      Span(z, "a2fb4a1d1a96d312", "ffdc9bb9a6453df3", "frontend", "get /backend", SpanKind::kClient,
           SpanStatus::kUnset, 1700000004010000000, 120000000),
      Span(z, "a2fb4a1d1a96d313", "a2fb4a1d1a96d312", "backend", "get /backend", SpanKind::kServer,
           SpanStatus::kError, 1700000004020000000, 100000000),
  };
  const std::vector<RecordedSpan> want_y = {
      Span(y, "463ac35c9f6413ad", "", "orders", "send", SpanKind::kProducer, SpanStatus::kUnset,
           1700000005000000000, 2000000),
      Span(y, "72485a3953bb6124", "463ac35c9f6413ad", "billing", "receive", SpanKind::kConsumer,
           SpanStatus::kOk, 1700000005100000000, 30000000),
      Span(y, "72485a3953bb6125", "72485a3953bb6124", "billing", "", SpanKind::kInternal, SpanStatus::kUnset,
           1700000005101000000, 1000),
  };
  EXPECT_EQ(traces[0].spans, want_z);
  EXPECT_EQ(traces[1].spans, want_y);
}

TEST(ZipkinJsonImport, FlatArrayGroupsInterleavedTraces) {
  auto traces = ImportAll(DataPath("zipkin_sample.json"), TraceFormat::kZipkinJson);
  ASSERT_TRUE(traces.ok()) << traces.status().message();
  ExpectZipkinSample(*traces);
}

TEST(ZipkinJsonImport, ArrayOfTraces) {
  auto traces = ImportAll(DataPath("zipkin_traces.json"), TraceFormat::kZipkinJson);
  ASSERT_TRUE(traces.ok()) << traces.status().message();
  ExpectZipkinSample(*traces);
}

TEST(ZipkinJsonImport, MalformedRecords) {
  const std::string hex = DataPath("zipkin_bad_hex.json");
  EXPECT_EQ(
      ImportError(hex, TraceFormat::kZipkinJson),
      hex +
          ": record 2: span.traceId: bad id \"4e441824ec2b6a44ffdc\": expected 16 or 32 hex digits, got 20");
  const std::string negative = DataPath("zipkin_negative_duration.json");
  EXPECT_EQ(ImportError(negative, TraceFormat::kZipkinJson),
            negative + ": record 2: span a2fb4a1d1a96d312: negative duration (duration -120000 us)");
  const std::string missing = DataPath("zipkin_missing_field.json");
  EXPECT_EQ(ImportError(missing, TraceFormat::kZipkinJson),
            missing + ": record 2: missing span.localEndpoint.serviceName");
  const std::string parent = DataPath("zipkin_missing_parent.json");
  EXPECT_EQ(ImportError(parent, TraceFormat::kZipkinJson),
            parent +
                ": record 2: span a2fb4a1d1a96d312: parent 00000000000000ab not found in trace "
                "4e441824ec2b6a44ffdc9bb9a6453df3");
  const std::string truncated = DataPath("zipkin_truncated.json");
  EXPECT_THAT(ImportError(truncated, TraceFormat::kZipkinJson),
              HasSubstr(truncated + ": truncated: the JSON document ends inside record 2 ("));
}

TEST(ZipkinJsonImport, WrongTypes) {
  const std::string number = WriteTemp("zipkin_number.json", "[1]");
  EXPECT_EQ(ImportError(number, TraceFormat::kZipkinJson),
            number + ": record 1: expected a span object or an array of spans, got an integer");
  const std::string fraction = WriteTemp("zipkin_fraction.json", R"([{"traceId":"463ac35c9f6413ad",
    "id":"463ac35c9f6413ad","timestamp":1.5,"duration":1,"localEndpoint":{"serviceName":"s"}}])");
  EXPECT_EQ(ImportError(fraction, TraceFormat::kZipkinJson),
            fraction + ": record 1: span.timestamp must be an integer, got a fractional number (1.5)");
  const std::string tag = WriteTemp("zipkin_tag.json", R"([{"traceId":"463ac35c9f6413ad",
    "id":"463ac35c9f6413ad","timestamp":1,"duration":1,"localEndpoint":{"serviceName":"s"},"tags":{"n":3}}])");
  EXPECT_EQ(ImportError(tag, TraceFormat::kZipkinJson),
            tag + ": record 1: span.tags.n must be a string, got an integer");
  const std::string top = WriteTemp("zipkin_top.json", R"({"traceId":"463ac35c9f6413ad"})");
  EXPECT_EQ(ImportError(top, TraceFormat::kZipkinJson),
            top + ": the top-level value must be an array of spans (Zipkin v2), got an object");
}

// ---------------------------------------------------------------------------------------------
// Grouping buffer, options, sink, files

TEST(TraceImport, GroupingWindowDeliversOldestFirstAndDetectsReappearingTraces) {
  // Spans of traces a, b, c interleaved: a b a c b c.
  auto span = [](char t, int i) {
    return std::string(R"({"traceId":")") + std::string(32, t) + R"(","id":")" + std::string(15, t) +
           std::to_string(i) + R"(","timestamp":1,"duration":1,"localEndpoint":{"serviceName":"s"}})";
  };
  const std::string path = WriteTemp("zipkin_interleaved.json",
                                     "[" + span('a', 1) + "," + span('b', 1) + "," + span('a', 2) + "," +
                                         span('c', 1) + "," + span('b', 2) + "," + span('c', 2) + "]");
  TraceImportOptions options;
  options.max_open_traces = 2;
  auto traces = ImportAll(path, TraceFormat::kZipkinJson, options);
  ASSERT_TRUE(traces.ok()) << traces.status().message();
  ASSERT_EQ(traces->size(), 3u);
  for (const RecordedTrace& t : *traces) EXPECT_EQ(t.spans.size(), 2u) << t.trace_id;

  options.max_open_traces = 1;  // trace a is delivered when b opens, then a reappears
  EXPECT_EQ(
      ImportError(path, TraceFormat::kZipkinJson, options),
      path + ": record 3: trace " + std::string(32, 'a') +
          " reappears after the trace was complete: the records of a trace must lie within 1 open traces of "
          "each other (group the file by trace id, or raise max_open_traces)");
}

TEST(TraceImport, SinkErrorStopsTheImportUnchanged) {
  int calls = 0;
  Status s = ImportTraces(DataPath("zipkin_sample.json"), TraceFormat::kZipkinJson, [&](RecordedTrace&&) {
    ++calls;
    return Status::ResourceExhausted("stop here");
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(), "stop here");
}

TEST(TraceImport, MissingFileAndBadOptions) {
  const std::string path = DataPath("no_such_file.json");
  Status s = ImportTraces(path, TraceFormat::kOtlpJson, [](RecordedTrace&&) { return Status::Ok(); });
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr(path + ": cannot open"));
  TraceImportOptions options;
  options.max_open_traces = 0;
  s = ImportTraces(DataPath("otlp_sample.json"), TraceFormat::kOtlpJson, options,
                   [](RecordedTrace&&) { return Status::Ok(); });
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
}

TEST(TraceImport, FormatNamesRoundTrip) {
  for (TraceFormat f : {TraceFormat::kOtlpJson, TraceFormat::kJaegerJson, TraceFormat::kZipkinJson,
                        TraceFormat::kAlibabaCsv}) {
    auto parsed = ParseTraceFormat(TraceFormatName(f));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, f);
  }
  EXPECT_THAT(ParseTraceFormat("otlp").status().message(), HasSubstr("unknown trace format 'otlp'"));
}

// ---------------------------------------------------------------------------------------------
// Detection

TEST(DetectTraceFormat, SampleFiles) {
  const std::pair<const char*, TraceFormat> cases[] = {
      {"otlp_sample.json", TraceFormat::kOtlpJson},     {"otlp_sample.jsonl", TraceFormat::kOtlpJson},
      {"jaeger_sample.json", TraceFormat::kJaegerJson}, {"zipkin_sample.json", TraceFormat::kZipkinJson},
      {"zipkin_traces.json", TraceFormat::kZipkinJson}, {"alibaba_v2021.csv", TraceFormat::kAlibabaCsv},
      {"alibaba_v2022.csv", TraceFormat::kAlibabaCsv},  {"otlp_truncated.json", TraceFormat::kOtlpJson},
  };
  for (const auto& [name, format] : cases) {
    auto detected = DetectTraceFormat(DataPath(name));
    ASSERT_TRUE(detected.ok()) << name << ": " << detected.status().message();
    EXPECT_EQ(*detected, format) << name;
  }
}

TEST(DetectTraceFormat, ContentWinsOverTheExtension) {
  auto f = DetectTraceFormat(WriteTemp("really_jaeger.csv", R"({"data":[]})"));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, TraceFormat::kJaegerJson);
  f = DetectTraceFormat(WriteTemp("later_key.json", R"({"total":1,"data":[{"traceID":"aa"}]})"));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, TraceFormat::kJaegerJson);
  // No deciding key in the content: the extension of a JSON-lines file decides.
  f = DetectTraceFormat(WriteTemp("spans.jsonl", R"({"other":1})"));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, TraceFormat::kOtlpJson);
}

TEST(DetectTraceFormat, Errors) {
  const std::string empty = WriteTemp("empty.json", " \n");
  EXPECT_EQ(DetectTraceFormat(empty).status().message(),
            empty + ": empty file: cannot detect the trace format");
  const std::string gz = WriteTemp("trace.csv.gz", std::string("\x1f\x8b\x08\x00", 4));
  EXPECT_EQ(DetectTraceFormat(gz).status().message(),
            gz + ": the file is gzip-compressed; decompress it first");
  const std::string csv = WriteTemp("other.csv", "a,b,c\n1,2,3\n");
  EXPECT_THAT(DetectTraceFormat(csv).status().message(), HasSubstr(csv + ": CSV header lacks"));
  const std::string json = WriteTemp("other.json", R"({"x":1})");
  EXPECT_THAT(DetectTraceFormat(json).status().message(), HasSubstr("neither \"resourceSpans\""));
  EXPECT_EQ(DetectTraceFormat(DataPath("missing.json")).status().code(), StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------------------------
// Internals: known vectors

TEST(TraceImportInternal, FnvKnownVectors) {
  // The FNV reference vectors for "a".
  EXPECT_EQ(import_internal::Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(import_internal::Fnv1a128("a").ToHex(), "d228cb696f1a8caf78912b704e4a8964");
  EXPECT_EQ(import_internal::Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(import_internal::Fnv1a128("").ToHex(), "6c62272e07bb014262b821756295c58d");
}

TEST(TraceImportInternal, NormalizeHexId) {
  std::string why;
  EXPECT_EQ(import_internal::NormalizeHexId("3E", 1, 16, &why), "000000000000003e");
  EXPECT_EQ(import_internal::NormalizeHexId("", 1, 16, &why), std::nullopt);
  EXPECT_EQ(why, "expected 1 to 16 hex digits, got 0");
  EXPECT_EQ(import_internal::NormalizeHexId("00000000000000000", 1, 16, &why), std::nullopt);
  EXPECT_EQ(why, "expected 1 to 16 hex digits, got 17");
  EXPECT_EQ(import_internal::NormalizeHexId("0000", 1, 16, &why), std::nullopt);
  EXPECT_EQ(why, "all zeros is not a valid id");
}

}  // namespace
}  // namespace tracesim::sim
