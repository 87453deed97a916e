#include "tracesim/pipeline/span_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tracesim/pipeline/random.h"

namespace tracesim::pipeline {
namespace {

std::vector<uint8_t> Varint(uint64_t v) {
  std::vector<uint8_t> out;
  PutVarint64(out, v);
  return out;
}

// Full field-by-field equality (SpanData has no operator==).
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

SpanData RandomSpan(Rng& rng, const TraceId& trace, const std::vector<uint64_t>& earlier) {
  SpanData s;
  s.trace_id = trace;
  s.span_id = SpanId{rng.NextU64()};
  const uint64_t p = rng.Uniform(4);
  if (p == 1) s.parent_span_id = SpanId{rng.NextU64() | 1};
  if (p >= 2 && !earlier.empty()) s.parent_span_id = SpanId{earlier[rng.Uniform(earlier.size())]};
  s.service = static_cast<ServiceId>(rng.Uniform(3) == 0 ? rng.NextU64() : rng.Uniform(50));
  s.operation = static_cast<OperationId>(rng.Uniform(1000));
  s.kind = static_cast<SpanKind>(rng.Uniform(5));
  s.status = static_cast<SpanStatus>(rng.Uniform(3));
  s.trace_flags = static_cast<uint8_t>(rng.NextU64());
  const int64_t start =
      static_cast<int64_t>(rng.NextU64()) >> (1 + rng.Uniform(63));  // any sign and magnitude
  s.start = FromNanos(start);
  s.end = FromNanos(rng.Uniform(10) == 0 ? start - 5 : start + static_cast<int64_t>(rng.Uniform(1u << 30)));
  for (uint64_t k = rng.Uniform(5); k > 0; --k) {
    Attribute a;
    a.key = static_cast<AttributeKeyId>(rng.Uniform(2) ? rng.Uniform(100) : rng.NextU64());
    switch (rng.Uniform(4)) {
      case 0:
        a.value = rng.Uniform(2) == 1;
        break;
      case 1:
        a.value = static_cast<int64_t>(rng.NextU64());
        break;
      case 2:
        a.value = rng.NextDouble() * 1e6 - 5e5;
        break;
      default:
        a.value = InternedString{static_cast<uint32_t>(rng.NextU64())};
        break;
    }
    s.attributes.push_back(a);
  }
  if (rng.Uniform(4) == 0) s.trace_state = "ot=th:8;rv:" + std::to_string(rng.Uniform(1000000));
  return s;
}

// Runs of spans of the same trace, as in a cut block, with parents among earlier spans.
std::vector<SpanData> RandomSequence(uint64_t seed, size_t n) {
  Rng rng(seed);
  std::vector<SpanData> spans;
  TraceId trace{rng.NextU64(), rng.NextU64()};
  std::vector<uint64_t> earlier;
  for (size_t i = 0; i < n; ++i) {
    if (rng.Uniform(6) == 0) {
      trace = TraceId{rng.NextU64(), rng.NextU64()};
      earlier.clear();
    }
    spans.push_back(RandomSpan(rng, trace, earlier));
    earlier.push_back(spans.back().span_id.value);
  }
  return spans;
}

TEST(SpanCodecTest, VarintKnownVectors) {
  EXPECT_EQ(Varint(0), (std::vector<uint8_t>{0x00}));
  EXPECT_EQ(Varint(1), (std::vector<uint8_t>{0x01}));
  EXPECT_EQ(Varint(127), (std::vector<uint8_t>{0x7F}));
  EXPECT_EQ(Varint(128), (std::vector<uint8_t>{0x80, 0x01}));
  EXPECT_EQ(Varint(300), (std::vector<uint8_t>{0xAC, 0x02}));  // the protobuf documentation's example
  EXPECT_EQ(Varint(UINT64_MAX),
            (std::vector<uint8_t>{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}));
  for (uint64_t v :
       {uint64_t{0}, uint64_t{127}, uint64_t{128}, uint64_t{16383}, uint64_t{16384}, UINT64_MAX}) {
    EXPECT_EQ(VarintLength(v), Varint(v).size()) << v;
  }
  EXPECT_EQ(ZigZagEncode(0), 0u);
  EXPECT_EQ(ZigZagEncode(-1), 1u);
  EXPECT_EQ(ZigZagEncode(1), 2u);
  EXPECT_EQ(ZigZagEncode(-2), 3u);
  EXPECT_EQ(ZigZagEncode(INT64_MAX), UINT64_MAX - 1);
  EXPECT_EQ(ZigZagEncode(INT64_MIN), UINT64_MAX);
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{12345}, INT64_MIN, INT64_MAX}) {
    EXPECT_EQ(ZigZagDecode(ZigZagEncode(v)), v);
  }
}

