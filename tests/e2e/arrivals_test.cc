// End-to-end: the workload's arrival processes drive the simulated requests
// (on_off, diurnal, rate_file; docs/workload.md).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "cli_support.h"

namespace tracesim::e2e {
namespace {

constexpr const char* kBase = R"(name: arrivals
seed: 11
duration: 40s
drain: 5s
services:
  - name: web
    work: {mean: 1ms, distribution: exponential}
tracing: {sampler: {type: always_on}}
measurement: {overhead_baseline: false, sample_period: 1s}
)";

nlohmann::json RunWorkload(const std::string& name, const std::string& workload) {
  const std::string dir = ::testing::TempDir() + "arrivals-" + name;
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/rates.csv") << "time_s,rate_per_s\n0,0\n40,200\n";
  const std::string path = dir + "/scenario.yaml";
  std::ofstream(path) << kBase << workload;
  const std::string out = OutDir("arrivals-" + name);
  auto r = RunTracesim("run " + Quote(path) + " --quiet --out " + Quote(out));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  if (r.exit_code != 0) return nlohmann::json::object();
  return ReadResults(out);
}

// Requests completed per second over [from, to) from the time series.
double RateBetween(const nlohmann::json& r, int from, int to) {
  const auto& completed = r.at("timeseries").at("requests_completed");
  return (completed.at(to - 1).get<double>() - (from == 0 ? 0.0 : completed.at(from - 1).get<double>())) /
         (to - from);
}

TEST(ArrivalsTest, OnOffBurstsAlternate) {
  const auto r = RunWorkload("on-off",
                             "workload:\n  entry: web\n  arrival: on_off\n"
                             "  on_off: {rate_on: 200, rate_off: 0, mean_on: 5s, mean_off: 5s, "
                             "periods: constant}\n");
  ASSERT_FALSE(r.empty());
  ExpectConserved(r);
  // 20 s ON at 200/s: 4000 requests (Poisson: sd 63).
  EXPECT_NEAR(r.at("requests").at("started").get<double>(), 4000, 300);
  EXPECT_GT(RateBetween(r, 1, 5), 150);  // ON [0, 5)
  EXPECT_LT(RateBetween(r, 6, 10), 5);   // OFF [5, 10)
  EXPECT_GT(RateBetween(r, 11, 15), 150);
}

TEST(ArrivalsTest, DiurnalRateFollowsTheCurve) {
  const auto r = RunWorkload("diurnal",
                             "workload:\n  entry: web\n  arrival: diurnal\n"
                             "  diurnal: {mean_rate: 100, amplitude: 1, period: 40s}\n");
  ASSERT_FALSE(r.empty());
  ExpectConserved(r);
  EXPECT_NEAR(r.at("requests").at("started").get<double>(), 4000, 300);
  // Peak at t = 10 s (rate 200), trough at t = 30 s (rate 0).
  EXPECT_GT(RateBetween(r, 6, 15), 150);
  EXPECT_LT(RateBetween(r, 26, 35), 50);
}

TEST(ArrivalsTest, RateFileRampsLinearly) {
  const auto r =
      RunWorkload("rate-file", "workload:\n  entry: web\n  arrival: rate_file\n  rate_file: rates.csv\n");
  ASSERT_FALSE(r.empty());
  ExpectConserved(r);
  // Integral of a 0 -> 200 ramp over 40 s: 4000 requests.
  EXPECT_NEAR(r.at("requests").at("started").get<double>(), 4000, 300);
  EXPECT_LT(RateBetween(r, 1, 10), RateBetween(r, 30, 39) / 3);
}

}  // namespace
}  // namespace tracesim::e2e
