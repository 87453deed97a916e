// The scenario's `fidelity` key: full (default) or fast, and what fast mode
// cannot model.
#include <gtest/gtest.h>

#include "scenario_test_support.h"

namespace tracesim::scenario {
namespace {
using testing::ErrorOf;
using testing::kBase;
using testing::MustLoad;

TEST(FidelityTest, DefaultsToFull) { EXPECT_EQ(MustLoad(kBase).fidelity, Fidelity::kFull); }

TEST(FidelityTest, ReadsFastAndFull) {
  EXPECT_EQ(MustLoad(std::string(kBase) + "fidelity: fast\n").fidelity, Fidelity::kFast);
  EXPECT_EQ(MustLoad(std::string(kBase) + "fidelity: full\n").fidelity, Fidelity::kFull);
  EXPECT_EQ(MustLoad(kBase, {{"fidelity", "fast"}}).fidelity, Fidelity::kFast);
}

TEST(FidelityTest, UnknownValueIsAnErrorWithItsLine) {
  const std::string error = ErrorOf(std::string(kBase) + "fidelity: quick\n");
  EXPECT_NE(error.find("t.yaml:8:"), std::string::npos) << error;
  EXPECT_NE(error.find("fidelity"), std::string::npos) << error;
  EXPECT_NE(error.find("fast"), std::string::npos) << error;
}

TEST(FidelityTest, FastModeRejectsAConcurrencyLimit) {
  const std::string yaml =
      "name: t\n"
      "fidelity: fast\n"
      "services:\n"
      "  - name: api\n"
      "    concurrency: 4\n"
      "workload: {entry: api}\n";
  const std::string error = ErrorOf(yaml);
  EXPECT_NE(error.find("t.yaml:5:"), std::string::npos) << error;
  EXPECT_NE(error.find("services[0].concurrency"), std::string::npos) << error;
  EXPECT_NE(error.find("fidelity: full"), std::string::npos) << error;
  // The same service is fine in full mode, and without a limit in fast mode.
  EXPECT_EQ(MustLoad(yaml, {{"fidelity", "full"}}).services[0].concurrency, 4);
  EXPECT_EQ(MustLoad(yaml, {{"services.0.concurrency", "0"}}).fidelity, Fidelity::kFast);
}

TEST(FidelityTest, FastModeRejectsAConcurrencyLimitOnGeneratedServices) {
  const std::string error = ErrorOf(
      "name: t\n"
      "fidelity: fast\n"
      "services: {generate: {services: 5, depth: 2, fan_out: 2, concurrency: 2}}\n");
  EXPECT_NE(error.find("services.generate.concurrency"), std::string::npos) << error;
}

}  // namespace
}  // namespace tracesim::scenario
