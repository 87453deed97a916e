// End-to-end: replay of recorded traces (workload.replay, issue 5).
#include <gtest/gtest.h>

#include "cli_support.h"

namespace tracesim::e2e {
namespace {

TEST(ReplayTest, EachRecordedTraceIsOneRequestWithItsCallTree) {
  const std::string out = OutDir("replay-otlp");
  auto r = RunTracesim("run " + Quote(ScenarioPath("replay-otlp.yaml")) + " --quiet --out " + Quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = ReadResults(out);
  ExpectConserved(j);
  // 4 recorded traces, 31 spans: each span is a server span, each of the 27
  // non-root spans also a client span of its caller.
  EXPECT_EQ(j.at("requests").at("started").get<uint64_t>(), 4u);
  EXPECT_EQ(j.at("spans").at("generated").get<uint64_t>(), 31u + 27u);
  EXPECT_EQ(j.at("spans").at("stored").get<uint64_t>(), 58u);
  EXPECT_EQ(j.at("traces").at("complete").get<uint64_t>(), 4u);
  // The recording has one trace with an error (in payments).
  EXPECT_EQ(j.at("sampling").at("error_traces").get<uint64_t>(), 1u);
  EXPECT_EQ(j.at("requests").at("failed").get<uint64_t>(), 1u);

  // time_scale 2: every handler's recorded self time doubles, so requests take longer.
  const std::string slow_out = OutDir("replay-otlp-slow");
  r = RunTracesim("run " + Quote(ScenarioPath("replay-otlp.yaml")) + " --quiet --out " + Quote(slow_out) +
                  " --set workload.replay.time_scale=2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto slow = ReadResults(slow_out);
  EXPECT_GT(slow.at("latency").at("request").at("mean_ms").get<double>(),
            1.7 * j.at("latency").at("request").at("mean_ms").get<double>());
}

TEST(ReplayTest, ARecordedServiceMissingFromTheScenarioIsAClearError) {
  const std::string out = OutDir("replay-missing");
  auto r = RunTracesim("run " + Quote(ScenarioPath("replay-otlp.yaml")) + " --quiet --out " + Quote(out) +
                       " --set 'services=[{name: frontend}, {name: catalog}, {name: payments}]'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("workload.replay: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("service 'Checkout.Service' is not a scenario service"), std::string::npos) << r.output;
  r = RunTracesim("validate " + Quote(ScenarioPath("replay-otlp.yaml")) +
                  " --set workload.replay.file=missing.json");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("workload.replay.file: expected an existing file"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace tracesim::e2e
