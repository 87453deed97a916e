// storage (partitioner forms, replication), failures (host_crash, scale_out,
// scale_in over collector tiers) and measurement.slow_threshold.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scenario_test_support.h"
#include "tracesim/scenario/loader.h"

namespace tracesim::scenario {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

using testing::ErrorOf;
using testing::kBase;
using testing::MustLoad;

TEST(StorageTest, PartitionerForms) {
  for (const char* type : {"otel_ring", "jump", "rendezvous", "bounded_load"}) {
    Scenario s = MustLoad(std::string(kBase) + "storage: {partitioner: " + type + "}\n");
    EXPECT_EQ(s.storage.partitioner.type, type);
    EXPECT_EQ(s.storage.partitioner.points_per_endpoint, 100);
  }
  Scenario s =
      MustLoad(std::string(kBase) +
               "storage:\n"
               "  partitioner: {type: bounded_load, points_per_endpoint: 40, bounded_load_epsilon: 0.1}\n");
  EXPECT_EQ(s.storage.partitioner.type, "bounded_load");
  EXPECT_EQ(s.storage.partitioner.points_per_endpoint, 40);
  EXPECT_DOUBLE_EQ(s.storage.partitioner.bounded_load_epsilon, 0.1);
  // A mapping without type keeps the default type.
  EXPECT_EQ(MustLoad(std::string(kBase) + "storage: {partitioner: {points_per_endpoint: 7}}\n")
                .storage.partitioner.type,
            "otel_ring");

  EXPECT_THAT(ErrorOf(std::string(kBase) + "storage: {partitioner: rendevous}\n"),
              HasSubstr("t.yaml:8:24: storage.partitioner: expected one of otel_ring, jump, rendezvous, "
                        "bounded_load, got 'rendevous' (did you mean 'rendezvous'?)"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "storage: {partitioner: {points_per_endpoint: 300}}\n"),
      HasSubstr("t.yaml:8:46: storage.partitioner.points_per_endpoint: expected an integer in [1, 256], "
                "got 300"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "storage: {partitioner: {bounded_load_epsilon: 0}}\n"),
              HasSubstr("storage.partitioner.bounded_load_epsilon: expected a number > 0, got 0"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "storage: {partitioner: {kind: jump}}\n"),
              HasSubstr("storage.partitioner.kind: unknown key 'kind'"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "storage: {partitioner: [jump]}\n"),
              HasSubstr("storage.partitioner: expected a partitioner type (otel_ring, jump, rendezvous, "
                        "bounded_load) or a mapping"));
}

TEST(StorageTest, Replication) {
  Scenario s = MustLoad(std::string(kBase) + "storage: {nodes: 5, replication_factor: 3, write_quorum: 3}\n");
  EXPECT_EQ(s.storage.replication_factor, 3);
  EXPECT_EQ(s.storage.write_quorum, 3);
  s = MustLoad(std::string(kBase) + "storage: {nodes: 3, replication_factor: 3}\n");
  EXPECT_EQ(s.storage.write_quorum, 0);  // the default quorum, floor(3/2)+1

  EXPECT_THAT(ErrorOf(std::string(kBase) + "storage: {nodes: 3, replication_factor: 5}\n"),
              HasSubstr("t.yaml:8:41: storage.replication_factor: expected <= storage.nodes (3), got 5"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "storage: {replication_factor: 2}\n"),
              HasSubstr("storage.replication_factor: expected <= storage.nodes (1), got 2"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "storage: {nodes: 3, replication_factor: 0}\n"),
              HasSubstr("storage.replication_factor: expected an integer >= 1, got 0"));
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "storage: {nodes: 3, replication_factor: 2, write_quorum: 3}\n"),
      HasSubstr("t.yaml:8:58: storage.write_quorum: expected 0 (the default: floor(replication_factor/2)+1) "
                "or an integer in [1, replication_factor (2)], got 3 (a quorum of 3 acknowledgements "
                "cannot be met by 2 replicas)"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "storage: {write_quorum: -1}\n"),
              HasSubstr("storage.write_quorum: expected an integer >= 0, got -1"));
}

const std::string kTiers = std::string(kBase) +
                           "collectors:\n"
                           "  - {name: edge, count: 2, exporter: {type: loadbalancing, to: gateway}}\n"
                           "  - {name: gateway, count: 1}\n"
                           "storage: {nodes: 2}\n"
                           "failures:\n";  // line 12; failures start on line 13

