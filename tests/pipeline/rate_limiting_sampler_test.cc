#include "tracesim/pipeline/rate_limiting_sampler.h"

#include <gtest/gtest.h>

#include "tracesim/pipeline/samplers.h"

namespace tracesim::pipeline {
namespace {

TimePoint At(double seconds) { return kTimeZero + FromSeconds(seconds); }

SamplingParameters Params(double seconds, const SpanContext* parent = nullptr) {
  SamplingParameters p;
  p.trace_id = {1, 2};
  p.now = At(seconds);
  p.parent = parent;
  return p;
}

TEST(JaegerRateLimiterTest, StartsFullAndRefillsWithElapsedTime) {
  JaegerRateLimiter rl(2.0, 2.0, At(0));
  EXPECT_EQ(rl.balance(), 2.0);
  EXPECT_TRUE(rl.CheckCredit(1.0, At(0)));
  EXPECT_TRUE(rl.CheckCredit(1.0, At(0)));
  EXPECT_FALSE(rl.CheckCredit(1.0, At(0)));  // burst of max_balance spent
  EXPECT_EQ(rl.balance(), 0.0);
  EXPECT_FALSE(rl.CheckCredit(1.0, At(0.25)));  // +0.5
  EXPECT_EQ(rl.balance(), 0.5);
  EXPECT_EQ(rl.last_tick(), At(0.25));
  EXPECT_TRUE(rl.CheckCredit(1.0, At(0.5)));  // +0.5 -> 1.0, paid
  EXPECT_EQ(rl.balance(), 0.0);
  EXPECT_FALSE(rl.CheckCredit(1.0, At(0.5)));
  // A long idle period refills to max_balance only.
  EXPECT_TRUE(rl.CheckCredit(1.0, At(100)));
  EXPECT_EQ(rl.balance(), 1.0);
  EXPECT_TRUE(rl.CheckCredit(1.0, At(100)));
  EXPECT_FALSE(rl.CheckCredit(1.0, At(100)));
}

TEST(JaegerRateLimiterTest, PayingFromTheBalanceDoesNotAdvanceTheTick) {
  // ReconfigurableRateLimiter only ticks when the balance is short, so time
  // elapsed while the bucket was full-enough is credited later.
  JaegerRateLimiter rl(1.0, 1.0, At(0));
  EXPECT_TRUE(rl.CheckCredit(1.0, At(5)));  // paid from the initial balance
  EXPECT_EQ(rl.last_tick(), At(0));
  EXPECT_TRUE(rl.CheckCredit(1.0, At(5.5)));  // +5.5 capped at 1
  EXPECT_EQ(rl.last_tick(), At(5.5));
  EXPECT_FALSE(rl.CheckCredit(1.0, At(6)));
  EXPECT_EQ(rl.balance(), 0.5);
}

TEST(JaegerRateLimiterTest, FractionalCostsAndUpdateProRatesTheBalance) {
  JaegerRateLimiter rl(2.0, 2.0, At(0));
  EXPECT_TRUE(rl.CheckCredit(1.0, At(0)));
  rl.Update(4.0, 4.0, At(0.25));  // +0.5 -> 1.5, pro-rated * 4 / 2 -> 3
  EXPECT_EQ(rl.balance(), 3.0);
  EXPECT_EQ(rl.credits_per_second(), 4.0);
  EXPECT_EQ(rl.max_balance(), 4.0);
  EXPECT_TRUE(rl.CheckCredit(2.5, At(0.25)));
  EXPECT_FALSE(rl.CheckCredit(0.75, At(0.25)));
  EXPECT_TRUE(rl.CheckCredit(0.5, At(0.25)));
  EXPECT_EQ(rl.balance(), 0.0);
}

TEST(JaegerRateLimitingSamplerTest, BurstThenSteadyRate) {
  JaegerRateLimitingSampler s(10.0, At(0));
  EXPECT_EQ(s.Description(), "RateLimitingSampler{maxTracesPerSecond=10}");
  EXPECT_EQ(s.limiter().max_balance(), 10.0);
  int sampled = 0;
  for (int i = 0; i < 100; ++i) sampled += s.ShouldSample(Params(0)).IsSampled();
  EXPECT_EQ(sampled, 10);  // the initial burst
  // A burst of 1000 spans spread over one second (1 ms apart) gets exactly
  // the 10 credits accrued in that second.
  sampled = 0;
  for (int i = 1; i <= 1000; ++i) sampled += s.ShouldSample(Params(i * 0.001)).IsSampled();
  EXPECT_EQ(sampled, 10);
  // Steady 2 spans per credit period: every other span.
  sampled = 0;
  for (int i = 1; i <= 200; ++i) sampled += s.ShouldSample(Params(1.0 + i * 0.05)).IsSampled();
  EXPECT_EQ(sampled, 100);
}

TEST(JaegerRateLimitingSamplerTest, BelowOneTracePerSecondBucketHoldsOneCredit) {
  JaegerRateLimitingSampler s(0.5, At(0));
  EXPECT_EQ(s.limiter().max_balance(), 1.0);
  EXPECT_TRUE(s.ShouldSample(Params(0)).IsSampled());
  EXPECT_FALSE(s.ShouldSample(Params(1)).IsSampled());  // 0.5 credit
  EXPECT_TRUE(s.ShouldSample(Params(2)).IsSampled());   // 1.0 credit
  EXPECT_FALSE(s.ShouldSample(Params(3.5)).IsSampled());
  EXPECT_EQ(s.Description(), "RateLimitingSampler{maxTracesPerSecond=0.5}");
}

TEST(JaegerRateLimitingSamplerTest, UpdateKeepsProRatedBalanceAndSameRateIsANoOp) {
  JaegerRateLimitingSampler s(2.0, At(0));
  EXPECT_TRUE(s.ShouldSample(Params(0)).IsSampled());  // balance 1 of 2
  s.Update(2.0, At(10));                               // unchanged rate: no tick
  EXPECT_EQ(s.limiter().last_tick(), At(0));
  s.Update(8.0, At(0));
  EXPECT_EQ(s.limiter().balance(), 4.0);
  EXPECT_EQ(s.max_traces_per_second(), 8.0);
}

TEST(JaegerRateLimitingSamplerTest, IgnoresTheParentUnlessWrappedInParentBased) {
  SpanContext parent;
  parent.trace_id = {1, 2};
  parent.span_id = {3};
  parent.trace_flags = kTraceFlagSampled;
  JaegerRateLimitingSampler s(1.0, At(0));
  EXPECT_TRUE(s.ShouldSample(Params(0, &parent)).IsSampled());
  EXPECT_FALSE(s.ShouldSample(Params(0, &parent)).IsSampled());  // no credit, parent ignored

  auto pb = MakeParentBasedSampler(MakeJaegerRateLimitingSampler(1.0, At(0)));
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(pb->ShouldSample(Params(0, &parent)).IsSampled());
  EXPECT_TRUE(pb->ShouldSample(Params(0)).IsSampled());   // root: the credit
  EXPECT_FALSE(pb->ShouldSample(Params(0)).IsSampled());  // root: none left
  EXPECT_FALSE(pb->ShouldSample(Params(0)).trace_state.has_value());
}

}  // namespace
}  // namespace tracesim::pipeline
