// services[].replicas: several instances of a service, each on its own host
// with its own SDK, behind a round-robin load balancer.
#include <gtest/gtest.h>

#include "cli_support.h"

namespace tracesim::e2e {
namespace {

// back needs 30 ms of CPU per request and gets one every 20 ms: one replica
// is overloaded (utilisation 1.5), three take one request every 60 ms each.
constexpr const char* kReplicas = R"(name: replicas
seed: 9
duration: 20s
drain: 10s
platform: {topology: star, network_model: CM02, host_link: {bandwidth: 1Gbps, latency: 100us}}
services:
  - name: front
    work: {mean: 1ms, distribution: constant}
    calls: [back]
  - name: back
    replicas: 3
    work: {mean: 30ms, distribution: constant}
workload: {entry: front, arrival: constant, rate: 50}
tracing: {sampler: {type: always_on}}
collectors: {count: 2}
storage: {nodes: 1}
measurement: {overhead_baseline: false}
)";

double P99(const nlohmann::json& r) { return r.at("latency").at("request").at("p99_ms").get<double>(); }

TEST(ReplicasTest, ReplicasShareTheLoad) {
  for (const char* fidelity : {"full", "fast"}) {
    SCOPED_TRACE(fidelity);
    const auto r = RunYaml(std::string("replicas-") + fidelity, kReplicas, std::string("--set fidelity=") + fidelity);
    ASSERT_FALSE(r.empty());
    EXPECT_EQ(r.at("requests").at("completed").get<uint64_t>(), 999u);
    EXPECT_EQ(r.at("requests").at("failed").get<uint64_t>(), 0u);
    // 1 ms + 30 ms + two round trips of ~0.4 ms: no queueing behind another request.
    EXPECT_GT(P99(r), 31.0);
    EXPECT_LT(P99(r), 33.5);
    // Three SDKs for back, one service in the results.
    EXPECT_EQ(r.at("spans").at("stored").get<uint64_t>(), 999u * 3);
    EXPECT_EQ(r.at("traces").at("complete").get<uint64_t>(), 999u);
    EXPECT_EQ(r.at("sampling").at("red").size(), 2u);
    ExpectConserved(r);
  }
  // One replica cannot keep up: requests queue on its CPU (full mode).
  const auto one = RunYaml("replicas-one", kReplicas, "--set services.1.replicas=1");
  ASSERT_FALSE(one.empty());
  EXPECT_GT(P99(one), 1000.0);
}

TEST(ReplicasTest, ACrashedReplicaIsSkippedAndTheOthersServe) {
  const std::string crash =
      "failures: [{type: host_crash, target: back-1, at: 5.005s, restart_after: 5s}]\n";
  const auto r = RunYaml("replicas-crash", std::string(kReplicas) + crash);
  ASSERT_FALSE(r.empty());
  // Only the request back-1 was serving when it crashed fails; the others
  // go to back-0 and back-2 (one request every 40 ms each: still no queue).
  EXPECT_LE(r.at("requests").at("failed").get<uint64_t>(), 1u);
  EXPECT_LT(P99(r), 33.5);
  ASSERT_EQ(r.at("timeline").size(), 1u);
  EXPECT_EQ(r.at("timeline")[0].at("target"), "back-1");
  EXPECT_NEAR(r.at("timeline")[0].at("end_s").get<double>(), 10.005, 1e-9);
  ExpectConserved(r);
}

TEST(ReplicasTest, FastAndFullAgree) {
  const auto full = RunYaml("replicas-eq-full", kReplicas, "--set fidelity=full");
  const auto fast = RunYaml("replicas-eq-fast", kReplicas, "--set fidelity=fast");
  ASSERT_FALSE(full.empty());
  ASSERT_FALSE(fast.empty());
  EXPECT_EQ(fast.at("spans").at("stored"), full.at("spans").at("stored"));
  EXPECT_EQ(fast.at("traces"), full.at("traces"));
  const double f = full.at("latency").at("request").at("mean_ms").get<double>();
  EXPECT_NEAR(fast.at("latency").at("request").at("mean_ms").get<double>(), f, f * 0.01);
}

}  // namespace
}  // namespace tracesim::e2e