TEST(SpanCodecTest, VarintRejectsTruncatedAndOverlongInput) {
  uint64_t v = 0;
  size_t pos = 0;
  const std::vector<uint8_t> truncated{0x80, 0x80};
  EXPECT_FALSE(GetVarint64(truncated, pos, v));
  EXPECT_EQ(pos, 0u);
  const std::vector<uint8_t> eleven(11, 0x80);
  EXPECT_FALSE(GetVarint64(eleven, pos, v));
  std::vector<uint8_t> overflow(9, 0xFF);
  overflow.push_back(0x02);  // the 10th byte may only hold bit 63
  EXPECT_FALSE(GetVarint64(overflow, pos, v));
  const std::vector<uint8_t> max = Varint(UINT64_MAX);
  ASSERT_TRUE(GetVarint64(max, pos, v));
  EXPECT_EQ(v, UINT64_MAX);
  EXPECT_EQ(pos, 10u);
}

TEST(SpanCodecTest, GoldenBytesOfTwoSpansOfOneTrace) {
  SpanData root;
  root.trace_id = TraceId{0x0102030405060708, 0x090A0B0C0D0E0F10};
  root.span_id = SpanId{0x1122334455667788};
  root.service = 3;
  root.operation = 200;
  root.kind = SpanKind::kServer;
  root.status = SpanStatus::kError;
  root.trace_flags = 1;
  root.start = FromNanos(1000);
  root.end = FromNanos(1500);
  root.attributes = {Attribute{2, int64_t{-3}}, Attribute{1, true}};
  SpanData child = root;
  child.span_id = SpanId{0x99};
  child.parent_span_id = root.span_id;
  child.kind = SpanKind::kClient;
  child.status = SpanStatus::kUnset;
  child.start = FromNanos(1100);
  child.end = FromNanos(1200);
  child.attributes = {Attribute{5, InternedString{300}}};
  child.trace_state = "a=b";
  std::vector<uint8_t> bytes;
  EncodeSpans(std::vector<SpanData>{root, child}, bytes);
  const std::vector<uint8_t> expected{
      0x02,                   // span count
      0x01 << 3 | 0x02 << 6,  // header: new trace, no parent, server, error
      0x01,
      0x02,
      0x03,
      0x04,
      0x05,
      0x06,
      0x07,
      0x08,  // trace id, big-endian
      0x09,
      0x0A,
      0x0B,
      0x0C,
      0x0D,
      0x0E,
      0x0F,
      0x10,  //
      0x88,
      0x77,
      0x66,
      0x55,
      0x44,
      0x33,
      0x22,
      0x11,  // span id, little-endian
      0x03,
      0xC8,
      0x01,  // service 3, operation 200
      0xD0,
      0x0F,  // zigzag(1000) = 2000
      0xE8,
      0x07,  // zigzag(500) = 1000
      0x02,  // flags 1 << 1, no tracestate
      0x02,
      0x09,
      0x05,
      0x04,
      0x01,                          // 2 attrs: key 2 int zigzag(-3)=5; key 1 bool true
      0x01 | 0x02 << 1 | 0x02 << 3,  // header: same trace, parent back-ref, client, unset
      0x99,
      0,
      0,
      0,
      0,
      0,
      0,
      0,     // span id
      0x01,  // parent: 1 span back
      0x03,
      0xC8,
      0x01,  // service, operation
      0xC8,
      0x01,  // zigzag(+100) = 200 (delta from the root's start)
      0xC8,
      0x01,  // zigzag(100) = 200
      0x03,  // flags 1 << 1 | has tracestate
      0x01,
      0x17,
      0xAC,
      0x02,  // 1 attr: key 5 << 2 | string, id 300
      0x03,
      'a',
      '=',
      'b',  // tracestate
  };
  EXPECT_EQ(bytes, expected);
  EXPECT_EQ(EncodedSize(std::vector<SpanData>{root, child}), expected.size());
  std::vector<SpanData> decoded;
  ASSERT_TRUE(DecodeSpans(bytes, decoded).ok());
  ASSERT_EQ(decoded.size(), 2u);
  ExpectSameSpan(decoded[0], root);
  ExpectSameSpan(decoded[1], child);
}

