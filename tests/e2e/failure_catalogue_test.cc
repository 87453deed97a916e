// End-to-end: every failure type of the catalogue shows its effect in the
// ledger and appears in the timeline with its start and end (issue 5).
#include <gtest/gtest.h>

#include <string>

#include "cli_support.h"

namespace tracesim::e2e {
namespace {

constexpr const char* kBase = R"(name: failure-catalogue
seed: 17
duration: 40s
drain: 20s
services:
  - name: web
    work: {mean: 1ms, distribution: exponential}
    calls: [{service: api}]
  - name: api
    work: {mean: 1ms, distribution: exponential}
workload: {entry: web, rate: 100}
tracing:
  sampler: {type: always_on}
  batch_span_processor: {schedule_delay: 1s, export_timeout: 2s}
collectors:
  count: 1
  exporter: {retry_on_failure: {initial_interval: 1s, max_interval: 2s, max_elapsed_time: 0s}}
storage: {nodes: 2}
measurement: {overhead_baseline: false}
)";

nlohmann::json RunWith(const std::string& name, const std::string& extra, const std::string& args = "") {
  auto j = RunYaml(name, std::string(kBase) + extra, args);
  if (!j.empty()) ExpectConserved(j);
  return j;
}

// Spans stored between two sample times (the time series has one row per second).
uint64_t StoredBetween(const nlohmann::json& r, int from_s, int to_s) {
  const auto& stored = r.at("timeseries").at("spans_stored");
  return stored.at(to_s - 1).get<uint64_t>() - stored.at(from_s - 1).get<uint64_t>();
}

void ExpectTimeline(const nlohmann::json& r, size_t index, const std::string& type, const std::string& target,
                    double start, double end) {
  ASSERT_GT(r.at("timeline").size(), index);
  const auto& e = r.at("timeline").at(index);
  EXPECT_EQ(e.at("type"), type);
  EXPECT_EQ(e.at("target"), target);
  EXPECT_DOUBLE_EQ(e.at("start_s").get<double>(), start);
  if (end < 0) {
    EXPECT_TRUE(e.at("end_s").is_null());
  } else {
    EXPECT_DOUBLE_EQ(e.at("end_s").get<double>(), end);
  }
}

TEST(FailureCatalogueTest, LinkDownFailsExportsAndDeliveryResumes) {
  const auto r = RunWith("link-down",
                         "failures: [{type: link_down, target: collector-0-link, at: 10s, duration: 5s}]\n");
  ASSERT_FALSE(r.empty());
  ExpectTimeline(r, 0, "link_down", "collector-0-link", 10, 15);
  EXPECT_GT(Dropped(r, "export_failed"), 0u);  // SDK exports over the dead link
  EXPECT_EQ(StoredBetween(r, 11, 15), 0u);     // nothing reaches storage while it is down
  EXPECT_GT(StoredBetween(r, 17, 40), 2000u);  // and delivery resumes after
}

TEST(FailureCatalogueTest, LinkFlapRepeats) {
  const auto r = RunWith("link-flap",
                         "failures: [{type: link_down, target: collector-0-link, at: 5s, duration: 2s, "
                         "repeat: 3, period: 10s}]\n");
  ASSERT_FALSE(r.empty());
  ASSERT_EQ(r.at("timeline").size(), 3u);
  for (int k = 0; k < 3; ++k) ExpectTimeline(r, k, "link_down", "collector-0-link", 5 + 10 * k, 7 + 10 * k);
  EXPECT_GT(Dropped(r, "export_failed"), 0u);
}

TEST(FailureCatalogueTest, BandwidthDropAndLatencySpikeDelayDelivery) {
  const auto base = RunWith("no-fault", "");
  const auto slow =
      RunWith("bandwidth-drop",
              "failures: [{type: bandwidth_drop, target: storage-0-link, at: 10s, duration: 20s, "
              "factor: 0.00005}]\n");
  const auto far =
      RunWith("latency-spike",
              "failures: [{type: latency_spike, target: collector-0-link, at: 10s, duration: 20s, "
              "latency: 100ms}]\n");
  ASSERT_FALSE(base.empty());
  ASSERT_FALSE(slow.empty());
  ASSERT_FALSE(far.empty());
  ExpectTimeline(slow, 0, "bandwidth_drop", "storage-0-link", 10, 30);
  ExpectTimeline(far, 0, "latency_spike", "collector-0-link", 10, 30);
  const auto p99 = [](const nlohmann::json& r) {
    return r.at("latency").at("span_delivery").at("p99_ms").get<double>();
  };
  // 6 kB/s to storage-0 instead of 125 MB/s: its half of the writes (~17 kB/s) queue up.
  EXPECT_GT(p99(slow), p99(base) + 1000);
  // LV08 scales the added 100 ms to ~1.3 s per crossing of the link.
  EXPECT_GT(p99(far), p99(base) + 500);
  EXPECT_EQ(slow.at("spans").at("dropped_total").get<uint64_t>(), 0u);
}

TEST(FailureCatalogueTest, CpuSlowdownAddsRequestLatency) {
  const auto base = RunWith("cpu-base", "");
  const auto slow = RunWith(
      "cpu-slowdown", "failures: [{type: cpu_slowdown, target: api, at: 0s, duration: 40s, factor: 0.1}]\n");
  ASSERT_FALSE(base.empty());
  ASSERT_FALSE(slow.empty());
  ExpectTimeline(slow, 0, "cpu_slowdown", "api", 0, 40);
  // api's 1 ms of work takes ~10 ms at a tenth of the CPU.
  EXPECT_GT(slow.at("latency").at("request").at("p50_ms").get<double>(),
            base.at("latency").at("request").at("p50_ms").get<double>() + 5);
}

TEST(FailureCatalogueTest, StorageOutageLosesNothingWithRetries) {
  const auto r = RunWith("storage-outage",
                         "failures: [{type: storage_outage, target: storage-1, at: 10s, duration: 10s}]\n");
  ASSERT_FALSE(r.empty());
  ExpectTimeline(r, 0, "storage_outage", "storage-1", 10, 20);
  // The node kept its data and the collector retried: nothing lost, all stored.
  EXPECT_EQ(r.at("spans").at("dropped_total").get<uint64_t>(), 0u);
  EXPECT_EQ(r.at("spans").at("stored").get<uint64_t>(), r.at("spans").at("generated").get<uint64_t>());
  EXPECT_GT(r.at("latency").at("span_delivery").at("p99_ms").get<double>(), 5000);
}

TEST(FailureCatalogueTest, RollingRestartCrashesEachHostInTurn) {
  const auto r = RunWith("rolling-restart",
                         "failures: [{type: rolling_restart, target: collector, at: 10s, interval: 10s, "
                         "restart_after: 3s}]\n",
                         " --set collectors.count=2");
  ASSERT_FALSE(r.empty());
  ExpectTimeline(r, 0, "host_crash", "collector-0", 10, 13);
  ExpectTimeline(r, 1, "host_crash", "collector-1", 20, 23);
  EXPECT_GT(Dropped(r, "export_failed") + Dropped(r, "crash_lost"), 0u);
}

TEST(FailureCatalogueTest, PartitionHealsAndDeliveryResumes) {
  const auto r = RunWith("partition",
                         "failures: [{type: partition, groups: [[web, api], [collector-0]], at: 10s, "
                         "duration: 10s}]\n");
  ASSERT_FALSE(r.empty());
  ExpectTimeline(r, 0, "partition", "web,api | collector-0", 10, 20);
  // Exports time out while the SDKs cannot reach the collector...
  EXPECT_GT(Dropped(r, "export_failed") + Dropped(r, "sdk_queue_full"), 0u);
  EXPECT_LT(StoredBetween(r, 13, 20), 100u);
  // ...and flow again once the partition heals.
  EXPECT_GT(StoredBetween(r, 23, 40), 2000u);
}

TEST(FailureCatalogueTest, StochasticCrashesAreReproducibleBySeed) {
  const std::string stochastic = "failures: [{type: host_crash, target: collector-0, mtbf: 8s, mttr: 2s}]\n";
  const auto a = RunWith("mtbf-a", stochastic);
  const auto b = RunWith("mtbf-b", stochastic);
  const auto c = RunWith("mtbf-c", stochastic, " --seed 99");
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(c.empty());
  EXPECT_GE(a.at("timeline").size(), 2u);  // ~60 s / 10 s per cycle
  for (const auto& e : a.at("timeline")) EXPECT_EQ(e.at("type"), "host_crash");
  EXPECT_EQ(a.at("timeline"), b.at("timeline"));
  EXPECT_EQ(a.at("spans"), b.at("spans"));
  EXPECT_NE(a.at("timeline"), c.at("timeline"));
  EXPECT_GT(Dropped(a, "export_failed") + Dropped(a, "crash_lost"), 0u);
}

}  // namespace
}  // namespace tracesim::e2e
