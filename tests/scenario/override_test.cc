// `--set key.path=value` overrides.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "scenario_test_support.h"
#include "tracesim/scenario/loader.h"

namespace tracesim::scenario {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

const std::string kQuickstart = std::string(TRACESIM_SOURCE_DIR) + "/scenarios/quickstart.yaml";

std::vector<Override> Sets(std::initializer_list<const char*> texts) {
  std::vector<Override> out;
  for (const char* t : texts) {
    StatusOr<Override> o = ParseOverride(t);
    EXPECT_TRUE(o.ok()) << t << ": " << o.status().message();
    if (o.ok()) out.push_back(*o);
  }
  return out;
}

Scenario MustLoad(std::initializer_list<const char*> sets) {
  return testing::Loaded(LoadScenarioFile(kQuickstart, Sets(sets)));
}

std::string ErrorOf(std::initializer_list<const char*> sets) {
  return testing::LoadError(LoadScenarioFile(kQuickstart, Sets(sets)), kQuickstart);
}

TEST(ParseOverrideTest, SplitsAtTheFirstEquals) {
  StatusOr<Override> o = ParseOverride("services.0.name=a=b");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->path, "services.0.name");
  EXPECT_EQ(o->value, "a=b");
  o = ParseOverride(" workload.rate =300");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->path, "workload.rate");
  EXPECT_EQ(o->value, "300");
  o = ParseOverride("failures=");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->value, "");
}

TEST(ParseOverrideTest, Errors) {
  StatusOr<Override> o = ParseOverride("workload.rate");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(o.status().message(), "--set workload.rate: expected key.path=value");
  o = ParseOverride("=5");
  ASSERT_FALSE(o.ok());
  EXPECT_THAT(o.status().message(), HasSubstr("the key path before '=' is empty"));
  for (const char* bad : {"a..b=1", ".a=1", "a.=1"}) {
    o = ParseOverride(bad);
    ASSERT_FALSE(o.ok()) << bad;
    EXPECT_THAT(o.status().message(), HasSubstr("empty segment"));
  }
}

TEST(OverrideTest, SetsAScalar) {
  Scenario s = MustLoad({"workload.rate=1000", "seed=7", "tracing.sampler.ratio=1.0", "duration=5s"});
  EXPECT_DOUBLE_EQ(s.workload.rate_per_s, 1000);
  EXPECT_EQ(s.seed, 7u);
  EXPECT_DOUBLE_EQ(s.tracing.sampler.ratio, 1.0);
  EXPECT_DOUBLE_EQ(s.duration_s, 5);
  EXPECT_EQ(s.tracing.sampler.type, "parentbased_traceidratio");  // untouched siblings stay
}

TEST(OverrideTest, SetsBySequenceIndex) {
  Scenario s = MustLoad({"services.0.error_rate=0.5", "services.3.calls.1.count=4"});
  EXPECT_DOUBLE_EQ(s.services[0].error_rate, 0.5);
  EXPECT_DOUBLE_EQ(s.services[1].error_rate, 0.0);
  EXPECT_EQ(s.services[3].calls[1].service, "payment");
  EXPECT_EQ(s.services[3].calls[1].count, 4);
}

TEST(OverrideTest, SetsAMappingParsedAsYaml) {
  Scenario s = MustLoad({"tracing.sampler={type: always_on}"});
  EXPECT_EQ(s.tracing.sampler.type, "always_on");
  // The whole mapping was replaced: ratio is back to its default.
  EXPECT_DOUBLE_EQ(s.tracing.sampler.ratio, SamplerSpec{}.ratio);

  s = MustLoad({"failures=[{type: host_crash, target: storage-1, at: 10s, restart_after: 5s}]"});
  ASSERT_EQ(s.failures.size(), 1u);
  EXPECT_EQ(s.failures[0].target, "storage-1");
  EXPECT_DOUBLE_EQ(s.failures[0].restart_after_s, 5);
}

