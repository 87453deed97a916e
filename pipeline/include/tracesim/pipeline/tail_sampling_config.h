// Configuration of the OTel Collector `tail_sampling` processor and of the
// `probabilistic_sampler` processor. Field names are the Collector's YAML keys
// (processor/tailsamplingprocessor/config.go, processor/probabilisticsamplerprocessor/config.go)
// so a user's Collector configuration maps onto them one to one; defaults are the Collector's
// (createDefaultConfig).
//
// Plain structs; validation is separate (ValidateTailSamplingConfig,
// ValidateProbabilisticSamplerConfig) and returns InvalidArgument naming the key path,
// e.g. "tail_sampling.policies[1].latency.threshold_ms: expected >= 0, got -5".
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tracesim/status.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

// latency: sample when the trace duration (latest span end - earliest span start) is
// >= threshold_ms, and, when upper_threshold_ms != 0, <= upper_threshold_ms.
struct TailSamplingLatencyConfig {
  int64_t threshold_ms = 0;
  int64_t upper_threshold_ms = 0;  // 0 = no upper bound
};

// numeric_attribute: sample when an int attribute `key` is in [min_value, max_value]. An unset
// bound is open (INT64_MIN / INT64_MAX); at least one must be set (the Collector's optional keys).
struct TailSamplingNumericAttributeConfig {
  std::string key;
  std::optional<int64_t> min_value;
  std::optional<int64_t> max_value;
  bool invert_match = false;
};

// probabilistic: sample when FNV-1a-64(hash_salt || trace id) <= sampling_percentage/100 * 2^64.
struct TailSamplingProbabilisticConfig {
  std::string hash_salt;  // "" = "default-hash-seed"
  double sampling_percentage = 0;
};

// status_code: sample when any span's status is one of status_codes ("OK", "ERROR", "UNSET").
struct TailSamplingStatusCodeConfig {
  std::vector<std::string> status_codes;
};

// string_attribute: sample when a string attribute `key` equals one of `values` (or matches one
// of them as a regular expression when enabled_regex_matching).
struct TailSamplingStringAttributeConfig {
  std::string key;
  std::vector<std::string> values;
  bool enabled_regex_matching = false;
  int64_t cache_max_size = 0;  // regex match result LRU size; 0 = the Collector's default (128)
  bool invert_match = false;
};

// rate_limiting: sample traces while the spans sampled in the current second stay below
// spans_per_second.
struct TailSamplingRateLimitingConfig {
  int64_t spans_per_second = 0;
};

// span_count: sample when the trace's span count is >= min_spans and, when max_spans != 0,
// <= max_spans.
struct TailSamplingSpanCountConfig {
  int32_t min_spans = 0;
  int32_t max_spans = 0;  // 0 = no upper bound
};

// trace_state: sample when any span's W3C tracestate has member `key` with one of `values`.
struct TailSamplingTraceStateConfig {
  std::string key;
  std::vector<std::string> values;
};

// boolean_attribute: sample when a bool attribute `key` equals `value`.
struct TailSamplingBooleanAttributeConfig {
  std::string key;
  bool value = false;
  bool invert_match = false;
};

// composite.rate_allocation[i]
struct TailSamplingRateAllocationConfig {
  std::string policy;
  int64_t percent = 0;
};

struct TailSamplingPolicyConfig;

// and: sample when every sub-policy samples.
struct TailSamplingAndConfig {
  std::vector<TailSamplingPolicyConfig> and_sub_policy;
};

// drop: not sampled (final, overrides everything) when every sub-policy samples.
struct TailSamplingDropConfig {
  std::vector<TailSamplingPolicyConfig> drop_sub_policy;
};

// composite: sub-policies evaluated in policy_order, each with a span budget per second of
// max_total_spans_per_second * percent / 100 (sub-policies without an allocation share what is
// left; see tail_sampling.h).
struct TailSamplingCompositeConfig {
  int64_t max_total_spans_per_second = 0;
  std::vector<std::string> policy_order;
  std::vector<TailSamplingPolicyConfig> composite_sub_policy;
  std::vector<TailSamplingRateAllocationConfig> rate_allocation;
};

// One entry of `policies` (or of a sub-policy list). Only the member named by `type` is read.
// Recursive: and / drop / composite hold their children by value.
struct TailSamplingPolicyConfig {
  std::string name;
  // always_sample, latency, numeric_attribute, probabilistic, status_code, string_attribute,
  // rate_limiting, span_count, trace_state, boolean_attribute, and, drop, composite.
  // ottl_condition is recognised and rejected (not supported).
  std::string type;

  TailSamplingLatencyConfig latency;
  TailSamplingNumericAttributeConfig numeric_attribute;
  TailSamplingProbabilisticConfig probabilistic;
  TailSamplingStatusCodeConfig status_code;
  TailSamplingStringAttributeConfig string_attribute;
  TailSamplingRateLimitingConfig rate_limiting;
  TailSamplingSpanCountConfig span_count;
  TailSamplingTraceStateConfig trace_state;
  TailSamplingBooleanAttributeConfig boolean_attribute;
  TailSamplingAndConfig and_;  // YAML key "and"
  TailSamplingDropConfig drop;
  TailSamplingCompositeConfig composite;
};

// tail_sampling.decision_cache: LRU caches of decided trace ids (0 = cache disabled).
struct TailSamplingDecisionCacheConfig {
  uint64_t sampled_cache_size = 0;
  uint64_t non_sampled_cache_size = 0;
};

struct TailSamplingConfig {
  Duration decision_wait = std::chrono::seconds(30);
  uint64_t num_traces = 50000;
  uint64_t expected_new_traces_per_sec = 0;
  TailSamplingDecisionCacheConfig decision_cache;
  std::vector<TailSamplingPolicyConfig> policies;
};

// Checks every key (recursively into and / drop / composite sub-policies); errors are
// InvalidArgument naming the key path, e.g.
// "tail_sampling.policies[1].latency.threshold_ms: expected >= 0, got -5". The full list of checks
// is in docs/tail-sampling.md (unknown or unsupported policy type, empty or duplicate names,
// negative thresholds, min > max, unknown status codes, invalid regular expressions, rate
// allocations over 100 % or naming unknown sub-policies, sub-policy types the Collector does not
// allow at that level, num_traces == 0, negative decision_wait).
Status ValidateTailSamplingConfig(const TailSamplingConfig& config);

// The `probabilistic_sampler` processor (traces). Defaults are the Collector's createDefaultConfig.
struct ProbabilisticSamplerConfig {
  double sampling_percentage = 0;  // 0 = sample nothing; >= 100 = everything
  uint32_t hash_seed = 0;
  // "hash_seed", "proportional", "equalizing", or "" (unset: hash_seed, the Collector's default).
  std::string mode;
  bool fail_closed = true;
  int sampling_precision = 4;                // hex digits of the encoded threshold, 1..14
  std::string attribute_source = "traceID";  // logs only in the Collector; "traceID" or "record"
};

// config.go Validate plus mode parsing (SamplerMode.UnmarshalText). Errors are InvalidArgument
// naming the key ("probabilistic_sampler.sampling_percentage: ...").
Status ValidateProbabilisticSamplerConfig(const ProbabilisticSamplerConfig& config);

}  // namespace tracesim::pipeline
