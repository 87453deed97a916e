// End-to-end: the multi_region example (scenarios/multi-region.yaml). Every
// span is accounted for, and the WAN's latency shows in span delivery: the
// same run with a 1 ms WAN delivers spans sooner. Two runs, each its own
// process.
#include <gtest/gtest.h>

#include "cli_support.h"

namespace tracesim::e2e {
namespace {

TEST(MultiRegionTest, WanLatencyDelaysSpanDelivery) {
  const std::string scenario = Quote(ScenarioPath("multi-region.yaml"));
  const std::string wan40 = OutDir("multi-region-wan40");
  const std::string wan1 = OutDir("multi-region-wan1");
  auto r = RunTracesim("run " + scenario + " --quiet --out " + Quote(wan40));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunTracesim("run " + scenario + " --quiet --set platform.wan.latency=1ms --out " + Quote(wan1));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto slow = ReadResults(wan40);
  const auto fast = ReadResults(wan1);
  ExpectConserved(slow);
  ExpectConserved(fast);

  // A healthy pipeline: spans were stored, none lost to the network.
  EXPECT_GT(slow.at("spans").at("stored").get<uint64_t>(), 1000u);
  EXPECT_GT(fast.at("spans").at("stored").get<uint64_t>(), 1000u);

  const double slow_p50 = slow.at("latency").at("span_delivery").at("p50_ms").get<double>();
  const double fast_p50 = fast.at("latency").at("span_delivery").at("p50_ms").get<double>();
  EXPECT_GT(slow_p50, fast_p50) << "40 ms WAN: " << slow_p50 << " ms, 1 ms WAN: " << fast_p50 << " ms";
  // Requests that reach checkout cross the WAN twice per call (there and back).
  EXPECT_GT(slow.at("latency").at("request").at("p50_ms").get<double>(),
            fast.at("latency").at("request").at("p50_ms").get<double>() + 70.0);
}

}  // namespace
}  // namespace tracesim::e2e
