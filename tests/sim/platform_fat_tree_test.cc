// The fat_tree topology: SimGrid's fat-tree cluster with the hosts on its
// leaves in order (services, collector hosts, storage nodes, driver). With
// CM02 a lone transfer between two leaves takes (tree links crossed) x
// latency + size / bandwidth: 2 tree links under the same switch, 4 across
// the top (each host's own <host>-link adds no latency).
// One simulation per process: one test in this file.
#include <gtest/gtest.h>

#include <simgrid/s4u.hpp>
#include <string>
#include <vector>

#include "platform.h"
#include "tracesim/scenario/scenario.h"

namespace tracesim::sim {
namespace {
namespace sg4 = simgrid::s4u;

TEST(PlatformFatTreeTest, HostsOnLeavesAndTransfersCrossTheTree) {
  int argc = 1;
  char name[] = "platform_fat_tree_test";
  char* argv[] = {name, nullptr};
  sg4::Engine engine(&argc, argv);
  ASSERT_TRUE(ConfigureNetworkModel("CM02").ok());
  sg4::Engine::set_config("network/crosstraffic:0");

  scenario::Scenario sc;
  sc.services.resize(2);
  sc.services[0].name = "a";
  sc.services[0].host_speed_flops = 3e9;
  sc.services[1].name = "b";
  sc.collector_tiers[0].count = 1;
  sc.storage.nodes = 1;
  sc.platform.topology = scenario::Topology::kFatTree;
  // 2 leaves per level-1 switch, 4 level-1 switches under 2 top switches: 8 leaves for 5 hosts.
  sc.platform.fat_tree = {2, {2, 4}, {1, 2}, {1, 1}};
  sc.platform.host_link = {125e6, 100e-6, scenario::LinkSpec::Sharing::kShared};
  auto platform = BuildPlatform(sc);
  ASSERT_TRUE(platform.ok()) << platform.status().message();

  ASSERT_EQ(platform->services.size(), 2u);
  ASSERT_EQ(platform->tiers.size(), 1u);
  ASSERT_EQ(platform->tiers[0].size(), 1u);
  ASSERT_EQ(platform->storage.size(), 1u);
  ASSERT_NE(platform->driver, nullptr);
  EXPECT_EQ(platform->services[0]->get_name(), "a");
  EXPECT_DOUBLE_EQ(platform->services[0]->get_speed(), 3e9);
  EXPECT_EQ(platform->tiers[0][0]->get_name(), "collector-0");
  EXPECT_EQ(platform->storage[0]->get_name(), "storage-0");
  EXPECT_EQ(platform->driver->get_name(), "driver");
  EXPECT_EQ(engine.get_host_count(), 5u);
  // Storage nodes keep their disk in every topology.
  ASSERT_EQ(platform->storage[0]->get_disks().size(), 1u);
  EXPECT_EQ(platform->storage[0]->get_disks()[0]->get_name(), "disk");
  EXPECT_EQ(platform->RegionOf("a"), -1);  // no regions in a fat tree

  sg4::Host* a = platform->services[0];
  sg4::Host* b = platform->services[1];  // leaf 1: same level-1 switch as a
  sg4::Host* c = platform->tiers[0][0];  // leaf 2: the next switch
  std::vector<sg4::Link*> near_route;
  std::vector<sg4::Link*> far_route;
  double near_latency = 0;
  double far_latency = 0;
  a->route_to(b, near_route, &near_latency);
  a->route_to(c, far_route, &far_latency);
  // Each route starts with the sender's <host>-link (its leaf's limiter) and
  // ends with the receiver's, around 2 (same switch) or 4 tree links
  // (link_from_<child>_<parent>_<i>, named by SimGrid).
  // SimGrid also puts every switch's limiter (_switch-<level>-<i>-limiter,
  // a fatpipe that never binds) on the way down.
  std::vector<std::string> near_names;
  std::vector<std::string> far_names;
  for (const sg4::Link* l : near_route) near_names.push_back(l->get_name());
  for (const sg4::Link* l : far_route) far_names.push_back(l->get_name());
  EXPECT_EQ(near_names, (std::vector<std::string>{"a-link", "link_from_0_15_0", "link_from_1_15_1",
                                                  "_switch-1-0-limiter", "b-link"}));
  ASSERT_EQ(far_route.size(), 9u);
  EXPECT_EQ(near_route.front()->get_name(), "a-link");
  EXPECT_EQ(near_route.back()->get_name(), "b-link");
  EXPECT_EQ(far_route.front()->get_name(), "a-link");
  EXPECT_EQ(far_route.back()->get_name(), "collector-0-link");
  EXPECT_DOUBLE_EQ(far_route.front()->get_bandwidth(), 125e6);
  EXPECT_DOUBLE_EQ(far_route.front()->get_latency(), 0);
  EXPECT_NEAR(near_latency, 2 * 100e-6, 1e-12);
  EXPECT_NEAR(far_latency, 4 * 100e-6, 1e-12);

  const double size = 1e6;
  double near_took = -1;
  double far_took = -1;
  sg4::Actor::create("sender", a, [&] {
    double start = sg4::Engine::get_clock();
    sg4::Comm::sendto(a, b, static_cast<uint64_t>(size));
    near_took = sg4::Engine::get_clock() - start;
    start = sg4::Engine::get_clock();
    sg4::Comm::sendto(a, c, static_cast<uint64_t>(size));
    far_took = sg4::Engine::get_clock() - start;
  });
  engine.run();

  const double expected_near = 2 * 100e-6 + size / 125e6;
  const double expected_far = 4 * 100e-6 + size / 125e6;
  EXPECT_NEAR(near_took, expected_near, expected_near * 1e-9);
  EXPECT_NEAR(far_took, expected_far, expected_far * 1e-9);
}

}  // namespace
}  // namespace tracesim::sim
