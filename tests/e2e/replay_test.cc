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

TEST(ReplayTest, FastModeReplaysTheSameTraces) {
  const auto full = RunYaml(
      "replay-full", ReadFile(ScenarioPath("replay-otlp.yaml")),
      "--set fidelity=full --set workload.replay.file=" + Quote(ScenarioPath("replay/sample.otlp.json")));
  const auto fast = RunYaml(
      "replay-fast", ReadFile(ScenarioPath("replay-otlp.yaml")),
      "--set fidelity=fast --set workload.replay.file=" + Quote(ScenarioPath("replay/sample.otlp.json")));
  ASSERT_FALSE(full.empty());
  ASSERT_FALSE(fast.empty());
  EXPECT_EQ(fast.at("requests"), full.at("requests"));
  EXPECT_EQ(fast.at("spans").at("stored"), full.at("spans").at("stored"));
  EXPECT_EQ(fast.at("traces"), full.at("traces"));
  const double f = full.at("latency").at("request").at("mean_ms").get<double>();
  EXPECT_NEAR(fast.at("latency").at("request").at("mean_ms").get<double>(), f, f * 0.01);
}

// A recorded message (PRODUCER span -> CONSUMER span) is replayed as an
// asynchronous call: the request does not wait for the consumer's 300 ms.
constexpr const char* kMessagingZipkin = R"([
  {"traceId": "0af7651916cd43dd8448eb211c80319c", "id": "b7ad6b7169203331", "name": "post /order",
   "kind": "SERVER", "timestamp": 1700000000000000, "duration": 20000,
   "localEndpoint": {"serviceName": "api"}},
  {"traceId": "0af7651916cd43dd8448eb211c80319c", "id": "00f067aa0ba902b7", "parentId": "b7ad6b7169203331",
   "name": "publish order", "kind": "PRODUCER", "timestamp": 1700000000005000, "duration": 1000,
   "localEndpoint": {"serviceName": "api"}},
  {"traceId": "0af7651916cd43dd8448eb211c80319c", "id": "1234567890abcdef", "parentId": "00f067aa0ba902b7",
   "name": "consume order", "kind": "CONSUMER", "timestamp": 1700000000010000, "duration": 300000,
   "localEndpoint": {"serviceName": "billing"}}
])";

TEST(ReplayTest, ARecordedMessageIsReplayedAsAnAsynchronousCall) {
  const std::string trace = WriteTempFile("messaging.zipkin.json", kMessagingZipkin);
  const std::string yaml =
      "name: replay-messaging\nduration: 5s\ndrain: 5s\n"
      "services: [{name: api}, {name: billing}]\n"
      "workload: {entry: api, replay: {file: " +
      trace +
      ", format: zipkin_json}}\n"
      "tracing: {sampler: {type: always_on}}\n"
      "measurement: {overhead_baseline: false}\n";
  for (const char* fidelity : {"full", "fast"}) {
    SCOPED_TRACE(fidelity);
    const auto r =
        RunYaml(std::string("replay-messaging-") + fidelity, yaml, std::string("--set fidelity=") + fidelity);
    ASSERT_FALSE(r.empty());
    EXPECT_EQ(r.at("requests").at("completed").get<uint64_t>(), 1u);
    // api's own work (the recorded 20 ms less its child's 1 ms) and the
    // producer span's send: well under the consumer's 300 ms.
    EXPECT_LT(r.at("latency").at("request").at("mean_ms").get<double>(), 100.0);
    bool billing = false;
    for (const auto& red : r.at("sampling").at("red")) {
      if (red.at("service") != "billing") continue;
      billing = true;
      EXPECT_NEAR(red.at("true").at("p50_ms").get<double>(), 300.0, 15.0);  // it still ran, on its own
    }
    EXPECT_TRUE(billing);
    EXPECT_EQ(r.at("traces").at("complete").get<uint64_t>(), 1u);
  }
}

TEST(ReplayTest, ARecordedServiceMissingFromTheScenarioIsAClearError) {
  const std::string out = OutDir("replay-missing");
  auto r = RunTracesim("run " + Quote(ScenarioPath("replay-otlp.yaml")) + " --quiet --out " + Quote(out) +
                       " --set 'services=[{name: frontend}, {name: catalog}, {name: payments}]'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("workload.replay: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("service 'Checkout.Service' is not a scenario service"), std::string::npos)
      << r.output;
  r = RunTracesim("validate " + Quote(ScenarioPath("replay-otlp.yaml")) +
                  " --set workload.replay.file=missing.json");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("workload.replay.file: expected an existing file"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace tracesim::e2e
