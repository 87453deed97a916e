// Loader: the arrival processes (on_off, diurnal, rate_file), the exporter
// queue's sizer / block_on_overflow / storage keys, storage disks and queries,
// and the optional query cost fields.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "scenario_test_support.h"

namespace tracesim::scenario {
namespace {

using testing::ErrorOf;
using ::testing::HasSubstr;
using testing::kBase;
using testing::MustLoad;

TEST(WorkloadArrivalKeysTest, OnOffAndDiurnalParameters) {
  Scenario s =
      MustLoad(std::string(kBase) +
               "  arrival: on_off\n"
               "  on_off: {rate_on: 400, rate_off: 10, mean_on: 5s, mean_off: 15s, periods: constant}\n");
  EXPECT_EQ(s.workload.arrival, ArrivalProcess::kOnOff);
  EXPECT_DOUBLE_EQ(s.workload.on_off.rate_on_per_s, 400);
  EXPECT_DOUBLE_EQ(s.workload.on_off.rate_off_per_s, 10);
  EXPECT_DOUBLE_EQ(s.workload.on_off.mean_on_s, 5);
  EXPECT_DOUBLE_EQ(s.workload.on_off.mean_off_s, 15);
  EXPECT_FALSE(s.workload.on_off.exponential_periods);

  s = MustLoad(std::string(kBase) +
               "  arrival: diurnal\n"
               "  diurnal: {mean_rate: 50, amplitude: 0.8, period: 1h, phase: 10m}\n");
  EXPECT_EQ(s.workload.arrival, ArrivalProcess::kDiurnal);
  EXPECT_DOUBLE_EQ(s.workload.diurnal.mean_rate_per_s, 50);
  EXPECT_DOUBLE_EQ(s.workload.diurnal.amplitude, 0.8);
  EXPECT_DOUBLE_EQ(s.workload.diurnal.period_s, 3600);
  EXPECT_DOUBLE_EQ(s.workload.diurnal.phase_s, 600);
}

TEST(WorkloadArrivalKeysTest, ParametersOfAnotherProcessAreAnError) {
  EXPECT_THAT(ErrorOf(std::string(kBase) + "  on_off: {rate_on: 4}\n"),
              HasSubstr("t.yaml:8:3: workload.on_off: only applies to arrival: on_off"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "  arrival: diurnal\n  rate_steps: [{at: 1s, rate: 3}]\n"),
              HasSubstr("workload.rate_steps: only applies to arrival: poisson or constant"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "  arrival: diurnal\n  diurnal: {amplitude: 1.5}\n"),
              HasSubstr("workload.diurnal.amplitude"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "  arrival: on_off\n  on_off: {periods: weibull}\n"),
              HasSubstr("workload.on_off.periods"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "  arrival: bursty\n"), HasSubstr("workload.arrival"));
}

TEST(WorkloadArrivalKeysTest, RateFileIsReadRelativeToTheScenario) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "rate-file-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "rates.csv") << "time_s,rate_per_s\n0,10\n60,100\n";
  std::ofstream(dir / "bad.csv") << "time_s,rate_per_s\n0,10\n60,-1\n";
  const std::string base = std::string(kBase) + "  arrival: rate_file\n";
  {
    std::ofstream(dir / "ok.yaml") << base << "  rate_file: rates.csv\n  rate_file_interpolation: step\n";
    auto s = LoadScenarioFile((dir / "ok.yaml").string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    ASSERT_EQ(s->workload.rate_points.size(), 2u);
    EXPECT_DOUBLE_EQ(s->workload.rate_points[1].time_s, 60);
    EXPECT_DOUBLE_EQ(s->workload.rate_points[1].rate_per_s, 100);
    EXPECT_FALSE(s->workload.rate_file_linear);
  }
  {
    std::ofstream(dir / "bad.yaml") << base << "  rate_file: bad.csv\n";
    auto s = LoadScenarioFile((dir / "bad.yaml").string());
    ASSERT_FALSE(s.ok());
    EXPECT_THAT(s.status().message(), HasSubstr("workload.rate_file: "));
    EXPECT_THAT(s.status().message(), HasSubstr("bad.csv:3:"));
  }
  {
    std::ofstream(dir / "missing.yaml") << base;
    auto s = LoadScenarioFile((dir / "missing.yaml").string());
    ASSERT_FALSE(s.ok());
    EXPECT_THAT(s.status().message(), HasSubstr("workload.rate_file: required"));
  }
}

TEST(SendingQueueKeysTest, SizerBlockingAndPersistentStorage) {
  Scenario s = MustLoad(std::string(kBase) +
                        "collectors:\n"
                        "  exporter:\n"
                        "    sending_queue: {sizer: items, queue_size: 5000, block_on_overflow: true, "
                        "storage: file_storage}\n");
  const SendingQueueSpec& q = s.collector_tiers[0].exporter.sending_queue;
  EXPECT_EQ(q.sizer, pipeline::QueueSizer::kItems);
  EXPECT_EQ(q.queue_size, 5000);
  EXPECT_TRUE(q.block_on_overflow);
  EXPECT_EQ(q.storage, "file_storage");
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: {exporter: {sending_queue: {sizer: bytes}}}\n"),
              HasSubstr("collectors.exporter.sending_queue.sizer"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: {exporter: {sending_queue: {storage: ''}}}\n"),
              HasSubstr("collectors.exporter.sending_queue.storage: expected the id of a storage extension"));
  // The bad configs: a queue of size 0, an unknown routing key.
  EXPECT_THAT(ErrorOf(std::string(kBase) + "collectors: {exporter: {sending_queue: {queue_size: 0}}}\n"),
              HasSubstr("collectors.exporter.sending_queue.queue_size: expected an integer >= 1, got 0"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) +
              "collectors: [{name: lb, exporter: {type: loadbalancing, to: back, routing_key: span}}, "
              "{name: back}]\n"),
      HasSubstr("collectors[0].exporter.routing_key"));
}

TEST(StorageKeysTest, DiskAndQueries) {
  Scenario s = MustLoad(std::string(kBase) +
                        "storage:\n"
                        "  disk: {read_bandwidth: 1GBps, write_bandwidth: 100MBps}\n"
                        "  queries: {trace_lookups_per_s: 2, searches_per_s: 0.5, timeout: 3s}\n");
  EXPECT_DOUBLE_EQ(s.storage.disk.read_bytes_per_s, 1e9);
  EXPECT_DOUBLE_EQ(s.storage.disk.write_bytes_per_s, 100e6);
  EXPECT_DOUBLE_EQ(s.storage.queries.trace_lookups_per_s, 2);
  EXPECT_DOUBLE_EQ(s.storage.queries.searches_per_s, 0.5);
  EXPECT_EQ(s.storage.queries.timeout, std::chrono::seconds(3));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "storage: {queries: {searches_per_s: -1}}\n"),
              HasSubstr("storage.queries.searches_per_s"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "storage: {disk: {write_bandwidth: fast}}\n"),
              HasSubstr("storage.disk.write_bandwidth"));
  // The bad configs: more replicas than nodes, a quorum that cannot be met.
  EXPECT_THAT(ErrorOf(std::string(kBase) + "storage: {nodes: 2, replication_factor: 3}\n"),
              HasSubstr("storage.replication_factor: expected <= storage.nodes (2), got 3"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "storage: {nodes: 3, replication_factor: 3, write_quorum: 4}\n"),
              HasSubstr("cannot be met by 3 replicas"));
}

TEST(CostKeysTest, QueryCostsAreOverridable) {
  Scenario s = MustLoad(std::string(kBase) +
                        "tracing: {costs: {store_lookup_ns: 1500, store_search_per_span_ns: 3}}\n");
  EXPECT_DOUBLE_EQ(s.tracing.costs.store_lookup_ns, 1500);
  EXPECT_DOUBLE_EQ(s.tracing.costs.store_search_per_span_ns, 3);
  EXPECT_THAT(ErrorOf(std::string(kBase) + "tracing: {costs: {store_lookup_ns: -1}}\n"),
              HasSubstr("tracing.costs.store_lookup_ns"));
}

}  // namespace
}  // namespace tracesim::scenario
