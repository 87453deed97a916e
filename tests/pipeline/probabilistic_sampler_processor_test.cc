#include "tracesim/pipeline/probabilistic_sampler_processor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tracesim/pipeline/drop_observer.h"
#include "tracesim/pipeline/interner.h"
#include "tracesim/pipeline/random.h"

namespace tracesim::pipeline {
namespace {

const TraceId kTid = *TraceId::FromHex("4bf92f3577b34da6a3ce929d0e0e4736");

SpanData SpanWith(TraceId tid, std::string trace_state = "") {
  SpanData s;
  s.trace_id = tid;
  s.span_id = SpanId{1};
  s.trace_state = std::move(trace_state);
  return s;
}

// A trace id whose W3C randomness (low 56 bits) is `r`.
TraceId WithRandomness(uint64_t r) { return TraceId{0x1234, (uint64_t{0xab} << 56) | r}; }

TEST(OtelThresholdTest, KnownProbabilityThresholds) {
  auto tv = [](double p, int precision) {
    return OtelThresholdTValue(*OtelProbabilityToThreshold(p, precision));
  };
  EXPECT_EQ(tv(1.0, 4), "0");
  EXPECT_EQ(tv(0.5, 4), "8");
  EXPECT_EQ(tv(0.25, 4), "c");
  EXPECT_EQ(tv(0.1, 4), "e666");  // the OTel spec's 10 % example
  EXPECT_EQ(tv(0.1, 0), "e6666666666666");
  EXPECT_EQ(tv(0.01, 4), "fd70a");  // one more digit near 0 (frexp exponent -7)
  EXPECT_EQ(tv(0x1p-56, 4), "ffffffffffffff");
  EXPECT_FALSE(OtelProbabilityToThreshold(0x1p-57, 4).has_value());
  EXPECT_FALSE(OtelProbabilityToThreshold(1.5, 4).has_value());
  EXPECT_EQ(OtelThresholdTValue(uint64_t{1} << 56), "");
}

TEST(ProbabilisticSamplerTest, HashSeedKnownVector) {
  EXPECT_EQ(ProbabilisticSamplerHash(kTid, 0), 0x3420408du);
  EXPECT_EQ(ProbabilisticSamplerHash(kTid, 42), 0xb4d55effu);
  ProbabilisticSamplerConfig c;
  c.sampling_percentage = 10;
  ProbabilisticSamplerProcessor p(c, nullptr);
  EXPECT_EQ(p.effective_mode(), "hash_seed");
  // hash & 0x3fff = 141 < uint32(10 * 163.84f) = 1638: sampled; the tracestate gets the hash
  // randomness and the threshold (16384 - 1638) << 42.
  SpanData s = SpanWith(kTid, "vendor=1");
  EXPECT_TRUE(p.ShouldSample(s));
  EXPECT_EQ(s.trace_state, "ot=rv:fdc80d0b42008d;th:e668,vendor=1");
}

TEST(ProbabilisticSamplerTest, HashSeedRatioAndSeedIndependence) {
  ProbabilisticSamplerConfig c;
  c.sampling_percentage = 25;
  ProbabilisticSamplerProcessor a(c, nullptr);
  c.hash_seed = 7;
  ProbabilisticSamplerProcessor b(c, nullptr);
  Rng rng(3);
  int na = 0, nb = 0, both = 0;
  constexpr int kN = 200000;
  for (int i = 0; i < kN; ++i) {
    SpanData s = SpanWith(TraceId{rng.NextU64(), rng.NextU64()});
    SpanData t = s;
    const bool sa = a.ShouldSample(s), sb = b.ShouldSample(t);
    na += sa;
    nb += sb;
    both += sa && sb;
  }
  // uint32(25 * 163.84f) = 4096 buckets of 16384.
  EXPECT_NEAR(na / double(kN), 0.25, 0.005);
  EXPECT_NEAR(nb / double(kN), 0.25, 0.005);
  EXPECT_NEAR(both / double(kN), 0.0625, 0.005);  // different seeds: independent decisions
}

TEST(ProbabilisticSamplerTest, HashSeedWithArrivingThresholdIsAnError) {
  ProbabilisticSamplerConfig c;
  c.sampling_percentage = 100;
  c.fail_closed = true;
  ProbabilisticSamplerProcessor closed(c, nullptr);
  SpanData s = SpanWith(kTid, "ot=th:8");
  EXPECT_FALSE(closed.ShouldSample(s));
  EXPECT_EQ(closed.error_spans(), 1u);
  c.fail_closed = false;
  ProbabilisticSamplerProcessor open(c, nullptr);
  SpanData t = SpanWith(kTid, "ot=th:8");
  EXPECT_TRUE(open.ShouldSample(t));
  EXPECT_EQ(t.trace_state, "ot=th:8");  // left alone
}

TEST(ProbabilisticSamplerTest, ProportionalMultipliesArrivingProbability) {
  ProbabilisticSamplerConfig c;
  c.mode = "proportional";
  c.sampling_percentage = 50;
  ProbabilisticSamplerProcessor p(c, nullptr);
  EXPECT_EQ(p.effective_mode(), "proportional");
  // No arriving threshold: T = 2^55 (th:8); sampled iff R >= T.
  SpanData hi = SpanWith(WithRandomness(uint64_t{0x8} << 52));
  SpanData lo = SpanWith(WithRandomness((uint64_t{0x8} << 52) - 1));
  EXPECT_TRUE(p.ShouldSample(hi));
  EXPECT_EQ(hi.trace_state, "ot=th:8");
  EXPECT_FALSE(p.ShouldSample(lo));
  // Arriving 50 % (th:8) * 50 % = 25 % (th:c).
  SpanData a = SpanWith(WithRandomness(uint64_t{0xc} << 52), "ot=th:8");
  SpanData b = SpanWith(WithRandomness(uint64_t{0xb} << 52), "ot=th:8");
  EXPECT_TRUE(p.ShouldSample(a));
  EXPECT_EQ(a.trace_state, "ot=th:c");
  EXPECT_FALSE(p.ShouldSample(b));
  // Explicit rv wins over the trace id.
  SpanData r = SpanWith(WithRandomness(0), "ot=rv:f0000000000000;x:1,k=v");
  EXPECT_TRUE(p.ShouldSample(r));
  EXPECT_EQ(r.trace_state, "ot=rv:f0000000000000;th:8;x:1,k=v");
}

TEST(ProbabilisticSamplerTest, EqualizingKeepsTheLowerArrivingProbability) {
  ProbabilisticSamplerConfig c;
  c.mode = "equalizing";
  c.sampling_percentage = 50;
  ProbabilisticSamplerProcessor p(c, nullptr);
  // Arriving 25 % (th:c) is below 50 %: the threshold stays c.
  SpanData a = SpanWith(WithRandomness(uint64_t{0xd} << 52), "ot=th:c");
  EXPECT_TRUE(p.ShouldSample(a));
  EXPECT_EQ(a.trace_state, "ot=th:c");
  // Arriving 100 % (th:0): raised to 8.
  SpanData b = SpanWith(WithRandomness(uint64_t{0x9} << 52), "ot=th:0");
  EXPECT_TRUE(p.ShouldSample(b));
  EXPECT_EQ(b.trace_state, "ot=th:8");
}

TEST(ProbabilisticSamplerTest, InconsistentArrivingThresholdAndFailClosed) {
  ProbabilisticSamplerConfig c;
  c.mode = "proportional";
  c.sampling_percentage = 100;
  ProbabilisticSamplerProcessor closed(c, nullptr);
  // th:8 but R < 2^55: the span should not have been sampled upstream.
  SpanData s = SpanWith(WithRandomness(1), "ot=th:8");
  EXPECT_FALSE(closed.ShouldSample(s));
  c.fail_closed = false;
  ProbabilisticSamplerProcessor open(c, nullptr);
  SpanData t = SpanWith(WithRandomness(1), "ot=th:8");
  EXPECT_TRUE(open.ShouldSample(t));
  EXPECT_EQ(t.trace_state, "ot=th:0");  // threshold cleared, then the always-sample threshold
  // An unparsable tracestate is an error too.
  SpanData u = SpanWith(WithRandomness(uint64_t{0xf} << 52), "ot=th:zz");
  EXPECT_FALSE(closed.ShouldSample(u));
}

TEST(ProbabilisticSamplerTest, ZeroPercentSamplesNothingAndConsumeReportsDrops) {
  ProbabilisticSamplerConfig c;
  c.sampling_percentage = 0;
  CountingDropObserver drops;
  ProbabilisticSamplerProcessor p(c, &drops);
  SpanBatch spans = {SpanWith(kTid), SpanWith(WithRandomness(5))};
  std::vector<SpanBatch> out;
  ASSERT_TRUE(p.Consume(spans, kTimeZero, out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(drops.count(DropCause::kTailSampledOut), 2u);
  EXPECT_EQ(p.not_sampled_spans(), 2u);
}

TEST(ProbabilisticSamplerTest, ConsumeEmitsSampledSpansInOrder) {
  ProbabilisticSamplerConfig c;
  c.mode = "proportional";
  c.sampling_percentage = 50;
  CountingDropObserver drops;
  ProbabilisticSamplerProcessor p(c, &drops);
  SpanBatch spans = {SpanWith(WithRandomness(uint64_t{0x9} << 52)), SpanWith(WithRandomness(3)),
                     SpanWith(WithRandomness(uint64_t{0xa} << 52))};
  spans[2].span_id = SpanId{3};
  std::vector<SpanBatch> out;
  ASSERT_TRUE(p.Consume(spans, kTimeZero, out).ok());
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].size(), 2u);
  EXPECT_EQ(out[0][1].span_id, SpanId{3});
  EXPECT_EQ(drops.count(DropCause::kTailSampledOut), 1u);
}

TEST(ProbabilisticSamplerTest, SamplingPriorityOverrides) {
  Interner interner;
  const uint32_t key = interner.Intern("sampling.priority");
  ProbabilisticSamplerConfig c;
  c.sampling_percentage = 0.001;
  c.mode = "proportional";
  ProbabilisticSamplerProcessor p(c, nullptr, &interner);
  SpanData forced = SpanWith(WithRandomness(0));
  forced.attributes.push_back({key, int64_t{1}});
  EXPECT_TRUE(p.ShouldSample(forced));
  EXPECT_EQ(forced.trace_state, "ot=th:0");
  c.sampling_percentage = 100;
  ProbabilisticSamplerProcessor all(c, nullptr, &interner);
  SpanData vetoed = SpanWith(WithRandomness(uint64_t{0xf} << 52));
  vetoed.attributes.push_back({key, InternedString{interner.Intern("0")}});
  EXPECT_FALSE(all.ShouldSample(vetoed));
}

TEST(ProbabilisticSamplerTest, ValidationNamesTheKey) {
  ProbabilisticSamplerConfig c;
  EXPECT_TRUE(ValidateProbabilisticSamplerConfig(c).ok());
  c.sampling_percentage = -1;
  EXPECT_EQ(
      ValidateProbabilisticSamplerConfig(c).message().rfind("probabilistic_sampler.sampling_percentage: "
                                                            "sampling rate is negative",
                                                            0),
      0u);
  c.sampling_percentage = 1e-20;
  EXPECT_NE(ValidateProbabilisticSamplerConfig(c).message().find("too small"), std::string::npos);
  c.sampling_percentage = 150;  // > 100 means 100 %
  EXPECT_TRUE(ValidateProbabilisticSamplerConfig(c).ok());
  c.mode = "random";
  EXPECT_EQ(
      ValidateProbabilisticSamplerConfig(c).message(),
      "probabilistic_sampler.mode: unsupported sampler mode \"random\" (expected hash_seed, proportional or "
      "equalizing)");
  c.mode = "equalizing";
  c.sampling_precision = 15;
  EXPECT_EQ(ValidateProbabilisticSamplerConfig(c).message(),
            "probabilistic_sampler.sampling_precision: sampling precision is too great, should be <= 14: 15");
  c.sampling_precision = 0;
  EXPECT_EQ(ValidateProbabilisticSamplerConfig(c).message(),
            "probabilistic_sampler.sampling_precision: invalid sampling precision: 0");
}

}  // namespace
}  // namespace tracesim::pipeline
