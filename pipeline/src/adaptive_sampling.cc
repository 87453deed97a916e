#include "tracesim/pipeline/adaptive_sampling.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tracesim::pipeline {
namespace {

constexpr int kDefaultMaxOperations = 2000;  // jaeger-client-go defaultMaxOperations
constexpr double kMaxSamplingProbability = 1.0;

double ClampRate(double rate) { return std::max(0.0, std::min(rate, 1.0)); }

// Go: float64(interval) / float64(time.Second).
double IntervalSeconds(Duration d) { return static_cast<double>(d.count()) / 1e9; }

}  // namespace

const char* JaegerSamplerTypeName(JaegerSamplerType type) {
  switch (type) {
    case JaegerSamplerType::kProbabilistic:
      return "probabilistic";
    case JaegerSamplerType::kLowerBound:
      return "lowerbound";
  }
  return "unknown";
}

uint64_t JaegerProbabilisticBoundary(double rate) {
  // math.Max(0, math.Min(rate, 1)) lets NaN through in Go; map it to 0 here.
  const double r = std::isnan(rate) ? 0.0 : ClampRate(rate);
  // float64(maxRandomNumber) rounds 2^63 - 1 up to 2^63. uint64(2^63) for
  // r == 1 is 0x8000000000000000, above every masked Low.
  return static_cast<uint64_t>(static_cast<double>(0x7fffffffffffffffULL) * r);
}

// ------------------------------------------------ JaegerGuaranteedThroughputSampler

JaegerGuaranteedThroughputSampler::JaegerGuaranteedThroughputSampler(double lower_bound, double sampling_rate,
                                                                     TimePoint now)
    : lower_bound_(lower_bound), lower_bound_limiter_(lower_bound, std::max(lower_bound, 1.0), now) {
  SetProbabilisticSampler(sampling_rate);
}

void JaegerGuaranteedThroughputSampler::SetProbabilisticSampler(double sampling_rate) {
  sampling_rate_ = std::isnan(sampling_rate) ? 0.0 : ClampRate(sampling_rate);
  boundary_ = JaegerProbabilisticBoundary(sampling_rate_);
}

JaegerGuaranteedThroughputSampler::Decision JaegerGuaranteedThroughputSampler::IsSampled(TraceId trace_id,
                                                                                         TimePoint now) {
  if (JaegerProbabilisticIsSampled(boundary_, trace_id)) {
    lower_bound_limiter_.CheckCredit(1.0, now);  // charged even though the result is unused
    return {true, JaegerSamplerType::kProbabilistic};
  }
  return {lower_bound_limiter_.CheckCredit(1.0, now), JaegerSamplerType::kLowerBound};
}

void JaegerGuaranteedThroughputSampler::Update(double lower_bound, double sampling_rate, TimePoint now) {
  SetProbabilisticSampler(sampling_rate);
  if (lower_bound_ != lower_bound) {
    // RateLimitingSampler.Update -> init -> rateLimiter.Update(rate, max(rate, 1)).
    lower_bound_limiter_.Update(lower_bound, std::max(lower_bound, 1.0), now);
    lower_bound_ = lower_bound;
  }
}

// ------------------------------------------------------ JaegerPerOperationSampler

JaegerPerOperationSampler::JaegerPerOperationSampler(const PerOperationSamplingStrategies& strategies,
                                                     int max_operations, TimePoint start)
    : lower_bound_(strategies.default_lower_bound_traces_per_second),
      max_operations_(max_operations > 0 ? max_operations : kDefaultMaxOperations) {
  for (const OperationSamplingStrategy& op : strategies.per_operation) {
    samplers_.insert_or_assign(op.operation,
                               JaegerGuaranteedThroughputSampler(lower_bound_, op.sampling_rate, start));
  }
  default_rate_ = ClampRate(
      std::isnan(strategies.default_sampling_probability) ? 0.0 : strategies.default_sampling_probability);
  default_boundary_ = JaegerProbabilisticBoundary(default_rate_);
}

