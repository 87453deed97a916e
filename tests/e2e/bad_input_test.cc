// End-to-end: every bad input is a clear error and a non-zero exit.
#include <gtest/gtest.h>

#include "cli_support.h"

namespace tracesim::e2e {
namespace {

// A small valid scenario the bad variants are derived from.
constexpr const char* kGood = R"(name: tiny
seed: 3
duration: 2s
drain: 1s
platform:
  host_link: {bandwidth: 1Gbps, latency: 50us}
services:
  - name: front
    calls: [{service: back}]
  - name: back
workload:
  entry: front
  rate: 50
)";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return text.replace(pos, from.size(), to);
}

struct BadCase {
  const char* name;
  std::string yaml;
  std::vector<std::string> expected;  // substrings of the error
};

TEST(BadInputTest, GoodBaseScenarioRuns) {
  const std::string path = WriteTempFile("tiny.yaml", kGood);
  auto r = RunTracesim("run " + Quote(path) + " --no-baseline --quiet --out " + Quote(OutDir("tiny")));
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(BadInputTest, MissingFile) {
  auto r = RunTracesim("run /nonexistent/nowhere.yaml --no-baseline");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("/nonexistent/nowhere.yaml"), std::string::npos) << r.output;
  r = RunTracesim("validate /nonexistent/nowhere.yaml");
  EXPECT_NE(r.exit_code, 0);
}

TEST(BadInputTest, EachErrorNamesFileLineAndKey) {
  const std::vector<BadCase> cases = {
      {"invalid-yaml", Replace(kGood, "  rate: 50", "  rate: [50"), {"invalid-yaml.yaml", ":"}},
      {"unknown-key",
       Replace(kGood, "  rate: 50", "  rate: 50\n  rats: 3"),
       {"unknown-key.yaml:14:", "rats"}},
      {"negative-rate",
       Replace(kGood, "  rate: 50", "  rate: -5"),
       {"negative-rate.yaml:13:", "workload.rate", "-5"}},
      {"no-bandwidth",
       Replace(kGood, "{bandwidth: 1Gbps, latency: 50us}", "{latency: 50us}"),
       {"no-bandwidth.yaml:6:", "bandwidth"}},
      {"unknown-service",
       Replace(kGood, "{service: back}", "{service: payments}"),
       {"unknown-service.yaml:9:", "services[0].calls[0].service", "payments"}},
      {"wrong-type", Replace(kGood, "seed: 3", "seed: lots"), {"wrong-type.yaml:2:", "seed"}},
  };
  for (const auto& c : cases) {
    const std::string path = WriteTempFile(std::string(c.name) + ".yaml", c.yaml);
    for (const std::string cmd :
         {"validate " + Quote(path), "run " + Quote(path) + " --out " + Quote(OutDir(c.name))}) {
      auto r = RunTracesim(cmd);
      EXPECT_NE(r.exit_code, 0) << c.name;
      for (const auto& s : c.expected)
        EXPECT_NE(r.output.find(s), std::string::npos) << c.name << ": " << r.output;
      // No data written for a rejected scenario.
      EXPECT_FALSE(std::filesystem::exists(OutDir(c.name) + "/results.json")) << c.name;
    }
  }
}

TEST(BadInputTest, BadOverrideIsAnError) {
  const std::string path = WriteTempFile("tiny-override.yaml", kGood);
  auto r = RunTracesim("validate " + Quote(path) + " --set workload.rate=-1");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("workload.rate"), std::string::npos) << r.output;
  r = RunTracesim("validate " + Quote(path) + " --set no-equals-sign");
  EXPECT_NE(r.exit_code, 0);
}

}  // namespace
}  // namespace tracesim::e2e

namespace tracesim::e2e {
namespace {

// A bad sampling config is a clear error naming the key (issue 3).
TEST(BadInputTest, BadSamplingPolicyConfigNamesTheKey) {
  const std::string path = ScenarioPath("sampling-head-vs-tail.yaml");
  const std::string policies = "collectors.1.processors.tail_sampling.policies";
  struct Case {
    std::string set;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {policies + ".0.type=no_such_policy", {policies.substr(0, 0) + "tail_sampling", "no_such_policy"}},
      {policies + ".1.latency.threshold_ms=-5", {"threshold_ms", "-5"}},
      {policies +
           "=[{name: c, type: composite, composite: {max_total_spans_per_second: 100, policy_order: [a, b], "
           "composite_sub_policy: [{name: a, type: always_sample}, {name: b, type: always_sample}], "
           "rate_allocation: [{policy: a, percent: 70}, {policy: b, percent: 50}]}}]",
       {"rate_allocation"}},
      {"tracing.sampler.ratio=1.5", {"tracing.sampler.ratio", "1.5"}},
      {"tracing.sampler.type=sometimes", {"tracing.sampler.type", "sometimes"}},
  };
  for (const auto& c : cases) {
    auto r = RunTracesim("validate " + Quote(path) + " --set " + Quote(c.set));
    EXPECT_NE(r.exit_code, 0) << c.set;
    for (const auto& s : c.expected)
      EXPECT_NE(r.output.find(s), std::string::npos) << c.set << ": " << r.output;
  }
}

}  // namespace
}  // namespace tracesim::e2e
