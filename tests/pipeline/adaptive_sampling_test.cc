#include "tracesim/pipeline/adaptive_sampling.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tracesim::pipeline {
namespace {

TimePoint At(double seconds) { return kTimeZero + FromSeconds(seconds); }

SamplingParameters Root(OperationId op, uint64_t lo, double seconds) {
  SamplingParameters p;
  p.trace_id = {1, lo};
  p.name = op;
  p.now = At(seconds);
  return p;
}

constexpr uint64_t kNeverProbabilistic = 0x7fffffffffffffffULL;  // above every boundary < 1

TEST(JaegerProbabilisticTest, BoundaryKnownVectors) {
  EXPECT_EQ(JaegerProbabilisticBoundary(0.5), 0x4000000000000000ULL);
  EXPECT_EQ(JaegerProbabilisticBoundary(1.0), 0x8000000000000000ULL);
  EXPECT_EQ(JaegerProbabilisticBoundary(0.0), 0u);
  EXPECT_EQ(JaegerProbabilisticBoundary(7.0), 0x8000000000000000ULL);
  EXPECT_EQ(JaegerProbabilisticBoundary(0.001), 0x0020c49ba5e353f8ULL);
  const uint64_t b = JaegerProbabilisticBoundary(0.5);
  EXPECT_TRUE(JaegerProbabilisticIsSampled(b, {0, b}));  // >=
  EXPECT_FALSE(JaegerProbabilisticIsSampled(b, {0, b + 1}));
  EXPECT_TRUE(JaegerProbabilisticIsSampled(b, {0, 0x8000000000000000ULL | b}));  // top bit masked
  EXPECT_TRUE(JaegerProbabilisticIsSampled(0, {5, 0x8000000000000000ULL}));      // rate 0 keeps Low&mask == 0
}

TEST(JaegerGuaranteedThroughputTest, LowerBoundGuaranteesTracesAndIsChargedByProbabilisticHits) {
  JaegerGuaranteedThroughputSampler s(0.5, 0.0, At(0));  // bucket max(0.5, 1) = 1, initially full
  auto d = s.IsSampled({1, kNeverProbabilistic}, At(0));
  EXPECT_TRUE(d.sampled);
  EXPECT_EQ(d.type, JaegerSamplerType::kLowerBound);
  EXPECT_FALSE(s.IsSampled({1, kNeverProbabilistic}, At(1)).sampled);  // 0.5 credit
  EXPECT_TRUE(s.IsSampled({1, kNeverProbabilistic}, At(2)).sampled);   // 1.0 credit
  // A probabilistic hit also spends the lower-bound credit.
  s.Update(0.5, 1.0, At(2));
  d = s.IsSampled({1, 2}, At(4));  // balance 0 -> +1 at t=4, spent
  EXPECT_TRUE(d.sampled);
  EXPECT_EQ(d.type, JaegerSamplerType::kProbabilistic);
  EXPECT_EQ(s.lower_bound_limiter().balance(), 0.0);
  s.Update(0.5, 0.0, At(4));
  EXPECT_FALSE(s.IsSampled({1, kNeverProbabilistic}, At(4)).sampled);
  EXPECT_EQ(s.sampling_rate(), 0.0);
}

TEST(JaegerPerOperationSamplerTest, PerOperationSamplersDefaultsAndMaxOperations) {
  PerOperationSamplingStrategies st;
  st.default_sampling_probability = 0.0;
  st.default_lower_bound_traces_per_second = 1.0;
  st.per_operation = {{10, 1.0}};
  JaegerPerOperationSampler s(st, /*max_operations=*/2, At(0));
  EXPECT_EQ(s.Description(),
            "JaegerPerOperationSampler{defaultSamplingProbability=0,lowerBound=1,maxOperations=2}");
  // Operation 10: probability 1.
  EXPECT_TRUE(s.ShouldSample(Root(10, kNeverProbabilistic - 1, 0)).IsSampled());
  EXPECT_EQ(s.last_decision().type, JaegerSamplerType::kProbabilistic);
  EXPECT_EQ(s.last_decision().param, 1.0);
  // Operation 20: new, default probability 0, lower bound grants the first.
  EXPECT_TRUE(s.ShouldSample(Root(20, kNeverProbabilistic, 0)).IsSampled());
  EXPECT_EQ(s.last_decision().type, JaegerSamplerType::kLowerBound);
  EXPECT_FALSE(s.ShouldSample(Root(20, kNeverProbabilistic, 0.5)).IsSampled());
  EXPECT_EQ(s.num_operations(), 2u);
  // Operation 30: max_operations reached, default probabilistic only (no lower bound).
  EXPECT_FALSE(s.ShouldSample(Root(30, kNeverProbabilistic, 0)).IsSampled());
  EXPECT_EQ(s.num_operations(), 2u);
  EXPECT_FALSE(s.OperationSamplingRate(30).has_value());
  // Children follow the parent, whatever the operation's strategy.
  SpanContext parent;
  parent.trace_id = {1, 1};
  parent.span_id = {2};
  SamplingParameters child = Root(30, kNeverProbabilistic, 0);
  child.parent = &parent;
  EXPECT_FALSE(s.ShouldSample(child).IsSampled());
  parent.trace_flags = kTraceFlagSampled;
  EXPECT_TRUE(s.ShouldSample(child).IsSampled());
  EXPECT_FALSE(s.last_decision().root);
  EXPECT_FALSE(s.ShouldSample(child).trace_state.has_value());
}

TEST(JaegerPerOperationSamplerTest, UpdateStrategyReplacesTheOperationSet) {
  PerOperationSamplingStrategies st;
  JaegerPerOperationSampler s(st, 0, At(0));
  s.ShouldSample(Root(1, 5, 0));
  s.ShouldSample(Root(2, 5, 0));
  EXPECT_EQ(s.OperationSamplingRate(1), 0.001);
  PerOperationSamplingStrategies next;
  next.default_sampling_probability = 0.2;
  next.default_lower_bound_traces_per_second = 0.5;
  next.per_operation = {{2, 0.25}, {3, 0.75}};
  s.UpdateStrategy(next, At(1));
  EXPECT_EQ(s.num_operations(), 2u);
  EXPECT_FALSE(s.OperationSamplingRate(1).has_value());  // forgotten
  EXPECT_EQ(s.OperationSamplingRate(2), 0.25);
  EXPECT_EQ(s.OperationSamplingRate(3), 0.75);
  EXPECT_EQ(s.default_sampling_probability(), 0.2);
  EXPECT_EQ(s.lower_bound(), 0.5);
  // A re-created operation gets the new default.
  s.ShouldSample(Root(1, 5, 1));
  EXPECT_EQ(s.OperationSamplingRate(1), 0.2);
}

TEST(AdaptiveCalculatorTest, WeightsAndCappedCalculatorVectors) {
  EXPECT_EQ(AdaptiveSamplingCalculator::Weights(1), std::vector<double>{1.0});
  const auto w = AdaptiveSamplingCalculator::Weights(3);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_DOUBLE_EQ(w[0], 81.0 / 98);
  EXPECT_DOUBLE_EQ(w[1], 16.0 / 98);
  EXPECT_DOUBLE_EQ(w[2], 1.0 / 98);
  // jaeger calculationstrategy tests (cap 0.5).
  EXPECT_DOUBLE_EQ(AdaptiveSamplingCalculator::CappedProbability(1.0, 2.0, 0.1, 0.5), 0.05);
  EXPECT_DOUBLE_EQ(AdaptiveSamplingCalculator::CappedProbability(1.0, 0.5, 0.1, 0.5), 0.15);
  EXPECT_DOUBLE_EQ(AdaptiveSamplingCalculator::CappedProbability(1.0, 0.8, 0.1, 0.5), 0.125);
  // The post-aggregator's cap 1.0: at most doubling.
  EXPECT_DOUBLE_EQ(AdaptiveSamplingCalculator::CappedProbability(1.0, 0.1, 0.1, 1.0), 0.2);
}

HeadSamplerConfig::Adaptive NoDelay() {
  HeadSamplerConfig::Adaptive a;
  a.delay = Duration::zero();
  return a;
}

void Record(AdaptiveSamplingCalculator& c, ServiceId svc, OperationId op, int64_t n, double p) {
  for (int64_t i = 0; i < n; ++i) c.RecordRootSpan(svc, op, p);
}

TEST(AdaptiveCalculatorTest, ConvergesOnASteadyLoadWithCappedIncreases) {
  for (double cap : {1.0, 0.5}) {
    HeadSamplerConfig::Adaptive a = NoDelay();
    a.percentage_increase_cap = cap;
    AdaptiveSamplingCalculator calc(a, At(0));
    constexpr double kQps = 100.0;  // root spans per second of operation 7 of service 3
    double p = a.initial_sampling_probability;
    double t = 0;
    for (int step = 0; step < 40; ++step) {
      // The SDK samples kQps * p traces per second; the collector counts them.
      Record(calc, 3, 7, std::llround(kQps * 60 * p), p);
      t += 60;
      auto strategies = calc.Recalculate(At(t));
      ASSERT_EQ(strategies.count(3), 1u);
      const double next = strategies[3].per_operation.at(0).sampling_rate;
      EXPECT_LE(next, p * (1 + cap) + 1e-15) << "step " << step;  // increase capped
      EXPECT_GE(next, a.min_sampling_probability);
      p = next;
    }
    // target / Q = 0.01, reached within the delta tolerance.
    EXPECT_LT(std::abs(kQps * p - a.target_samples_per_second) / a.target_samples_per_second,
              a.delta_tolerance)
        << "cap " << cap;
    EXPECT_EQ(calc.Probability(3, 7), p);
  }
}

TEST(AdaptiveCalculatorTest, ExactStepsFromTheInitialProbability) {
  AdaptiveSamplingCalculator calc(NoDelay(), At(0));
  // 6 sampled per minute = 0.1 qps, target 1: +100 % cap -> 0.002.
  Record(calc, 1, 1, 6, 0.001);
  calc.Recalculate(At(60));
  EXPECT_DOUBLE_EQ(*calc.Qps(1, 1), 0.1);
  EXPECT_DOUBLE_EQ(*calc.Probability(1, 1), 0.002);
  // 0.8 qps: within the 0.3 tolerance -> unchanged.
  Record(calc, 1, 1, 48, 0.002);
  calc.Recalculate(At(120));
  EXPECT_DOUBLE_EQ(*calc.Probability(1, 1), 0.002);
  // 4 qps: decrease applies at once, 0.002 / 4.
  Record(calc, 1, 1, 240, 0.002);
  calc.Recalculate(At(180));
  EXPECT_DOUBLE_EQ(*calc.Probability(1, 1), 0.0005);
  // Only lower-bound spans: registered with qps 0 -> doubled.
  calc.RecordRootSpan(1, 1, JaegerSamplerType::kLowerBound, 0.0005);
  calc.Recalculate(At(240));
  EXPECT_DOUBLE_EQ(*calc.Qps(1, 1), 0.0);
  EXPECT_DOUBLE_EQ(*calc.Probability(1, 1), 0.001);
}

TEST(AdaptiveCalculatorTest, NeverBelowMinProbabilityNorAboveOne) {
  AdaptiveSamplingCalculator calc(NoDelay(), At(0));
  Record(calc, 1, 1, 600'000, 0.001);  // 10000 qps sampled
  calc.Recalculate(At(60));
  EXPECT_DOUBLE_EQ(*calc.Probability(1, 1), 1e-5);
  HeadSamplerConfig::Adaptive a = NoDelay();
  a.initial_sampling_probability = 0.8;
  AdaptiveSamplingCalculator up(a, At(0));
  up.RecordRootSpan(1, 1, JaegerSamplerType::kLowerBound, 0.8);
  up.Recalculate(At(60));
  EXPECT_DOUBLE_EQ(*up.Probability(1, 1), 1.0);
}

TEST(AdaptiveCalculatorTest, DelayShiftsTheWindowAndOldOperationsExpire) {
  HeadSamplerConfig::Adaptive a;  // delay 2 min, interval 1 min, 10 buckets, 1 for calculation
  AdaptiveSamplingCalculator calc(a, At(0));
  EXPECT_EQ(calc.next_calculation(), At(60));
  Record(calc, 1, 1, 6, 0.001);
  EXPECT_TRUE(calc.Recalculate(At(60)).empty());   // window (-120 s, -60 s]
  EXPECT_TRUE(calc.Recalculate(At(120)).empty());  // (-60 s, 0]
  auto s = calc.Recalculate(At(180));              // (0, 60 s]: the saved throughput
  ASSERT_EQ(s.count(1), 1u);
  EXPECT_DOUBLE_EQ(s[1].per_operation[0].sampling_rate, 0.002);
  EXPECT_EQ(s[1].default_sampling_probability, 0.001);
  EXPECT_DOUBLE_EQ(s[1].default_lower_bound_traces_per_second, 1.0 / 60);
  // Later buckets without the operation: it still appears in a kept bucket.
  for (int i = 4; i <= 12; ++i) EXPECT_EQ(calc.Recalculate(At(60.0 * i)).count(1), 1u) << i;
  EXPECT_EQ(calc.num_buckets(), 10u);
  // Eleven buckets later it has aged out of the 10 kept buckets.
  EXPECT_TRUE(calc.Recalculate(At(60.0 * 13)).empty());
  EXPECT_EQ(calc.StrategyFor(1), calc.StrategyFor(99));  // both default now
  EXPECT_TRUE(calc.StrategyFor(99).per_operation.empty());
}

TEST(AdaptiveCalculatorTest, WeightedQpsOverSeveralBuckets) {
  HeadSamplerConfig::Adaptive a = NoDelay();
  a.buckets_for_calculation = 3;
  a.delta_tolerance = 100;  // keep the probability fixed, look at qps only
  AdaptiveSamplingCalculator calc(a, At(0));
  Record(calc, 2, 5, 60, 0.001);  // 1 qps
  calc.Recalculate(At(60));
  Record(calc, 2, 5, 120, 0.001);  // 2 qps
  calc.Recalculate(At(120));
  Record(calc, 2, 5, 180, 0.001);  // 3 qps (newest, weight 81/98)
  calc.Recalculate(At(180));
  EXPECT_DOUBLE_EQ(*calc.Qps(2, 5), (81.0 * 3 + 16.0 * 2 + 1.0 * 1) / 98);
  EXPECT_EQ(calc.StrategyFor(2).per_operation.size(), 1u);
}

TEST(AdaptiveCalculatorTest, EndToEndWithTheSdkSampler) {
  // The SDK sampler and the calculator in a loop with 200 qps of root spans.
  HeadSamplerConfig::Adaptive a = NoDelay();
  AdaptiveSamplingCalculator calc(a, At(0));
  PerOperationSamplingStrategies initial;
  JaegerPerOperationSampler sdk(initial, 0, At(0));
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (int minute = 0; minute < 30; ++minute) {
    for (int i = 0; i < 200 * 60; ++i) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift trace ids
      const double t = minute * 60 + i / 200.0;
      if (sdk.ShouldSample(Root(4, x, t)).IsSampled()) {
        calc.RecordRootSpan(9, 4, sdk.last_decision().type, sdk.last_decision().param);
      }
    }
    auto s = calc.Recalculate(At((minute + 1) * 60.0));
    if (s.count(9)) sdk.UpdateStrategy(s[9], At((minute + 1) * 60.0));
  }
  // target 1 / 200 qps = 0.005; sampled traces per second near the target.
  const double p = *sdk.OperationSamplingRate(4);
  EXPECT_NEAR(p * 200, 1.0, 0.5);
}

}  // namespace
}  // namespace tracesim::pipeline