TEST(FailuresTest, TargetsAcrossTiers) {
  Scenario s = MustLoad(kTiers +
                        "  - {type: host_crash, target: edge-1, at: 5s, restart_after: 2s}\n"
                        "  - {type: host_crash, target: gateway-0, at: 6s}\n"
                        "  - {type: host_crash, target: storage-1, at: 7s}\n"
                        "  - {type: scale_out, target: edge, at: 10s}\n"
                        "  - {type: scale_out, target: edge, at: 11s}\n"
                        "  - {type: scale_in, target: edge-3, at: 12s}\n"
                        "  - {type: scale_in, target: edge-0, at: 13s}\n");
  ASSERT_EQ(s.failures.size(), 7u);
  EXPECT_EQ(s.failures[3].type, FailureType::kScaleOut);
  EXPECT_EQ(s.failures[3].target, "edge");
  EXPECT_EQ(s.failures[5].type, FailureType::kScaleIn);
  EXPECT_EQ(s.failures[5].target, "edge-3");
  EXPECT_DOUBLE_EQ(s.failures[5].at_s, 12);
  EXPECT_LT(s.failures[5].restart_after_s, 0);

  // host_crash: only the tier's configured hosts.
  EXPECT_THAT(
      ErrorOf(kTiers + "  - {type: host_crash, target: edge-2, at: 5s}\n"),
      HasSubstr("t.yaml:13:32: failures[0].target: expected a host: a service (api, db), edge-0..edge-1, "
                "gateway-0 or storage-0..storage-1, got 'edge-2' (collectors[0].count is 2)"));
  EXPECT_THAT(ErrorOf(kTiers + "  - {type: host_crash, target: gateway, at: 5s}\n"),
              HasSubstr("got 'gateway' ('gateway' is a tier; a host_crash names one of its hosts)"));
  EXPECT_THAT(ErrorOf(kTiers + "  - {type: host_crash, target: collector-0, at: 5s}\n"),
              HasSubstr("failures[0].target: expected a host"));
  // scale_out: a tier name.
  EXPECT_THAT(
      ErrorOf(kTiers + "  - {type: scale_out, target: edge-0, at: 5s}\n"),
      HasSubstr("failures[0].target: expected the name of a collector tier (edge, gateway), got 'edge-0' "
                "(a scale_out adds a host to a tier: name the tier, 'edge')"));
  EXPECT_THAT(ErrorOf(kTiers + "  - {type: scale_out, target: gatewy, at: 5s}\n"),
              HasSubstr("got 'gatewy' (did you mean 'gateway'?)"));
  // scale_in: a host that exists at that time (count + earlier scale_outs).
  EXPECT_THAT(
      ErrorOf(kTiers + "  - {type: scale_in, target: edge-2, at: 5s}\n"
                       "  - {type: scale_out, target: edge, at: 6s}\n"),
      HasSubstr("failures[0].target: expected a collector host (edge-0..edge-1, gateway-0 at 5s), got "
                "'edge-2' (tier 'edge' has 2 hosts then: collectors[0].count is 2, plus 0 earlier "
                "scale_outs)"));
  EXPECT_THAT(
      ErrorOf(kTiers + "  - {type: scale_in, target: edge, at: 5s}\n"),
      HasSubstr("got 'edge' ('edge' is a tier; a scale_in names the host it removes, e.g. 'edge-0')"));
  EXPECT_THAT(
      ErrorOf(kTiers + "  - {type: scale_in, target: gateway-0, at: 5s}\n"),
      HasSubstr("failures[0].at: removing 'gateway-0' at 5s would leave tier 'gateway' with no host"));
  EXPECT_THAT(
      ErrorOf(kTiers + "  - {type: scale_in, target: edge-1, at: 5s}\n"
                       "  - {type: scale_in, target: edge-1, at: 6s}\n"),
      HasSubstr("t.yaml:14:42: failures[1].at: 'edge-1' was removed at 5s by failures[0] (scale_in)"));
  EXPECT_THAT(ErrorOf(kTiers + "  - {type: scale_in, target: edge-1, at: 5s}\n"
                               "  - {type: host_crash, target: edge-1, at: 6s}\n"),
              HasSubstr("failures[1].at: 'edge-1' was removed at 5s by failures[0] (scale_in)"));
  EXPECT_THAT(
      ErrorOf(kTiers + "  - {type: host_crash, target: edge-1, at: 5s}\n"
                       "  - {type: scale_in, target: edge-1, at: 6s}\n"),
      HasSubstr("failures[1].at: 'edge-1' is still down at 6s: failures[0] crashes it at 5s and it never "
                "restarts (a host is scaled in while it runs)"));
  EXPECT_THAT(
      ErrorOf(kTiers + "  - {type: scale_out, target: edge, at: 5s, restart_after: 1s}\n"),
      HasSubstr("failures[0].restart_after: only a host_crash (or rolling_restart) restarts; a scale_out has "
                "no restart_after"));
  EXPECT_THAT(
      ErrorOf(kTiers + "  - {type: scale_up, target: edge, at: 5s}\n"),
      HasSubstr("failures[0].type: expected one of host_crash, scale_out, scale_in, link_down, bandwidth_drop, "
                "latency_spike, cpu_slowdown, storage_outage, rolling_restart, partition, loss_burst, got "
                "'scale_up' (did you mean 'scale_out'?)"));
}

TEST(FailuresTest, SingleTierKeepsItsMessages) {
  EXPECT_THAT(
      ErrorOf(std::string(kBase) + "collectors: {count: 2}\nfailures: [{type: scale_in, target: "
                                   "collector-1, at: 1s}, {type: scale_in, target: collector-0, at: 2s}]\n"),
      HasSubstr("failures[1].at: removing 'collector-0' at 2s would leave tier 'collector' with no host"));
  Scenario s = MustLoad(std::string(kBase) +
                        "failures: [{type: scale_out, target: collector, at: 1s}, "
                        "{type: scale_in, target: collector-1, at: 2s}]\n");
  EXPECT_EQ(s.failures.size(), 2u);
}

TEST(MeasurementTest, SlowThreshold) {
  EXPECT_EQ(
      MustLoad(std::string(kBase) + "measurement: {slow_threshold: 250ms}\n").measurement.slow_threshold,
      milliseconds(250));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "measurement: {slow_threshold: -1ms}\n"),
              HasSubstr("t.yaml:8:31: measurement.slow_threshold: expected a duration >= 0s, got '-1ms'"));
}

}  // namespace
}  // namespace tracesim::scenario