TEST(SpanCodecTest, RandomSequencesRoundTripAndSizesAreExact) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const std::vector<SpanData> spans = RandomSequence(seed, 400);
    std::vector<uint8_t> bytes{0xEE};  // EncodeSpans appends
    EncodeSpans(spans, bytes);
    ASSERT_EQ(bytes.size() - 1, EncodedSize(spans));
    std::vector<SpanData> decoded;
    const Status status = DecodeSpans(std::span<const uint8_t>(bytes).subspan(1), decoded);
    ASSERT_TRUE(status.ok()) << seed << ": " << status.ToString();
    ASSERT_EQ(decoded.size(), spans.size());
    for (size_t i = 0; i < spans.size(); ++i) ExpectSameSpan(decoded[i], spans[i]);
    size_t sum = VarintLength(spans.size());
    SpanEncoder encoder;
    std::vector<uint8_t> one;
    for (const SpanData& s : spans) {
      const size_t predicted = encoder.EncodedSize(s);
      one.clear();
      encoder.Encode(s, one);
      ASSERT_EQ(one.size(), predicted);
      sum += predicted;
      EXPECT_GE(EncodedSize(s), predicted);  // on its own a span never encodes smaller
    }
    EXPECT_EQ(sum, bytes.size() - 1);
  }
}

TEST(SpanCodecTest, GroupingByTraceShrinksTheEncoding) {
  // 100 traces x 10 spans, a chain of parents, 1 ms apart.
  Rng rng(5);
  std::vector<SpanData> grouped;
  for (int t = 0; t < 100; ++t) {
    const TraceId trace{rng.NextU64(), rng.NextU64()};
    for (int i = 0; i < 10; ++i) {
      SpanData s;
      s.trace_id = trace;
      s.span_id = SpanId{rng.NextU64()};
      if (i > 0) s.parent_span_id = grouped.back().span_id;
      s.start = FromNanos(1'700'000'000'000'000'000 + i * 1'000'000);
      s.end = s.start + std::chrono::milliseconds(3);
      grouped.push_back(s);
    }
  }
  size_t alone = 0;
  for (const SpanData& s : grouped) alone += EncodedSize(s);
  const size_t together = EncodedSize(grouped);
  // Alone: 16 trace id + 8 parent + 9 start bytes more per span than grouped (1-byte back-ref, 3-byte delta).
  EXPECT_LT(together * 10, alone * 5);
}

TEST(SpanCodecTest, EveryTruncationIsDetected) {
  const std::vector<SpanData> spans = RandomSequence(7, 30);
  std::vector<uint8_t> bytes;
  EncodeSpans(spans, bytes);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    std::vector<SpanData> out;
    const Status s = DecodeSpans(std::span<const uint8_t>(bytes).first(cut), out);
    ASSERT_FALSE(s.ok()) << "cut at " << cut;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_LT(out.size(), spans.size());
  }
  bytes.push_back(0);
  std::vector<SpanData> out;
  const Status trailing = DecodeSpans(bytes, out);
  ASSERT_FALSE(trailing.ok());
  EXPECT_NE(trailing.message().find("trailing"), std::string::npos);
}

