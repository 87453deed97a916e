#include "tracesim/pipeline/tail_sampling_config.h"

#include <cmath>
#include <regex>
#include <set>
#include <string>
#include <string_view>

namespace tracesim::pipeline {
namespace {

enum class Level { kTop, kAndSub, kDropSub, kCompositeSub };

bool IsSharedType(std::string_view t) {
  return t == "always_sample" || t == "latency" || t == "numeric_attribute" || t == "probabilistic" ||
         t == "status_code" || t == "string_attribute" || t == "rate_limiting" || t == "span_count" ||
         t == "trace_state" || t == "boolean_attribute";
}

Status Err(const std::string& path, const std::string& what) {
  return Status::InvalidArgument(path + ": " + what);
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

Status ValidatePolicy(const TailSamplingPolicyConfig& p, const std::string& path, Level level);

Status ValidateSubPolicies(const std::vector<TailSamplingPolicyConfig>& subs, const std::string& path,
                           Level level) {
  if (subs.empty()) return Err(path, "expected at least one sub-policy");
  std::set<std::string> names;
  for (size_t i = 0; i < subs.size(); ++i) {
    const std::string sub_path = path + "[" + std::to_string(i) + "]";
    if (!subs[i].name.empty() && !names.insert(subs[i].name).second) {
      return Err(sub_path + ".name", "duplicate sub-policy name " + Quote(subs[i].name));
    }
    if (Status s = ValidatePolicy(subs[i], sub_path, level); !s.ok()) return s;
  }
  return Status::Ok();
}

Status ValidatePolicy(const TailSamplingPolicyConfig& p, const std::string& path, Level level) {
  const std::string& t = p.type;
  if (t.empty()) return Err(path + ".type", "required");
  if (t == "ottl_condition") {
    return Err(path + ".type", "policy type \"ottl_condition\" is not supported by tracesim");
  }
  const bool shared = IsSharedType(t);
  if (!shared && t != "and" && t != "drop" && t != "composite") {
    return Err(path + ".type", "unknown sampling policy type " + Quote(t) +
                                   " (expected always_sample, latency, numeric_attribute, probabilistic, "
                                   "status_code, string_attribute, rate_limiting, span_count, trace_state, "
                                   "boolean_attribute, and, drop or composite)");
  }
  // Which types the Collector builds at each level (getSharedPolicyEvaluator,
  // getCompositeSubPolicyEvaluator, and/drop helpers).
  if (level == Level::kAndSub && !shared) {
    return Err(path + ".type", "policy type " + Quote(t) + " is not allowed in and_sub_policy");
  }
  if (level == Level::kDropSub && !shared) {
    return Err(path + ".type", "policy type " + Quote(t) + " is not allowed in drop_sub_policy");
  }
  if (level == Level::kCompositeSub && !shared && t != "and") {
    return Err(path + ".type", "policy type " + Quote(t) + " is not allowed in composite_sub_policy");
  }

  if (t == "latency") {
    const auto& c = p.latency;
    if (c.threshold_ms < 0) {
      return Err(path + ".latency.threshold_ms", "expected >= 0, got " + std::to_string(c.threshold_ms));
    }
    if (c.upper_threshold_ms < 0) {
      return Err(path + ".latency.upper_threshold_ms",
                 "expected >= 0, got " + std::to_string(c.upper_threshold_ms));
    }
    if (c.upper_threshold_ms != 0 && c.upper_threshold_ms <= c.threshold_ms) {
      return Err(path + ".latency.upper_threshold_ms", "expected 0 (no upper bound) or > threshold_ms (" +
                                                           std::to_string(c.threshold_ms) + "), got " +
                                                           std::to_string(c.upper_threshold_ms));
    }
  } else if (t == "numeric_attribute") {
    const auto& c = p.numeric_attribute;
    if (c.key.empty()) return Err(path + ".numeric_attribute.key", "required");
    if (!c.min_value && !c.max_value) {
      return Err(path + ".numeric_attribute", "at least one of min_value or max_value must be set");
    }
    if (c.min_value && c.max_value && *c.min_value > *c.max_value) {
      return Err(path + ".numeric_attribute.min_value", "expected <= max_value (" +
                                                            std::to_string(*c.max_value) + "), got " +
                                                            std::to_string(*c.min_value));
    }
  } else if (t == "probabilistic") {
    const double pct = p.probabilistic.sampling_percentage;
    if (std::isnan(pct) || std::isinf(pct)) {
      return Err(path + ".probabilistic.sampling_percentage", "expected a finite number");
    }
    if (pct < 0) {
      return Err(path + ".probabilistic.sampling_percentage", "expected >= 0, got " + std::to_string(pct));
    }
  } else if (t == "status_code") {
    const auto& codes = p.status_code.status_codes;
    if (codes.empty()) {
      return Err(path + ".status_code.status_codes", "expected at least one status code to filter on");
    }
    for (size_t i = 0; i < codes.size(); ++i) {
      if (codes[i] != "OK" && codes[i] != "ERROR" && codes[i] != "UNSET") {
        return Err(path + ".status_code.status_codes[" + std::to_string(i) + "]",
                   "unknown status code " + Quote(codes[i]) + ", supported: OK, ERROR, UNSET");
      }
    }
  } else if (t == "string_attribute") {
    const auto& c = p.string_attribute;
    if (c.key.empty()) return Err(path + ".string_attribute.key", "required");
    if (c.values.empty()) return Err(path + ".string_attribute.values", "expected at least one value");
    if (c.cache_max_size < 0) {
      return Err(path + ".string_attribute.cache_max_size",
                 "expected >= 0, got " + std::to_string(c.cache_max_size));
    }
    if (c.enabled_regex_matching) {
      for (size_t i = 0; i < c.values.size(); ++i) {
        try {
          std::regex re(c.values[i], std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
          return Err(path + ".string_attribute.values[" + std::to_string(i) + "]",
                     "invalid regular expression " + Quote(c.values[i]) + ": " + e.what());
        }
      }
    }
  } else if (t == "rate_limiting") {
    if (p.rate_limiting.spans_per_second <= 0) {
      return Err(path + ".rate_limiting.spans_per_second",
                 "expected > 0, got " + std::to_string(p.rate_limiting.spans_per_second));
    }
  } else if (t == "span_count") {
    const auto& c = p.span_count;
    if (c.min_spans < 0) {
      return Err(path + ".span_count.min_spans", "expected >= 0, got " + std::to_string(c.min_spans));
    }
    if (c.max_spans < 0) {
      return Err(path + ".span_count.max_spans", "expected >= 0, got " + std::to_string(c.max_spans));
    }
    if (c.max_spans != 0 && c.max_spans < c.min_spans) {
      return Err(path + ".span_count.max_spans", "expected 0 (no maximum) or >= min_spans (" +
                                                     std::to_string(c.min_spans) + "), got " +
                                                     std::to_string(c.max_spans));
    }
  } else if (t == "trace_state") {
    if (p.trace_state.key.empty()) return Err(path + ".trace_state.key", "required");
    if (p.trace_state.values.empty()) return Err(path + ".trace_state.values", "expected at least one value");
  } else if (t == "boolean_attribute") {
    if (p.boolean_attribute.key.empty()) return Err(path + ".boolean_attribute.key", "required");
  } else if (t == "and") {
    return ValidateSubPolicies(p.and_.and_sub_policy, path + ".and.and_sub_policy", Level::kAndSub);
  } else if (t == "drop") {
    return ValidateSubPolicies(p.drop.drop_sub_policy, path + ".drop.drop_sub_policy", Level::kDropSub);
  } else if (t == "composite") {
    const auto& c = p.composite;
    const std::string cpath = path + ".composite";
    if (c.max_total_spans_per_second <= 0) {
      return Err(cpath + ".max_total_spans_per_second",
                 "expected > 0, got " + std::to_string(c.max_total_spans_per_second));
    }
    if (Status s = ValidateSubPolicies(c.composite_sub_policy, cpath + ".composite_sub_policy",
                                       Level::kCompositeSub);
        !s.ok()) {
      return s;
    }
    std::set<std::string> names;
    for (const auto& sub : c.composite_sub_policy) names.insert(sub.name);
    for (size_t i = 0; i < c.composite_sub_policy.size(); ++i) {
      if (c.composite_sub_policy[i].name.empty()) {
        return Err(cpath + ".composite_sub_policy[" + std::to_string(i) + "].name",
                   "required (rate_allocation refers to sub-policies by name)");
      }
    }
    for (size_t i = 0; i < c.policy_order.size(); ++i) {
      if (!names.count(c.policy_order[i])) {
        return Err(cpath + ".policy_order[" + std::to_string(i) + "]",
                   "unknown sub-policy " + Quote(c.policy_order[i]));
      }
    }
    int64_t total = 0;
    std::set<std::string> allocated;
    for (size_t i = 0; i < c.rate_allocation.size(); ++i) {
      const auto& ra = c.rate_allocation[i];
      const std::string rpath = cpath + ".rate_allocation[" + std::to_string(i) + "]";
      if (!names.count(ra.policy)) return Err(rpath + ".policy", "unknown sub-policy " + Quote(ra.policy));
      if (!allocated.insert(ra.policy).second) {
        return Err(rpath + ".policy", "duplicate allocation for sub-policy " + Quote(ra.policy));
      }
      if (ra.percent < 0 || ra.percent > 100) {
        return Err(rpath + ".percent", "expected 0..100, got " + std::to_string(ra.percent));
      }
      total += ra.percent;
    }
    if (total > 100) {
      return Err(cpath + ".rate_allocation",
                 "percents add up to " + std::to_string(total) + ", expected <= 100");
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateTailSamplingConfig(const TailSamplingConfig& config) {
  if (config.decision_wait < Duration::zero()) {
    return Err("tail_sampling.decision_wait",
               "expected >= 0, got " + std::to_string(config.decision_wait.count()) + " ns");
  }
  if (config.num_traces == 0) return Err("tail_sampling.num_traces", "expected > 0, got 0");
  if (config.policies.empty()) return Err("tail_sampling.policies", "required: at least one policy");
  std::set<std::string> names;
  for (size_t i = 0; i < config.policies.size(); ++i) {
    const std::string path = "tail_sampling.policies[" + std::to_string(i) + "]";
    const auto& p = config.policies[i];
    // loadSamplingPolicy: "policy name cannot be empty", "duplicate policy name".
    if (p.name.empty()) return Err(path + ".name", "policy name cannot be empty");
    if (!names.insert(p.name).second) return Err(path + ".name", "duplicate policy name " + Quote(p.name));
    if (Status s = ValidatePolicy(p, path, Level::kTop); !s.ok()) return s;
  }
  return Status::Ok();
}

Status ValidateProbabilisticSamplerConfig(const ProbabilisticSamplerConfig& config) {
  const double pct = config.sampling_percentage;
  if (std::isinf(pct) || std::isnan(pct)) {
    return Err("probabilistic_sampler.sampling_percentage",
               "sampling rate is invalid: " + std::to_string(pct) + "%");
  }
  // The Collector's field is a float32; its minimum probability is 2^-56.
  const double ratio = static_cast<double>(static_cast<float>(pct)) / 100.0;
  if (ratio < 0) {
    return Err("probabilistic_sampler.sampling_percentage",
               "sampling rate is negative: " + std::to_string(pct) + "%");
  }
  if (ratio != 0 && ratio < 0x1p-56) {
    return Err("probabilistic_sampler.sampling_percentage",
               "sampling rate is too small: " + std::to_string(pct) + "%");
  }
  if (config.mode != "" && config.mode != "hash_seed" && config.mode != "proportional" &&
      config.mode != "equalizing") {
    return Err("probabilistic_sampler.mode", "unsupported sampler mode " + Quote(config.mode) +
                                                 " (expected hash_seed, proportional or equalizing)");
  }
  if (!config.attribute_source.empty() && config.attribute_source != "traceID" &&
      config.attribute_source != "record") {
    return Err("probabilistic_sampler.attribute_source",
               "invalid attribute source: " + config.attribute_source + ". Expected: traceID or record");
  }
  if (config.sampling_precision == 0) {
    return Err("probabilistic_sampler.sampling_precision", "invalid sampling precision: 0");
  }
  if (config.sampling_precision < 0) {
    return Err("probabilistic_sampler.sampling_precision",
               "expected 1..14, got " + std::to_string(config.sampling_precision));
  }
  if (config.sampling_precision > 14) {
    return Err(
        "probabilistic_sampler.sampling_precision",
        "sampling precision is too great, should be <= 14: " + std::to_string(config.sampling_precision));
  }
  return Status::Ok();
}

}  // namespace tracesim::pipeline
