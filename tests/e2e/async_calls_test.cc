// Asynchronous (fire and forget) calls, in both fidelity modes: the caller
// waits only for the request to be sent, the callee's work and errors are
// its own, and the trace links them as PRODUCER -> CONSUMER.
#include <gtest/gtest.h>

#include <cmath>

#include "cli_support.h"

namespace tracesim::e2e {
namespace {

// front: 1 ms of work, a synchronous call to db (1 ms) and an async call to
// worker (40 ms of work that always fails). 5 requests per second, 250 ms
// apart at most rarely overlapping: no contention.
constexpr const char* kAsync = R"(name: async-calls
seed: 5
duration: 40s
drain: 10s
platform: {topology: star, network_model: CM02, host_link: {bandwidth: 1Gbps, latency: 100us}}
services:
  - name: front
    work: {mean: 1ms, distribution: constant}
    calls: [{service: db}, {service: worker, async: true}]
  - name: db
    work: {mean: 1ms, distribution: constant}
  - name: worker
    work: {mean: 40ms, distribution: constant}
    error_rate: 1.0
workload: {entry: front, arrival: constant, rate: 5}
tracing:
  sampler: {type: always_on}
collectors: {count: 1}
storage: {nodes: 1}
measurement: {overhead_baseline: false}
)";

TEST(AsyncCallsTest, TheCallerDoesNotWaitForNorFailWithTheCallee) {
  for (const char* fidelity : {"full", "fast"}) {
    SCOPED_TRACE(fidelity);
    const auto r =
        RunYaml(std::string("async-") + fidelity, kAsync, std::string("--set fidelity=") + fidelity);
    ASSERT_FALSE(r.empty());
    EXPECT_EQ(r.at("requests").at("completed").get<uint64_t>(), 199u);  // 0.2 s apart, the last before 40 s
    EXPECT_EQ(r.at("requests").at("failed").get<uint64_t>(),
              0u);  // worker always fails: not the caller's error
    // front 1 ms + db 1 ms + two round trips and one send of ~0.2 ms each
    // (CM02: latency + size / bandwidth): far below worker's 40 ms.
    const double p99 = r.at("latency").at("request").at("p99_ms").get<double>();
    EXPECT_GT(p99, 2.0);
    EXPECT_LT(p99, 3.5);
    // 5 spans per request: front server, db client + server, worker producer + consumer.
    EXPECT_EQ(r.at("spans").at("generated").get<uint64_t>(), 995u);
    EXPECT_EQ(r.at("spans").at("stored").get<uint64_t>(), 995u);
    EXPECT_EQ(r.at("traces").at("complete").get<uint64_t>(), 199u);
    ExpectConserved(r);
    // The worker's own duration and errors are in the ground truth.
    bool found = false;
    for (const auto& red : r.at("sampling").at("red")) {
      if (red.at("service") != "worker") continue;
      found = true;
      EXPECT_NEAR(red.at("true").at("p50_ms").get<double>(), 40.0, 1.0);
      EXPECT_DOUBLE_EQ(red.at("true").at("error_rate").get<double>(), 1.0);
    }
    EXPECT_TRUE(found);
  }
}

TEST(AsyncCallsTest, FastAndFullAgree) {
  const auto full = RunYaml("async-eq-full", kAsync, "--set fidelity=full");
  const auto fast = RunYaml("async-eq-fast", kAsync, "--set fidelity=fast");
  ASSERT_FALSE(full.empty());
  ASSERT_FALSE(fast.empty());
  EXPECT_EQ(fast.at("spans").at("stored"), full.at("spans").at("stored"));
  EXPECT_EQ(fast.at("traces"), full.at("traces"));
  for (const char* which : {"request", "span_delivery"}) {
    const double f = full.at("latency").at(which).at("mean_ms").get<double>();
    const double x = fast.at("latency").at(which).at("mean_ms").get<double>();
    EXPECT_NEAR(x, f, f * 0.01) << which;
  }
}

}  // namespace
}  // namespace tracesim::e2e
