// Jaeger adaptive sampling, both halves:
//  - SDK side: jaeger-client-go PerOperationSampler, a
//    GuaranteedThroughputProbabilisticSampler per operation (probabilistic
//    sampler + lower-bound rate limiter), updated with the strategies the
//    collector serves;
//  - collector side: the adaptive strategy provider's aggregator and
//    post-aggregator (jaeger plugin/sampling/strategyprovider/adaptive:
//    aggregator.go, post_aggregator.go, weightvectorcache.go,
//    calculationstrategy/percentage_increase_capped_calculator.go,
//    provider.go), sans-I/O: the driver feeds sampled root spans, calls
//    Recalculate every calculation_interval and delivers the strategies to the
//    SDKs after HeadSamplerConfig::Adaptive::strategy_delivery_delay.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tracesim/pipeline/head_sampler_config.h"
#include "tracesim/pipeline/ids.h"
#include "tracesim/pipeline/rate_limiting_sampler.h"
#include "tracesim/pipeline/sampler.h"
#include "tracesim/pipeline/span.h"
#include "tracesim/status.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

// ------------------------------------------------------------------ strategies

// api_v2.OperationSamplingStrategy (probabilistic).
struct OperationSamplingStrategy {
  OperationId operation = 0;
  double sampling_rate = 0.0;
  friend bool operator==(const OperationSamplingStrategy&, const OperationSamplingStrategy&) = default;
};

// api_v2.PerOperationSamplingStrategies: what the collector serves a service.
struct PerOperationSamplingStrategies {
  double default_sampling_probability = 0.001;
  double default_lower_bound_traces_per_second = 1.0 / 60.0;
  std::vector<OperationSamplingStrategy> per_operation;  // sorted by operation
  friend bool operator==(const PerOperationSamplingStrategies&,
                         const PerOperationSamplingStrategies&) = default;
};

// The sampler.type tag Jaeger puts on a sampled root span.
enum class JaegerSamplerType : uint8_t { kProbabilistic, kLowerBound };
const char* JaegerSamplerTypeName(JaegerSamplerType type);  // "probabilistic", "lowerbound"

// ------------------------------------------------------------------ SDK side

// jaeger-client-go ProbabilisticSampler: boundary =
// uint64(float64(0x7fffffffffffffff) * clamp(rate, 0, 1)) (the float64 is
// 2^63); sampled iff boundary >= (TraceID.Low & 0x7fffffffffffffff), where
// Low is trace-id bytes 8..15 (TraceId::lo). Note ">=": rate 0 still keeps
// ids whose low 63 bits are zero.
uint64_t JaegerProbabilisticBoundary(double rate);
inline bool JaegerProbabilisticIsSampled(uint64_t boundary, TraceId trace_id) {
  return boundary >= (trace_id.lo & 0x7fffffffffffffffULL);
}

// jaeger-client-go GuaranteedThroughputProbabilisticSampler: the
// probabilistic sampler decides first; when it samples, the lower-bound
// rate limiter is still charged (its result ignored); otherwise the lower
// bound (a RateLimitingSampler at `lower_bound` traces/s, bucket
// max(lower_bound, 1), initially full) decides. Not thread-safe.
class JaegerGuaranteedThroughputSampler {
 public:
  struct Decision {
    bool sampled = false;
    JaegerSamplerType type = JaegerSamplerType::kProbabilistic;
  };

  JaegerGuaranteedThroughputSampler(double lower_bound, double sampling_rate, TimePoint now);

  Decision IsSampled(TraceId trace_id, TimePoint now);
  // update(): a new rate re-inits the probabilistic sampler; a new lower
  // bound re-rates the limiter keeping its pro-rated balance.
  void Update(double lower_bound, double sampling_rate, TimePoint now);

  double sampling_rate() const { return sampling_rate_; }  // clamped to [0, 1]
  double lower_bound() const { return lower_bound_; }
  // The lower bound's RateLimitingSampler bucket (lower_bound credits/s,
  // max(lower_bound, 1) credits).
  const JaegerRateLimiter& lower_bound_limiter() const { return lower_bound_limiter_; }

 private:
  void SetProbabilisticSampler(double sampling_rate);

  double sampling_rate_ = 0.0;
  uint64_t boundary_ = 0;
  double lower_bound_;
  JaegerRateLimiter lower_bound_limiter_;
};

// What the last ShouldSample of a JaegerPerOperationSampler decided, i.e.
// the sampler.type / sampler.param tags Jaeger writes on the root span,
// which the collector's aggregator reads (RecordRootSpan below).
struct JaegerSamplingInfo {
  bool root = false;  // false: the span had a valid parent and followed it
  bool sampled = false;
  JaegerSamplerType type = JaegerSamplerType::kProbabilistic;
  double param = 0.0;  // the probabilistic sampling rate applied
  OperationId operation = 0;
};

// jaeger-client-go PerOperationSampler (the SDK half of adaptive sampling).
//  - A span with a valid parent follows the parent's sampled flag (Jaeger
//    clients consult the sampler for the local root span only; an extracted
//    context's decision is final). Tracestate is never changed.
//  - A root span is decided by the operation's guaranteed-throughput
//    sampler, created on first sight with the default sampling probability
//    and the lower bound; once `max_operations` operations are tracked, new
//    ones use the default probabilistic sampler alone.
// Description "JaegerPerOperationSampler{defaultSamplingProbability=%g,
// lowerBound=%g,maxOperations=%d}". Not thread-safe.
class JaegerPerOperationSampler final : public Sampler {
 public:
  // max_operations <= 0 takes Jaeger's default, 2000.
  JaegerPerOperationSampler(const PerOperationSamplingStrategies& strategies, int max_operations,
                            TimePoint start);

