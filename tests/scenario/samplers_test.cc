// Head samplers: tracing.sampler (every HeadSamplerConfig key, the adaptive
// block) and services[i].sampler.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scenario_test_support.h"
#include "tracesim/scenario/loader.h"

namespace tracesim::scenario {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;

using testing::ErrorOf;
using testing::kBase;
using testing::MustLoad;

TEST(SamplersTest, EveryTopLevelKey) {
  Scenario s = MustLoad(std::string(kBase) +
                        "tracing:\n"
                        "  sampler:\n"
                        "    type: parentbased_traceidratio\n"
                        "    ratio: 0.125\n"
                        "    ratio_hash: java\n"
                        "    max_traces_per_second: 2.5\n");
  EXPECT_EQ(s.tracing.sampler.type, "parentbased_traceidratio");
  EXPECT_DOUBLE_EQ(s.tracing.sampler.ratio, 0.125);
  EXPECT_EQ(s.tracing.sampler.ratio_hash, "java");
  EXPECT_DOUBLE_EQ(s.tracing.sampler.max_traces_per_second, 2.5);

  for (const char* type :
       {"always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off",
        "parentbased_traceidratio", "jaeger_ratelimiting", "parentbased_jaeger_ratelimiting",
        "consistent_probability", "parentbased_consistent_probability", "jaeger_adaptive"}) {
    EXPECT_EQ(
        MustLoad(std::string(kBase) + "tracing: {sampler: {type: " + type + "}}\n").tracing.sampler.type,
        type);
  }
}

TEST(SamplersTest, AdaptiveBlock) {
  Scenario s = MustLoad(std::string(kBase) +
                        "tracing:\n"
                        "  sampler:\n"
                        "    type: jaeger_adaptive\n"
                        "    adaptive:\n"
                        "      target_samples_per_second: 2\n"
                        "      delta_tolerance: 0.2\n"
                        "      initial_sampling_probability: 0.01\n"
                        "      percentage_increase_cap: 0.5\n"
                        "      min_sampling_probability: 0.0001\n"
                        "      min_samples_per_second: 0.1\n"
                        "      calculation_interval: 30s\n"
                        "      aggregation_buckets: 5\n"
                        "      buckets_for_calculation: 3\n"
                        "      delay: 1m\n"
                        "      strategy_delivery_delay: 10s\n"
                        "      max_operations: 100\n");
  const SamplerSpec::Adaptive& a = s.tracing.sampler.adaptive;
  EXPECT_DOUBLE_EQ(a.target_samples_per_second, 2);
  EXPECT_DOUBLE_EQ(a.delta_tolerance, 0.2);
  EXPECT_DOUBLE_EQ(a.initial_sampling_probability, 0.01);
  EXPECT_DOUBLE_EQ(a.percentage_increase_cap, 0.5);
  EXPECT_DOUBLE_EQ(a.min_sampling_probability, 0.0001);
  EXPECT_DOUBLE_EQ(a.min_samples_per_second, 0.1);
  EXPECT_EQ(a.calculation_interval, seconds(30));
  EXPECT_EQ(a.aggregation_buckets, 5);
  EXPECT_EQ(a.buckets_for_calculation, 3);
  EXPECT_EQ(a.delay, minutes(1));
  EXPECT_EQ(a.strategy_delivery_delay, seconds(10));
  EXPECT_EQ(a.max_operations, 100);

  // Omitted keys keep Jaeger's defaults.
  s = MustLoad(std::string(kBase) + "tracing: {sampler: {type: jaeger_adaptive, adaptive: {delay: 0s}}}\n");
  const SamplerSpec::Adaptive d;
  EXPECT_EQ(s.tracing.sampler.adaptive.delay, Duration(0));
  EXPECT_EQ(s.tracing.sampler.adaptive.calculation_interval, d.calculation_interval);
  EXPECT_DOUBLE_EQ(s.tracing.sampler.adaptive.min_samples_per_second, d.min_samples_per_second);
}

TEST(SamplersTest, BadValuesPointAtTheKey) {
  const std::string head = std::string(kBase) + "tracing:\n  sampler:\n";
  EXPECT_THAT(ErrorOf(head + "    ratio: 1.5\n"),
              HasSubstr("t.yaml:10:12: tracing.sampler.ratio: expected a number in [0, 1], got 1.5"));
  EXPECT_THAT(
      ErrorOf(head + "    ratio_hash: python\n"),
      HasSubstr("t.yaml:10:17: tracing.sampler.ratio_hash: expected one of go, java, cpp, got 'python'"));
  EXPECT_THAT(ErrorOf(head + "    max_traces_per_second: 0\n"),
              HasSubstr("tracing.sampler.max_traces_per_second: expected a number > 0, got 0"));
  EXPECT_THAT(ErrorOf(head + "    type: jaeger_ratelimitng\n"),
              HasSubstr("(did you mean 'jaeger_ratelimiting'?)"));
  EXPECT_THAT(
      ErrorOf(head + "    adaptive: {initial_sampling_probability: 0}\n"),
      HasSubstr("t.yaml:10:46: tracing.sampler.adaptive.initial_sampling_probability: expected a number "
                "in (0, 1], got 0"));
  EXPECT_THAT(ErrorOf(head + "    adaptive: {calculation_interval: 0s}\n"),
              HasSubstr("tracing.sampler.adaptive.calculation_interval: expected a duration > 0s, got '0s'"));
  EXPECT_THAT(ErrorOf(head + "    adaptive: {aggregation_buckets: 0}\n"),
              HasSubstr("tracing.sampler.adaptive.aggregation_buckets: expected an integer >= 1, got 0"));
  EXPECT_THAT(ErrorOf(head + "    adaptive: {delay: -1s}\n"),
              HasSubstr("tracing.sampler.adaptive.delay: expected a duration >= 0s, got '-1s'"));
  EXPECT_THAT(ErrorOf(head + "    adaptive: {target_samples: 1}\n"),
              HasSubstr("tracing.sampler.adaptive.target_samples: unknown key 'target_samples'"));
  // Every key is checked, used by the type or not (a variant may switch the type).
  EXPECT_THAT(ErrorOf(head + "    type: always_on\n    max_traces_per_second: -1\n"),
              HasSubstr("tracing.sampler.max_traces_per_second: expected a number > 0, got -1"));
}

TEST(SamplersTest, PerServiceSampler) {
  Scenario s = MustLoad(
      "name: t\n"
      "services:\n"
      "  - name: api\n"
      "    calls: [db]\n"
      "    sampler: {type: traceidratio, ratio: 0.5, ratio_hash: java}\n"
      "  - name: db\n"
      "    sampler: {}\n"
      "  - name: cache\n"
      "    sampler:\n"
      "workload: {entry: api}\n"
      "tracing: {sampler: {type: parentbased_traceidratio, ratio: 0.1}}\n");
  ASSERT_EQ(s.services.size(), 3u);
  ASSERT_TRUE(s.services[0].sampler.has_value());
  EXPECT_EQ(s.services[0].sampler->type, "traceidratio");
  EXPECT_DOUBLE_EQ(s.services[0].sampler->ratio, 0.5);
  EXPECT_EQ(s.services[0].sampler->ratio_hash, "java");
  // {}: a complete sampler of its own, with the SDK defaults (not tracing.sampler's values).
  ASSERT_TRUE(s.services[1].sampler.has_value());
  EXPECT_EQ(s.services[1].sampler->type, SamplerSpec{}.type);
  // Null (or absent): no sampler of its own; the service uses tracing.sampler.
  EXPECT_FALSE(s.services[2].sampler.has_value());
  EXPECT_EQ(s.tracing.sampler.type, "parentbased_traceidratio");

  EXPECT_THAT(ErrorOf("name: t\nservices:\n  - name: api\n    sampler: {type: traceidratio, ratio: 2}\n"
                      "workload: {entry: api}\n"),
              HasSubstr("t.yaml:4:42: services[0].sampler.ratio: expected a number in [0, 1], got 2"));
  EXPECT_THAT(ErrorOf("name: t\nservices:\n  - name: api\n    sampler: always_on\nworkload: {entry: api}\n"),
              HasSubstr("services[0].sampler: expected a mapping"));
  // --set can add and remove a service's sampler.
  const std::string yaml = std::string(kBase);
  s = MustLoad(yaml, {{"services.1.sampler", "{type: always_off}"}});
  ASSERT_TRUE(s.services[1].sampler.has_value());
  EXPECT_EQ(s.services[1].sampler->type, "always_off");
  EXPECT_FALSE(MustLoad(yaml, {{"services.1.sampler", "{type: always_off}"}, {"services.1.sampler", "null"}})
                   .services[1]
                   .sampler.has_value());
}

}  // namespace
}  // namespace tracesim::scenario
