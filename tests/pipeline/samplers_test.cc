#include "tracesim/pipeline/samplers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "tracesim/pipeline/id_generator.h"
#include "tracesim/pipeline/random.h"

namespace tracesim::pipeline {
namespace {

using ::testing::HasSubstr;

SamplingParameters RootParams(TraceId id) {
  SamplingParameters p;
  p.trace_id = id;
  return p;
}

SpanContext Parent(bool remote, bool sampled) {
  SpanContext c;
  c.trace_id = {0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  c.span_id = {0x1111111111111111ULL};
  c.trace_flags = sampled ? kTraceFlagSampled : 0;
  c.is_remote = remote;
  return c;
}

// A sampler that records which case it served and answers a fixed decision.
class FixedSampler : public Sampler {
 public:
  FixedSampler(SamplingDecision d, std::string name, int* calls)
      : d_(d), name_(std::move(name)), calls_(calls) {}
  SamplingResult ShouldSample(const SamplingParameters&) noexcept override {
    ++*calls_;
    return {d_, name_};
  }
  std::string Description() const override { return name_; }

 private:
  SamplingDecision d_;
  std::string name_;
  int* calls_;
};

TEST(SamplingResultTest, RecordingAndSampledFollowTheDecision) {
  SamplingResult r;
  EXPECT_FALSE(r.IsRecording());
  EXPECT_FALSE(r.IsSampled());
  r.decision = SamplingDecision::kRecordOnly;
  EXPECT_TRUE(r.IsRecording());
  EXPECT_FALSE(r.IsSampled());
  r.decision = SamplingDecision::kRecordAndSample;
  EXPECT_TRUE(r.IsRecording());
  EXPECT_TRUE(r.IsSampled());
  EXPECT_STREQ(SamplingDecisionName(SamplingDecision::kRecordOnly), "record_only");
}

TEST(AlwaysOnOffTest, DecisionsIgnoreParentAndKeepTracestate) {
  auto on = MakeAlwaysOnSampler();
  auto off = MakeAlwaysOffSampler();
  EXPECT_EQ(on->Description(), "AlwaysOnSampler");
  EXPECT_EQ(off->Description(), "AlwaysOffSampler");
  for (bool remote : {false, true}) {
    for (bool sampled : {false, true}) {
      SpanContext parent = Parent(remote, sampled);
      SamplingParameters p = RootParams(parent.trace_id);
      p.parent = &parent;
      auto r_on = on->ShouldSample(p);
      EXPECT_EQ(r_on.decision, SamplingDecision::kRecordAndSample);
      EXPECT_FALSE(r_on.trace_state.has_value());
      auto r_off = off->ShouldSample(p);
      EXPECT_EQ(r_off.decision, SamplingDecision::kDrop);
      EXPECT_FALSE(r_off.trace_state.has_value());
    }
  }
  EXPECT_EQ(on->ShouldSample(RootParams({1, 1})).decision, SamplingDecision::kRecordAndSample);
  EXPECT_EQ(off->ShouldSample(RootParams({1, 1})).decision, SamplingDecision::kDrop);
}

TEST(TraceIdRatioTest, GoUpperBoundKnownVectors) {
  // uint64(ratio * 2^63) as computed by the Go SDK (exact power-of-two scaling).
  EXPECT_EQ(GoTraceIdRatioUpperBound(0.5), 0x4000000000000000ULL);
  EXPECT_EQ(GoTraceIdRatioUpperBound(0.25), 0x2000000000000000ULL);
  EXPECT_EQ(GoTraceIdRatioUpperBound(0.1), 0x0ccccccccccccd00ULL);
  EXPECT_EQ(GoTraceIdRatioUpperBound(0.01), 0x0147ae147ae147b0ULL);
  EXPECT_EQ(GoTraceIdRatioUpperBound(0.001), 0x0020c49ba5e353f8ULL);
  EXPECT_EQ(GoTraceIdRatioUpperBound(0.0), 0u);
  EXPECT_EQ(GoTraceIdRatioUpperBound(-3.0), 0u);
  EXPECT_EQ(GoTraceIdRatioUpperBound(std::nan("")), 0u);
  EXPECT_EQ(GoTraceIdRatioUpperBound(1.0), 0x8000000000000000ULL);
  EXPECT_EQ(GoTraceIdRatioUpperBound(7.0), 0x8000000000000000ULL);
}

TEST(TraceIdRatioTest, DecidesOnTheLowEightBytesAtTheBoundary) {
  auto s = MakeTraceIdRatioBasedSampler(0.1);
  const uint64_t bound = 0x0ccccccccccccd00ULL;
  auto decide = [&](uint64_t hi, uint64_t lo) { return s->ShouldSample(RootParams({hi, lo})).decision; };
  // x = lo >> 1; sampled iff x < bound.
  EXPECT_EQ(decide(0, 2 * bound - 1), SamplingDecision::kRecordAndSample);  // x = bound - 1
  EXPECT_EQ(decide(0, 2 * bound - 2), SamplingDecision::kRecordAndSample);
  EXPECT_EQ(decide(0, 2 * bound), SamplingDecision::kDrop);      // x = bound
  EXPECT_EQ(decide(0, 2 * bound + 1), SamplingDecision::kDrop);  // x = bound (low bit shifted out)
  EXPECT_EQ(decide(0, 1), SamplingDecision::kRecordAndSample);
  EXPECT_EQ(decide(0, ~0ULL), SamplingDecision::kDrop);
  // The high eight bytes play no part.
  EXPECT_EQ(decide(~0ULL, 1), SamplingDecision::kRecordAndSample);
  EXPECT_EQ(decide(1, ~0ULL), SamplingDecision::kDrop);
  // 0.5: lo below 2^63 is kept.
  auto half = MakeTraceIdRatioBasedSampler(0.5);
  EXPECT_EQ(half->ShouldSample(RootParams({5, 0x7fffffffffffffffULL})).decision,
            SamplingDecision::kRecordAndSample);
  EXPECT_EQ(half->ShouldSample(RootParams({5, 0x8000000000000000ULL})).decision, SamplingDecision::kDrop);
  // A W3C example id: lo = 0xa3ce929d0e0e4736 >> 1 = 0x51e7494e87072399, above the 0.5 bound.
  EXPECT_EQ(half->ShouldSample(RootParams({0x4bf92f3577b34da6ULL, 0xa3ce929d0e0e4736ULL})).decision,
            SamplingDecision::kDrop);
}

TEST(TraceIdRatioTest, ExtremesAndClamping) {
  auto all = MakeTraceIdRatioBasedSampler(1.0);
  auto above = MakeTraceIdRatioBasedSampler(2.5);
  auto none = MakeTraceIdRatioBasedSampler(0.0);
  auto below = MakeTraceIdRatioBasedSampler(-1.0);
  for (uint64_t lo : {1ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL}) {
    EXPECT_EQ(all->ShouldSample(RootParams({0, lo})).decision, SamplingDecision::kRecordAndSample);
    EXPECT_EQ(above->ShouldSample(RootParams({0, lo})).decision, SamplingDecision::kRecordAndSample);
    EXPECT_EQ(none->ShouldSample(RootParams({1, lo})).decision, SamplingDecision::kDrop);
    EXPECT_EQ(below->ShouldSample(RootParams({1, lo})).decision, SamplingDecision::kDrop);
  }
  // lo = 0 (hi != 0) gives x = 0: never sampled at ratio 0, since 0 < 0 is false.
  EXPECT_EQ(none->ShouldSample(RootParams({1, 0})).decision, SamplingDecision::kDrop);
  EXPECT_EQ(above->Description(), "TraceIdRatioBased{1.000000}");
  EXPECT_EQ(below->Description(), "TraceIdRatioBased{0.000000}");
}

TEST(TraceIdRatioTest, IgnoresTheParentSampledFlag) {
  auto s = MakeTraceIdRatioBasedSampler(0.5);
  SpanContext sampled = Parent(true, true);
  SamplingParameters p = RootParams({0, ~0ULL});  // x above the bound
  p.parent = &sampled;
  EXPECT_EQ(s->ShouldSample(p).decision, SamplingDecision::kDrop);
  SpanContext unsampled = Parent(false, false);
  p = RootParams({0, 2});
  p.parent = &unsampled;
  EXPECT_EQ(s->ShouldSample(p).decision, SamplingDecision::kRecordAndSample);
}

TEST(TraceIdRatioTest, Descriptions) {
  EXPECT_EQ(MakeTraceIdRatioBasedSampler(0.1)->Description(), "TraceIdRatioBased{0.100000}");
  EXPECT_EQ(MakeTraceIdRatioBasedSampler(0.0001)->Description(), "TraceIdRatioBased{0.000100}");
  EXPECT_EQ(MakeTraceIdRatioBasedSampler(0.5)->Description(), "TraceIdRatioBased{0.500000}");
}

TEST(TraceIdRatioTest, KeptFractionMatchesRatioOverAMillionIds) {
  IdGenerator ids(Rng(20240601));
  constexpr int kN = 1'000'000;
  const double ratios[] = {0.001, 0.01, 0.1, 0.5};
  std::unique_ptr<Sampler> samplers[4];
  for (int i = 0; i < 4; ++i) samplers[i] = MakeTraceIdRatioBasedSampler(ratios[i]);
  int kept[4] = {};
  for (int n = 0; n < kN; ++n) {
    const SamplingParameters p = RootParams(ids.NewTraceId());
    for (int i = 0; i < 4; ++i) kept[i] += samplers[i]->ShouldSample(p).IsSampled() ? 1 : 0;
  }
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(static_cast<double>(kept[i]) / kN, ratios[i], 0.003) << "ratio " << ratios[i];
  }
  // Consistency: a trace kept at a lower ratio is kept at every higher one,
  // so the kept counts are ordered.
  EXPECT_LT(kept[0], kept[1]);
  EXPECT_LT(kept[1], kept[2]);
  EXPECT_LT(kept[2], kept[3]);
}

TEST(TraceIdRatioTest, SamplingIsConsistentAcrossRatios) {
  IdGenerator ids(Rng(99));
  auto low = MakeTraceIdRatioBasedSampler(0.2);
  auto high = MakeTraceIdRatioBasedSampler(0.6);
  for (int n = 0; n < 100000; ++n) {
    const SamplingParameters p = RootParams(ids.NewTraceId());
    if (low->ShouldSample(p).IsSampled()) {
      ASSERT_TRUE(high->ShouldSample(p).IsSampled());
    }
  }
}

// ------------------------------------------------- TraceIdRatioBased variants

SamplingDecision Decide(Sampler& s, uint64_t hi, uint64_t lo) {
  return s.ShouldSample(RootParams({hi, lo})).decision;
}

constexpr uint64_t Swap(uint64_t v) {
  uint64_t out = 0;
  for (int i = 0; i < 8; ++i) out |= ((v >> (8 * i)) & 0xff) << (8 * (7 - i));
  return out;
}

TEST(TraceIdRatioHashTest, NamesParseAndDescriptions) {
  for (auto h : {TraceIdRatioHash::kGo, TraceIdRatioHash::kJava, TraceIdRatioHash::kCpp}) {
    auto parsed = ParseTraceIdRatioHash(TraceIdRatioHashName(h));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, h);
  }
  auto bad = ParseTraceIdRatioHash("python");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("'python'; valid hashes are: go, java, cpp"));
  EXPECT_EQ(MakeTraceIdRatioBasedSampler(0.1, TraceIdRatioHash::kGo)->Description(),
            "TraceIdRatioBased{0.100000}");
  EXPECT_EQ(MakeTraceIdRatioBasedSampler(0.1, TraceIdRatioHash::kJava)->Description(),
            "TraceIdRatioBased{0.100000}");
  EXPECT_EQ(MakeTraceIdRatioBasedSampler(0.1, TraceIdRatioHash::kCpp)->Description(),
            "TraceIdRatioBasedSampler{0.100000}");
}