TEST(OverrideTest, AddsNewKeysAndIntermediateMappings) {
  Scenario s = MustLoad({"platform.backbone.bandwidth=40Gbps", "tracing.costs.span_end_ns=99"});
  EXPECT_DOUBLE_EQ(s.platform.backbone.bandwidth_bytes_per_s, 5e9);
  EXPECT_DOUBLE_EQ(s.tracing.costs.span_end_ns, 99);
  // A new key that the format does not know is caught by validation, and the
  // error names the override.
  EXPECT_EQ(
      ErrorOf({"workload.rtae=5"}),
      kQuickstart +
          ": --set workload.rtae=5: workload.rtae: unknown key 'rtae' (did you mean 'rate'?); allowed keys: "
          "entry, arrival, rate, rate_steps, on_off, diurnal, rate_file, rate_file_interpolation, replay");
}

TEST(OverrideTest, LaterOverridesWin) {
  Scenario s = MustLoad({"workload.rate=10", "workload.rate=20"});
  EXPECT_DOUBLE_EQ(s.workload.rate_per_s, 20);
}

TEST(OverrideTest, EmptyProcessorsDisablesBatch) {
  EXPECT_TRUE(MustLoad({"collectors.processors={}"}).collector_tiers.at(0).processors.empty());
  Scenario s = MustLoad({"collectors.processors.batch.timeout=1s"});
  ASSERT_EQ(s.collector_tiers.at(0).processors.size(), 1u);
  EXPECT_EQ(std::get<pipeline::BatchProcessorOptions>(s.collector_tiers[0].processors[0].config).timeout,
            milliseconds(1000));
}

TEST(OverrideTest, ErrorsInOverriddenValuesNameTheOverride) {
  EXPECT_EQ(ErrorOf({"workload.rate=-5"}),
            kQuickstart + ": --set workload.rate=-5: workload.rate: expected a number > 0, got -5");
  EXPECT_EQ(
      ErrorOf({"tracing.sampler={type: always_on, ratio: 3}"}),
      kQuickstart +
          ": --set tracing.sampler={type: always_on, ratio: 3}: tracing.sampler.ratio: expected a number in "
          "[0, 1], got 3");
  // A consequence of an override found at a node that the file wrote keeps the file position.
  std::string msg = ErrorOf({"services.1.name=shop"});
  // frontend's call to catalog:
  EXPECT_THAT(
      msg, HasSubstr(kQuickstart + ":50:19: services[0].calls[0].service: expected the name of a service"));
  EXPECT_THAT(msg, HasSubstr("got 'catalog'"));
}

TEST(OverrideTest, BadPaths) {
  EXPECT_EQ(
      ErrorOf({"services.9.error_rate=1"}),
      kQuickstart + ": --set services.9.error_rate=1: index 9 is out of range: 'services' has 6 elements");
  EXPECT_EQ(ErrorOf({"name.x=1"}),
            kQuickstart + ": --set name.x=1: 'name' is a scalar ('quickstart'); cannot set 'x' inside it");
  EXPECT_EQ(ErrorOf({"services.first.name=a"}), kQuickstart +
                                                    ": --set services.first.name=a: 'services' is a "
                                                    "sequence; expected an index (0, 1, ...), got 'first'");
  EXPECT_EQ(ErrorOf({"failures.0={}"}),
            kQuickstart + ": --set failures.0={}: index 0 is out of range: 'failures' has 0 elements");
  EXPECT_THAT(ErrorOf({"tracing.sampler={type: always_on"}),
              HasSubstr(kQuickstart + ": --set tracing.sampler={type: always_on: invalid YAML: "));
}

TEST(OverrideTest, AppliesToStringsToo) {
  StatusOr<Scenario> s =
      LoadScenarioString("services: [{name: a}]\n", "inline", Sets({"name=x", "workload.entry=a"}));
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->name, "x");
  EXPECT_EQ(s->source, "inline");
  // An empty document becomes a mapping.
  s = LoadScenarioString("", "empty", Sets({"name=x", "services=[{name: a}]", "workload={entry: a}"}));
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->services.size(), 1u);
}

}  // namespace
}  // namespace tracesim::scenario