SamplingResult JaegerPerOperationSampler::ShouldSample(const SamplingParameters& params) noexcept {
  const SpanContext* parent = params.parent;
  if (parent != nullptr && parent->IsValid()) {
    last_ = {false, parent->IsSampled(), JaegerSamplerType::kProbabilistic, 0.0, params.name};
    return {parent->IsSampled() ? SamplingDecision::kRecordAndSample : SamplingDecision::kDrop, std::nullopt};
  }
  auto it = samplers_.find(params.name);
  if (it == samplers_.end()) {
    if (samplers_.size() >= static_cast<size_t>(max_operations_)) {
      const bool sampled = JaegerProbabilisticIsSampled(default_boundary_, params.trace_id);
      last_ = {true, sampled, JaegerSamplerType::kProbabilistic, default_rate_, params.name};
      return {sampled ? SamplingDecision::kRecordAndSample : SamplingDecision::kDrop, std::nullopt};
    }
    it = samplers_
             .emplace(params.name, JaegerGuaranteedThroughputSampler(lower_bound_, default_rate_, params.now))
             .first;
  }
  const auto d = it->second.IsSampled(params.trace_id, params.now);
  last_ = {true, d.sampled, d.type, it->second.sampling_rate(), params.name};
  return {d.sampled ? SamplingDecision::kRecordAndSample : SamplingDecision::kDrop, std::nullopt};
}

std::string JaegerPerOperationSampler::Description() const {
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "JaegerPerOperationSampler{defaultSamplingProbability=%g,lowerBound=%g,maxOperations=%d}",
                default_rate_, lower_bound_, max_operations_);
  return buf;
}

void JaegerPerOperationSampler::UpdateStrategy(const PerOperationSamplingStrategies& strategies,
                                               TimePoint now) {
  const double lower_bound = strategies.default_lower_bound_traces_per_second;
  std::unordered_map<OperationId, JaegerGuaranteedThroughputSampler> next;
  next.reserve(strategies.per_operation.size());
  for (const OperationSamplingStrategy& op : strategies.per_operation) {
    auto it = samplers_.find(op.operation);
    if (it != samplers_.end()) {
      it->second.Update(lower_bound, op.sampling_rate, now);
      next.insert_or_assign(op.operation, std::move(it->second));
    } else {
      next.insert_or_assign(op.operation,
                            JaegerGuaranteedThroughputSampler(lower_bound, op.sampling_rate, now));
    }
  }
  lower_bound_ = lower_bound;
  const double rate = std::isnan(strategies.default_sampling_probability)
                          ? 0.0
                          : ClampRate(strategies.default_sampling_probability);
  if (rate != default_rate_) {
    default_rate_ = rate;
    default_boundary_ = JaegerProbabilisticBoundary(rate);
  }
  samplers_ = std::move(next);
}

std::optional<double> JaegerPerOperationSampler::OperationSamplingRate(OperationId operation) const {
  auto it = samplers_.find(operation);
  if (it == samplers_.end()) return std::nullopt;
  return it->second.sampling_rate();
}

// ------------------------------------------------------ AdaptiveSamplingCalculator

AdaptiveSamplingCalculator::AdaptiveSamplingCalculator(const HeadSamplerConfig::Adaptive& options,
                                                       TimePoint start)
    : options_(options),
      last_checked_(start - options.delay),
      next_calculation_(start + options.calculation_interval) {}

void AdaptiveSamplingCalculator::RecordRootSpan(ServiceId service, OperationId operation,
                                                JaegerSamplerType type, double /*sampling_probability*/) {
  // The probability is kept by Jaeger only for isUsingAdaptiveSampling,
  // whose logic is disabled (it always returns true); the count is what matters.
  int64_t& count = current_[{service, operation}];
  if (type == JaegerSamplerType::kProbabilistic) ++count;
}

std::vector<double> AdaptiveSamplingCalculator::Weights(int length) {
  std::vector<double> weights;
  if (length <= 0) return weights;
  weights.reserve(static_cast<size_t>(length));
  double sum = 0.0;
  for (int i = length; i > 0; --i) {
    const double w = std::pow(static_cast<double>(i), 4);
    weights.push_back(w);
    sum += w;
  }
  for (double& w : weights) w /= sum;
  return weights;
}

double AdaptiveSamplingCalculator::CappedProbability(double target_qps, double current_qps,
                                                     double previous_probability,
                                                     double percentage_increase_cap) {
  const double factor = target_qps / current_qps;
  double new_probability = previous_probability * factor;
  // Increases are capped to avoid over-sampling; decreases apply at once.
  if (factor > 1.0) {
    const double percent_increase = (new_probability - previous_probability) / previous_probability;
    if (percent_increase > percentage_increase_cap) {
      new_probability = previous_probability + (previous_probability * percentage_increase_cap);
    }
  }
  return new_probability;
}

