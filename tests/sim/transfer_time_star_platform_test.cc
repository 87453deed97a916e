// UncontendedTransferTime / TransferTimeCache on the platform the simulator
// builds (BuildPlatform, topology star) with its default network model LV08
// and SimGrid's defaults (crosstraffic on): every pair of hosts, a host to
// itself, several sizes, each transfer alone. A split-duplex host link.
// One simulation per process: one test in this file (multi_region is
// transfer_time_multi_region_platform_test.cc).
#include <gtest/gtest.h>

#include <simgrid/s4u.hpp>
#include <vector>

#include "platform.h"
#include "tracesim/scenario/scenario.h"
#include "transfer_time.h"
#include "transfer_time_check.h"

namespace tracesim::sim {
namespace {
namespace sg4 = simgrid::s4u;
using testing::LoneTransfer;

TEST(TransferTimeStarPlatformTest, Lv08LoneTransfersMatchSimGrid) {
  int argc = 1;
  char name[] = "transfer_time_star_platform_test";
  char* argv[] = {name, nullptr};
  sg4::Engine engine(&argc, argv);

  scenario::Scenario sc;
  ASSERT_EQ(sc.platform.network_model, "LV08");
  ASSERT_TRUE(ConfigureNetworkModel(sc.platform.network_model).ok());
  sc.services.resize(2);
  sc.services[0].name = "front";
  sc.services[1].name = "back";
  sc.storage.nodes = 1;
  sc.platform.topology = scenario::Topology::kStar;
  sc.platform.host_link.bandwidth_bytes_per_s = 125e6;  // 1 Gbps
  sc.platform.host_link.latency_s = 50e-6;
  sc.platform.host_link.sharing = scenario::LinkSpec::Sharing::kSplitDuplex;
  auto platform = BuildPlatform(sc);
  ASSERT_TRUE(platform.ok()) << platform.status().message();

  std::vector<sg4::Host*> hosts = platform->services;
  hosts.push_back(platform->tiers[0][0]);
  hosts.push_back(platform->storage[0]);
  hosts.push_back(platform->driver);
  std::vector<std::pair<sg4::Host*, sg4::Host*>> pairs;
  for (sg4::Host* from : hosts) {
    for (sg4::Host* to : hosts) pairs.emplace_back(from, to);
  }
  TransferTimeCache cache;
  std::vector<LoneTransfer> transfers = testing::Combine(pairs, {0, 512, 2048, 1e6, 1e8});
  testing::MeasureAll(engine, platform->driver, cache, transfers);

  // Split-duplex host links: the flow and its ACKs take different halves,
  // no 1.05 — except from a host to itself, whose route (its link up, then
  // down) is also the reverse route.
  for (const LoneTransfer& t : transfers) {
    if (t.bytes != 1e6) continue;
    const double cross = t.from == t.to ? 1.05 : 1.0;
    EXPECT_NEAR(t.analytic, 100e-6 * 13.01 + cross * 1e6 / (0.97 * 125e6), 1e-12) << testing::Describe(t);
  }
}

}  // namespace
}  // namespace tracesim::sim