  SamplingResult ShouldSample(const SamplingParameters& params) noexcept override;
  std::string Description() const override;

  // PerOperationSampler.update: operations listed in `strategies` keep (and
  // update) or get a sampler; operations not listed are forgotten; the lower
  // bound and the default probability are replaced.
  void UpdateStrategy(const PerOperationSamplingStrategies& strategies, TimePoint now);

  const JaegerSamplingInfo& last_decision() const { return last_; }
  size_t num_operations() const { return samplers_.size(); }
  // The tracked operation's sampling rate, nullopt if not tracked.
  std::optional<double> OperationSamplingRate(OperationId operation) const;
  double default_sampling_probability() const { return default_rate_; }
  double lower_bound() const { return lower_bound_; }

 private:
  std::unordered_map<OperationId, JaegerGuaranteedThroughputSampler> samplers_;
  double default_rate_ = 0.0;
  uint64_t default_boundary_ = 0;
  double lower_bound_;
  int max_operations_;
  JaegerSamplingInfo last_;
};

// ------------------------------------------------------------ collector side

// The adaptive sampling strategy provider of one Jaeger collector cluster
// (leader), sans-I/O. Not thread-safe.
//
// RecordRootSpan  = aggregator.RecordThroughput: counts, per service and
//   operation, the sampled root spans whose sampler.type is probabilistic;
//   a lowerbound root span registers the operation with no count.
// Recalculate(now) = one aggregator tick: the current throughput is saved
//   with timestamp `now` and reset, then the post-aggregator runs:
//     endTime = now - delay; startTime = the previous endTime (initially
//     start - delay); the bucket holds the throughput saved in
//     (startTime, endTime] and its interval is endTime - startTime; the
//     newest `aggregation_buckets` buckets are kept;
//     per operation, qps of the newest `buckets_for_calculation` buckets in
//     which it appears (count / interval seconds), weighted by
//     w(i) = (L - i)^4 normalized (newest heaviest);
//     calculateProbability(qps): old = last probability or
//     initial_sampling_probability; unchanged if |qps - target| / target <
//     delta_tolerance; doubled if qps == 0 (|qps| < 1e-10); else
//     old * target / qps with the increase capped at
//     old * (1 + percentage_increase_cap); clamped to
//     [min_sampling_probability, 1].
//   Operations absent from every kept bucket are dropped.
// Strategies (provider.go): per service, default probability =
// initial_sampling_probability, default lower bound =
// min_samples_per_second, one entry per calculated operation.
class AdaptiveSamplingCalculator {
 public:
  // REQUIRES: ValidateHeadSamplerConfig accepts `options` (as `adaptive`).
  AdaptiveSamplingCalculator(const HeadSamplerConfig::Adaptive& options, TimePoint start);

  void RecordRootSpan(ServiceId service, OperationId operation, JaegerSamplerType type,
                      double sampling_probability);
  // A probabilistically sampled root span.
  void RecordRootSpan(ServiceId service, OperationId operation, double sampled_probability) {
    RecordRootSpan(service, operation, JaegerSamplerType::kProbabilistic, sampled_probability);
  }

  // Runs one calculation at `now` and returns the strategy of every service
  // that has calculated probabilities (ordered by service id).
  // REQUIRES: now >= the previous call's now.
  std::map<ServiceId, PerOperationSamplingStrategies> Recalculate(TimePoint now);

  // Provider.GetSamplingStrategy: the latest strategy of `service`, or the
  // default one (no per-operation entries) for an unknown service.
  PerOperationSamplingStrategies StrategyFor(ServiceId service) const;

  // The latest calculated probability / weighted qps, nullopt if none.
  std::optional<double> Probability(ServiceId service, OperationId operation) const;
  std::optional<double> Qps(ServiceId service, OperationId operation) const;
  // When the next Recalculate is due: the previous one (or start) plus
  // calculation_interval.
  TimePoint next_calculation() const { return next_calculation_; }
  size_t num_buckets() const { return buckets_.size(); }

  // WeightVectorCache.GetWeights(length): w(i) = (length - i)^4 normalized.
  static std::vector<double> Weights(int length);
  // PercentageIncreaseCappedCalculator.Calculate.
  static double CappedProbability(double target_qps, double current_qps, double previous_probability,
                                  double percentage_increase_cap);

 private:
  using Key = std::pair<ServiceId, OperationId>;
  struct Saved {
    TimePoint time;
    std::map<Key, int64_t> counts;
  };
  struct Bucket {
    std::map<Key, int64_t> counts;
    Duration interval;
  };

  double CalculateProbability(const Key& key, double qps) const;
  PerOperationSamplingStrategies DefaultStrategy() const;

  HeadSamplerConfig::Adaptive options_;
  std::map<Key, int64_t> current_;
  std::vector<Saved> storage_;   // saved throughput not yet read by a bucket
  std::vector<Bucket> buckets_;  // newest first
  TimePoint last_checked_;
  TimePoint next_calculation_;
  std::map<Key, double> probabilities_;
  std::map<Key, double> qps_;
};

}  // namespace tracesim::pipeline