TEST(JavaTraceIdRatioTest, UpperBoundKnownVectors) {
  EXPECT_EQ(JavaTraceIdRatioUpperBound(0.0), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(JavaTraceIdRatioUpperBound(1.0), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(JavaTraceIdRatioUpperBound(0.5), 0x4000000000000000LL);
  EXPECT_EQ(JavaTraceIdRatioUpperBound(0.1), 0x0ccccccccccccd00LL);  // (long)(0.1 * 2^63)
  EXPECT_EQ(JavaTraceIdRatioValue({0, 5}), 5);
  EXPECT_EQ(JavaTraceIdRatioValue({0, ~0ULL}), 1);  // |-1|
  EXPECT_EQ(JavaTraceIdRatioValue({0, 0x8000000000000000ULL}), std::numeric_limits<int64_t>::min());
}

TEST(JavaTraceIdRatioTest, DecisionsAtTheBoundary) {
  auto s = MakeTraceIdRatioBasedSampler(0.1, TraceIdRatioHash::kJava);
  const uint64_t b = 0x0ccccccccccccd00ULL;
  EXPECT_EQ(Decide(*s, 0, b - 1), SamplingDecision::kRecordAndSample);
  EXPECT_EQ(Decide(*s, 0, b), SamplingDecision::kDrop);
  // Negative values count by magnitude: -(b - 1) is kept, -b is not.
  EXPECT_EQ(Decide(*s, 0, 0 - (b - 1)), SamplingDecision::kRecordAndSample);
  EXPECT_EQ(Decide(*s, 0, 0 - b), SamplingDecision::kDrop);
  // Math.abs(Long.MIN_VALUE) < 0: kept at every ratio > 0 ...
  EXPECT_EQ(Decide(*s, 0, 0x8000000000000000ULL), SamplingDecision::kRecordAndSample);
  // ... but not at ratio 0 (bound Long.MIN_VALUE).
  auto none = MakeTraceIdRatioBasedSampler(0.0, TraceIdRatioHash::kJava);
  EXPECT_EQ(Decide(*none, 0, 0x8000000000000000ULL), SamplingDecision::kDrop);
  EXPECT_EQ(Decide(*none, 1, 0), SamplingDecision::kDrop);
  // Ratio 1 misses |x| == Long.MAX_VALUE, as the Java SDK documents.
  auto all = MakeTraceIdRatioBasedSampler(1.0, TraceIdRatioHash::kJava);
  EXPECT_EQ(Decide(*all, 0, 0x7fffffffffffffffULL), SamplingDecision::kDrop);
  EXPECT_EQ(Decide(*all, 0, 0x8000000000000001ULL), SamplingDecision::kDrop);
  EXPECT_EQ(Decide(*all, 0, 0x7ffffffffffffffeULL), SamplingDecision::kRecordAndSample);
  // The high half plays no part.
  EXPECT_EQ(Decide(*s, ~0ULL, 1), SamplingDecision::kRecordAndSample);
}

TEST(CppTraceIdRatioTest, ThresholdKnownVectors) {
  EXPECT_EQ(CppTraceIdRatioThreshold(0.0), 0u);
  EXPECT_EQ(CppTraceIdRatioThreshold(-1.0), 0u);
  EXPECT_EQ(CppTraceIdRatioThreshold(1.0), ~0ULL);
  // 0.5 * (2^64 - 1) in two halves: 0x7fffffff << 32 + uint64(2^31 + 2147483647.5).
  EXPECT_EQ(CppTraceIdRatioThreshold(0.5), 0x7fffffffffffffffULL);
  EXPECT_EQ(CppTraceIdRatioThreshold(0.25), 0x3fffffffffffffffULL);
  // The trace id's first eight bytes, loaded little-endian: byte 7 is the most significant.
  EXPECT_EQ(CppTraceIdThreshold({Swap(0x8000000000000000ULL), 0}), 0x7fffffffffffffffULL);
  EXPECT_EQ(CppTraceIdThreshold({0, ~0ULL}), 0u);  // low half ignored
  EXPECT_EQ(CppTraceIdThreshold({~0ULL, 0}), ~0ULL);
}

TEST(CppTraceIdRatioTest, DecisionsAtTheBoundary) {
  auto s = MakeTraceIdRatioBasedSampler(0.5, TraceIdRatioHash::kCpp);
  // x = 2^63 maps to ratio 0.5 exactly: threshold equal, kept (<=).
  EXPECT_EQ(Decide(*s, Swap(0x8000000000000000ULL), 0), SamplingDecision::kRecordAndSample);
  // The next double above 0.5 (x = 2^63 + 2^11) is dropped.
  EXPECT_EQ(Decide(*s, Swap(0x8000000000000800ULL), 0), SamplingDecision::kDrop);
  // x values that round to 0.5 as a double are kept too (the double conversion is lossy).
  EXPECT_EQ(Decide(*s, Swap(0x80000000000003ffULL), 0), SamplingDecision::kRecordAndSample);
  EXPECT_EQ(Decide(*s, Swap(0x7fffffffffffffffULL), ~0ULL), SamplingDecision::kRecordAndSample);
  // Byte order: 0x80 in byte 0 is a tiny x (kept); 0x80 in byte 7 is x = 2^63 (boundary).
  EXPECT_EQ(Decide(*s, 0xff00000000000000ULL, 0), SamplingDecision::kRecordAndSample);
  EXPECT_EQ(Decide(*s, 0x00000000000000ffULL, 0), SamplingDecision::kDrop);
  auto none = MakeTraceIdRatioBasedSampler(0.0, TraceIdRatioHash::kCpp);
  EXPECT_EQ(Decide(*none, 0, 1), SamplingDecision::kDrop);  // threshold 0 never samples
  auto all = MakeTraceIdRatioBasedSampler(1.0, TraceIdRatioHash::kCpp);
  EXPECT_EQ(Decide(*all, ~0ULL, ~0ULL), SamplingDecision::kRecordAndSample);
}

TEST(CppTraceIdRatioTest, MatchesTheSdkFormulaOnRandomIds) {
  // The SDK's code, literally (modf/ldexp, division by (double)UINT64_MAX).
  auto reference = [](double ratio) -> uint64_t {
    if (ratio <= 0.0) return 0;
    if (ratio >= 1.0) return UINT64_MAX;
    const double product = UINT32_MAX * ratio;
    double hi_bits, lo_bits = std::ldexp(std::modf(product, &hi_bits), 32) + product;
    return (static_cast<uint64_t>(hi_bits) << 32) + static_cast<uint64_t>(lo_bits);
  };
  IdGenerator ids(Rng(8));
  for (int n = 0; n < 100'000; ++n) {
    const TraceId id = ids.NewTraceId();
    uint64_t res = Swap(id.hi);
    ASSERT_EQ(CppTraceIdThreshold(id), reference(static_cast<double>(res) / static_cast<double>(UINT64_MAX)));
    const double r = static_cast<double>(id.lo >> 11) * 0x1p-53;
    ASSERT_EQ(CppTraceIdRatioThreshold(r), reference(r)) << r;
  }
}

TEST(TraceIdRatioVariantsTest, KeptFractionMatchesRatioForEveryHash) {
  IdGenerator ids(Rng(777));
  constexpr int kN = 1'000'000;
  const double ratios[] = {0.001, 0.01, 0.1, 0.5};
  const TraceIdRatioHash hashes[] = {TraceIdRatioHash::kGo, TraceIdRatioHash::kJava, TraceIdRatioHash::kCpp};
  std::unique_ptr<Sampler> s[3][4];
  int kept[3][4] = {};
  for (int h = 0; h < 3; ++h)
    for (int i = 0; i < 4; ++i) s[h][i] = MakeTraceIdRatioBasedSampler(ratios[i], hashes[h]);
  for (int n = 0; n < kN; ++n) {
    const SamplingParameters p = RootParams(ids.NewTraceId());
    for (int h = 0; h < 3; ++h)
      for (int i = 0; i < 4; ++i) kept[h][i] += s[h][i]->ShouldSample(p).IsSampled() ? 1 : 0;
  }
  for (int h = 0; h < 3; ++h) {
    for (int i = 0; i < 4; ++i) {
      EXPECT_NEAR(static_cast<double>(kept[h][i]) / kN, ratios[i], 0.003)
          << TraceIdRatioHashName(hashes[h]) << " ratio " << ratios[i];
    }
  }
}

TEST(TraceIdRatioVariantsTest, SdksWithTheSameRatioKeepDifferentTraces) {
  // At p = 0.1: Go keeps lo < 2b (b = 0.1 * 2^63), Java keeps |lo| < b, i.e.
  // lo < b or lo > 2^64 - b: they share only lo < b, half of each kept set.
  // C++ reads the other half of the id: its overlap with Go is about p^2.
  IdGenerator ids(Rng(4242));
  constexpr int kN = 1'000'000;
  auto go = MakeTraceIdRatioBasedSampler(0.1, TraceIdRatioHash::kGo);
  auto java = MakeTraceIdRatioBasedSampler(0.1, TraceIdRatioHash::kJava);
  auto cpp = MakeTraceIdRatioBasedSampler(0.1, TraceIdRatioHash::kCpp);
  int go_java = 0, go_cpp = 0, go_only_vs_java = 0;
  for (int n = 0; n < kN; ++n) {
    const SamplingParameters p = RootParams(ids.NewTraceId());
    const bool g = go->ShouldSample(p).IsSampled();
    const bool j = java->ShouldSample(p).IsSampled();
    const bool c = cpp->ShouldSample(p).IsSampled();
    go_java += g && j;
    go_cpp += g && c;
    go_only_vs_java += g != j;
  }
  EXPECT_NEAR(static_cast<double>(go_java) / kN, 0.05, 0.003);
  EXPECT_NEAR(static_cast<double>(go_cpp) / kN, 0.01, 0.002);
  EXPECT_NEAR(static_cast<double>(go_only_vs_java) / kN, 0.10, 0.003);  // symmetric difference
}

// ------------------------------------------------------------ ParentBased

struct Delegates {
  int root = 0, rs = 0, rns = 0, ls = 0, lns = 0;
};

std::unique_ptr<Sampler> MakeInstrumentedParentBased(Delegates& calls) {
  ParentBasedOptions o;
  o.remote_parent_sampled = std::make_unique<FixedSampler>(SamplingDecision::kRecordOnly, "rs", &calls.rs);
  o.remote_parent_not_sampled =
      std::make_unique<FixedSampler>(SamplingDecision::kRecordAndSample, "rns", &calls.rns);
  o.local_parent_sampled = std::make_unique<FixedSampler>(SamplingDecision::kDrop, "ls", &calls.ls);
  o.local_parent_not_sampled =
      std::make_unique<FixedSampler>(SamplingDecision::kRecordOnly, "lns", &calls.lns);
  return MakeParentBasedSampler(
      std::make_unique<FixedSampler>(SamplingDecision::kRecordAndSample, "root", &calls.root), std::move(o));
}

TEST(ParentBasedTest, RoutesEachParentCaseToItsDelegate) {
  Delegates calls;
  auto s = MakeInstrumentedParentBased(calls);
  EXPECT_EQ(s->Description(),
            "ParentBased{root:root,remoteParentSampled:rs,remoteParentNotSampled:rns,"
            "localParentSampled:ls,localParentNotSampled:lns}");

  SamplingParameters p = RootParams({7, 7});
  EXPECT_EQ(s->ShouldSample(p).trace_state, "root");

  const struct {
    bool remote, sampled;
    const char* who;
    SamplingDecision decision;
  } cases[] = {
      {true, true, "rs", SamplingDecision::kRecordOnly},
      {true, false, "rns", SamplingDecision::kRecordAndSample},
      {false, true, "ls", SamplingDecision::kDrop},
      {false, false, "lns", SamplingDecision::kRecordOnly},
  };
  for (const auto& c : cases) {
    SpanContext parent = Parent(c.remote, c.sampled);
    p.parent = &parent;
    auto r = s->ShouldSample(p);
    EXPECT_EQ(r.trace_state, c.who);
    EXPECT_EQ(r.decision, c.decision) << c.who;
  }
  EXPECT_EQ(calls.root, 1);
  EXPECT_EQ(calls.rs, 1);
  EXPECT_EQ(calls.rns, 1);
  EXPECT_EQ(calls.ls, 1);
  EXPECT_EQ(calls.lns, 1);
}

TEST(ParentBasedTest, InvalidParentIsARoot) {
  Delegates calls;
  auto s = MakeInstrumentedParentBased(calls);
  SpanContext invalid;  // all-zero ids
  invalid.trace_flags = kTraceFlagSampled;
  invalid.is_remote = true;
  SamplingParameters p = RootParams({7, 7});
  p.parent = &invalid;
  EXPECT_EQ(s->ShouldSample(p).trace_state, "root");
  EXPECT_EQ(calls.root, 1);
  EXPECT_EQ(calls.rs, 0);
}

TEST(ParentBasedTest, DefaultsFollowTheParentAndRatioDecidesRoots) {
  auto s = MakeParentBasedSampler(MakeTraceIdRatioBasedSampler(0.5));
  EXPECT_EQ(s->Description(),
            "ParentBased{root:TraceIdRatioBased{0.500000},remoteParentSampled:AlwaysOnSampler,"
            "remoteParentNotSampled:AlwaysOffSampler,localParentSampled:AlwaysOnSampler,"
            "localParentNotSampled:AlwaysOffSampler}");
  // Roots: the ratio sampler.
  EXPECT_EQ(s->ShouldSample(RootParams({0, 2})).decision, SamplingDecision::kRecordAndSample);
  EXPECT_EQ(s->ShouldSample(RootParams({0, ~0ULL})).decision, SamplingDecision::kDrop);
  // Children follow the parent's flag whatever their trace id.
  for (bool remote : {false, true}) {
    SpanContext sampled = Parent(remote, true), unsampled = Parent(remote, false);
    SamplingParameters p = RootParams({0, ~0ULL});
    p.parent = &sampled;
    EXPECT_EQ(s->ShouldSample(p).decision, SamplingDecision::kRecordAndSample);
    p = RootParams({0, 2});
    p.parent = &unsampled;
    EXPECT_EQ(s->ShouldSample(p).decision, SamplingDecision::kDrop);
  }
}

// ------------------------------------------------------ MakeSamplerByName

TEST(MakeSamplerByNameTest, KnownNames) {
  const std::pair<const char*, const char*> cases[] = {
      {"always_on", "AlwaysOnSampler"},
      {"always_off", "AlwaysOffSampler"},
      {"traceidratio", "TraceIdRatioBased{0.250000}"},
      {"parentbased_always_on",
       "ParentBased{root:AlwaysOnSampler,remoteParentSampled:AlwaysOnSampler,remoteParentNotSampled:"
       "AlwaysOffSampler,localParentSampled:AlwaysOnSampler,localParentNotSampled:AlwaysOffSampler}"},
      {"parentbased_always_off",
       "ParentBased{root:AlwaysOffSampler,remoteParentSampled:AlwaysOnSampler,remoteParentNotSampled:"
       "AlwaysOffSampler,localParentSampled:AlwaysOnSampler,localParentNotSampled:AlwaysOffSampler}"},
      {"parentbased_traceidratio",
       "ParentBased{root:TraceIdRatioBased{0.250000},remoteParentSampled:AlwaysOnSampler,"
       "remoteParentNotSampled:AlwaysOffSampler,localParentSampled:AlwaysOnSampler,"
       "localParentNotSampled:AlwaysOffSampler}"},
  };
  for (const auto& [name, description] : cases) {
    auto s = MakeSamplerByName(name, 0.25);
    ASSERT_TRUE(s.ok()) << name << ": " << s.status().ToString();
    EXPECT_EQ((*s)->Description(), description);
  }
}

TEST(MakeSamplerByNameTest, RatioIsIgnoredBySamplersThatDoNotUseIt) {
  auto s = MakeSamplerByName("always_on", 42.0);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->Description(), "AlwaysOnSampler");
}

TEST(MakeSamplerByNameTest, UnknownNameListsValidNames) {
  for (const char* name : {"", "AlwaysOn", "always-on", "jaeger_remote", "traceidratio "}) {
    auto s = MakeSamplerByName(name, 0.5);
    ASSERT_FALSE(s.ok()) << name;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(s.status().message(), HasSubstr("unknown sampler '" + std::string(name) + "'"));
    EXPECT_THAT(s.status().message(), HasSubstr("always_on, always_off, traceidratio, parentbased_always_on, "
                                                "parentbased_always_off, parentbased_traceidratio"));
  }
}

TEST(MakeSamplerByNameTest, RatioOutsideZeroOneIsRejected) {
  for (const char* name : {"traceidratio", "parentbased_traceidratio"}) {
    for (double bad : {-0.1, 1.5, std::numeric_limits<double>::infinity(), std::nan("")}) {
      auto s = MakeSamplerByName(name, bad);
      ASSERT_FALSE(s.ok()) << name << " " << bad;
      EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
      EXPECT_THAT(s.status().message(), HasSubstr(name));
      EXPECT_THAT(s.status().message(), HasSubstr("outside [0, 1]"));
    }
    EXPECT_TRUE(MakeSamplerByName(name, 0.0).ok());
    EXPECT_TRUE(MakeSamplerByName(name, 1.0).ok());
  }
  auto s = MakeSamplerByName("traceidratio", 1.5);
  EXPECT_THAT(s.status().message(), HasSubstr("ratio 1.5"));
}

}  // namespace
}  // namespace tracesim::pipeline
