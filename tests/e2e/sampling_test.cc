// End-to-end: evaluating sampling strategies, as a user would (issue 3).
#include <gtest/gtest.h>

#include "cli_support.h"

namespace tracesim::e2e {
namespace {

const nlohmann::json& Sampling(const nlohmann::json& results) { return results.at("sampling"); }

TEST(HeadVsTailTest, TailKeepsErrorTracesAtNoMoreVolumeThanHead) {
  const std::string out = OutDir("head-vs-tail");
  auto r = RunTracesim("run " + Quote(ScenarioPath("sampling-head-vs-tail.yaml")) + " --out " + Quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // The side-by-side table and the variants file.
  EXPECT_NE(r.output.find("error traces kept"), std::string::npos) << r.output;
  const auto variants = nlohmann::json::parse(ReadFile(out + "/variants.json"));
  EXPECT_EQ(variants.at("schema"), "tracesim.variants/v1");
  ASSERT_EQ(variants.at("variants").size(), 3u);
  EXPECT_TRUE(std::filesystem::exists(out + "/variants.html"));

  const auto head = ReadResults(out + "/head-10pct");
  const auto tail = ReadResults(out + "/tail-errors-latency");
  const auto consistent = ReadResults(out + "/consistent-10pct");
  for (const auto* j : {&head, &tail, &consistent}) {
    ExpectConserved(*j);
    // Every strategy carries its quality figures.
    const auto& q = Sampling(*j);
    for (const char* key :
         {"error_traces", "error_traces_kept_fraction", "slow_traces", "slow_traces_kept_fraction",
          "operations", "operations_covered", "bytes_per_kept_trace", "red"}) {
      EXPECT_TRUE(q.contains(key)) << key;
    }
    EXPECT_EQ(q.at("red").size(), 6u);  // one row per service
    EXPECT_GT(q.at("error_traces").get<uint64_t>(), 0u);
    EXPECT_TRUE(j->at("overhead").at("measured").get<bool>());
  }
  // The acceptance figures: tail keeps >= 99 % of error traces, storing no more than head.
  EXPECT_GE(Sampling(tail).at("error_traces_kept_fraction").get<double>(), 0.99);
  EXPECT_LE(tail.at("spans").at("stored").get<uint64_t>(), head.at("spans").at("stored").get<uint64_t>());
  EXPECT_GE(Sampling(tail).at("slow_traces_kept_fraction").get<double>(), 0.99);
  // Head and consistent sampling keep about 10 % of error traces, as of any trace.
  EXPECT_LT(Sampling(head).at("error_traces_kept_fraction").get<double>(), 0.3);
  EXPECT_LT(Sampling(consistent).at("error_traces_kept_fraction").get<double>(), 0.3);
  // Tail sampling drops whole traces on purpose: they are not incomplete.
  EXPECT_GT(tail.at("spans").at("dropped").at("tail_sampled_out").get<uint64_t>(), 0u);
  EXPECT_EQ(tail.at("traces").at("broken").get<uint64_t>(), 0u);
  EXPECT_EQ(tail.at("traces").at("incomplete").get<uint64_t>(), 0u);
  // Head sampling keeps an unbiased sample: its RED rate estimate is close to the truth; the tail
  // strategy's is biased towards errors and slow traces.
  for (const auto& row : Sampling(head).at("red"))
    EXPECT_LT(row.at("rate_rel_error").get<double>(), 0.15) << row;
  double tail_max_p50_error = 0;
  for (const auto& row : Sampling(tail).at("red")) {
    tail_max_p50_error = std::max(tail_max_p50_error, row.at("p50_rel_error").get<double>());
  }
  EXPECT_GT(tail_max_p50_error, 0.2);
}

// Mixing SDKs whose TraceIdRatioBased hashes differ breaks traces; consistent
// probability sampling keeps every tier's decision the same.
TEST(MixedSdkSamplingTest, InconsistentHashesBreakTracesConsistentSamplingDoesNot) {
  auto run = [](const std::string& name, const std::string& root, const std::string& tier) {
    const std::string out = OutDir(name);
    std::string args = "run " + Quote(ScenarioPath("quickstart.yaml")) + " --no-baseline --quiet --out " +
                       Quote(out) + " --set duration=10s --set " + Quote("tracing.sampler=" + root);
    for (int s : {3, 4, 5}) args += " --set " + Quote("services." + std::to_string(s) + ".sampler=" + tier);
    auto r = RunTracesim(args);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return ReadResults(out);
  };
  const auto same = run("mix-go-go", "{type: traceidratio, ratio: 0.25, ratio_hash: go}",
                        "{type: traceidratio, ratio: 0.25, ratio_hash: go}");
  const auto mixed = run("mix-go-java", "{type: traceidratio, ratio: 0.25, ratio_hash: go}",
                         "{type: traceidratio, ratio: 0.25, ratio_hash: java}");
  const auto consistent = run("mix-consistent", "{type: consistent_probability, ratio: 0.25}",
                              "{type: consistent_probability, ratio: 0.25}");
  for (const auto* j : {&same, &mixed, &consistent}) ExpectConserved(*j);
  EXPECT_EQ(same.at("traces").at("broken").get<uint64_t>(), 0u);
  EXPECT_EQ(consistent.at("traces").at("broken").get<uint64_t>(), 0u);
  const auto& broken = mixed.at("traces").at("broken").get<uint64_t>();
  EXPECT_GT(broken, mixed.at("traces").at("kept").get<uint64_t>() / 4);
  EXPECT_EQ(mixed.at("traces").at("broken_by_cause").at("unsampled_span").get<uint64_t>(), broken);
}

// Mean sampled traces per second over [from, to) from the time series.
double SampledRate(const nlohmann::json& results, double from, double to) {
  const auto& ts = results.at("timeseries");
  const auto& t = ts.at("t_s");
  const auto& n = ts.at("traces_sampled");
  double first = -1, last = -1, t0 = 0, t1 = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    const double at = t[i].get<double>();
    if (at >= from && first < 0) {
      first = n[i].get<double>();
      t0 = at;
    }
    if (at <= to) {
      last = n[i].get<double>();
      t1 = at;
    }
  }
  return t1 > t0 ? (last - first) / (t1 - t0) : 0;
}

TEST(AdaptiveSamplingTest, ConvergesToTheTargetBeforeAndAfterASpike) {
  const std::string out = OutDir("adaptive");
  auto r =
      RunTracesim("run " + Quote(ScenarioPath("sampling-adaptive.yaml")) + " --quiet --out " + Quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = ReadResults(out);
  ExpectConserved(j);
  const double target = 2.0, tolerance = 0.3;  // the scenario's target and delta tolerance
  // Converged before the spike...
  const double before = SampledRate(j, 180, 300);
  EXPECT_NEAR(before, target, target * tolerance) << before;
  // ...the spike (5x traffic) overshoots while the SDKs still run the old probability...
  EXPECT_GT(SampledRate(j, 300, 360), 3 * target);
  // ...and the loop converges again.
  const double after = SampledRate(j, 780, 900);
  EXPECT_NEAR(after, target, target * tolerance) << after;
}

}  // namespace
}  // namespace tracesim::e2e
