#include "tracesim/pipeline/consistent_probability_sampler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tracesim/pipeline/id_generator.h"
#include "tracesim/pipeline/random.h"
#include "tracesim/pipeline/samplers.h"

namespace tracesim::pipeline {
namespace {

using ::testing::HasSubstr;

SamplingParameters Root(uint64_t lo, uint64_t hi = 0x1234) {
  SamplingParameters p;
  p.trace_id = {hi, lo};
  return p;
}

SpanContext Parent(bool sampled, std::string trace_state, uint64_t lo = 0x42) {
  SpanContext c;
  c.trace_id = {0x99, lo};
  c.span_id = {7};
  c.trace_flags = sampled ? kTraceFlagSampled : 0;
  c.trace_state = std::move(trace_state);
  c.is_remote = true;
  return c;
}

TEST(ThresholdEncodingTest, SpecTableVectors) {
  // tracestate-probability-sampling.md, "Converting floating-point probability to threshold value".
  struct Row {
    double p;
    const char* th3;
    const char* th4;
    const char* th5;
  };
  const Row rows[] = {
      {1.0, "0", "0", "0"},
      {0.5, "8", "8", "8"},
      {1.0 / 3, "aab", "aaab", "aaaab"},
      {0.25, "c", "c", "c"},
      {0.2, "ccd", "cccd", "ccccd"},
      {0.125, "e", "e", "e"},
      {0.1, "e66", "e666", "e6666"},
      {0.0625, "f", "f", "f"},
      {0.01, "fd71", "fd70a", "fd70a4"},
      {0.001, "ffbe7", "ffbe77", "ffbe76d"},
      {0.0001, "fff972", "fff9724", "fff97247"},
      {0.00001, "ffff584", "ffff583a", "ffff583a5"},
      {0.000001, "ffffef4", "ffffef39", "ffffef391"},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(EncodeThreshold(r.p, 3), r.th3) << r.p;
    EXPECT_EQ(EncodeThreshold(r.p, 4), r.th4) << r.p;
    EXPECT_EQ(EncodeThreshold(r.p, 5), r.th5) << r.p;
  }
  EXPECT_EQ(EncodeThreshold(0.1), "e666");  // default precision 4
  // Actual probabilities and adjusted counts from the same table.
  EXPECT_DOUBLE_EQ(ThresholdToProbability(ProbabilityToThreshold(1.0 / 3)), 0.3333282470703125);
  EXPECT_DOUBLE_EQ(ThresholdToAdjustedCount(ProbabilityToThreshold(0.1)), 9.99938968568813);
  EXPECT_DOUBLE_EQ(ThresholdToAdjustedCount(ProbabilityToThreshold(0.01)), 99.99771123402633);
  // The spec's 1 % example at 5 digits: 0xfd70a400000000.
  EXPECT_EQ(ProbabilityToThreshold(0.01, 5), 0xfd70a400000000ULL);
}

TEST(ThresholdEncodingTest, ParseAndFormat) {
  EXPECT_EQ(*ParseThreshold("c"), 0xc0000000000000ULL);  // th:c
  EXPECT_DOUBLE_EQ(ThresholdToProbability(0xc0000000000000ULL), 0.25);
  EXPECT_DOUBLE_EQ(ThresholdToAdjustedCount(0xc0000000000000ULL), 4.0);
  EXPECT_EQ(*ParseThreshold("0"), 0u);
  EXPECT_EQ(*ParseThreshold("8"), 0x80000000000000ULL);
  EXPECT_EQ(*ParseThreshold("ffffffffffffff"), 0xffffffffffffffULL);
  EXPECT_EQ(FormatThreshold(0), "0");
  EXPECT_EQ(FormatThreshold(0xc0000000000000ULL), "c");
  EXPECT_EQ(FormatThreshold(0xfd70a400000000ULL), "fd70a4");
  EXPECT_EQ(FormatThreshold(0x00000000000001ULL), "00000000000001");
  for (const char* bad : {"", "C", "g", "fffffffffffffff", " c", "-1"}) {
    auto r = ParseThreshold(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_THAT(r.status().message(), HasSubstr("1 to 14 lowercase hex digits"));
  }
}

TEST(OtelTraceStateTest, ParseFormatAndErrors) {
  auto ots = ParseOtelTraceState("th:c;rv:0123456789abcd;foo:Bar-1.x_");
  ASSERT_TRUE(ots.ok()) << ots.status().ToString();
  EXPECT_EQ(ots->th, 0xc0000000000000ULL);
  EXPECT_EQ(ots->rv, 0x0123456789abcdULL);
  ASSERT_EQ(ots->others.size(), 1u);
  EXPECT_EQ(ots->others[0].first, "foo");
  EXPECT_EQ(ots->others[0].second, "Bar-1.x_");
  EXPECT_EQ(FormatOtelTraceState(*ots), "th:c;rv:0123456789abcd;foo:Bar-1.x_");
  // Order on output: th, rv, then the others in their order.
  auto reordered = ParseOtelTraceState("a1:x;rv:00000000000001;th:0");
  ASSERT_TRUE(reordered.ok());
  EXPECT_EQ(FormatOtelTraceState(*reordered), "th:0;rv:00000000000001;a1:x");
  EXPECT_EQ(FormatOtelTraceState({}), "");
  EXPECT_TRUE(ParseOtelTraceState("")->others.empty());

  const std::pair<const char*, const char*> bad[] = {
      {"th:c;th:8", "appears twice"},
      {"rv:123", "exactly 14"},
      {"rv:0123456789ABCD", "exactly 14"},
      {"th", "no ':'"},
      {"TH:c", "key must be"},
      {"1a:b", "key must be"},
      {"th:c;", "no ':'"},
      {"p:a,b", "value may hold"},
      {"th:", "1 to 14"},
  };
  for (const auto& [value, why] : bad) {
    auto r = ParseOtelTraceState(value);
    ASSERT_FALSE(r.ok()) << value;
    EXPECT_THAT(r.status().message(), HasSubstr(why)) << value;
  }
  EXPECT_FALSE(ParseOtelTraceState(std::string(257, 'a')).ok());
}

TEST(OtelTraceStateTest, ExtractAndAdjustedCount) {
  EXPECT_EQ(ExtractOtelTraceState("vendor=x,ot=th:8")->th, 0x80000000000000ULL);
  EXPECT_FALSE(ExtractOtelTraceState("vendor=x")->th.has_value());
  EXPECT_FALSE(ExtractOtelTraceState("Bad Key=1").ok());
  EXPECT_EQ(AdjustedCount("ot=th:c"), 4.0);
  EXPECT_EQ(AdjustedCount("ot=th:8"), 2.0);
  EXPECT_EQ(AdjustedCount("ot=th:0"), 1.0);
  EXPECT_DOUBLE_EQ(*AdjustedCount("vendor=a,ot=rv:00000000000000;th:e666"), 9.99938968568813);
  EXPECT_FALSE(AdjustedCount("").has_value());
  EXPECT_FALSE(AdjustedCount("ot=rv:00000000000000").has_value());  // no th: undefined
  EXPECT_FALSE(AdjustedCount("ot=th:zz").has_value());
  SpanData span;
  span.trace_state = "ot=th:c";
  EXPECT_FALSE(AdjustedCount(span).has_value());  // not sampled
  span.trace_flags = kTraceFlagSampled;
  EXPECT_EQ(AdjustedCount(span), 4.0);
  EXPECT_EQ(ConsistentRandomness({1, 0xab12345678901234ULL}, {}), 0x12345678901234ULL);
}

TEST(ConsistentProbabilitySamplerTest, RootDecisionsAtTheExactThreshold) {
  auto s = MakeConsistentProbabilitySampler(0.25);  // T = 0xc0000000000000
  EXPECT_EQ(s->Description(), "ConsistentProbabilityBased{0.250000,th:c}");
  const uint64_t t = 0xc0000000000000ULL;
  auto r = s->ShouldSample(Root(t));
  EXPECT_EQ(r.decision, SamplingDecision::kRecordAndSample);
  EXPECT_EQ(r.trace_state, "ot=th:c");
  r = s->ShouldSample(Root(t - 1));
  EXPECT_EQ(r.decision, SamplingDecision::kDrop);
  EXPECT_FALSE(r.trace_state.has_value());
  // Only the low 56 bits count: the top byte of lo and the high half are ignored.
  EXPECT_EQ(s->ShouldSample(Root(0xff00000000000000ULL | (t - 1), ~0ULL)).decision, SamplingDecision::kDrop);
  EXPECT_EQ(s->ShouldSample(Root(0x00ffffffffffffffULL, 0)).decision, SamplingDecision::kRecordAndSample);

  auto all = MakeConsistentProbabilitySampler(1.0);
  r = all->ShouldSample(Root(0));
  EXPECT_EQ(r.decision, SamplingDecision::kRecordAndSample);
  EXPECT_EQ(r.trace_state, "ot=th:0");
  auto none = MakeConsistentProbabilitySampler(0.0);
  EXPECT_EQ(none->ShouldSample(Root(0x00ffffffffffffffULL)).decision, SamplingDecision::kDrop);
  EXPECT_EQ(none->Description(), "ConsistentProbabilityBased{0.000000,th:none}");
  auto third = MakeConsistentProbabilitySampler(1.0 / 3);  // th:aaab
  EXPECT_EQ(third->ShouldSample(Root(0xaaab0000000000ULL)).trace_state, "ot=th:aaab");
  EXPECT_EQ(third->ShouldSample(Root(0xaaaaffffffffffULL)).decision, SamplingDecision::kDrop);
}

TEST(ConsistentProbabilitySamplerTest, RvSubKeyIsHonouredAndKept) {
  auto s = MakeConsistentProbabilitySampler(0.25);
  // rv high, trace id randomness zero: sampled because of rv.
  SpanContext parent = Parent(false, "ot=rv:ffffffffffffff", /*lo=*/0);
  SamplingParameters p = Root(0);
  p.parent = &parent;
  auto r = s->ShouldSample(p);
  EXPECT_EQ(r.decision, SamplingDecision::kRecordAndSample);
  EXPECT_EQ(r.trace_state, "ot=th:c;rv:ffffffffffffff");
  // rv zero, trace id randomness maximal: dropped because of rv; nothing to rewrite.
  parent = Parent(true, "ot=rv:00000000000000", ~0ULL);
  p = Root(~0ULL);
  p.parent = &parent;
  r = s->ShouldSample(p);
  EXPECT_EQ(r.decision, SamplingDecision::kDrop);
  EXPECT_FALSE(r.trace_state.has_value());
}

TEST(ConsistentProbabilitySamplerTest, RewritesTheInheritedThresholdAndKeepsOtherMembers) {
  auto s = MakeConsistentProbabilitySampler(0.25);
  SpanContext parent = Parent(true, "vendor=a,ot=th:8;rv:e0000000000000;x:y");
  SamplingParameters p = Root(0);
  p.parent = &parent;
  auto r = s->ShouldSample(p);  // R = rv = 0xe0.. >= 0xc0..
  EXPECT_EQ(r.decision, SamplingDecision::kRecordAndSample);
  EXPECT_EQ(r.trace_state, "ot=th:c;rv:e0000000000000;x:y,vendor=a");
  // Same threshold already present: unchanged.
  parent = Parent(true, "ot=th:c;rv:e0000000000000");
  p.parent = &parent;
  EXPECT_FALSE(s->ShouldSample(p).trace_state.has_value());
  // Dropped: the inherited th is erased (unknown probability).
  parent = Parent(true, "vendor=a,ot=th:8;rv:90000000000000");
  p.parent = &parent;
  r = s->ShouldSample(p);
  EXPECT_EQ(r.decision, SamplingDecision::kDrop);
  EXPECT_EQ(r.trace_state, "ot=rv:90000000000000,vendor=a");
  parent = Parent(true, "vendor=a,ot=th:8", /*lo=*/0x10);
  p = Root(0x10);
  p.parent = &parent;
  r = s->ShouldSample(p);
  EXPECT_EQ(r.decision, SamplingDecision::kDrop);
  EXPECT_EQ(r.trace_state, "vendor=a");
  // A malformed ot entry is replaced when sampling.
  parent = Parent(true, "ot=th:XYZ,vendor=b", 0x00ffffffffffffffULL);
  p = Root(0x00ffffffffffffffULL);
  p.parent = &parent;
  EXPECT_EQ(s->ShouldSample(p).trace_state, "ot=th:c,vendor=b");
}

TEST(ConsistentProbabilitySamplerTest, KeptFractionMatchesPOverAMillionIds) {
  IdGenerator ids(Rng(31337));
  constexpr int kN = 1'000'000;
  const double ps[] = {0.001, 0.01, 0.1, 0.5};
  std::unique_ptr<Sampler> s[4];
  int kept[4] = {};
  for (int i = 0; i < 4; ++i) s[i] = MakeConsistentProbabilitySampler(ps[i]);
  for (int n = 0; n < kN; ++n) {
    SamplingParameters q = Root(0);
    q.trace_id = ids.NewTraceId();
    for (int i = 0; i < 4; ++i) kept[i] += s[i]->ShouldSample(q).IsSampled();
  }
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(static_cast<double>(kept[i]) / kN, ps[i], 0.003) << ps[i];
}

TEST(ConsistentProbabilitySamplerTest, TiersWithTheSameProbabilityKeepExactlyTheSameTraces) {
  // Three independent tiers (separate instances, not parent-based) at p = 0.1.
  auto tier1 = MakeConsistentProbabilitySampler(0.1);
  auto tier2 = MakeConsistentProbabilitySampler(0.1);
  auto tier3 = MakeConsistentProbabilitySampler(0.1);
  auto wider = MakeConsistentProbabilitySampler(0.3);
  IdGenerator ids(Rng(5));
  int kept = 0;
  for (int n = 0; n < 200'000; ++n) {
    SamplingParameters p = Root(0);
    p.trace_id = ids.NewTraceId();
    const bool a = tier1->ShouldSample(p).IsSampled();
    ASSERT_EQ(a, tier2->ShouldSample(p).IsSampled());
    ASSERT_EQ(a, tier3->ShouldSample(p).IsSampled());
    if (a) ASSERT_TRUE(wider->ShouldSample(p).IsSampled());  // consistency across p
    kept += a;
  }
  EXPECT_NEAR(kept / 200'000.0, 0.1, 0.005);
}

TEST(ConsistentParentBasedTest, FollowsTheParentAndErasesInconsistentThresholds) {
  auto s = MakeConsistentParentBasedSampler(MakeConsistentProbabilitySampler(0.5));
  EXPECT_EQ(s->Description(), "ConsistentParentBased{root:ConsistentProbabilityBased{0.500000,th:8}}");
  // Root: the delegate.
  auto r = s->ShouldSample(Root(0x80000000000000ULL));
  EXPECT_EQ(r.decision, SamplingDecision::kRecordAndSample);
  EXPECT_EQ(r.trace_state, "ot=th:8");
  EXPECT_EQ(s->ShouldSample(Root(0x7fffffffffffffULL)).decision, SamplingDecision::kDrop);
  // Sampled parent with a consistent th (R = 0xf0.. >= 0xc0..): propagated unchanged,
  // even though the root sampler here would use th:8.
  SpanContext parent = Parent(true, "ot=th:c", 0xf0000000000000ULL);
  SamplingParameters p = Root(0xf0000000000000ULL);
  p.parent = &parent;
  r = s->ShouldSample(p);
  EXPECT_EQ(r.decision, SamplingDecision::kRecordAndSample);
  EXPECT_FALSE(r.trace_state.has_value());
  // Sampled parent whose th is inconsistent (R < th): th erased, decision kept.
  parent = Parent(true, "ot=th:c;rv:10000000000000,v=1");
  p.parent = &parent;
  r = s->ShouldSample(p);
  EXPECT_EQ(r.decision, SamplingDecision::kRecordAndSample);
  EXPECT_EQ(r.trace_state, "ot=rv:10000000000000,v=1");
  // Sampled parent without th: sampled, no th added.
  parent = Parent(true, "");
  p.parent = &parent;
  r = s->ShouldSample(p);
  EXPECT_EQ(r.decision, SamplingDecision::kRecordAndSample);
  EXPECT_FALSE(r.trace_state.has_value());
  // Unsampled parent: dropped whatever the randomness.
  parent = Parent(false, "ot=th:0", ~0ULL);
  p = Root(~0ULL);
  p.parent = &parent;
  r = s->ShouldSample(p);
  EXPECT_EQ(r.decision, SamplingDecision::kDrop);
  EXPECT_FALSE(r.trace_state.has_value());
}

}  // namespace
}  // namespace tracesim::pipeline
