// The multi_region topology with the CM02 network model (plain max-min, no
// correction factors): a lone transfer takes exactly its route's latency
// plus size / its narrowest link's bandwidth. Inside a region the route is
// the two host links; between regions it also crosses the pair's WAN link.
// One simulation per process: one test in this file (the fat tree is in
// platform_fat_tree_test.cc).
#include <gtest/gtest.h>

#include <algorithm>
#include <simgrid/s4u.hpp>
#include <string>
#include <vector>

#include "platform.h"
#include "tracesim/scenario/scenario.h"

namespace tracesim::sim {
namespace {
namespace sg4 = simgrid::s4u;

TEST(PlatformTopologyTest, MultiRegionRoutesCrossTheWanBetweenRegionsOnly) {
  int argc = 1;
  char name[] = "platform_topology_test";
  char* argv[] = {name, nullptr};
  sg4::Engine engine(&argc, argv);
  ASSERT_TRUE(ConfigureNetworkModel("CM02").ok());
  // No reverse ACK flow: the textbook figure (see network_transfer_test.cc).
  sg4::Engine::set_config("network/crosstraffic:0");

  scenario::Scenario sc;
  sc.services.resize(3);
  sc.services[0].name = "front";
  sc.services[1].name = "back";
  sc.services[2].name = "far";
  sc.collector_tiers[0].count = 2;
  sc.storage.nodes = 1;
  sc.platform.topology = scenario::Topology::kMultiRegion;
  sc.platform.host_link = {125e6, 50e-6, scenario::LinkSpec::Sharing::kShared};  // 1 Gbps, 50 us
  sc.platform.wan = {12.5e6, 40e-3, scenario::LinkSpec::Sharing::kShared};       // 100 Mbps, 40 ms
  // Listed out of name order: the WAN link is still named wan-<first>-<second>.
  sc.platform.regions = {{"us", {"far", "collector-1"}}, {"eu", {"front", "back", "collector-0", "storage"}}};
  auto platform = BuildPlatform(sc);
  ASSERT_TRUE(platform.ok()) << platform.status().message();

  // Regions: scenario order; the driver is in the first region.
  EXPECT_EQ(platform->regions, (std::vector<std::string>{"us", "eu"}));
  EXPECT_EQ(platform->RegionOf("far"), 0);
  EXPECT_EQ(platform->RegionOf("collector-1"), 0);
  EXPECT_EQ(platform->RegionOf("driver"), 0);
  EXPECT_EQ(platform->RegionOf("front"), 1);
  EXPECT_EQ(platform->RegionOf("collector-0"), 1);
  EXPECT_EQ(platform->RegionOf("storage-0"), 1);
  EXPECT_EQ(platform->RegionOf("nope"), -1);

  // Link names: <host>-link per host, wan-<a>-<b> per pair of regions (sorted).
  std::vector<std::string> links;
  for (const sg4::Link* l : engine.get_all_links()) {
    if (l->get_name() != "__loopback__") links.push_back(l->get_name());  // SimGrid's own
  }
  std::sort(links.begin(), links.end());
  EXPECT_EQ(links,
            (std::vector<std::string>{"back-link", "collector-0-link", "collector-1-link", "driver-link",
                                      "far-link", "front-link", "storage-0-link", "wan-eu-us"}));
  // Routes name their links: front -> far crosses front-link, wan-eu-us, far-link.
  std::vector<sg4::Link*> route;
  double route_latency = 0;
  platform->services[0]->route_to(platform->services[2], route, &route_latency);
  std::vector<std::string> route_names;
  for (const sg4::Link* l : route) route_names.push_back(l->get_name());
  EXPECT_EQ(route_names, (std::vector<std::string>{"front-link", "wan-eu-us", "far-link"}));
  EXPECT_NEAR(route_latency, 2 * 50e-6 + 40e-3, 1e-12);

  sg4::Host* front = platform->services[0];
  sg4::Host* back = platform->services[1];
  sg4::Host* far = platform->services[2];
  const std::vector<double> sizes = {1, 1e3, 1e6};
  std::vector<double> intra;
  std::vector<double> cross;
  std::vector<double> cross_back;
  sg4::Actor::create("sender", front, [&] {
    for (double size : sizes) {
      double start = sg4::Engine::get_clock();
      sg4::Comm::sendto(front, back, static_cast<uint64_t>(size));
      intra.push_back(sg4::Engine::get_clock() - start);
      start = sg4::Engine::get_clock();
      sg4::Comm::sendto(front, far, static_cast<uint64_t>(size));
      cross.push_back(sg4::Engine::get_clock() - start);
      start = sg4::Engine::get_clock();
      sg4::Comm::sendto(far, front, static_cast<uint64_t>(size));
      cross_back.push_back(sg4::Engine::get_clock() - start);
    }
  });
  engine.run();

  ASSERT_EQ(intra.size(), sizes.size());
  ASSERT_EQ(cross.size(), sizes.size());
  ASSERT_EQ(cross_back.size(), sizes.size());
  for (size_t i = 0; i < sizes.size(); ++i) {
    const double expected_intra = 2 * 50e-6 + sizes[i] / 125e6;
    const double expected_cross = 2 * 50e-6 + 40e-3 + sizes[i] / 12.5e6;  // the WAN is the narrowest link
    EXPECT_NEAR(intra[i], expected_intra, expected_intra * 1e-9) << sizes[i] << " bytes";
    EXPECT_NEAR(cross[i], expected_cross, expected_cross * 1e-9) << sizes[i] << " bytes";
    EXPECT_NEAR(cross_back[i], expected_cross, expected_cross * 1e-9) << sizes[i] << " bytes";
  }
}

}  // namespace
}  // namespace tracesim::sim
