// End-to-end: tracing.costs.mode: measured charges the thread-CPU time of the
// real calls instead of the cost profile's figures (issue 5).
#include <gtest/gtest.h>

#include "cli_support.h"

namespace tracesim::e2e {
namespace {

TEST(MeasuredCostsTest, ChargesTheRealCallsCpuAndKeepsTheLedger) {
  const std::string calibrated_out = OutDir("costs-calibrated");
  const std::string measured_out = OutDir("costs-measured");
  auto r = RunTracesim("run " + Quote(ScenarioPath("quickstart.yaml")) + " --quiet --no-baseline --out " +
                       Quote(calibrated_out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunTracesim("run " + Quote(ScenarioPath("quickstart.yaml")) + " --quiet --no-baseline --out " +
                  Quote(measured_out) + " --set tracing.costs.mode=measured");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto calibrated = ReadResults(calibrated_out);
  const auto measured = ReadResults(measured_out);
  ExpectConserved(measured);
  // The same requests and spans (arrivals do not depend on costs)...
  EXPECT_EQ(measured.at("spans").at("generated"), calibrated.at("spans").at("generated"));
  // ...with CPU charged from the real calls on every component.
  const auto& cpu = measured.at("cpu");
  EXPECT_GT(cpu.at("tracing_s").get<double>(), 0.0);
  EXPECT_GT(cpu.at("collector_s").get<double>(), 0.0);
  EXPECT_GT(cpu.at("storage_s").get<double>(), 0.0);
  // A span costs well under 100 us of CPU: the measurement is of the calls,
  // not of the simulator around them.
  EXPECT_LT(cpu.at("tracing_s").get<double>() / measured.at("spans").at("generated").get<double>(), 100e-6);
}

}  // namespace
}  // namespace tracesim::e2e
