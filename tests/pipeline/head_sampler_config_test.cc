#include "tracesim/pipeline/head_sampler_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tracesim/pipeline/adaptive_sampling.h"

namespace tracesim::pipeline {
namespace {

using ::testing::HasSubstr;

TEST(HeadSamplerConfigTest, DefaultsMatchOtelAndJaeger) {
  HeadSamplerConfig c;
  EXPECT_EQ(c.type, "parentbased_always_on");
  EXPECT_EQ(c.ratio, 1.0);
  EXPECT_EQ(c.ratio_hash, "go");
  EXPECT_EQ(c.max_traces_per_second, 1.0);
  EXPECT_EQ(c.adaptive.target_samples_per_second, 1.0);
  EXPECT_EQ(c.adaptive.delta_tolerance, 0.3);
  EXPECT_EQ(c.adaptive.initial_sampling_probability, 0.001);
  EXPECT_EQ(c.adaptive.min_sampling_probability, 1e-5);
  EXPECT_EQ(c.adaptive.min_samples_per_second, 1.0 / 60);
  EXPECT_EQ(c.adaptive.percentage_increase_cap, 1.0);
  EXPECT_EQ(c.adaptive.calculation_interval, std::chrono::minutes(1));
  EXPECT_EQ(c.adaptive.aggregation_buckets, 10);
  EXPECT_EQ(c.adaptive.buckets_for_calculation, 1);
  EXPECT_EQ(c.adaptive.delay, std::chrono::minutes(2));
  EXPECT_EQ(c.adaptive.strategy_delivery_delay, std::chrono::minutes(1));
  EXPECT_EQ(c.adaptive.max_operations, 2000);
  EXPECT_TRUE(ValidateHeadSamplerConfig(c).ok());
}

TEST(HeadSamplerConfigTest, EveryTypeBuildsItsSampler) {
  const std::pair<const char*, const char*> cases[] = {
      {"always_on", "AlwaysOnSampler"},
      {"always_off", "AlwaysOffSampler"},
      {"traceidratio", "TraceIdRatioBased{0.250000}"},
      {"parentbased_always_on", "ParentBased{root:AlwaysOnSampler,"},
      {"parentbased_always_off", "ParentBased{root:AlwaysOffSampler,"},
      {"parentbased_traceidratio", "ParentBased{root:TraceIdRatioBased{0.250000},"},
      {"jaeger_ratelimiting", "RateLimitingSampler{maxTracesPerSecond=1}"},
      {"parentbased_jaeger_ratelimiting", "ParentBased{root:RateLimitingSampler{maxTracesPerSecond=1},"},
      {"consistent_probability", "ConsistentProbabilityBased{0.250000,th:c}"},
      {"parentbased_consistent_probability",
       "ConsistentParentBased{root:ConsistentProbabilityBased{0.250000,th:c}}"},
      {"jaeger_adaptive",
       "JaegerPerOperationSampler{defaultSamplingProbability=0.001,lowerBound=0.0166667,"
       "maxOperations=2000}"},
  };
  for (const auto& [type, description] : cases) {
    HeadSamplerConfig c;
    c.type = type;
    c.ratio = 0.25;
    auto s = MakeSampler(c, kTimeZero);
    ASSERT_TRUE(s.ok()) << type << ": " << s.status().ToString();
    EXPECT_THAT((*s)->Description(), HasSubstr(description)) << type;
  }
  HeadSamplerConfig c;
  c.type = "traceidratio";
  c.ratio = 0.5;
  c.ratio_hash = "cpp";
  EXPECT_EQ((*MakeSampler(c, kTimeZero))->Description(), "TraceIdRatioBasedSampler{0.500000}");
  c.type = "jaeger_adaptive";
  auto adaptive = MakeSampler(c, kTimeZero);
  ASSERT_TRUE(adaptive.ok());
  auto* per_op = dynamic_cast<JaegerPerOperationSampler*>(adaptive->get());
  ASSERT_NE(per_op, nullptr);
  EXPECT_EQ(per_op->default_sampling_probability(), 0.001);
}

TEST(HeadSamplerConfigTest, ValidationErrorsNameTheKey) {
  struct Case {
    void (*mutate)(HeadSamplerConfig&);
    const char* message;
  };
  const Case cases[] = {
      {[](HeadSamplerConfig& c) { c.type = "foo"; },
       "sampler.type: unknown sampler 'foo'; valid types are: always_on, always_off, traceidratio"},
      {[](HeadSamplerConfig& c) { c.type = "traceidratio", c.ratio = 1.5; },
       "sampler.ratio: expected a number in [0, 1], got 1.5"},
      {[](HeadSamplerConfig& c) { c.type = "consistent_probability", c.ratio = -0.1; },
       "sampler.ratio: expected a number in [0, 1], got -0.1"},
      {[](HeadSamplerConfig& c) { c.type = "parentbased_traceidratio", c.ratio = std::nan(""); },
       "sampler.ratio: expected a number in [0, 1], got nan"},
      {[](HeadSamplerConfig& c) { c.type = "traceidratio", c.ratio_hash = "rust"; },
       "sampler.ratio_hash: expected one of go, java, cpp, got 'rust'"},
      {[](HeadSamplerConfig& c) { c.type = "jaeger_ratelimiting", c.max_traces_per_second = 0; },
       "sampler.max_traces_per_second: expected a positive number, got 0"},
      {[](HeadSamplerConfig& c) {
         c.type = "parentbased_jaeger_ratelimiting",
         c.max_traces_per_second = std::numeric_limits<double>::infinity();
       },
       "sampler.max_traces_per_second: expected a positive number, got inf"},
      {[](HeadSamplerConfig& c) { c.type = "jaeger_adaptive", c.adaptive.target_samples_per_second = 0; },
       "sampler.adaptive.target_samples_per_second: expected a positive number, got 0"},
      {[](HeadSamplerConfig& c) { c.type = "jaeger_adaptive", c.adaptive.delta_tolerance = -1; },
       "sampler.adaptive.delta_tolerance: expected a number >= 0, got -1"},
      {[](HeadSamplerConfig& c) { c.type = "jaeger_adaptive", c.adaptive.initial_sampling_probability = 2; },
       "sampler.adaptive.initial_sampling_probability: expected a number in (0, 1], got 2"},
      {[](HeadSamplerConfig& c) { c.type = "jaeger_adaptive", c.adaptive.min_sampling_probability = 0; },
       "sampler.adaptive.min_sampling_probability: expected a number in (0, 1], got 0"},
      {[](HeadSamplerConfig& c) { c.type = "jaeger_adaptive", c.adaptive.min_samples_per_second = -1; },
       "sampler.adaptive.min_samples_per_second: expected a number >= 0, got -1"},
      {[](HeadSamplerConfig& c) { c.type = "jaeger_adaptive", c.adaptive.percentage_increase_cap = 0; },
       "sampler.adaptive.percentage_increase_cap: expected a positive number, got 0"},
      {[](HeadSamplerConfig& c) {
         c.type = "jaeger_adaptive", c.adaptive.calculation_interval = Duration::zero();
       },
       "sampler.adaptive.calculation_interval: expected a positive duration, got 0s"},
      {[](HeadSamplerConfig& c) { c.type = "jaeger_adaptive", c.adaptive.aggregation_buckets = 0; },
       "sampler.adaptive.aggregation_buckets: expected an integer >= 1, got 0"},
      {[](HeadSamplerConfig& c) { c.type = "jaeger_adaptive", c.adaptive.buckets_for_calculation = 0; },
       "sampler.adaptive.buckets_for_calculation: expected an integer >= 1, got 0"},
      {[](HeadSamplerConfig& c) { c.type = "jaeger_adaptive", c.adaptive.delay = -std::chrono::seconds(1); },
       "sampler.adaptive.delay: expected a duration >= 0, got -1s"},
      {[](HeadSamplerConfig& c) {
         c.type = "jaeger_adaptive", c.adaptive.strategy_delivery_delay = -std::chrono::seconds(2);
       },
       "sampler.adaptive.strategy_delivery_delay: expected a duration >= 0, got -2s"},
      {[](HeadSamplerConfig& c) { c.type = "jaeger_adaptive", c.adaptive.max_operations = 0; },
       "sampler.adaptive.max_operations: expected an integer >= 1, got 0"},
  };
  for (const Case& k : cases) {
    HeadSamplerConfig c;
    k.mutate(c);
    Status s = ValidateHeadSamplerConfig(c);
    ASSERT_FALSE(s.ok()) << k.message;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr(k.message));
    auto made = MakeSampler(c, kTimeZero);
    ASSERT_FALSE(made.ok());
    EXPECT_EQ(made.status().message(), s.message());
  }
}

TEST(HeadSamplerConfigTest, FieldsATypeDoesNotUseAreNotChecked) {
  HeadSamplerConfig c;
  c.type = "always_on";
  c.ratio = 42;
  c.ratio_hash = "nope";
  c.max_traces_per_second = -1;
  c.adaptive.aggregation_buckets = 0;
  EXPECT_TRUE(ValidateHeadSamplerConfig(c).ok());
  c.type = "consistent_probability";
  c.ratio = 0.5;
  EXPECT_TRUE(ValidateHeadSamplerConfig(c).ok());  // ratio_hash only for traceidratio
}

}  // namespace
}  // namespace tracesim::pipeline
