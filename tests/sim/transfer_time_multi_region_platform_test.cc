// UncontendedTransferTime / TransferTimeCache on the platform the simulator
// builds (BuildPlatform, topology multi_region) with its default network
// model LV08 and SimGrid's defaults (crosstraffic on, TCP-gamma 4194304):
// shared host links, a split-duplex 40 ms WAN between the regions (where the
// TCP window binds), a host to itself (SimGrid's loopback in a full zone),
// several sizes, each transfer alone.
// One simulation per process: one test in this file.
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

TEST(TransferTimeMultiRegionPlatformTest, Lv08LoneTransfersMatchSimGrid) {
  int argc = 1;
  char name[] = "transfer_time_multi_region_platform_test";
  char* argv[] = {name, nullptr};
  sg4::Engine engine(&argc, argv);
  ASSERT_TRUE(ConfigureNetworkModel("LV08").ok());

  scenario::Scenario sc;
  sc.services.resize(3);
  sc.services[0].name = "front";
  sc.services[1].name = "back";
  sc.services[2].name = "far";
  sc.collector_tiers[0].count = 2;
  sc.storage.nodes = 1;
  sc.platform.topology = scenario::Topology::kMultiRegion;
  sc.platform.host_link = {125e6, 50e-6, scenario::LinkSpec::Sharing::kShared, {}, {}};  // 1 Gbps, 50 us
  sc.platform.wan = {1.25e9, 40e-3, scenario::LinkSpec::Sharing::kSplitDuplex, {}, {}};  // 10 Gbps, 40 ms
  sc.platform.regions = {{"us", {"far", "collector-1"}}, {"eu", {"front", "back", "collector-0", "storage"}}};
  auto platform = BuildPlatform(sc);
  ASSERT_TRUE(platform.ok()) << platform.status().message();

  sg4::Host* front = platform->services[0];
  sg4::Host* back = platform->services[1];
  sg4::Host* far = platform->services[2];
  sg4::Host* c0 = platform->tiers[0][0];
  sg4::Host* c1 = platform->tiers[0][1];
  sg4::Host* storage = platform->storage[0];
  sg4::Host* driver = platform->driver;
  TransferTimeCache cache;
  std::vector<LoneTransfer> transfers = testing::Combine({{front, back},
                                                          {back, front},
                                                          {front, far},
                                                          {far, front},
                                                          {c1, storage},
                                                          {storage, c1},
                                                          {c0, c1},
                                                          {driver, front},
                                                          {far, c1},
                                                          {front, front},
                                                          {far, far}},
                                                         {0, 512, 2048, 1e6, 1e8});
  testing::MeasureAll(engine, driver, cache, transfers);

  auto find = [&](sg4::Host* from, sg4::Host* to, double bytes) {
    return testing::AnalyticOf(transfers, from, to, bytes);
  };
  const auto close = testing::ExpectClose;
  // Inside a region: both shared host links carry 1.05 of the flow.
  close(find(front, back, 1e6), 100e-6 * 13.01 + 1.05 * 1e6 / (0.97 * 125e6));
  // Across the WAN: the TCP window over the unfactored 40.1 ms binds (~52 MB/s).
  close(find(front, far, 1e8), 40.1e-3 * 13.01 + 1e8 / (0.97 * 4194304 / (2 * 40.1e-3)));
  // To itself: SimGrid's loopback (FATPIPE, network/loopback-bw 10 GB/s, no latency).
  close(find(front, front, 1e8), 1e8 / (0.97 * 10e9));
}

}  // namespace
}  // namespace tracesim::sim
