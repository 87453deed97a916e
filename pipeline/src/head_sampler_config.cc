#include "tracesim/pipeline/head_sampler_config.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "tracesim/pipeline/adaptive_sampling.h"
#include "tracesim/pipeline/consistent_probability_sampler.h"
#include "tracesim/pipeline/rate_limiting_sampler.h"
#include "tracesim/pipeline/samplers.h"

namespace tracesim::pipeline {
namespace {

constexpr const char* kValidTypes =
    "always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, "
    "parentbased_traceidratio, jaeger_ratelimiting, parentbased_jaeger_ratelimiting, "
    "consistent_probability, parentbased_consistent_probability, jaeger_adaptive";

std::string Num(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string Dur(Duration d) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%gs", ToSeconds(d));
  return buf;
}

bool IsKnownType(std::string_view t) {
  for (std::string_view known :
       {"always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off",
        "parentbased_traceidratio", "jaeger_ratelimiting", "parentbased_jaeger_ratelimiting",
        "consistent_probability", "parentbased_consistent_probability", "jaeger_adaptive"}) {
    if (t == known) return true;
  }
  return false;
}

Status Bad(std::string_view key, std::string_view expected, const std::string& got) {
  return Status::InvalidArgument("sampler." + std::string(key) + ": expected " + std::string(expected) +
                                 ", got " + got);
}

Status ValidateAdaptive(const HeadSamplerConfig::Adaptive& a) {
  auto positive = [](double v) { return std::isfinite(v) && v > 0.0; };
  auto probability = [](double v) { return std::isfinite(v) && v > 0.0 && v <= 1.0; };
  if (!positive(a.target_samples_per_second)) {
    return Bad("adaptive.target_samples_per_second", "a positive number", Num(a.target_samples_per_second));
  }
  if (!(std::isfinite(a.delta_tolerance) && a.delta_tolerance >= 0.0)) {
    return Bad("adaptive.delta_tolerance", "a number >= 0", Num(a.delta_tolerance));
  }
  if (!probability(a.initial_sampling_probability)) {
    return Bad("adaptive.initial_sampling_probability", "a number in (0, 1]",
               Num(a.initial_sampling_probability));
  }
  if (!probability(a.min_sampling_probability)) {
    return Bad("adaptive.min_sampling_probability", "a number in (0, 1]", Num(a.min_sampling_probability));
  }
  if (!(std::isfinite(a.min_samples_per_second) && a.min_samples_per_second >= 0.0)) {
    return Bad("adaptive.min_samples_per_second", "a number >= 0", Num(a.min_samples_per_second));
  }
  if (!positive(a.percentage_increase_cap)) {
    return Bad("adaptive.percentage_increase_cap", "a positive number", Num(a.percentage_increase_cap));
  }
  if (a.calculation_interval <= Duration::zero()) {
    return Bad("adaptive.calculation_interval", "a positive duration", Dur(a.calculation_interval));
  }
  if (a.aggregation_buckets < 1) {
    return Bad("adaptive.aggregation_buckets", "an integer >= 1", std::to_string(a.aggregation_buckets));
  }
  if (a.buckets_for_calculation < 1) {
    return Bad("adaptive.buckets_for_calculation", "an integer >= 1",
               std::to_string(a.buckets_for_calculation));
  }
  if (a.delay < Duration::zero()) return Bad("adaptive.delay", "a duration >= 0", Dur(a.delay));
  if (a.strategy_delivery_delay < Duration::zero()) {
    return Bad("adaptive.strategy_delivery_delay", "a duration >= 0", Dur(a.strategy_delivery_delay));
  }
  if (a.max_operations < 1) {
    return Bad("adaptive.max_operations", "an integer >= 1", std::to_string(a.max_operations));
  }
  return Status::Ok();
}

}  // namespace

Status ValidateHeadSamplerConfig(const HeadSamplerConfig& config) {
  const std::string& t = config.type;
  if (!IsKnownType(t)) {
    return Status::InvalidArgument("sampler.type: unknown sampler '" + t +
                                   "'; valid types are: " + kValidTypes);
  }
  const bool ratio_hash_used = t == "traceidratio" || t == "parentbased_traceidratio";
  const bool ratio_used =
      ratio_hash_used || t == "consistent_probability" || t == "parentbased_consistent_probability";
  if (ratio_used && !(config.ratio >= 0.0 && config.ratio <= 1.0)) {
    return Bad("ratio", "a number in [0, 1]", Num(config.ratio));
  }
  if (ratio_hash_used && !ParseTraceIdRatioHash(config.ratio_hash).ok()) {
    return Bad("ratio_hash", "one of go, java, cpp", "'" + config.ratio_hash + "'");
  }
  if ((t == "jaeger_ratelimiting" || t == "parentbased_jaeger_ratelimiting") &&
      !(std::isfinite(config.max_traces_per_second) && config.max_traces_per_second > 0.0)) {
    return Bad("max_traces_per_second", "a positive number", Num(config.max_traces_per_second));
  }
  if (t == "jaeger_adaptive") return ValidateAdaptive(config.adaptive);
  return Status::Ok();
}

StatusOr<std::unique_ptr<Sampler>> MakeSampler(const HeadSamplerConfig& config, TimePoint start) {
  if (Status s = ValidateHeadSamplerConfig(config); !s.ok()) return s;
  const std::string& t = config.type;
  if (t == "always_on") return MakeAlwaysOnSampler();
  if (t == "always_off") return MakeAlwaysOffSampler();
  if (t == "parentbased_always_on") return MakeParentBasedSampler(MakeAlwaysOnSampler());
  if (t == "parentbased_always_off") return MakeParentBasedSampler(MakeAlwaysOffSampler());
  if (t == "traceidratio" || t == "parentbased_traceidratio") {
    auto ratio = MakeTraceIdRatioBasedSampler(config.ratio, *ParseTraceIdRatioHash(config.ratio_hash));
    if (t == "traceidratio") return ratio;
    return MakeParentBasedSampler(std::move(ratio));
  }
  if (t == "jaeger_ratelimiting")
    return std::unique_ptr<Sampler>(MakeJaegerRateLimitingSampler(config.max_traces_per_second, start));
  if (t == "parentbased_jaeger_ratelimiting") {
    return MakeParentBasedSampler(MakeJaegerRateLimitingSampler(config.max_traces_per_second, start));
  }
  if (t == "consistent_probability") return MakeConsistentProbabilitySampler(config.ratio);
  if (t == "parentbased_consistent_probability") {
    return MakeConsistentParentBasedSampler(MakeConsistentProbabilitySampler(config.ratio));
  }
  // jaeger_adaptive: the SDK half, with the strategy a Jaeger collector serves
  // before it has calculated anything for the service.
  PerOperationSamplingStrategies initial;
  initial.default_sampling_probability = config.adaptive.initial_sampling_probability;
  initial.default_lower_bound_traces_per_second = config.adaptive.min_samples_per_second;
  return std::unique_ptr<Sampler>(
      std::make_unique<JaegerPerOperationSampler>(initial, config.adaptive.max_operations, start));
}

}  // namespace tracesim::pipeline