TEST(SpanCodecTest, MalformedHeadersAndFieldsAreRejected) {
  SpanData s;
  s.trace_id = TraceId{1, 2};
  s.span_id = SpanId{3};
  std::vector<uint8_t> good;
  EncodeSpans(std::vector<SpanData>{s}, good);
  auto decode = [](std::vector<uint8_t> bytes) {
    std::vector<SpanData> out;
    return DecodeSpans(bytes, out);
  };
  ASSERT_TRUE(decode(good).ok());
  auto with_header = [&](uint8_t header) {
    std::vector<uint8_t> b = good;
    b[1] = header;
    return b;
  };
  EXPECT_NE(decode(with_header(0x03 << 1)).message().find("parent mode"), std::string::npos);
  EXPECT_NE(decode(with_header(0x05 << 3)).message().find("kind"), std::string::npos);
  EXPECT_NE(decode(with_header(0x03 << 6)).message().find("status"), std::string::npos);
  EXPECT_NE(decode(with_header(0x01)).message().find("same-trace"), std::string::npos);
  // A back-reference in the first span refers to nothing.
  std::vector<uint8_t> backref = {0x01, 0x02 << 1};
  EXPECT_FALSE(decode(backref).ok());
  // A service id beyond 32 bits.
  std::vector<uint8_t> big_service = {0x01, 0x00};
  for (int i = 0; i < 24; ++i) big_service.push_back(0);
  for (uint8_t b : Varint(uint64_t{1} << 32)) big_service.push_back(b);
  EXPECT_NE(decode(big_service).message().find("service"), std::string::npos);
  // A span count larger than the input.
  EXPECT_FALSE(decode({0xFF, 0xFF, 0x03}).ok());
  // Attribute lists: a bad bool byte and a count beyond the input.
  std::vector<uint8_t> attrs{0x01, 0x04, 0x02};  // key 1, bool, value 2
  size_t pos = 0;
  std::vector<Attribute> out;
  EXPECT_FALSE(DecodeAttributes(attrs, pos, out).ok());
  attrs = {0x7F};
  pos = 0;
  EXPECT_FALSE(DecodeAttributes(attrs, pos, out).ok());
  pos = 0;
  EXPECT_FALSE(SkipAttributes(attrs, pos));
}

TEST(SpanCodecTest, RandomCorruptionNeverCrashesTheDecoder) {
  const std::vector<SpanData> spans = RandomSequence(11, 50);
  std::vector<uint8_t> bytes;
  EncodeSpans(spans, bytes);
  Rng rng(12);
  int rejected = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<uint8_t> b = bytes;
    for (uint64_t k = 1 + rng.Uniform(3); k > 0; --k)
      b[rng.Uniform(b.size())] ^= static_cast<uint8_t>(1 + rng.Uniform(255));
    std::vector<SpanData> out;
    rejected += !DecodeSpans(b, out).ok();
  }
  // Flips inside ids or values decode "successfully" to other spans; structure flips are caught.
  EXPECT_GT(rejected, 300);
}

TEST(SpanCodecTest, AttributeMatchingComparesKeyTypeAndValue) {
  const std::vector<Attribute> attrs{Attribute{1, int64_t{5}}, Attribute{2, InternedString{9}},
                                     Attribute{3, 2.5}, Attribute{4, false}};
  std::vector<uint8_t> bytes;
  EncodeAttributes(attrs, bytes);
  EXPECT_EQ(bytes.size(), EncodedAttributesSize(attrs));
  auto contains = [&](std::vector<Attribute> wanted) {
    size_t pos = 0;
    bool has = false;
    EXPECT_TRUE(AttributesContainAll(bytes, pos, wanted, has));
    EXPECT_EQ(pos, bytes.size());
    return has;
  };
  EXPECT_TRUE(contains({}));
  EXPECT_TRUE(contains({Attribute{1, int64_t{5}}}));
  EXPECT_TRUE(contains({Attribute{4, false}, Attribute{2, InternedString{9}}, Attribute{3, 2.5}}));
  EXPECT_FALSE(contains({Attribute{1, 5.0}}));         // same number, other type
  EXPECT_FALSE(contains({Attribute{1, int64_t{6}}}));  // other value
  EXPECT_FALSE(contains({Attribute{9, int64_t{5}}}));  // other key
  EXPECT_FALSE(contains({Attribute{1, int64_t{5}}, Attribute{4, true}}));
  // More than 64 wanted attributes (the matcher works in chunks of 64).
  std::vector<Attribute> many;
  for (uint32_t k = 0; k < 100; ++k) many.push_back(Attribute{k, int64_t{k}});
  bytes.clear();
  EncodeAttributes(many, bytes);
  EXPECT_TRUE(contains(many));
  std::vector<Attribute> one_wrong = many;
  one_wrong[90].value = int64_t{-1};
  EXPECT_FALSE(contains(one_wrong));
}

