// End-to-end: the bundled failure scenarios of issue 5 (multi-region
// partition, rolling restart).
#include <gtest/gtest.h>

#include "cli_support.h"

namespace tracesim::e2e {
namespace {

nlohmann::json RunScenarioFile(const std::string& file, const std::string& args = "") {
  const std::string out = OutDir(file);
  auto r = RunTracesim("run " + Quote(ScenarioPath(file)) + " --quiet --out " + Quote(out) + args);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  if (r.exit_code != 0) return nlohmann::json::object();
  auto j = ReadResults(out);
  ExpectConserved(j);
  return j;
}

TEST(FailureScenariosTest, MultiRegionPartitionFailsCrossRegionRequestsUntilItHeals) {
  const auto r = RunScenarioFile("multi-region-partition.yaml");
  ASSERT_FALSE(r.empty());
  ASSERT_EQ(r.at("timeline").size(), 1u);
  EXPECT_EQ(r.at("timeline")[0].at("type"), "partition");
  EXPECT_DOUBLE_EQ(r.at("timeline")[0].at("start_s").get<double>(), 10);
  EXPECT_DOUBLE_EQ(r.at("timeline")[0].at("end_s").get<double>(), 25);
  // frontend (eu) calls checkout (us) on every request: the requests of the
  // 15 s partition (of 40 s) fail, the others do not all fail.
  const double started = r.at("requests").at("started").get<double>();
  const double failed = r.at("requests").at("failed").get<double>();
  EXPECT_GT(failed / started, 0.3);
  EXPECT_LT(failed / started, 0.5);
  // Every span that was generated reaches storage once the partition heals.
  EXPECT_EQ(r.at("spans").at("stored").get<uint64_t>() + r.at("spans").at("sampled_out").get<uint64_t>(),
            r.at("spans").at("generated").get<uint64_t>());
}

TEST(FailureScenariosTest, RollingRestartRestartsEachCollectorAndAPersistentQueueLosesLess) {
  const auto memory = RunScenarioFile("rolling-restart.yaml");
  ASSERT_FALSE(memory.empty());
  ASSERT_EQ(memory.at("timeline").size(), 3u);
  for (int k = 0; k < 3; ++k) {
    const auto& e = memory.at("timeline")[k];
    EXPECT_EQ(e.at("type"), "host_crash");
    EXPECT_EQ(e.at("target"), "gateway-" + std::to_string(k));
    EXPECT_DOUBLE_EQ(e.at("start_s").get<double>(), 10 + 15 * k);
    EXPECT_DOUBLE_EQ(e.at("end_s").get<double>(), 15 + 15 * k);
  }
  EXPECT_GT(memory.at("spans").at("dropped").at("export_failed").get<uint64_t>(), 0u);
  const auto persistent =
      RunScenarioFile("rolling-restart.yaml", " --set collectors.exporter.sending_queue.storage=file_storage");
  ASSERT_FALSE(persistent.empty());
  EXPECT_LE(persistent.at("spans").at("dropped").at("crash_lost").get<uint64_t>(),
            memory.at("spans").at("dropped").at("crash_lost").get<uint64_t>());
}

}  // namespace
}  // namespace tracesim::e2e
