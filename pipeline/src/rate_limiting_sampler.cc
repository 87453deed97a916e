#include "tracesim/pipeline/rate_limiting_sampler.h"

#include <algorithm>
#include <cstdio>

namespace tracesim::pipeline {

JaegerRateLimiter::JaegerRateLimiter(double credits_per_second, double max_balance, TimePoint start)
    : credits_per_second_(credits_per_second),
      balance_(max_balance),
      max_balance_(max_balance),
      last_tick_(start) {}

bool JaegerRateLimiter::CheckCredit(double item_cost, TimePoint now) {
  // Pay from the current balance if possible (lastTick stays where it is).
  if (balance_ >= item_cost) {
    balance_ -= item_cost;
    return true;
  }
  // Otherwise accrue credit for the elapsed time and try again.
  UpdateBalance(now);
  if (balance_ >= item_cost) {
    balance_ -= item_cost;
    return true;
  }
  return false;
}

void JaegerRateLimiter::Update(double credits_per_second, double max_balance, TimePoint now) {
  UpdateBalance(now);
  balance_ = balance_ * max_balance / max_balance_;
  credits_per_second_ = credits_per_second;
  max_balance_ = max_balance;
}

void JaegerRateLimiter::UpdateBalance(TimePoint now) {
  // Go: elapsedTime.Seconds() = float64(ns) / 1e9 (whole seconds plus the
  // fraction, as time.Duration.Seconds computes it).
  const int64_t elapsed_ns = (now - last_tick_).count();
  const int64_t sec = elapsed_ns / 1'000'000'000;
  const int64_t nsec = elapsed_ns % 1'000'000'000;
  const double elapsed_seconds = static_cast<double>(sec) + static_cast<double>(nsec) / 1e9;
  last_tick_ = now;
  balance_ += elapsed_seconds * credits_per_second_;
  if (balance_ > max_balance_) balance_ = max_balance_;
}

JaegerRateLimitingSampler::JaegerRateLimitingSampler(double max_traces_per_second, TimePoint start)
    : max_traces_per_second_(max_traces_per_second),
      limiter_(max_traces_per_second, std::max(max_traces_per_second, 1.0), start) {}

SamplingResult JaegerRateLimitingSampler::ShouldSample(const SamplingParameters& params) noexcept {
  return {
      limiter_.CheckCredit(1.0, params.now) ? SamplingDecision::kRecordAndSample : SamplingDecision::kDrop,
      std::nullopt};
}

std::string JaegerRateLimitingSampler::Description() const {
  char buf[96];
  std::snprintf(buf, sizeof buf, "RateLimitingSampler{maxTracesPerSecond=%g}", max_traces_per_second_);
  return buf;
}

void JaegerRateLimitingSampler::Update(double max_traces_per_second, TimePoint now) {
  if (max_traces_per_second == max_traces_per_second_) return;
  limiter_.Update(max_traces_per_second, std::max(max_traces_per_second, 1.0), now);
  max_traces_per_second_ = max_traces_per_second;
}

std::unique_ptr<JaegerRateLimitingSampler> MakeJaegerRateLimitingSampler(double max_traces_per_second,
                                                                         TimePoint start) {
  return std::make_unique<JaegerRateLimitingSampler>(max_traces_per_second, start);
}

}  // namespace tracesim::pipeline