TEST(SpanCodecTest, EntropyOfKnownDistributions) {
  EXPECT_EQ(Order0EntropyBitsPerByte({}), 0.0);
  const std::vector<uint8_t> constant(1000, 7);
  EXPECT_DOUBLE_EQ(Order0EntropyBitsPerByte(constant), 0.0);
  std::vector<uint8_t> two;
  for (int i = 0; i < 1000; ++i) two.push_back(i % 2 ? 'a' : 'b');
  EXPECT_DOUBLE_EQ(Order0EntropyBitsPerByte(two), 1.0);
  std::vector<uint8_t> all;
  for (int i = 0; i < 256 * 4; ++i) all.push_back(static_cast<uint8_t>(i));
  EXPECT_DOUBLE_EQ(Order0EntropyBitsPerByte(all), 8.0);
}

TEST(SpanCodecTest, CompressionEstimateBehavesLikeACompressor) {
  // Random bytes do not compress: the estimate is the input plus the header.
  Rng rng(3);
  std::vector<uint8_t> random(100000);
  for (auto& b : random) b = static_cast<uint8_t>(rng.NextU64());
  const CompressionEstimate r = EstimateCompression(random);
  EXPECT_EQ(r.input_bytes, random.size());
  EXPECT_GE(r.estimated_bytes, random.size());
  EXPECT_LE(r.estimated_bytes, random.size() + 32);
  EXPECT_GT(r.literal_entropy_bits_per_byte, 7.9);
  // A long run compresses to almost nothing: matches of 258 bytes.
  const std::vector<uint8_t> zeros(100000, 0);
  const CompressionEstimate z = EstimateCompression(zeros);
  EXPECT_LT(z.estimated_bytes, 1000u);
  EXPECT_GE(z.matches, 100000u / 258);
  // A repeated 1 KiB random pattern compresses to about one copy.
  std::vector<uint8_t> repeated;
  for (int k = 0; k < 50; ++k) repeated.insert(repeated.end(), random.begin(), random.begin() + 1024);
  const CompressionEstimate p = EstimateCompression(repeated);
  EXPECT_GT(p.estimated_bytes, 1024u);
  EXPECT_LT(p.estimated_bytes, 2 * 1024u);
  // Encoded spans compress: ids are random, the rest is small varints.
  std::vector<uint8_t> block;
  EncodeSpans(RandomSequence(4, 2000), block);
  const CompressionEstimate b = EstimateCompression(block);
  EXPECT_LT(b.estimated_bytes, block.size());
  EXPECT_GT(b.ratio(), 0.3);
  EXPECT_EQ(EstimateCompression({}).input_bytes, 0u);
}

TEST(SpanCodecTest, SampledCompressionEstimateTracksTheFullOne) {
  std::vector<uint8_t> block;
  EncodeSpans(RandomSequence(9, 40000), block);
  ASSERT_GT(block.size(), 8 * kCompressionSampleWindow);
  const CompressionEstimate full = EstimateCompression(block);
  const CompressionEstimate sampled = EstimateCompression(block, 4 * kCompressionSampleWindow);
  EXPECT_EQ(sampled.input_bytes, block.size());
  EXPECT_EQ(sampled.sampled_bytes, 4 * kCompressionSampleWindow);
  EXPECT_NEAR(static_cast<double>(sampled.estimated_bytes), static_cast<double>(full.estimated_bytes),
              0.03 * static_cast<double>(full.estimated_bytes));
  // A budget covering the input is the full estimate.
  EXPECT_EQ(EstimateCompression(block, block.size()).estimated_bytes, full.estimated_bytes);
  EXPECT_EQ(EstimateCompression(block, 0).sampled_bytes, kCompressionSampleWindow);
}

}  // namespace
}  // namespace tracesim::pipeline
