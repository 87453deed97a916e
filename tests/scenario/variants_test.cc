// variants: named sets of key changes, each validated in full.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "scenario_test_support.h"
#include "tracesim/scenario/loader.h"

namespace tracesim::scenario {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using testing::ErrorOf;
using testing::kBase;
using testing::MustLoad;

using Set = std::vector<std::pair<std::string, std::string>>;

TEST(VariantsTest, GoodVariantsKeepTheirSetAsYamlText) {
  Scenario s = MustLoad(
      std::string(kBase) +
      "variants:\n"
      "  - name: baseline\n"
      "  - name: head-10\n"
      "    set: {tracing.sampler.type: parentbased_traceidratio, tracing.sampler.ratio: 0.1}\n"
      "  - name: tail\n"
      "    set:\n"
      "      tracing.sampler: {type: always_on}\n"
      "      collectors.processors:\n"
      "        tail_sampling:\n"
      "          policies: [{name: errors, type: status_code, status_code: {status_codes: [ERROR]}}]\n"
      "      services.1.name: \"db\"\n");
  ASSERT_EQ(s.variants.size(), 3u);
  EXPECT_EQ(s.variants[0].name, "baseline");
  EXPECT_TRUE(s.variants[0].set.empty());
  EXPECT_EQ(s.variants[1].name, "head-10");
  EXPECT_EQ(s.variants[1].set,
            (Set{{"tracing.sampler.type", "parentbased_traceidratio"}, {"tracing.sampler.ratio", "0.1"}}));
  ASSERT_EQ(s.variants[2].set.size(), 3u);
  EXPECT_EQ(s.variants[2].set[0],
            (std::pair<std::string, std::string>{"tracing.sampler", "{type: always_on}"}));
  EXPECT_EQ(s.variants[2].set[1].first, "collectors.processors");
  EXPECT_EQ(s.variants[2].set[1].second,
            "{tail_sampling: {policies: [{name: errors, type: status_code, status_code: {status_codes: "
            "[ERROR]}}]}}");
  EXPECT_EQ(s.variants[2].set[2].second, "\"db\"");
  // The base scenario itself is unchanged by its variants.
  EXPECT_EQ(s.tracing.sampler.type, SamplerSpec{}.type);

  // The stored text applied as --set overrides gives the variant's scenario.
  std::vector<Override> ov;
  for (const auto& [path, value] : s.variants[2].set) ov.push_back({path, value});
  Scenario tail = MustLoad(std::string(kBase), ov);
  EXPECT_EQ(tail.tracing.sampler.type, "always_on");
  ASSERT_EQ(tail.collector_tiers.at(0).processors.size(), 1u);
  EXPECT_EQ(tail.collector_tiers[0].processors[0].name, "tail_sampling");
}

TEST(VariantsTest, EachVariantIsValidatedInFull) {
  const std::string head = std::string(kBase) + "variants:\n  - name: ok\n    set: {workload.rate: 10}\n";
  // The error names the variant and points at the value in the variant.
  EXPECT_THAT(ErrorOf(head + "  - name: tail\n    set: {workload.rate: -5}\n"),
              HasSubstr("t.yaml:12:26: variants[1] (tail): workload.rate: expected a number > 0, got -5"));
  // Cross-section checks run per variant too (the error is at the base key).
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "storage: {nodes: 3, replication_factor: 3}\n"
                                   "variants: [{name: small, set: {storage.nodes: 1}}]\n"),
      HasSubstr("t.yaml:8:41: variants[0] (small): storage.replication_factor: expected <= storage.nodes "
                "(1), got 3"));
  EXPECT_THAT(
      ErrorOf(head + "  - name: typo\n    set: {tracing.sampler.rtio: 0.5}\n"),
      HasSubstr("t.yaml:12:11: variants[1] (typo): tracing.sampler.rtio: unknown key 'rtio' (did you mean "
                "'ratio'?)"));
  EXPECT_THAT(
      ErrorOf(head + "  - name: idx\n    set: {services.5.error_rate: 0.5}\n"),
      HasSubstr("t.yaml:12:11: variants[1] (idx): set.services.5.error_rate: cannot apply: index 5 is out of "
                "range: 'services' has 2 elements"));
  // Variants never set `variants` or `name`.
  EXPECT_THAT(ErrorOf(head + "  - name: nested\n    set: {variants.0.name: x}\n"),
              HasSubstr("t.yaml:12:11: variants[1].set.variants.0.name: a variant cannot change `variants`"));
  EXPECT_THAT(ErrorOf(head + "  - name: renamed\n    set: {name: other}\n"),
              HasSubstr("variants[1].set.name: a variant cannot change the scenario's `name`"));
  // Names: required, well-formed, unique.
  EXPECT_THAT(
      ErrorOf(head + "  - name: ok\n"),
      HasSubstr("t.yaml:11:11: variants[1].name: duplicate variant name 'ok' (already used by variants[0])"));
  EXPECT_THAT(ErrorOf(head + "  - name: Tail\n"), HasSubstr("variants[1].name: expected a variant name"));
  EXPECT_THAT(ErrorOf(head + "  - set: {workload.rate: 1}\n"), HasSubstr("variants[1].name: required"));
  EXPECT_THAT(ErrorOf(head + "  - name: x\n    set: [workload.rate]\n"),
              HasSubstr("variants[1].set: expected a mapping of key paths to values"));
  EXPECT_THAT(ErrorOf(head + "  - name: x\n    sett: {}\n"),
              HasSubstr("variants[1].sett: unknown key 'sett' (did you mean 'set'?)"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "variants: {name: x}\n"),
              HasSubstr("variants: expected a sequence of variants"));
}

TEST(VariantsTest, BaseErrorsAreNotRepeatedPerVariant) {
  const std::string msg = ErrorOf(std::string(kBase) + "seed: -1\nvariants: [{name: a, set: {seed: 2}}]\n");
  EXPECT_THAT(msg, HasSubstr("t.yaml:8:7: seed: expected an unsigned 64-bit integer"));
  EXPECT_THAT(msg, Not(HasSubstr("variants[0] (a)")));
  const std::string msg2 =
      ErrorOf(std::string(kBase) + "duration: 0s\nvariants: [{name: a, set: {seed: 2}}]\n");
  EXPECT_THAT(msg2, HasSubstr("duration: expected a duration > 0s"));
  EXPECT_THAT(msg2, Not(HasSubstr("variants[0] (a)")));
}

TEST(VariantsTest, CommandLineOverridesApplyBeforeVariants) {
  // --set changes the base; a variant's set is applied on top of it.
  const std::string yaml = std::string(kBase) + "variants: [{name: fast, set: {workload.rate: 500}}]\n";
  EXPECT_THAT(ErrorOf(yaml, {{"storage.replication_factor", "2"}}),
              HasSubstr("t.yaml: --set storage.replication_factor=2: storage.replication_factor: expected <= "
                        "storage.nodes (1), got 2"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "variants: [{name: one, set: {storage.nodes: 1}}]\n",
                      {{"storage", "{nodes: 2, replication_factor: 2}"}}),
              HasSubstr("t.yaml: --set storage={nodes: 2, replication_factor: 2}: variants[0] (one): "
                        "storage.replication_factor: expected <= storage.nodes (1), got 2"));
  Scenario s = MustLoad(yaml, {{"variants.0.set", "{workload.rate: 50}"}});
  EXPECT_EQ(s.variants.at(0).set, (Set{{"workload.rate", "50"}}));
}

}  // namespace
}  // namespace tracesim::scenario
