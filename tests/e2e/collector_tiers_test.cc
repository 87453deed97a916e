// End-to-end: collector tiers, load balancing and membership changes (issue 4).
#include <gtest/gtest.h>

#include "cli_support.h"

namespace tracesim::e2e {
namespace {

TEST(LbScaleOutTest, RingChangeSplitsTracesStableMembershipDoesNot) {
  const std::string out = OutDir("lb-scale-out");
  auto r = RunTracesim("run " + Quote(ScenarioPath("lb-scale-out.yaml")) + " --quiet --out " + Quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto scaling = ReadResults(out + "/scaling");
  const auto stable = ReadResults(out + "/stable");
  ExpectConserved(scaling);
  ExpectConserved(stable);

  // Both membership changes are on the timeline.
  const auto& timeline = scaling.at("timeline");
  ASSERT_EQ(timeline.size(), 2u);
  EXPECT_EQ(timeline[0].at("type"), "scale_out");
  EXPECT_EQ(timeline[0].at("target"), "tail-3");
  EXPECT_EQ(timeline[1].at("type"), "scale_in");
  EXPECT_EQ(timeline[1].at("target"), "tail-0");
  EXPECT_GE(scaling.at("collectors").at(1).at("hosts").get<int>(), 3);

  // The ring change splits traces between two tail samplers: broken traces with that cause.
  const auto& causes = scaling.at("traces").at("broken_by_cause");
  EXPECT_GT(causes.at("rerouted_split_trace").get<uint64_t>(), 0u);
  EXPECT_GT(scaling.at("traces").at("broken").get<uint64_t>(), 0u);
  // The same traffic on a stable tier breaks nothing.
  EXPECT_EQ(stable.at("traces").at("broken").get<uint64_t>(), 0u);
  EXPECT_EQ(stable.at("traces").at("broken_by_cause").at("rerouted_split_trace").get<uint64_t>(), 0u);
  EXPECT_EQ(stable.at("traces").at("incomplete").get<uint64_t>(), 0u);
  EXPECT_GE(stable.at("sampling").at("error_traces_kept_fraction").get<double>(), 0.999);
}

}  // namespace
}  // namespace tracesim::e2e

namespace tracesim::e2e {
namespace {

TEST(StorageReplicationTest, Rf3LosesNoAcknowledgedSpanWhenANodeCrashesRf1Does) {
  const std::string out = OutDir("storage-replication");
  auto r =
      RunTracesim("run " + Quote(ScenarioPath("storage-replication.yaml")) + " --quiet --out " + Quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto rf1 = ReadResults(out + "/rf1");
  const auto rf3 = ReadResults(out + "/rf3");
  ExpectConserved(rf1);
  ExpectConserved(rf3);
  for (const auto* j : {&rf1, &rf3}) {
    ASSERT_EQ(j->at("timeline").size(), 1u);
    EXPECT_EQ(j->at("timeline")[0].at("target"), "storage-1");
  }
  // RF 1: the crashed node's copies were the only ones.
  EXPECT_GT(rf1.at("spans").at("dropped").at("crash_lost").get<uint64_t>(), 0u);
  EXPECT_GT(rf1.at("traces").at("broken").get<uint64_t>(), 0u);
  // RF 3 (quorum 2): every span is stored, none lost, no broken trace.
  EXPECT_EQ(rf3.at("spans").at("dropped").at("crash_lost").get<uint64_t>(), 0u);
  EXPECT_EQ(rf3.at("spans").at("stored").get<uint64_t>(), rf3.at("spans").at("generated").get<uint64_t>());
  EXPECT_EQ(rf3.at("traces").at("broken").get<uint64_t>(), 0u);
  // RF 1 with a write-ahead log: the crashed node rebuilds its store from the log.
  const auto wal = ReadResults(out + "/rf1-wal");
  ExpectConserved(wal);
  EXPECT_EQ(wal.at("spans").at("dropped").at("crash_lost").get<uint64_t>(), 0u);
  EXPECT_EQ(wal.at("spans").at("stored").get<uint64_t>(), wal.at("spans").at("generated").get<uint64_t>());
  EXPECT_EQ(wal.at("traces").at("broken").get<uint64_t>(), 0u);
  // Three copies cost about three times the bytes.
  EXPECT_GT(rf3.at("sampling").at("bytes_stored").get<double>(),
            2.5 * rf1.at("sampling").at("bytes_stored").get<double>());
}

}  // namespace
}  // namespace tracesim::e2e

namespace tracesim::e2e {
namespace {

TEST(CapacityCollectorsTest, ReportsWhereLossBeginsAndWhatSaturatesFirst) {
  const std::string out = OutDir("capacity-collectors");
  auto r = RunTracesim("run " + Quote(ScenarioPath("capacity-collectors.yaml")) + " --out " + Quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("saturation"), std::string::npos) << r.output;
  const auto j = ReadResults(out);
  ExpectConserved(j);
  const auto& saturation = j.at("saturation");
  ASSERT_GE(saturation.size(), 2u) << saturation;
  // The collectors' CPUs saturate first, at the 1600 req/s step (60 s)...
  EXPECT_EQ(saturation[0].at("component"), "collector tier collector");
  EXPECT_EQ(saturation[0].at("what"), "cpu >= 95 %");
  const double cpu_at = saturation[0].at("at_s").get<double>();
  EXPECT_GE(cpu_at, 60.0);
  EXPECT_LT(cpu_at, 80.0);
  // ...then loss begins: back-pressure fills the SDK queues.
  double loss_at = -1;
  for (const auto& e : saturation) {
    if (e.at("component") == "loss" && e.at("what") == "sdk_queue_full") loss_at = e.at("at_s").get<double>();
  }
  EXPECT_GE(loss_at, cpu_at);
  EXPECT_GT(j.at("spans").at("dropped").at("sdk_queue_full").get<uint64_t>(), 0u);
  // Nothing is lost before the tier saturates.
  const auto& ts = j.at("timeseries");
  for (size_t i = 0; i < ts.at("t_s").size(); ++i) {
    if (ts.at("t_s")[i].get<double>() < 60.0) EXPECT_EQ(ts.at("spans_dropped")[i].get<uint64_t>(), 0u);
  }
}

}  // namespace
}  // namespace tracesim::e2e
