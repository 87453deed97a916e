// Jaeger's rate-limiting head sampler and the token bucket behind it
// (jaeger-client-go utils.ReconfigurableRateLimiter, RateLimitingSampler).
#pragma once

#include <memory>
#include <string>

#include "tracesim/pipeline/sampler.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

// jaeger-client-go utils.ReconfigurableRateLimiter, ported exactly with the
// clock replaced by a `now` argument:
//   NewRateLimiter(creditsPerSecond, maxBalance): balance = maxBalance,
//     lastTick = start.
//   CheckCredit(cost): if balance >= cost, pay and return true WITHOUT
//     advancing lastTick; otherwise updateBalance() (balance += elapsed
//     seconds since lastTick * creditsPerSecond, capped at maxBalance;
//     lastTick = now) and try once more.
//   Update(creditsPerSecond, maxBalance): updateBalance(), then the balance
//     is pro-rated to the new maxBalance.
// Time going backwards (now < lastTick) subtracts credit, as Go's
// time.Sub would; drivers hand in non-decreasing times. Not thread-safe.
class JaegerRateLimiter {
 public:
  // REQUIRES: credits_per_second >= 0, max_balance > 0.
  JaegerRateLimiter(double credits_per_second, double max_balance, TimePoint start);

  bool CheckCredit(double item_cost, TimePoint now);
  void Update(double credits_per_second, double max_balance, TimePoint now);

  double credits_per_second() const { return credits_per_second_; }
  double balance() const { return balance_; }
  double max_balance() const { return max_balance_; }
  TimePoint last_tick() const { return last_tick_; }

 private:
  void UpdateBalance(TimePoint now);

  double credits_per_second_;
  double balance_;
  double max_balance_;
  TimePoint last_tick_;
};

// Jaeger RateLimitingSampler (sampler.type=ratelimiting): every call spends
// one credit of a JaegerRateLimiter(max_traces_per_second,
// max(max_traces_per_second, 1)) at params.now; RECORD_AND_SAMPLE when the
// credit is granted, DROP otherwise. The parent is ignored (Jaeger clients
// only consult the sampler for root spans: wrap it in ParentBased, as the
// `parentbased_jaeger_ratelimiting` type does, to get that behaviour).
// The tracestate is left unchanged. One instance per service (the bucket is
// per tracer in Jaeger). Description
// "RateLimitingSampler{maxTracesPerSecond=<%g>}". Not thread-safe.
class JaegerRateLimitingSampler final : public Sampler {
 public:
  // REQUIRES: max_traces_per_second >= 0 (ValidateHeadSamplerConfig checks > 0).
  JaegerRateLimitingSampler(double max_traces_per_second, TimePoint start);

  SamplingResult ShouldSample(const SamplingParameters& params) noexcept override;
  std::string Description() const override;

  // Jaeger RateLimitingSampler.Update: re-rates the bucket keeping the
  // (pro-rated) balance; a no-op when the rate is unchanged.
  void Update(double max_traces_per_second, TimePoint now);

  double max_traces_per_second() const { return max_traces_per_second_; }
  const JaegerRateLimiter& limiter() const { return limiter_; }

 private:
  double max_traces_per_second_;
  JaegerRateLimiter limiter_;
};

std::unique_ptr<JaegerRateLimitingSampler> MakeJaegerRateLimitingSampler(double max_traces_per_second,
                                                                         TimePoint start);

}  // namespace tracesim::pipeline
