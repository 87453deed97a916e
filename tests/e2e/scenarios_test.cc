// End-to-end: the scenarios a user runs first, checked the way a user would.
#include <gtest/gtest.h>

#include "cli_support.h"

namespace tracesim::e2e {
namespace {

TEST(QuickstartTest, ConservesEverySpanAndStoresTraces) {
  const std::string out = OutDir("quickstart");
  auto r = RunTracesim("run " + Quote(ScenarioPath("quickstart.yaml")) + " --out " + Quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // The summary table a user reads.
  EXPECT_NE(r.output.find("generated"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("overhead"), std::string::npos) << r.output;
  const auto j = ReadResults(out);
  EXPECT_EQ(j.at("schema"), "tracesim.results/v1");
  ExpectConserved(j);
  const auto& spans = j.at("spans");
  EXPECT_GT(spans.at("generated").get<uint64_t>(), 10000u);
  EXPECT_GT(spans.at("stored").get<uint64_t>(), 0u);
  EXPECT_GT(spans.at("sampled_out").get<uint64_t>(), 0u);  // quickstart samples a fraction of traces
  const auto& traces = j.at("traces");
  EXPECT_GT(traces.at("sampled").get<uint64_t>(), 0u);
  EXPECT_EQ(traces.at("sampled").get<uint64_t>(),
            traces.at("complete").get<uint64_t>() + traces.at("incomplete").get<uint64_t>());
  // No failures and a long enough drain: every sampled trace is complete.
  EXPECT_EQ(traces.at("incomplete").get<uint64_t>(), 0u);
  EXPECT_GT(j.at("latency").at("request").at("p50_ms").get<double>(), 0.0);
  EXPECT_GE(j.at("latency").at("request").at("p99_ms").get<double>(),
            j.at("latency").at("request").at("p50_ms").get<double>());
  // Spans wait in the SDK for the schedule delay (5 s) or a full batch.
  EXPECT_GT(j.at("latency").at("span_delivery").at("p50_ms").get<double>(), 0.0);
  EXPECT_TRUE(j.at("overhead").at("measured").get<bool>());
  EXPECT_GT(j.at("overhead").at("cpu_pct").get<double>(), 0.0);
  EXPECT_TRUE(std::filesystem::exists(out + "/timeseries.csv"));
  EXPECT_TRUE(std::filesystem::exists(out + "/report.html"));
}

// Wall-clock fields aside, the same scenario and seed give the same bytes.
TEST(QuickstartTest, SameSeedGivesByteIdenticalResults) {
  std::string texts[2];
  for (int i = 0; i < 2; ++i) {
    const std::string out = OutDir("determinism-" + std::to_string(i));
    auto r = RunTracesim("run " + Quote(ScenarioPath("quickstart.yaml")) + " --no-baseline --quiet --out " +
                         Quote(out) + " --set duration=10s");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto j = ReadResults(out);
    j.erase("run");  // the only wall-clock fields
    texts[i] = j.dump(2);
  }
  EXPECT_EQ(texts[0], texts[1]);
  // And a different seed gives a different run.
  const std::string out = OutDir("determinism-other-seed");
  auto r = RunTracesim("run " + Quote(ScenarioPath("quickstart.yaml")) + " --no-baseline --quiet --out " +
                       Quote(out) + " --set duration=10s --seed 7");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto j = ReadResults(out);
  j.erase("run");
  EXPECT_NE(j.dump(2), texts[0]);
}

TEST(CollectorCrashTest, LosesSpansToTheCrashAndStillConserves) {
  const std::string out = OutDir("collector-crash");
  auto r = RunTracesim("run " + Quote(ScenarioPath("collector-crash.yaml")) + " --no-baseline --out " +
                       Quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = ReadResults(out);
  ExpectConserved(j);
  EXPECT_GT(j.at("spans").at("dropped").at("crash_lost").get<uint64_t>(), 0u);
  EXPECT_GT(j.at("traces").at("incomplete").get<uint64_t>(), 0u);
  // The crash is on the timeline with its restart.
  ASSERT_FALSE(j.at("timeline").empty());
  const auto& e = j.at("timeline").at(0);
  EXPECT_EQ(e.at("type"), "host_crash");
  EXPECT_EQ(e.at("target"), "collector-0");
  EXPECT_GT(e.at("end_s").get<double>(), e.at("start_s").get<double>());
  // After the restart the pipeline delivers again: spans are stored late in the run.
  const auto& ts = j.at("timeseries");
  const auto& stored = ts.at("spans_stored");
  ASSERT_GT(stored.size(), 2u);
  EXPECT_GT(stored.back().get<uint64_t>(), stored.at(stored.size() / 2).get<uint64_t>());
}

TEST(SamplingTest, RatioZeroStoresNothing) {
  const std::string out = OutDir("ratio-zero");
  auto r = RunTracesim(
      "run " + Quote(ScenarioPath("quickstart.yaml")) + " --no-baseline --quiet --out " + Quote(out) +
      " --set duration=10s --set tracing.sampler.type=traceidratio --set tracing.sampler.ratio=0");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = ReadResults(out);
  ExpectConserved(j);
  EXPECT_GT(j.at("spans").at("generated").get<uint64_t>(), 0u);
  EXPECT_EQ(j.at("spans").at("stored").get<uint64_t>(), 0u);
  EXPECT_EQ(j.at("spans").at("sampled_out").get<uint64_t>(), j.at("spans").at("generated").get<uint64_t>());
  EXPECT_EQ(j.at("traces").at("sampled").get<uint64_t>(), 0u);
}

TEST(OverheadTest, RaisingTheRatioRaisesMeasuredOverhead) {
  double cpu[2];
  const char* ratios[2] = {"0.01", "1"};
  for (int i = 0; i < 2; ++i) {
    const std::string out = OutDir(std::string("overhead-") + ratios[i]);
    auto r = RunTracesim(
        "run " + Quote(ScenarioPath("quickstart.yaml")) + " --quiet --out " + Quote(out) +
        " --set duration=10s --set tracing.sampler.type=traceidratio --set tracing.sampler.ratio=" +
        ratios[i]);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto j = ReadResults(out);
    ASSERT_TRUE(j.at("overhead").at("measured").get<bool>());
    cpu[i] = j.at("overhead").at("cpu_pct").get<double>();
    EXPECT_GT(cpu[i], 0.0);
  }
  EXPECT_GT(cpu[1], cpu[0]);
}

TEST(ValidateTest, AcceptsTheBundledScenarios) {
  for (const char* name : {"quickstart.yaml", "collector-crash.yaml"}) {
    auto r = RunTracesim("validate " + Quote(ScenarioPath(name)));
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.output;
    EXPECT_NE(r.output.find("ok"), std::string::npos) << r.output;
  }
}

}  // namespace
}  // namespace tracesim::e2e