double AdaptiveSamplingCalculator::CalculateProbability(const Key& key, double qps) const {
  double old_probability = options_.initial_sampling_probability;
  if (auto it = probabilities_.find(key); it != probabilities_.end()) old_probability = it->second;
  const double target = options_.target_samples_per_second;
  // withinTolerance: |actual - expected| / expected < deltaTolerance.
  if (std::abs(qps - target) / target < options_.delta_tolerance) return old_probability;
  double new_probability = 0.0;
  if (std::abs(qps - 0.0) < 1e-10) {
    // No sampled traffic: double so that the service samples at least one span.
    new_probability = old_probability * 2.0;
  } else {
    new_probability = CappedProbability(target, qps, old_probability, options_.percentage_increase_cap);
  }
  return std::min(kMaxSamplingProbability, std::max(options_.min_sampling_probability, new_probability));
}

std::map<ServiceId, PerOperationSamplingStrategies> AdaptiveSamplingCalculator::Recalculate(TimePoint now) {
  // aggregator tick: saveThroughput + reset.
  if (!current_.empty()) storage_.push_back({now, std::move(current_)});
  current_.clear();

  // PostAggregator.runCalculation.
  const TimePoint end_time = now - options_.delay;
  const TimePoint start_time = last_checked_;
  Bucket bucket{{}, end_time - start_time};
  // GetThroughput(start, end): saved in (start, end]; aggregateThroughput sums them.
  for (const Saved& saved : storage_) {
    if (saved.time > start_time && saved.time <= end_time) {
      for (const auto& [key, count] : saved.counts) bucket.counts[key] += count;
    }
  }
  // Entries at or before end_time are never read again (the next start is end_time).
  std::erase_if(storage_, [&](const Saved& saved) { return saved.time <= end_time; });
  buckets_.insert(buckets_.begin(), std::move(bucket));
  if (buckets_.size() > static_cast<size_t>(options_.aggregation_buckets)) {
    buckets_.resize(static_cast<size_t>(options_.aggregation_buckets));
  }
  last_checked_ = end_time;
  next_calculation_ = now + options_.calculation_interval;

  // throughputToQPS: per operation, the newest buckets_for_calculation buckets it appears in.
  std::map<Key, std::vector<double>> all_qps;
  for (const Bucket& b : buckets_) {
    const double seconds = IntervalSeconds(b.interval);
    for (const auto& [key, count] : b.counts) {
      std::vector<double>& v = all_qps[key];
      if (v.size() >= static_cast<size_t>(options_.buckets_for_calculation)) continue;
      v.push_back(static_cast<double>(count) / seconds);
    }
  }
  // calculateProbabilitiesAndQPS.
  std::map<Key, double> probabilities;
  std::map<Key, double> qps;
  for (const auto& [key, values] : all_qps) {
    const std::vector<double> weights = Weights(static_cast<int>(values.size()));
    double weighted = 0.0;
    for (size_t i = 0; i < values.size(); ++i) weighted += values[i] * weights[i];
    qps[key] = weighted;
    probabilities[key] = CalculateProbability(key, weighted);
  }
  probabilities_ = std::move(probabilities);
  qps_ = std::move(qps);

  // Provider.generateStrategyResponses.
  std::map<ServiceId, PerOperationSamplingStrategies> strategies;
  for (const auto& [key, probability] : probabilities_) {
    auto [it, inserted] = strategies.try_emplace(key.first, DefaultStrategy());
    it->second.per_operation.push_back({key.second, probability});
  }
  return strategies;
}

PerOperationSamplingStrategies AdaptiveSamplingCalculator::DefaultStrategy() const {
  PerOperationSamplingStrategies s;
  s.default_sampling_probability = options_.initial_sampling_probability;
  s.default_lower_bound_traces_per_second = options_.min_samples_per_second;
  return s;
}

PerOperationSamplingStrategies AdaptiveSamplingCalculator::StrategyFor(ServiceId service) const {
  PerOperationSamplingStrategies s = DefaultStrategy();
  for (auto it = probabilities_.lower_bound({service, 0});
       it != probabilities_.end() && it->first.first == service; ++it) {
    s.per_operation.push_back({it->first.second, it->second});
  }
  return s;
}

std::optional<double> AdaptiveSamplingCalculator::Probability(ServiceId service,
                                                              OperationId operation) const {
  auto it = probabilities_.find({service, operation});
  if (it == probabilities_.end()) return std::nullopt;
  return it->second;
}

std::optional<double> AdaptiveSamplingCalculator::Qps(ServiceId service, OperationId operation) const {
  auto it = qps_.find({service, operation});
  if (it == qps_.end()) return std::nullopt;
  return it->second;
}

}  // namespace tracesim::pipeline
