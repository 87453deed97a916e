// fidelity: fast against fidelity: full (issue 5). On a scenario with no
// contention the two must give the same telemetry-side results: the same
// spans generated, sampled, stored and dropped, the same traces complete,
// and the same latencies (up to the rare microsecond collisions of an SDK
// export with application work, which only full mode simulates).
#include <gtest/gtest.h>

#include <cmath>

#include "cli_support.h"

namespace tracesim::e2e {
namespace {

// Constant arrivals 250 ms apart, requests of ~10 ms: no two requests
// overlap on a host. Small SDK batches so that both export triggers (a full
// batch, the schedule delay) fire.
constexpr const char* kQuiet = R"(name: fidelity-equivalence
seed: 11
duration: 60s
drain: 15s
platform: {topology: star, network_model: LV08, host_link: {bandwidth: 1Gbps, latency: 50us}}
services:
  - name: front
    work: {mean: 2ms, distribution: exponential}
    calls: [{service: a, count: 2}, {service: b}]
    attributes_per_span: 6
    response_bytes: 20000
  - name: a
    work: {mean: 1ms, distribution: lognormal, sigma: 0.5}
    calls: [c]
    error_rate: 0.05
  - name: b
    work: {mean: 3ms, distribution: constant}
  - name: c
    work: {mean: 500us, distribution: exponential}
workload: {entry: front, arrival: constant, rate: 4}
tracing:
  sampler: {type: parentbased_traceidratio, ratio: 0.5}
  batch_span_processor: {max_export_batch_size: 16, max_queue_size: 64, schedule_delay: 2s}
collectors: {count: 1}
storage: {nodes: 2}
measurement: {overhead_baseline: false}
)";

double At(const nlohmann::json& j, const char* a, const char* b, const char* c) {
  return j.at(a).at(b).at(c).get<double>();
}

TEST(FidelityTest, FastAndFullAgreeWithoutContention) {
  const auto full = RunYaml("fidelity-full", kQuiet, "--set fidelity=full");
  const auto fast = RunYaml("fidelity-fast", kQuiet, "--set fidelity=fast");
  ASSERT_FALSE(full.empty());
  ASSERT_FALSE(fast.empty());
  EXPECT_EQ(full.at("scenario").at("fidelity"), "full");
  EXPECT_EQ(fast.at("scenario").at("fidelity"), "fast");

  EXPECT_EQ(fast.at("requests"), full.at("requests"));
  EXPECT_EQ(full.at("requests").at("completed").get<uint64_t>(), 240u);
  EXPECT_GT(full.at("requests").at("failed").get<uint64_t>(), 0u);  // the 5 % errors of `a`

  for (const char* key : {"generated", "sampled_out", "stored", "in_flight"}) {
    EXPECT_EQ(fast.at("spans").at(key), full.at("spans").at(key)) << key;
  }
  EXPECT_EQ(fast.at("spans").at("dropped"), full.at("spans").at("dropped"));
  EXPECT_EQ(full.at("spans").at("generated").get<uint64_t>(), 240u * 11);
  EXPECT_GT(full.at("spans").at("stored").get<uint64_t>(), 1000u);
  for (const char* key : {"generated", "sampled", "kept", "complete", "incomplete"}) {
    EXPECT_EQ(fast.at("traces").at(key), full.at("traces").at(key)) << key;
  }
  ExpectConserved(fast);

  // Latencies: the request's own (computed in fast mode, simulated in full)
  // and the spans' delivery to storage (simulated in both).
  for (const char* which : {"request", "span_delivery"}) {
    for (const char* stat : {"mean_ms", "p50_ms", "p99_ms"}) {
      const double f = At(full, "latency", which, stat), x = At(fast, "latency", which, stat);
      EXPECT_NEAR(x, f, std::abs(f) * 0.01) << which << " " << stat;
    }
  }
  // The tracing CPU charged on the services: the same costs, the same spans.
  for (const char* key : {"service_s", "tracing_s", "collector_s", "storage_s"}) {
    const double f = full.at("cpu").at(key).get<double>(), x = fast.at("cpu").at(key).get<double>();
    EXPECT_GT(f, 0) << key;
    EXPECT_NEAR(x, f, f * 1e-6) << key;
  }
}

}  // namespace
}  // namespace tracesim::e2e
