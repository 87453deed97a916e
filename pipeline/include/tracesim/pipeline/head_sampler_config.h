// The head-sampler section of a scenario: a plain struct that the scenario
// loader fills from YAML, its validation, and the factory that builds the
// configured SDK sampler.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "tracesim/pipeline/sampler.h"
#include "tracesim/status.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

// YAML keys are the member names below under `sampler:` (and
// `sampler.adaptive:` for the nested struct). Every default is the default of
// the SDK or collector the sampler ports (see docs/samplers.md).
struct HeadSamplerConfig {
  // One of: always_on, always_off, traceidratio, parentbased_always_on,
  // parentbased_always_off, parentbased_traceidratio, jaeger_ratelimiting,
  // parentbased_jaeger_ratelimiting, consistent_probability,
  // parentbased_consistent_probability, jaeger_adaptive.
  // Default: the OTel SDK default sampler (OTEL_TRACES_SAMPLER).
  std::string type = "parentbased_always_on";

  // Sampling probability in [0, 1] for *traceidratio and
  // *consistent_probability (OTEL_TRACES_SAMPLER_ARG, default 1.0).
  double ratio = 1.0;

  // Which SDK's TraceIdRatioBased hash the *traceidratio types use:
  //   go   - OTel Go (and the spec's reference): (trace-id bytes 8..15) >> 1 < ratio*2^63
  //   java - OTel Java: |bytes 8..15 as signed int64| < (long)(ratio*Long.MAX_VALUE)
  //   cpp  - OTel C++: trace-id bytes 0..7 (little-endian load), scaled to a
  //          threshold in [0, 2^64) through a double, <= ratio*(2^64-1)
  // The exact formulas are in samplers.h; mixing variants breaks consistency.
  std::string ratio_hash = "go";

  // Jaeger rate-limiting sampler: root traces per second (sampler.param of
  // `ratelimiting`), > 0. The token bucket holds max(1, rate) credits.
  double max_traces_per_second = 1.0;

  // Jaeger adaptive sampling: the collector-side calculator options
  // (jaeger `sampling.adaptive` / `--sampling.*` flags) and the SDK-side
  // per-operation sampler limits (jaeger-client-go remote sampler).
  struct Adaptive {
    // Target sampled root traces per second per service+operation
    // (--sampling.target-samples-per-second, default 1).
    double target_samples_per_second = 1.0;
    // Relative tolerance: no change while |observed - target| / target
    // stays within it (--sampling.delta-tolerance, default 0.3).
    double delta_tolerance = 0.3;
    // Probability given to a new operation (--sampling.initial-sampling-probability, 0.001).
    double initial_sampling_probability = 0.001;
    // Cap on the relative increase of a probability per calculation. Jaeger's
    // PercentageIncreaseCappedCalculator defaults to 0.5 when given 0, but the
    // adaptive post-aggregator constructs it with 1.0 (NewPercentageIncrease-
    // CappedCalculator(1.0)): a probability at most doubles per interval.
    // Not a Jaeger flag; 1.0 is what a Jaeger deployment runs.
    double percentage_increase_cap = 1.0;
    // Floor of every calculated probability (--sampling.min-sampling-probability, 1e-5).
    double min_sampling_probability = 1e-5;
    // Lower-bound traces/s the SDK guarantees per operation
    // (--sampling.min-samples-per-second, default 1/60: one trace a minute).
    double min_samples_per_second = 1.0 / 60.0;
    // How often the collector recalculates (--sampling.calculation-interval, 1m).
    Duration calculation_interval = std::chrono::minutes(1);
    // Throughput buckets kept in memory (--sampling.aggregation-buckets, 10).
    int aggregation_buckets = 10;
    // Buckets used per calculation (--sampling.buckets-for-calculation, 1).
    int buckets_for_calculation = 1;
    // How far back the calculation starts so that all collectors have
    // written their throughput (--sampling.delay, default 2m).
    Duration delay = std::chrono::minutes(2);
    // When the SDK sees a new strategy: jaeger-client-go polls the sampling
    // endpoint every samplingRefreshInterval (default 1 minute). The driver
    // delivers a recalculated strategy this long after it is computed.
    Duration strategy_delivery_delay = std::chrono::minutes(1);
    // jaeger-client-go PerOperationSampler maxOperations (default 2000):
    // operations beyond it use the default probabilistic sampler.
    int max_operations = 2000;
  } adaptive;
};

// Checks every field the configured `type` uses (fields the type ignores are
// not checked). Errors are InvalidArgument and name the key, e.g.
// "sampler.ratio: expected a number in [0, 1], got 1.5" or
// "sampler.type: unknown sampler 'foo'; valid types are: ...".
Status ValidateHeadSamplerConfig(const HeadSamplerConfig& config);

// Validates `config` and builds its sampler. `start` is the virtual time at
// which the sampler comes into service (the rate limiters' first tick).
// For jaeger_adaptive the result is the SDK-side per-operation sampler
// (a JaegerPerOperationSampler, adaptive_sampling.h) with no strategy yet:
// every operation samples at adaptive.initial_sampling_probability with the
// min_samples_per_second lower bound, until the driver delivers a strategy
// via UpdateStrategy().
StatusOr<std::unique_ptr<Sampler>> MakeSampler(const HeadSamplerConfig& config, TimePoint start);

}  // namespace tracesim::pipeline
