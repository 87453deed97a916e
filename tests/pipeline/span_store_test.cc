#include "tracesim/pipeline/span_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "tracesim/pipeline/random.h"
#include "tracesim/pipeline/span_codec.h"
#include "tracesim/pipeline/span_store_index.h"

namespace tracesim::pipeline {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

SpanData MakeSpan(TraceId trace, uint64_t span_id, ServiceId service, int64_t start_ns, int64_t duration_ns,
                  OperationId operation = 0) {
  SpanData s;
  s.trace_id = trace;
  s.span_id = SpanId{span_id};
  s.service = service;
  s.operation = operation;
  s.start = FromNanos(start_ns);
  s.end = FromNanos(start_ns + duration_ns);
  return s;
}

// Identity of a span for comparisons (SpanData has no operator==).
struct SpanKey {
  TraceId trace_id;
  uint64_t span_id;
  int64_t start_ns;
  int64_t end_ns;
  ServiceId service;
  OperationId operation;
  friend auto operator<=>(const SpanKey&, const SpanKey&) = default;
};
SpanKey KeyOf(const SpanData& s) {
  return {s.trace_id, s.span_id.value, ToNanos(s.start), ToNanos(s.end), s.service, s.operation};
}
std::vector<SpanKey> KeysOf(const std::vector<SpanData>& spans) {
  std::vector<SpanKey> keys;
  for (const auto& s : spans) keys.push_back(KeyOf(s));
  return keys;
}

TraceSearchQuery Unlimited() {
  TraceSearchQuery q;
  q.limit = 0;
  return q;
}

SpanStoreOptions Options(size_t max_spans, Duration max_age = seconds(30)) {
  SpanStoreOptions o;
  o.max_block_spans = max_spans;
  o.max_block_age = max_age;
  return o;
}

TEST(SpanStoreTest, CreateValidatesOptions) {
  EXPECT_TRUE(SpanStore::Create({}).ok());
  auto zero_spans = SpanStore::Create(Options(0));
  ASSERT_FALSE(zero_spans.ok());
  EXPECT_EQ(zero_spans.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(zero_spans.status().message().find("max_block_spans"), std::string::npos);
  auto zero_age = SpanStore::Create(Options(10, Duration::zero()));
  ASSERT_FALSE(zero_age.ok());
  EXPECT_NE(zero_age.status().message().find("max_block_age"), std::string::npos);
  EXPECT_FALSE(SpanStore::Create(Options(10, -seconds(1))).ok());
}

TEST(SpanStoreTest, FindTraceReturnsExactlyTheTracesSpansAcrossHeadAndBlocks) {
  SpanStore store(Options(100));
  Rng rng(1);
  std::vector<TraceId> traces;
  for (int t = 0; t < 50; ++t) traces.push_back(TraceId{rng.NextU64(), rng.NextU64()});
  std::map<TraceId, std::vector<SpanData>> expected;
  for (int i = 0; i < 1030; ++i) {  // interleaved arrivals: 10 cut blocks + 30 spans in the head
    const TraceId& t = traces[rng.Uniform(traces.size())];
    SpanData s =
        MakeSpan(t, rng.NextU64() | 1, static_cast<ServiceId>(rng.Uniform(5)),
                 static_cast<int64_t>(rng.Uniform(1000000)), static_cast<int64_t>(rng.Uniform(5000)));
    expected[t].push_back(s);
    store.Append(std::move(s), FromNanos(i));
  }
  EXPECT_EQ(store.block_count(), 10u);
  EXPECT_EQ(store.head_span_count(), 30u);
  EXPECT_EQ(store.span_count(), 1030u);
  for (auto& [trace, spans] : expected) {
    std::sort(spans.begin(), spans.end(), [](const SpanData& a, const SpanData& b) {
      return std::pair(a.start, a.span_id) < std::pair(b.start, b.span_id);
    });
    EXPECT_EQ(KeysOf(store.FindTrace(trace)), KeysOf(spans)) << trace.ToHex();
  }
  // Absent trace ids find nothing (Bloom filter + index).
  for (int i = 0; i < 10000; ++i) {
    ASSERT_TRUE(store.FindTrace(TraceId{rng.NextU64(), rng.NextU64()}).empty());
  }
}

TEST(SpanStoreTest, SpansOfATraceAreOrderedByStartThenSpanIdThenArrival) {
  SpanStore store(Options(4));
  const TraceId t{1, 2};
  store.Append(MakeSpan(t, 9, 0, 100, 1, /*operation=*/1), kTimeZero);
  store.Append(MakeSpan(t, 3, 0, 100, 1, /*operation=*/2), kTimeZero);
  store.Append(MakeSpan(t, 3, 0, 100, 1, /*operation=*/3), kTimeZero);  // same start and span id
  store.Append(MakeSpan(t, 1, 0, 50, 1, /*operation=*/4), kTimeZero);   // cut here (4 spans)
  store.Append(MakeSpan(t, 2, 0, 100, 1, /*operation=*/5), kTimeZero);  // head
  ASSERT_EQ(store.block_count(), 1u);
  std::vector<OperationId> ops;
  for (const auto& s : store.FindTrace(t)) ops.push_back(s.operation);
  EXPECT_EQ(ops, (std::vector<OperationId>{4, 5, 2, 3, 1}));
}

TEST(SpanStoreTest, DuplicateSpanIdsAreStoredAsGiven) {
  SpanStore store(Options(2));
  const TraceId t{7, 7};
  store.Append(MakeSpan(t, 42, 1, 10, 5), kTimeZero);
  store.Append(MakeSpan(t, 42, 1, 10, 5), kTimeZero);  // cut: block holds both copies
  store.Append(MakeSpan(t, 42, 1, 10, 5), kTimeZero);  // and a third in the head
  EXPECT_EQ(store.span_count(), 3u);
  const auto spans = store.FindTrace(t);
  ASSERT_EQ(spans.size(), 3u);
  for (const auto& s : spans) EXPECT_EQ(s.span_id.value, 42u);
  EXPECT_EQ(store.encoded_bytes(), 3 * EstimateWireBytes(MakeSpan(t, 42, 1, 10, 5)));
}

TEST(SpanStoreTest, CutsBySize) {
  SpanStore store(Options(10));
  for (int i = 0; i < 25; ++i) store.Append(MakeSpan(TraceId{0, uint64_t(i + 1)}, 1, 0, i, 1), kTimeZero);
  EXPECT_EQ(store.block_count(), 2u);
  EXPECT_EQ(store.head_span_count(), 5u);
  EXPECT_EQ(store.trace_count_in_blocks(), 20u);
  std::vector<SpanData> batch;
  for (int i = 0; i < 15; ++i) batch.push_back(MakeSpan(TraceId{1, uint64_t(i + 1)}, 1, 0, i, 1));
  store.AppendBatch(std::move(batch), kTimeZero);
  EXPECT_EQ(store.block_count(), 4u);
  EXPECT_EQ(store.head_span_count(), 0u);
  EXPECT_EQ(store.span_count(), 40u);
  EXPECT_FALSE(store.NextCutDeadline().has_value());
}

TEST(SpanStoreTest, CutsByAge) {
  SpanStore store(Options(1000, seconds(1)));
  const TimePoint t0 = FromNanos(5'000'000'000);
  store.MaybeCutBlock(t0);  // empty head: nothing to cut
  EXPECT_EQ(store.block_count(), 0u);
  store.Append(MakeSpan(TraceId{0, 1}, 1, 0, 0, 1), t0);
  store.Append(MakeSpan(TraceId{0, 2}, 1, 0, 0, 1), t0 + milliseconds(500));
  ASSERT_TRUE(store.NextCutDeadline().has_value());
  EXPECT_EQ(*store.NextCutDeadline(), t0 + seconds(1));
  store.MaybeCutBlock(t0 + milliseconds(999));
  EXPECT_EQ(store.block_count(), 0u);
  store.MaybeCutBlock(t0 + seconds(1));
  EXPECT_EQ(store.block_count(), 1u);
  EXPECT_EQ(store.head_span_count(), 0u);

  // A new head opens at its first append; Append cuts an over-age head first.
  store.Append(MakeSpan(TraceId{0, 3}, 1, 0, 0, 1), t0 + seconds(3));
  EXPECT_EQ(*store.NextCutDeadline(), t0 + seconds(4));
  store.Append(MakeSpan(TraceId{0, 4}, 1, 0, 0, 1), t0 + seconds(10));
  EXPECT_EQ(store.block_count(), 2u);
  EXPECT_EQ(store.head_span_count(), 1u);
  EXPECT_EQ(*store.NextCutDeadline(), t0 + seconds(11));
  EXPECT_EQ(store.FindTrace(TraceId{0, 3}).size(), 1u);
  EXPECT_EQ(store.FindTrace(TraceId{0, 4}).size(), 1u);
}

TEST(SpanStoreTest, ClearDropsEverythingAndTheStoreStaysUsable) {
  SpanStore store(Options(8));
  const size_t empty_bytes = store.memory_bytes();
  for (int i = 0; i < 20; ++i)
    store.Append(MakeSpan(TraceId{3, uint64_t(i % 4 + 1)}, i + 1, 0, i, 1), kTimeZero);
  EXPECT_GT(store.memory_bytes(), empty_bytes + 20 * sizeof(SpanData));
  EXPECT_GT(store.encoded_bytes(), 0u);
  store.Clear();
  EXPECT_EQ(store.span_count(), 0u);
  EXPECT_EQ(store.block_count(), 0u);
  EXPECT_EQ(store.head_span_count(), 0u);
  EXPECT_EQ(store.encoded_bytes(), 0u);
  EXPECT_EQ(store.memory_bytes(), empty_bytes);
  EXPECT_TRUE(store.FindTrace(TraceId{3, 1}).empty());
  EXPECT_TRUE(store.SearchTraces(Unlimited()).empty());
  store.Append(MakeSpan(TraceId{3, 1}, 1, 0, 0, 1), kTimeZero);
  EXPECT_EQ(store.FindTrace(TraceId{3, 1}).size(), 1u);
}

TEST(SpanStoreTest, AccountsEncodedAndMemoryBytes) {
  SpanStore store(Options(64));
  Rng rng(4);
  uint64_t expected_encoded = 0;
  for (int i = 0; i < 300; ++i) {
    SpanData s = MakeSpan(TraceId{rng.NextU64(), rng.NextU64()}, i + 1, 0, i, 1);
    if (i % 3 == 0) s.parent_span_id = SpanId{7};
    if (i % 5 == 0) s.attributes.resize(3);
    if (i % 7 == 0) s.trace_state = "vendor=some-long-value-that-is-not-inline";
    expected_encoded += EstimateWireBytes(s);
    store.Append(std::move(s), kTimeZero);
  }
  EXPECT_EQ(store.encoded_bytes(), expected_encoded);
  // At least the span structs and their heap; at most a generous multiple.
  EXPECT_GE(store.memory_bytes(), 300 * sizeof(SpanData));
  EXPECT_LE(store.memory_bytes(), 300 * (sizeof(SpanData) + 200) + 64 * sizeof(SpanData) + 4096);
}

TEST(SpanStoreTest, RetentionDropsBlocksThatEndedBeforeTheCutoff) {
  SpanStore store(Options(10));
  for (int i = 0; i < 35; ++i) {  // block k holds spans ending at (10k..10k+9)*1s + 1ns
    store.Append(MakeSpan(TraceId{0, uint64_t(i + 1)}, 1, 0, int64_t(i) * 1'000'000'000, 1), kTimeZero);
  }
  ASSERT_EQ(store.block_count(), 3u);
  const uint64_t encoded_before = store.encoded_bytes();
  EXPECT_EQ(store.DropBlocksEndedBefore(FromNanos(19'000'000'001)),
            10u);  // block 1 ends exactly at the cutoff
  EXPECT_EQ(store.block_count(), 2u);
  EXPECT_EQ(store.span_count(), 25u);
  EXPECT_EQ(store.encoded_bytes(),
            encoded_before - 10 * EstimateWireBytes(MakeSpan(TraceId{0, 1}, 1, 0, 0, 1)));
  EXPECT_TRUE(store.FindTrace(TraceId{0, 5}).empty());
  EXPECT_EQ(store.FindTrace(TraceId{0, 15}).size(), 1u);
  EXPECT_EQ(store.DropBlocksEndedBefore(kTimeInfinite), 20u);  // head is never dropped
  EXPECT_EQ(store.span_count(), 5u);
  EXPECT_EQ(store.FindTrace(TraceId{0, 35}).size(), 1u);
}

// Brute force: a trace matches iff one of its spans satisfies every condition.
std::vector<TraceId> BruteForceSearch(const std::vector<SpanData>& all, const TraceSearchQuery& q) {
  std::set<TraceId> ids;
  for (const auto& s : all) {
    if (q.service && s.service != *q.service) continue;
    if (q.operation && s.operation != *q.operation) continue;
    if (q.min_duration.count() > 0 && s.duration() < q.min_duration) continue;
    if (q.max_duration && s.duration() > *q.max_duration) continue;
    if (q.status && s.status != *q.status) continue;
    if (q.start_min && s.start < *q.start_min) continue;
    if (q.start_max && s.start > *q.start_max) continue;
    bool all_attributes = true;
    for (const Attribute& a : q.attributes) {
      all_attributes = all_attributes && std::count(s.attributes.begin(), s.attributes.end(), a) > 0;
    }
    if (!all_attributes) continue;
    ids.insert(s.trace_id);
  }
  std::vector<TraceId> out(ids.begin(), ids.end());
  if (q.limit != 0 && out.size() > q.limit) out.resize(q.limit);
  return out;
}

// Attribute values drawn from small domains so that equality queries hit.
Attribute RandomAttribute(Rng& rng) {
  Attribute a;
  a.key = static_cast<AttributeKeyId>(rng.Uniform(4));
  switch (rng.Uniform(4)) {
    case 0:
      a.value = rng.Uniform(2) == 1;
      break;
    case 1:
      a.value = static_cast<int64_t>(rng.Uniform(5));
      break;
    case 2:
      a.value = static_cast<double>(rng.Uniform(3)) * 0.5;
      break;
    default:
      a.value = InternedString{static_cast<uint32_t>(rng.Uniform(6))};
      break;
  }
  return a;
}

TEST(SpanStoreTest, SearchTracesMatchesBruteForceOnRandomData) {
  Rng rng(99);
  SpanStore store(Options(512, milliseconds(1500)));
  std::vector<SpanData> all;
  std::vector<TraceId> traces;
  for (int t = 0; t < 700; ++t) traces.push_back(TraceId{rng.NextU64(), rng.NextU64()});
  constexpr int64_t kSecond = 1'000'000'000;
  int64_t now_ns = 0;
  int queries = 0, nonempty = 0, truncated = 0;
  auto run_queries = [&](int n) {
    for (int k = 0; k < n; ++k, ++queries) {
      TraceSearchQuery q;
      if (rng.Uniform(2)) q.service = static_cast<ServiceId>(rng.Uniform(12));  // 10, 11 never stored
      if (rng.Uniform(3) == 0) q.operation = static_cast<OperationId>(rng.Uniform(22));  // 20, 21 never
      if (rng.Uniform(2)) q.min_duration = Duration(static_cast<int64_t>(rng.Exponential(100e6)));
      if (rng.Uniform(3) == 0) q.max_duration = Duration(static_cast<int64_t>(rng.Exponential(100e6)));
      if (rng.Uniform(4) == 0) q.status = static_cast<SpanStatus>(rng.Uniform(3));
      for (uint64_t a = rng.Uniform(4) == 0 ? 1 + rng.Uniform(2) : 0; a > 0; --a) {
        q.attributes.push_back(RandomAttribute(rng));
      }
      if (rng.Uniform(3) == 0) q.start_min = FromNanos(static_cast<int64_t>(rng.Uniform(20 * kSecond)));
      if (rng.Uniform(3) == 0) q.start_max = FromNanos(static_cast<int64_t>(rng.Uniform(20 * kSecond)));
      const size_t limits[] = {0, 1, 5, 20, 100000};
      q.limit = limits[rng.Uniform(5)];
      const std::vector<TraceId> expected = BruteForceSearch(all, q);
      ASSERT_EQ(store.SearchTraces(q), expected) << "query #" << queries;
      nonempty += !expected.empty();
      truncated += q.limit != 0 && expected.size() == q.limit;
    }
  };
  for (int i = 0; i < 6000; ++i) {
    SpanData s =
        MakeSpan(traces[rng.Uniform(traces.size())], rng.NextU64() | 1,
                 static_cast<ServiceId>(rng.Uniform(10)), static_cast<int64_t>(rng.Uniform(20 * kSecond)),
                 static_cast<int64_t>(rng.Exponential(50e6)), static_cast<OperationId>(rng.Uniform(20)));
    s.status = static_cast<SpanStatus>(rng.Uniform(10) == 0 ? 2 : rng.Uniform(2));
    for (uint64_t a = rng.Uniform(4); a > 0; --a) s.attributes.push_back(RandomAttribute(rng));
    all.push_back(s);
    now_ns += static_cast<int64_t>(rng.Exponential(3e6));  // ~3 ms apart: both size and age cuts happen
    store.Append(std::move(s), FromNanos(now_ns));
    if (i % 1000 == 999) {
      store.MaybeCutBlock(FromNanos(now_ns));
      run_queries(100);
    }
  }
  EXPECT_GE(store.block_count(), 8u);
  EXPECT_GT(store.head_span_count(), 0u);
  run_queries(1500);
  // The random queries exercise both outcomes and the limit.
  EXPECT_GT(nonempty, queries / 4);
  EXPECT_LT(nonempty, queries);
  EXPECT_GT(truncated, queries / 10);

  // Fixed cases: everything, an inverted time range, a service nobody has, an
  // empty duration range, an attribute nobody has.
  EXPECT_EQ(store.SearchTraces(Unlimited()).size(), BruteForceSearch(all, Unlimited()).size());
  EXPECT_EQ(store.SearchTraces(Unlimited()).size(), traces.size());
  TraceSearchQuery inverted;
  inverted.start_min = FromNanos(5 * kSecond);
  inverted.start_max = FromNanos(4 * kSecond);
  EXPECT_TRUE(store.SearchTraces(inverted).empty());
  TraceSearchQuery nobody;
  nobody.service = 11;
  EXPECT_TRUE(store.SearchTraces(nobody).empty());
  TraceSearchQuery empty_range = Unlimited();
  empty_range.min_duration = milliseconds(10);
  empty_range.max_duration = milliseconds(9);
  EXPECT_TRUE(store.SearchTraces(empty_range).empty());
  TraceSearchQuery absent_attribute = Unlimited();
  absent_attribute.attributes = {Attribute{1, int64_t{99}}};
  EXPECT_TRUE(store.SearchTraces(absent_attribute).empty());
}

TEST(SpanStoreTest, SearchByOperationStatusDurationRangeAndAttributesOnOneSpan) {
  SpanStore store(Options(100));
  const TraceId t{8, 8};
  SpanData a = MakeSpan(t, 1, /*service=*/1, 0, /*duration=*/10, /*operation=*/4);
  a.status = SpanStatus::kError;
  a.attributes = {Attribute{1, int64_t{500}}};
  SpanData b = MakeSpan(t, 2, /*service=*/1, 0, /*duration=*/1000, /*operation=*/5);
  b.attributes = {Attribute{1, int64_t{200}}, Attribute{2, InternedString{3}}};
  store.Append(std::move(a), kTimeZero);
  store.Append(std::move(b), kTimeZero);
  for (int cut = 0; cut < 2; ++cut) {  // in the head, then in a cut block
    TraceSearchQuery q;
    q.operation = 4;
    q.status = SpanStatus::kError;
    EXPECT_EQ(store.SearchTraces(q), std::vector<TraceId>{t});
    q.attributes = {Attribute{1, int64_t{200}}};  // on span b, not on the error span a
    EXPECT_TRUE(store.SearchTraces(q).empty());
    q = {};
    q.attributes = {Attribute{1, int64_t{200}}, Attribute{2, InternedString{3}}};
    EXPECT_EQ(store.SearchTraces(q), std::vector<TraceId>{t});
    q.attributes = {Attribute{1, 200.0}};  // other type
    EXPECT_TRUE(store.SearchTraces(q).empty());
    q = {};
    q.min_duration = Duration(11);
    q.max_duration = Duration(999);  // between the two spans
    EXPECT_TRUE(store.SearchTraces(q).empty());
    q.max_duration = Duration(1000);  // inclusive
    EXPECT_EQ(store.SearchTraces(q), std::vector<TraceId>{t});
    q.status = SpanStatus::kError;  // the long span is not the error span
    EXPECT_TRUE(store.SearchTraces(q).empty());
    store.MaybeCutBlock(kTimeZero + seconds(60));
    ASSERT_EQ(store.block_count(), 1u);
  }
}

TEST(SpanStoreTest, SearchRequiresOneSpanToSatisfyAllConditions) {
  SpanStore store(Options(100));
  const TraceId t{5, 5};
  store.Append(MakeSpan(t, 1, /*service=*/1, 0, /*duration=*/10), kTimeZero);    // service 1, short
  store.Append(MakeSpan(t, 2, /*service=*/2, 0, /*duration=*/1000), kTimeZero);  // service 2, long
  TraceSearchQuery q;
  q.service = 1;
  q.min_duration = Duration(500);
  EXPECT_TRUE(store.SearchTraces(q).empty());
  q.service = 2;
  EXPECT_EQ(store.SearchTraces(q), std::vector<TraceId>{t});
  store.MaybeCutBlock(kTimeZero + seconds(60));
  ASSERT_EQ(store.block_count(), 1u);
  q.service = 1;
  EXPECT_TRUE(store.SearchTraces(q).empty());
  q.service = 2;
  EXPECT_EQ(store.SearchTraces(q), std::vector<TraceId>{t});
}

void ExpectSameSpan(const SpanData& a, const SpanData& b) {
  EXPECT_EQ(a.trace_id, b.trace_id);
  EXPECT_EQ(a.span_id, b.span_id);
  EXPECT_EQ(a.parent_span_id, b.parent_span_id);
  EXPECT_EQ(a.service, b.service);
  EXPECT_EQ(a.operation, b.operation);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.trace_flags, b.trace_flags);
  EXPECT_EQ(a.start, b.start);
  EXPECT_EQ(a.end, b.end);
  EXPECT_EQ(a.attributes, b.attributes);
  EXPECT_EQ(a.trace_state, b.trace_state);
}

TEST(SpanStoreTest, CutBlocksKeepEveryFieldOfEverySpan) {
  Rng rng(21);
  SpanStore store(Options(97));
  std::map<TraceId, std::vector<SpanData>> expected;
  std::vector<TraceId> traces;
  for (int t = 0; t < 40; ++t) traces.push_back(TraceId{rng.NextU64(), rng.NextU64()});
  for (int i = 0; i < 2000; ++i) {
    SpanData s =
        MakeSpan(traces[rng.Uniform(traces.size())], rng.NextU64(), static_cast<ServiceId>(rng.NextU64()),
                 static_cast<int64_t>(rng.NextU64() >> 2) - (int64_t{1} << 61),
                 static_cast<int64_t>(rng.Uniform(1u << 20)), static_cast<OperationId>(rng.NextU64()));
    if (rng.Uniform(2)) s.parent_span_id = SpanId{rng.NextU64()};
    s.kind = static_cast<SpanKind>(rng.Uniform(5));
    s.status = static_cast<SpanStatus>(rng.Uniform(3));
    s.trace_flags = static_cast<uint8_t>(rng.NextU64());
    for (uint64_t a = rng.Uniform(4); a > 0; --a) s.attributes.push_back(RandomAttribute(rng));
    if (rng.Uniform(5) == 0) s.trace_state = "congo=t61rcWkgMzE,rojo=" + std::to_string(i);
    expected[s.trace_id].push_back(s);
    store.Append(std::move(s), kTimeZero);
  }
  ASSERT_EQ(store.block_count(), 20u);
  for (auto& [trace, spans] : expected) {
    std::stable_sort(spans.begin(), spans.end(), [](const SpanData& a, const SpanData& b) {
      return std::pair(a.start, a.span_id) < std::pair(b.start, b.span_id);
    });
    const std::vector<SpanData> found = store.FindTrace(trace);
    ASSERT_EQ(found.size(), spans.size());
    for (size_t i = 0; i < spans.size(); ++i) ExpectSameSpan(found[i], spans[i]);
  }
}

TEST(SpanStoreTest, CodecAndDiskBytesOfABlockAreItsEncodingAndItsCompressedEstimate) {
  SpanStore store(Options(1000));
  Rng rng(8);
  std::vector<SpanData> spans;
  for (int i = 0; i < 300; ++i) {
    SpanData s =
        MakeSpan(TraceId{0, 1 + rng.Uniform(30)}, rng.NextU64(), static_cast<ServiceId>(rng.Uniform(5)),
                 1'000'000 * i, 1000 + static_cast<int64_t>(rng.Uniform(100000)));
    s.attributes = {Attribute{1, int64_t{200}}};
    spans.push_back(s);
  }
  uint64_t head_codec = 0;
  for (const SpanData& s : spans) {
    head_codec += EncodedSize(s);
    store.Append(SpanData(s), kTimeZero);
  }
  EXPECT_EQ(store.codec_bytes(), head_codec);  // the head: each span on its own
  EXPECT_EQ(store.disk_bytes_estimate(), head_codec);
  store.MaybeCutBlock(kTimeZero + seconds(60));
  ASSERT_EQ(store.block_count(), 1u);
  // Block order: trace id ascending, then (start, span id).
  std::stable_sort(spans.begin(), spans.end(), [](const SpanData& a, const SpanData& b) {
    return std::tuple(a.trace_id, a.start, a.span_id) < std::tuple(b.trace_id, b.start, b.span_id);
  });
  std::vector<uint8_t> bytes;
  EncodeSpans(spans, bytes);
  EXPECT_EQ(store.codec_bytes(), bytes.size());
  EXPECT_LT(store.codec_bytes(), head_codec);  // grouping by trace pays
  EXPECT_EQ(store.disk_bytes_estimate(), EstimateCompression(bytes).estimated_bytes);  // small: not sampled
  EXPECT_LT(store.disk_bytes_estimate(), store.codec_bytes());
  EXPECT_EQ(store.DropBlocksEndedBefore(kTimeInfinite), 300u);
  EXPECT_EQ(store.codec_bytes(), 0u);
  EXPECT_EQ(store.disk_bytes_estimate(), 0u);

  SpanStoreOptions no_estimate = Options(10);
  no_estimate.estimate_disk_bytes = false;
  SpanStore cheap(no_estimate);
  for (int i = 0; i < 10; ++i) cheap.Append(SpanData(spans[i]), kTimeZero);
  EXPECT_EQ(cheap.block_count(), 1u);
  EXPECT_EQ(cheap.codec_bytes(), 0u);
  EXPECT_EQ(cheap.FindTrace(spans[0].trace_id).empty(), false);
}

// Regression for the cut's encoding path (attribute lists copied from the arena
// into the span encoding): every attribute type, trace states, parent
// back-references and raw parents, checked byte for byte through the size.
TEST(SpanStoreTest, CodecBytesOfABlockWithEveryFieldEqualEncodeSpans) {
  Rng rng(31);
  SpanStore store(Options(5000));
  std::vector<SpanData> spans;
  std::map<TraceId, std::vector<uint64_t>> ids_of_trace;
  for (int i = 0; i < 3000; ++i) {
    const TraceId t{0, 1 + rng.Uniform(200)};
    SpanData s =
        MakeSpan(t, rng.NextU64() | 1, static_cast<ServiceId>(rng.Uniform(300)),
                 static_cast<int64_t>(rng.Uniform(1ull << 40)), static_cast<int64_t>(rng.Uniform(1u << 24)),
                 static_cast<OperationId>(rng.Uniform(100000)));
    std::vector<uint64_t>& earlier = ids_of_trace[t];
    if (!earlier.empty() && rng.Uniform(2)) {
      s.parent_span_id = SpanId{earlier[rng.Uniform(earlier.size())]};  // a back-reference when grouped
    } else if (rng.Uniform(2)) {
      s.parent_span_id = SpanId{rng.NextU64() | 1};  // raw
    }
    earlier.push_back(s.span_id.value);
    s.kind = static_cast<SpanKind>(rng.Uniform(5));
    s.status = static_cast<SpanStatus>(rng.Uniform(3));
    s.trace_flags = static_cast<uint8_t>(rng.NextU64());
    for (uint64_t a = rng.Uniform(5); a > 0; --a) s.attributes.push_back(RandomAttribute(rng));
    if (rng.Uniform(4) == 0) s.trace_state = std::string(rng.Uniform(200), 'x') + std::to_string(i);
    spans.push_back(s);
    store.Append(std::move(s), kTimeZero);
  }
  store.MaybeCutBlock(kTimeZero + seconds(60));
  ASSERT_EQ(store.block_count(), 1u);
  std::stable_sort(spans.begin(), spans.end(), [](const SpanData& a, const SpanData& b) {
    return std::tuple(a.trace_id, a.start, a.span_id) < std::tuple(b.trace_id, b.start, b.span_id);
  });
  std::vector<uint8_t> bytes;
  EncodeSpans(spans, bytes);
  EXPECT_EQ(store.codec_bytes(), bytes.size());
  const uint64_t disk =
      EstimateCompression(bytes, SpanStoreOptions{}.disk_estimate_sample_bytes).estimated_bytes;
  EXPECT_EQ(store.disk_bytes_estimate(), disk);
  EXPECT_EQ(store.TakeFlushBytes(), disk);
}

TEST(SpanStoreTest, CutBlocksStayUnder120BytesPerSpan) {
  // Spans like the benchmark's: parent set, two attributes, 10 spans per trace.
  SpanStore store(Options(8192));
  Rng rng(30);
  std::vector<TraceId> active(500);
  for (auto& t : active) t = TraceId{rng.NextU64(), rng.NextU64()};
  for (int i = 0; i < 100000; ++i) {
    TraceId& t = active[rng.Uniform(active.size())];
    SpanData s =
        MakeSpan(t, rng.NextU64(), static_cast<ServiceId>(rng.Uniform(50)), int64_t{i} * 1'000'000,
                 static_cast<int64_t>(rng.Exponential(20e6)), static_cast<OperationId>(rng.Uniform(200)));
    s.parent_span_id = SpanId{rng.NextU64()};
    s.attributes = {Attribute{1, int64_t{200}}, Attribute{2, InternedString{7}}};
    store.Append(std::move(s), kTimeZero);
    if (rng.Uniform(10) == 0) t = TraceId{rng.NextU64(), rng.NextU64()};
  }
  store.MaybeCutBlock(kTimeZero + seconds(60));
  EXPECT_EQ(store.head_span_count(), 0u);
  // Counted: columns, arenas, indexes, Bloom filters, plus the head's retained capacity.
  EXPECT_LT(static_cast<double>(store.memory_bytes()) / 100000.0, 120.0);
  EXPECT_GT(static_cast<double>(store.memory_bytes()) / 100000.0, 40.0);  // 8+8+8+8+4+4+1+1 per row at least
}

TEST(SpanStoreTest, RetentionOptionAndApplyRetention) {
  SpanStoreOptions negative;
  negative.retention = -seconds(1);
  const auto bad = SpanStore::Create(negative);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("retention"), std::string::npos);
  SpanStoreOptions no_sample;
  no_sample.disk_estimate_sample_bytes = 0;
  EXPECT_FALSE(SpanStore::Create(no_sample).ok());
  SpanStoreOptions o = Options(10);
  o.retention = seconds(60);
  SpanStore store(o);
  EXPECT_FALSE(store.NextRetentionDeadline().has_value());
  constexpr int64_t kSecond = 1'000'000'000;
  for (int i = 0; i < 35; ++i) {  // block k: spans ending at (10k..10k+9) s + 1 ns
    store.Append(MakeSpan(TraceId{0, uint64_t(i + 1)}, 1, 0, int64_t(i) * kSecond, 1), kTimeZero);
  }
  ASSERT_EQ(store.block_count(), 3u);
  // Block 0 ends at 9 s + 1 ns: dropped once now - 60 s > 9 s + 1 ns.
  ASSERT_TRUE(store.NextRetentionDeadline().has_value());
  EXPECT_EQ(*store.NextRetentionDeadline(), FromNanos(69 * kSecond + 2));
  EXPECT_EQ(store.ApplyRetention(FromNanos(69 * kSecond + 1)), 0u);
  EXPECT_EQ(store.ApplyRetention(FromNanos(69 * kSecond + 2)), 10u);
  EXPECT_EQ(store.retention_dropped_spans(), 10u);
  EXPECT_EQ(*store.NextRetentionDeadline(), FromNanos(79 * kSecond + 2));
  EXPECT_EQ(store.ApplyRetention(FromNanos(1000 * kSecond)), 20u);  // the head stays
  EXPECT_EQ(store.retention_dropped_spans(), 30u);
  EXPECT_EQ(store.span_count(), 5u);
  EXPECT_FALSE(store.NextRetentionDeadline().has_value());
  store.Clear();
  EXPECT_EQ(store.retention_dropped_spans(), 30u);  // a statistic, not content
  // Retention 0 keeps everything; ApplyRetention near the start of time does not overflow.
  SpanStore forever(Options(1));
  forever.Append(MakeSpan(TraceId{0, 1}, 1, 0, 0, 1), kTimeZero);
  EXPECT_EQ(forever.ApplyRetention(kTimeInfinite), 0u);
  EXPECT_FALSE(forever.NextRetentionDeadline().has_value());
  SpanStoreOptions short_retention = Options(1);
  short_retention.retention = seconds(1);
  SpanStore early(short_retention);
  early.Append(MakeSpan(TraceId{0, 1}, 1, 0, 0, 1), kTimeZero);
  EXPECT_EQ(early.ApplyRetention(FromNanos(INT64_MIN + 5)), 0u);
  EXPECT_EQ(early.span_count(), 1u);
}

// ---------------------------------------------------------------- trace index

// Distinct trace ids with equal fingerprints (see TraceFingerprint's contract).
TraceId CollidingWith(const TraceId& a, uint64_t other_hi) {
  return TraceId{other_hi,
                 a.lo ^ TraceFingerprint(TraceId{a.hi, 0}) ^ TraceFingerprint(TraceId{other_hi, 0})};
}

TEST(TraceIndexTest, FingerprintIsDeterministicAndCollisionsCanBeBuilt) {
  const TraceId a{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  EXPECT_EQ(TraceFingerprint(a), TraceFingerprint(a));
  EXPECT_NE(TraceFingerprint(a), TraceFingerprint(TraceId{a.hi, a.lo + 1}));
  EXPECT_NE(TraceFingerprint(a), TraceFingerprint(TraceId{a.hi + 1, a.lo}));
  const TraceId b = CollidingWith(a, 42);
  EXPECT_NE(a, b);
  EXPECT_EQ(TraceFingerprint(a), TraceFingerprint(b));
}

// The index against a multiset of (fingerprint, block, trace): random inserts and
// erases, with fingerprints from a tiny domain so clusters are long and shared.
TEST(TraceIndexTest, MatchesAReferenceUnderInsertsAndErasesWithCollidingFingerprints) {
  Rng rng(77);
  TraceIndex index;
  std::set<std::tuple<uint64_t, uint32_t, uint32_t>> reference;
  std::vector<std::tuple<uint64_t, uint32_t, uint32_t>> live;
  auto check = [&](uint64_t fp) {
    std::vector<std::pair<uint32_t, uint32_t>> got, want;
    index.ForEach(fp, [&](const TraceIndex::Entry& e) {
      EXPECT_EQ(e.fingerprint, fp);
      EXPECT_EQ(e.row_begin, e.trace * 3);  // payload stored as given
      EXPECT_EQ(e.rows, e.block + 1);
      EXPECT_EQ(e.attr_begin, uint64_t{e.trace} << 33);
      got.emplace_back(e.block, e.trace);
    });
    for (auto it = reference.lower_bound({fp, 0, 0}); it != reference.end() && std::get<0>(*it) == fp; ++it) {
      want.emplace_back(std::get<1>(*it), std::get<2>(*it));
    }
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got, want) << "fingerprint " << fp;
  };
  size_t max_size = 0;
  for (int step = 0; step < 20000; ++step) {
    // Grow to ~3000 entries, then shrink to 0, so both rehash directions run.
    const bool insert = step < 10000 ? rng.Uniform(4) != 0 : rng.Uniform(4) == 0;
    if (insert || live.empty()) {
      // Fingerprints 0..63 and some with high bits, all sharing home slots.
      const uint64_t fp = rng.Uniform(64) | (rng.Uniform(2) ? uint64_t{1} << 63 : 0);
      const uint32_t block = static_cast<uint32_t>(rng.Uniform(50));
      const uint32_t trace = static_cast<uint32_t>(rng.Uniform(1000));
      if (!reference.insert({fp, block, trace}).second) continue;
      live.emplace_back(fp, block, trace);
      index.Insert(TraceIndex::Entry{fp, block, trace, trace * 3, block + 1, uint64_t{trace} << 33});
    } else {
      const size_t k = rng.Uniform(live.size());
      const auto [fp, block, trace] = live[k];
      live[k] = live.back();
      live.pop_back();
      reference.erase({fp, block, trace});
      ASSERT_TRUE(index.Erase(fp, block, trace));
      ASSERT_FALSE(index.Erase(fp, block, trace));  // already gone
    }
    ASSERT_EQ(index.size(), reference.size());
    max_size = std::max(max_size, index.size());
    if (step % 97 == 0) {
      for (uint64_t fp = 0; fp < 64; ++fp) {
        check(fp);
        check(fp | uint64_t{1} << 63);
      }
    }
    // Load stays in (1/8, 3/4] above the minimum capacity.
    ASSERT_LE(4 * index.size(), 3 * index.capacity());
    if (index.capacity() > TraceIndex::kMinCapacity) ASSERT_GE(8 * index.size(), index.capacity());
  }
  EXPECT_GT(max_size, 1000u);
  EXPECT_FALSE(index.Erase(5, 1, 1));
  index.Clear();
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.memory_bytes(), 0u);
  int calls = 0;
  index.ForEach(5, [&](const TraceIndex::Entry&) { ++calls; });
  EXPECT_EQ(calls, 0);
}

// FindTrace against the spans appended, for every trace and some absent ids.
void ExpectFindTraceMatches(const SpanStore& store, std::map<TraceId, std::vector<SpanData>> expected,
                            const std::vector<TraceId>& absent = {}) {
  for (auto& [trace, spans] : expected) {
    std::stable_sort(spans.begin(), spans.end(), [](const SpanData& a, const SpanData& b) {
      return std::pair(a.start, a.span_id) < std::pair(b.start, b.span_id);
    });
    ASSERT_EQ(KeysOf(store.FindTrace(trace)), KeysOf(spans)) << trace.ToHex();
  }
  for (const TraceId& id : absent) ASSERT_TRUE(store.FindTrace(id).empty()) << id.ToHex();
}

TEST(SpanStoreIndexTest, TracesSpanningManyBlocksAreFoundWhole) {
  SpanStore store(Options(64));
  Rng rng(11);
  std::map<TraceId, std::vector<SpanData>> expected;
  std::vector<TraceId> traces;
  for (int t = 0; t < 30; ++t) traces.push_back(TraceId{rng.NextU64(), rng.NextU64()});
  const TraceId everywhere{0, 1};  // one span in every block and in the head
  for (int i = 0; i < 64 * 40 + 10; ++i) {
    const TraceId& t = i % 64 == 0 ? everywhere : traces[rng.Uniform(traces.size())];
    SpanData s = MakeSpan(t, rng.NextU64() | 1, 0, static_cast<int64_t>(rng.Uniform(1u << 30)), 5);
    s.attributes = {Attribute{1, static_cast<int64_t>(i)}};
    expected[t].push_back(s);
    store.Append(std::move(s), kTimeZero);
  }
  ASSERT_EQ(store.block_count(), 40u);
  EXPECT_EQ(store.FindTrace(everywhere).size(), 41u);
  ExpectFindTraceMatches(store, expected, {TraceId{0, 2}, TraceId{1, 1}});
}

TEST(SpanStoreIndexTest, LookupsStayExactWhenRetentionDropsBlocksAnywhereAndIdsAreReused) {
  SpanStore store(Options(50));
  Rng rng(12);
  std::map<TraceId, std::vector<SpanData>> expected;
  std::map<TraceId, std::vector<SpanData>> dropped;
  std::vector<TraceId> traces;
  for (int t = 0; t < 40; ++t) traces.push_back(TraceId{rng.NextU64(), rng.NextU64()});
  constexpr int64_t kSecond = 1'000'000'000;
  // Block k holds spans ending around k seconds; every third block also holds one
  // long span, so it outlives the newer blocks around it.
  for (int k = 0; k < 12; ++k) {
    for (int j = 0; j < 50; ++j) {
      const TraceId& t = traces[rng.Uniform(traces.size())];
      const int64_t duration = (k % 3 == 0 && j == 0) ? 1000 * kSecond : 1;
      SpanData s = MakeSpan(t, rng.NextU64() | 1, 0, k * kSecond + j, duration);
      expected[t].push_back(s);
      store.Append(std::move(s), kTimeZero);
    }
  }
  ASSERT_EQ(store.block_count(), 12u);
  // Drops blocks 1, 2, 4, 5, 7, 8 (ended before 9 s) and keeps 0, 3, 6, 9, 10, 11.
  const size_t dropped_spans = store.DropBlocksEndedBefore(FromNanos(9 * kSecond));
  EXPECT_EQ(dropped_spans, 6u * 50u);
  EXPECT_EQ(store.block_count(), 6u);
  // Rebuild the expectation: a span survives iff its block survives.
  std::map<TraceId, std::vector<SpanData>> kept;
  for (auto& [t, spans] : expected) {
    for (const SpanData& s : spans) {
      const int64_t block = ToNanos(s.start) / kSecond;
      if (block % 3 == 0 || block >= 9) kept[t].push_back(s);
    }
  }
  std::vector<TraceId> gone;
  for (const auto& [t, spans] : expected) {
    if (!kept.count(t)) gone.push_back(t);
  }
  ExpectFindTraceMatches(store, kept, gone);
  // New blocks reuse the freed block ids; old and new are both found.
  for (int j = 0; j < 50 * 7 + 3; ++j) {
    const TraceId& t = traces[rng.Uniform(traces.size())];
    SpanData s = MakeSpan(t, rng.NextU64() | 1, 0, 100 * kSecond + j, 1);
    kept[t].push_back(s);
    store.Append(std::move(s), kTimeZero);
  }
  EXPECT_EQ(store.block_count(), 13u);
  gone.clear();
  ExpectFindTraceMatches(store, kept);
  // Dropping everything but the head leaves only head spans findable.
  store.DropBlocksEndedBefore(kTimeInfinite);
  EXPECT_EQ(store.block_count(), 0u);
  EXPECT_EQ(store.span_count(), 3u);
  size_t found = 0;
  for (const TraceId& t : traces) found += store.FindTrace(t).size();
  EXPECT_EQ(found, 3u);
}

TEST(SpanStoreIndexTest, ClearEmptiesTheIndex) {
  SpanStore store(Options(10));
  for (int i = 0; i < 95; ++i)
    store.Append(MakeSpan(TraceId{9, uint64_t(i % 7 + 1)}, i + 1, 0, i, 1), kTimeZero);
  ASSERT_EQ(store.block_count(), 9u);
  ASSERT_EQ(store.FindTrace(TraceId{9, 1}).size(), 14u);
  store.Clear();
  for (uint64_t t = 1; t <= 7; ++t) EXPECT_TRUE(store.FindTrace(TraceId{9, t}).empty());
  for (int i = 0; i < 25; ++i) store.Append(MakeSpan(TraceId{9, 1}, i + 1, 0, i, 1), kTimeZero);
  EXPECT_EQ(store.block_count(), 2u);
  EXPECT_EQ(store.FindTrace(TraceId{9, 1}).size(), 25u);
  EXPECT_TRUE(store.FindTrace(TraceId{9, 2}).empty());
}

TEST(SpanStoreIndexTest, TraceIdsWithTheSameFingerprintAreBothFoundExactly) {
  const TraceId a{0xaaaa, 0x1111};
  const TraceId b = CollidingWith(a, 0xbbbb);
  const TraceId c = CollidingWith(a, 0xcccc);  // never stored
  ASSERT_EQ(TraceFingerprint(a), TraceFingerprint(b));
  ASSERT_EQ(TraceFingerprint(a), TraceFingerprint(c));
  SpanStore store(Options(4));
  std::map<TraceId, std::vector<SpanData>> expected;
  // a and b in the same blocks and in separate ones, plus filler traces.
  const TraceId order[] = {a, b, TraceId{0, 1}, a, b, b, TraceId{0, 2}, TraceId{0, 3}, a, TraceId{0, 4}, b,
                           a, a};
  int64_t start = 0;
  for (const TraceId& t : order) {
    SpanData s = MakeSpan(t, static_cast<uint64_t>(start + 1), 0, start, 1);
    ++start;
    expected[t].push_back(s);
    store.Append(std::move(s), kTimeZero);
  }
  ASSERT_EQ(store.block_count(), 3u);
  ExpectFindTraceMatches(store, expected, {c});
  for (const SpanData& s : store.FindTrace(a)) EXPECT_EQ(s.trace_id, a);
  for (const SpanData& s : store.FindTrace(b)) EXPECT_EQ(s.trace_id, b);
  // Dropping the first block removes its a and b entries only.
  EXPECT_EQ(store.DropBlocksEndedBefore(FromNanos(5)), 4u);  // block 0 ends at 4 ns
  EXPECT_EQ(store.FindTrace(a).size(), 3u);                  // starts 8, 11 (block 2) and 12 (head)
  EXPECT_EQ(store.FindTrace(b).size(), 3u);                  // starts 4, 5 (block 1) and 10 (block 2)
  EXPECT_TRUE(store.FindTrace(c).empty());
}

// ---------------------------------------------------------------- flush bytes

TEST(SpanStoreTest, TakeFlushBytesReturnsTheDiskBytesOfBlocksCutSinceTheLastCall) {
  SpanStore store(Options(100));
  EXPECT_EQ(store.TakeFlushBytes(), 0u);
  Rng rng(13);
  auto append = [&](int n) {
    for (int i = 0; i < n; ++i) {
      SpanData s = MakeSpan(TraceId{1, 1 + rng.Uniform(20)}, rng.NextU64(), 0,
                            static_cast<int64_t>(rng.Uniform(1000000)), 10);
      s.attributes = {Attribute{1, int64_t{200}}};
      store.Append(std::move(s), kTimeZero);
    }
  };
  append(99);  // head only: nothing cut, nothing to flush
  EXPECT_EQ(store.TakeFlushBytes(), 0u);
  const uint64_t head_bytes = store.disk_bytes_estimate();  // the head counts its codec bytes
  append(1);                                                // cut
  ASSERT_EQ(store.block_count(), 1u);
  const uint64_t first = store.disk_bytes_estimate();
  EXPECT_GT(first, 0u);
  EXPECT_LT(first, head_bytes);  // compressed and grouped
  EXPECT_EQ(store.TakeFlushBytes(), first);
  EXPECT_EQ(store.TakeFlushBytes(), 0u);  // reset by the call
  append(200);                            // two more cuts, empty head
  ASSERT_EQ(store.block_count(), 3u);
  ASSERT_EQ(store.head_span_count(), 0u);
  EXPECT_EQ(store.TakeFlushBytes(), store.disk_bytes_estimate() - first);
  // A block cut and then dropped by retention before the take still counts.
  const uint64_t three_blocks = store.disk_bytes_estimate();
  append(100);
  ASSERT_EQ(store.block_count(), 4u);
  const uint64_t fourth = store.disk_bytes_estimate() - three_blocks;
  EXPECT_GT(fourth, 0u);
  EXPECT_EQ(store.DropBlocksEndedBefore(kTimeInfinite), 400u);
  EXPECT_EQ(store.disk_bytes_estimate(), 0u);
  EXPECT_EQ(store.TakeFlushBytes(), fourth);
  // MaybeCutBlock's cut is counted too.
  append(30);
  store.MaybeCutBlock(kTimeZero + seconds(60));
  ASSERT_EQ(store.block_count(), 1u);
  EXPECT_EQ(store.TakeFlushBytes(), store.disk_bytes_estimate());
  // Clear loses what was not taken (a crash before the flush).
  append(100);
  store.Clear();
  EXPECT_EQ(store.TakeFlushBytes(), 0u);
  // Without the estimate, blocks have no disk size.
  SpanStoreOptions no_estimate = Options(10);
  no_estimate.estimate_disk_bytes = false;
  SpanStore cheap(no_estimate);
  for (int i = 0; i < 30; ++i) cheap.Append(MakeSpan(TraceId{0, 1}, i + 1, 0, i, 1), kTimeZero);
  EXPECT_EQ(cheap.block_count(), 3u);
  EXPECT_EQ(cheap.TakeFlushBytes(), 0u);
}

}  // namespace
}  // namespace tracesim::pipeline
