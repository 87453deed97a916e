// workload.rate_steps: piecewise-constant arrival rates (traffic spikes).
#include <gtest/gtest.h>

#include "tracesim/scenario/loader.h"

namespace tracesim::scenario {
namespace {

constexpr const char* kBase = R"(name: spike
services: [{name: front}]
workload:
  entry: front
  rate: 50
)";

StatusOr<Scenario> Load(const std::string& extra) { return LoadScenarioString(kBase + extra, "spike.yaml"); }

TEST(WorkloadRateStepsTest, StepsLandInOrder) {
  auto sc = Load("  rate_steps:\n    - {at: 60s, rate: 400}\n    - {at: 2m, rate: 0}\n");
  ASSERT_TRUE(sc.ok()) << sc.status().message();
  ASSERT_EQ(sc->workload.rate_steps.size(), 2u);
  EXPECT_DOUBLE_EQ(sc->workload.rate_steps[0].at_s, 60.0);
  EXPECT_DOUBLE_EQ(sc->workload.rate_steps[0].rate_per_s, 400.0);
  EXPECT_DOUBLE_EQ(sc->workload.rate_steps[1].at_s, 120.0);
  EXPECT_DOUBLE_EQ(sc->workload.rate_steps[1].rate_per_s, 0.0);
}

TEST(WorkloadRateStepsTest, BadStepsAreErrorsWithTheirLocation) {
  auto sc = Load("  rate_steps:\n    - {at: 60s, rate: -4}\n");
  ASSERT_FALSE(sc.ok());
  EXPECT_NE(sc.status().message().find("spike.yaml:7:"), std::string::npos) << sc.status().message();
  EXPECT_NE(sc.status().message().find("workload.rate_steps[0].rate"), std::string::npos)
      << sc.status().message();

  sc = Load("  rate_steps:\n    - {at: 60s, rate: 4}\n    - {at: 30s, rate: 8}\n");
  ASSERT_FALSE(sc.ok());
  EXPECT_NE(sc.status().message().find("increasing"), std::string::npos) << sc.status().message();

  sc = Load("  rate_steps:\n    - {rate: 4}\n");
  ASSERT_FALSE(sc.ok());
  EXPECT_NE(sc.status().message().find("workload.rate_steps[0].at"), std::string::npos)
      << sc.status().message();

  sc = Load("  rate_steps: 5\n");
  ASSERT_FALSE(sc.ok());
  EXPECT_NE(sc.status().message().find("workload.rate_steps"), std::string::npos) << sc.status().message();
}

}  // namespace
}  // namespace tracesim::scenario
