// Queueing sanity checks of the simulator (issue 5): one service with a single
// worker thread (concurrency: 1) fed by a Poisson stream reproduces the M/M/1
// and M/D/1 mean waiting times within 5 % over a long run.
#include <gtest/gtest.h>

#include "cli_support.h"

namespace tracesim::e2e {
namespace {

// lambda = 50/s, mean service 10 ms (mu = 100/s, rho = 0.5); 8000 s, ~400 000
// requests. Tracing off: only the queue is measured.
constexpr const char* kQueue = R"(name: single-server-queue
seed: 21
duration: 8000s
drain: 5s
services:
  - name: server
    host_speed: 1Gf
    concurrency: 1
    work: {mean: 10ms, distribution: exponential}
workload: {entry: server, arrival: poisson, rate: 50}
tracing: {enabled: false}
measurement: {overhead_baseline: false, sample_period: 100s}
)";

// Mean waiting time in the queue: the mean request latency minus the mean
// service time (the request is the handler's work only: no network).
double MeanWaitMs(const std::string& name, const std::string& sets) {
  const std::string path = WriteTempFile(name + ".yaml", kQueue);
  const std::string out = OutDir(name);
  auto r = RunTracesim("run " + Quote(path) + " --quiet --out " + Quote(out) + sets);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  if (r.exit_code != 0) return -1;
  const auto j = ReadResults(out);
  EXPECT_GT(j.at("requests").at("completed").get<uint64_t>(), 390000u);
  EXPECT_EQ(j.at("requests").at("failed").get<uint64_t>(), 0u);
  return j.at("latency").at("request").at("mean_ms").get<double>() - 10.0;
}

TEST(QueueingTest, MM1MeanWaitWithinFivePercent) {
  // Wq = rho / (mu - lambda) = 0.5 / 50 s = 10 ms.
  EXPECT_NEAR(MeanWaitMs("mm1", ""), 10.0, 0.5);
}

TEST(QueueingTest, MD1MeanWaitWithinFivePercent) {
  // Pollaczek-Khinchine with deterministic service: Wq = rho / (2 mu (1 - rho)) = 5 ms.
  EXPECT_NEAR(MeanWaitMs("md1", " --set services.0.work.distribution=constant"), 5.0, 0.25);
}

TEST(QueueingTest, WithoutAWorkerLimitRequestsShareTheCpu) {
  // Processor sharing (no concurrency limit): the mean sojourn time is still
  // 1 / (mu - lambda) = 20 ms for any service distribution (M/G/1-PS), so
  // with constant work the "wait" is 10 ms, not M/D/1's 5 ms.
  EXPECT_NEAR(
      MeanWaitMs("md1-ps", " --set services.0.work.distribution=constant --set services.0.concurrency=0"),
      10.0, 0.5);
}

}  // namespace
}  // namespace tracesim::e2e
