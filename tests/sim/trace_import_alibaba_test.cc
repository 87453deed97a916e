// Alibaba microservices call-graph CSV importer: the v2021 and v2022 column sets, the span mapping
// with independently computed FNV ids, malformed lines, and streaming a 200k-line file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "tracesim/sim/trace_import.h"

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

StatusOr<std::vector<RecordedTrace>> ImportAll(const std::string& path,
                                               const TraceImportOptions& options = {}) {
  std::vector<RecordedTrace> traces;
  Status s = ImportTraces(path, TraceFormat::kAlibabaCsv, options, [&](RecordedTrace&& t) {
    traces.push_back(std::move(t));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return traces;
}

std::string ImportError(const std::string& path, const TraceImportOptions& options = {}) {
  auto r = ImportAll(path, options);
  EXPECT_FALSE(r.ok()) << path << " imported without error";
  return r.ok() ? "" : r.status().message();
}

constexpr char kHeader[] = "traceid,timestamp,rpcid,um,rpctype,dm,interface,rt\n";

// Expected ids below were computed independently (Python) from the documented scheme:
// trace id = FNV-1a-128(traceid), span id = FNV-1a-64(traceid, 0x00, rpcid).
TEST(AlibabaCsvImport, V2021SampleEveryField) {
  auto traces = ImportAll(DataPath("alibaba_v2021.csv"));
  ASSERT_TRUE(traces.ok()) << traces.status().message();
  ASSERT_EQ(traces->size(), 3u);
  const RecordedTrace& t = (*traces)[0];
  const std::string tid = "e7bbf52bf104e62625d2a264dcc68476";  // FNV-1a-128("0b13e0c915943123456789000e")
  EXPECT_EQ(t.trace_id, tid);
  const std::string s0 = "93f2ef677043f486", s01 = "ec72b1a52622d70b", s011 = "5c55fd89aea45d6a",
                    s02 = "ec72b2a52622d8be";
  const std::vector<RecordedSpan> want = {
      {tid, s0, "", "MS_frontend", "home", SpanKind::kServer, SpanStatus::kUnset, 1000000000, 30000000},
      {tid, s01, s0, "MS_cart", "getCart", SpanKind::kServer, SpanStatus::kUnset, 1002000000, 12000000},
      // No interface (a DB call): the operation is the rpctype.
      {tid, s011, s01, "DB_cart", "db", SpanKind::kServer, SpanStatus::kUnset, 1003000000, 3000000},
      // A message-queue call is consumed by the downstream.
      {tid, s02, s0, "MS_audit", "logVisit", SpanKind::kConsumer, SpanStatus::kUnset, 1015000000, 5000000},
  };
  EXPECT_EQ(t.spans, want);
  EXPECT_EQ((*traces)[1].spans.size(), 3u);
  EXPECT_EQ((*traces)[1].spans[2].operation, "mc");
  ASSERT_EQ((*traces)[2].spans.size(), 1u);
  EXPECT_EQ((*traces)[2].spans[0].duration_ns, 0);
  EXPECT_EQ((*traces)[2].spans[0].service, "MS_static");
}

TEST(AlibabaCsvImport, V2022NegativeRtIsAnErrorByDefault) {
  const std::string path = DataPath("alibaba_v2022.csv");
  EXPECT_EQ(ImportError(path),
            path +
                ": record 4: span 09c97dabbea021ee (rpcid 0.1, traceid T_1): negative duration (rt "
                "-8.5 ms; a downstream-side record: see AlibabaNegativeRt::kDownstreamView)");
}

TEST(AlibabaCsvImport, V2022DownstreamViewMergesTheTwoRecordsOfACall) {
  TraceImportOptions options;
  options.alibaba_negative_rt = AlibabaNegativeRt::kDownstreamView;
  auto traces = ImportAll(DataPath("alibaba_v2022.csv"), options);
  ASSERT_TRUE(traces.ok()) << traces.status().message();
  ASSERT_EQ(traces->size(), 2u);
  const std::string t1 = "a68d0da2678b5822836dbc79555f3327";  // FNV-1a-128("T_1")
  const std::vector<RecordedSpan> want1 = {
      {t1, "da0eaa5ca4d5db47", "", "MS_1", "iface_a", SpanKind::kServer, SpanStatus::kUnset, 100000000000,
       25000000},
      // The upstream's record (first) is kept; the downstream's (rt -8.5) is merged into it.
      {t1, "09c97dabbea021ee", "da0eaa5ca4d5db47", "MS_2", "iface_b", SpanKind::kServer, SpanStatus::kUnset,
       100002000000, 10000000},
      {t1, "69be98c9c912fb03", "09c97dabbea021ee", "MC_7", "mc", SpanKind::kServer, SpanStatus::kUnset,
       100004000000, 400000},
  };
  EXPECT_EQ((*traces)[0].trace_id, t1);
  EXPECT_EQ((*traces)[0].spans, want1);
  const std::string t2 = "a68d0da2688b5822836dbc79555f3462";  // FNV-1a-128("T_2")
  const std::vector<RecordedSpan> want2 = {
      // Only the downstream recorded this call: its response time, 4 ms.
      {t2, "e2b8455ca9be1052", "", "MS_5", "iface_c", SpanKind::kServer, SpanStatus::kUnset, 100010000000,
       4000000},
  };
  EXPECT_EQ((*traces)[1].spans, want2);
}

TEST(AlibabaCsvImport, MissingParent) {
  const std::string path = DataPath("alibaba_missing_parent.csv");
  std::string error = ImportError(path);
  EXPECT_THAT(error, HasSubstr(path + ": record 4: span "));
  EXPECT_THAT(error, HasSubstr("(rpcid 0.3.1, traceid T_7): parent "));
  EXPECT_THAT(error, HasSubstr(" not found in trace "));
  TraceImportOptions options;
  options.allow_missing_parents = true;
  auto traces = ImportAll(path, options);
  ASSERT_TRUE(traces.ok()) << traces.status().message();
  ASSERT_EQ((*traces)[0].spans.size(), 3u);
}

TEST(AlibabaCsvImport, PartialLastLineIsTruncated) {
  const std::string path = DataPath("alibaba_partial_line.csv");
  EXPECT_EQ(ImportError(path),
            path + ": truncated: line 3 is not terminated by a newline (a partial last line)");
}

TEST(AlibabaCsvImport, HeaderErrors) {
  const std::string missing = DataPath("alibaba_missing_column.csv");
  EXPECT_EQ(ImportError(missing),
            missing +
                ": record 1: the header lacks column \"rt\" (required: traceid, timestamp, rpcid or rpc_id, "
                "um, rpctype, dm, interface, rt)");
  const std::string twice = WriteTemp("twice.csv", "traceid,timestamp,rpcid,um,rpctype,dm,interface,rt,RT\n");
  EXPECT_EQ(ImportError(twice), twice + ": record 1: the header names column \"rt\" twice");
  const std::string empty = WriteTemp("empty.csv", "");
  EXPECT_EQ(ImportError(empty), empty + ": truncated: empty file, no CSV header");
}

TEST(AlibabaCsvImport, MalformedLines) {
  struct Case {
    const char* row;
    const char* error;
  };
  const Case cases[] = {
      {"T,1,0,U,rpc,D,i\n", "record 2: expected 8 fields as in the header, got 7"},
      {"T,1,0,U,rpc,D,i,12,extra\n", "record 2: expected 8 fields as in the header, got 9"},
      {",1,0,U,rpc,D,i,12\n", "record 2: missing traceid"},
      {"T,1,0..1,U,rpc,D,i,12\n",
       "record 2: bad rpcid \"0..1\": expected dot-separated decimal numbers such as 0.1.2"},
      {"T,1,0.a,U,rpc,D,i,12\n",
       "record 2: bad rpcid \"0.a\": expected dot-separated decimal numbers such as 0.1.2"},
      {"T,1,0,U,rpc,,i,12\n", "record 2: missing dm"},
      {"T,1,0,U,grpc,D,i,12\n", "record 2: rpctype \"grpc\" is not rpc, http, mq, db, mc or UNKNOWN"},
      {"T,x,0,U,rpc,D,i,12\n", "record 2: timestamp \"x\" is not a number of milliseconds"},
      {"T,-5,0,U,rpc,D,i,12\n", "record 2: negative timestamp -5"},
      {"T,1,0,U,rpc,D,i,12ms\n", "record 2: rt \"12ms\" is not a number of milliseconds"},
      {"T,1,0,U,rpc,D,i,nan\n", "record 2: rt \"nan\" is not a number of milliseconds"},
      {"T,1,0,U,rpc,D,i,\n", "record 2: span 6b9da619e0eee5ab (rpcid 0, traceid T): missing rt"},
      {"T,1,0,U,rpc,D,\"i,12\n", "record 2: unterminated quoted field 7"},
  };
  for (const Case& c : cases) {
    const std::string path = WriteTemp("bad_row.csv", std::string(kHeader) + c.row);
    EXPECT_EQ(ImportError(path), path + ": " + c.error) << c.row;
  }
}

TEST(AlibabaCsvImport, QuotedFieldsCrlfAndBlankLines) {
  const std::string path =
      WriteTemp("quoted.csv",
                "\xEF\xBB\xBF\"TraceID\",Timestamp,RPC_ID,UM,RpcType,DM,Interface,RT\r\n"
                "T,1,0,U,rpc,\"MS_\"\"q\"\"\",\"a,b\",2\r\n\r\nT,2,0.1,U,rpc,MS_2,c,1\r\n");
  auto traces = ImportAll(path);
  ASSERT_TRUE(traces.ok()) << traces.status().message();
  ASSERT_EQ(traces->size(), 1u);
  ASSERT_EQ((*traces)[0].spans.size(), 2u);
  EXPECT_EQ((*traces)[0].spans[0].service, "MS_\"q\"");
  EXPECT_EQ((*traces)[0].spans[0].operation, "a,b");
  EXPECT_EQ((*traces)[0].spans[1].start_ns, 2000000);
}

TEST(AlibabaCsvImport, DuplicateRpcIdIsAnErrorWhenStrict) {
  const std::string path =
      WriteTemp("dup.csv", std::string(kHeader) + "T,1,0,U,rpc,D,i,3\nT,1,0,U,rpc,D,i,3\n");
  EXPECT_THAT(ImportError(path),
              HasSubstr(path + ": record 3: span 6b9da619e0eee5ab (rpcid 0, traceid T): duplicate "
                               "span id in trace "));
}

TEST(AlibabaCsvImport, TimestampSortedFileWithinTheWindow) {
  // Rows of two traces interleaved, as in a file sorted by timestamp.
  const std::string path = WriteTemp("interleaved.csv", std::string(kHeader) +
                                                            "A,1,0,U,rpc,D,i,9\nB,2,0,U,rpc,D,i,9\n"
                                                            "A,3,0.1,D,rpc,E,j,1\nB,4,0.1,D,rpc,E,j,1\n");
  auto traces = ImportAll(path);
  ASSERT_TRUE(traces.ok()) << traces.status().message();
  ASSERT_EQ(traces->size(), 2u);
  EXPECT_EQ((*traces)[0].spans.size(), 2u);
  EXPECT_EQ((*traces)[1].spans.size(), 2u);
  TraceImportOptions options;
  options.max_open_traces = 1;
  EXPECT_THAT(ImportError(path, options), HasSubstr(path + ": record 4: trace "));
}

// Streams a generated 200k-line file (40k traces x 5 calls, grouped by traceid) and counts traces
// and spans as they arrive; the grouping buffer bounds memory, not the file size.
TEST(AlibabaCsvImport, Streams200kLines) {
  const std::string path = ::testing::TempDir() + "/alibaba_200k.csv";
  constexpr int kTraces = 40000, kCallsPerTrace = 5;
  {
    std::ofstream out(path, std::ios::binary);
    out << ",traceid,timestamp,rpcid,um,rpctype,dm,interface,rt\n";
    static const char* kRpcIds[kCallsPerTrace] = {"0", "0.1", "0.1.1", "0.2", "0.2.1"};
    long row = 0;
    for (int t = 0; t < kTraces; ++t) {
      for (int c = 0; c < kCallsPerTrace; ++c) {
        out << row++ << ",tr" << t << "," << 1000 * t + c << "," << kRpcIds[c] << ",MS_" << c << ",rpc,MS_"
            << c + 1 << ",op" << c << "," << 5 - c << "\n";
      }
    }
  }
  uint64_t traces = 0, spans = 0;
  size_t max_spans = 0;
  Status s = ImportTraces(path, TraceFormat::kAlibabaCsv, [&](RecordedTrace&& t) {
    ++traces;
    spans += t.spans.size();
    max_spans = std::max(max_spans, t.spans.size());
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(traces, static_cast<uint64_t>(kTraces));
  EXPECT_EQ(spans, static_cast<uint64_t>(kTraces) * kCallsPerTrace);
  EXPECT_EQ(max_spans, static_cast<size_t>(kCallsPerTrace));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace tracesim::sim
