// Network sanity check of the platform the simulator builds: with the CM02
// network model (plain max-min, no correction factors) a lone transfer takes
// exactly its route's latency plus size / bandwidth (docs/network-model.md).
// One simulation per process: one test in this file.
#include <gtest/gtest.h>

#include <simgrid/s4u.hpp>
#include <vector>

#include "platform.h"
#include "tracesim/scenario/scenario.h"

namespace tracesim::sim {
namespace {
namespace sg4 = simgrid::s4u;

TEST(NetworkTransferTest, Cm02TransferTakesLatencyPlusSizeOverBandwidth) {
  int argc = 1;
  char name[] = "network_transfer_test";
  char* argv[] = {name, nullptr};
  sg4::Engine engine(&argc, argv);
  ASSERT_TRUE(ConfigureNetworkModel("CM02").ok());
  // SimGrid's cross-traffic (on by default in the simulator) adds the reverse
  // ACK flow at 5 % of the rate on the same shared links: a lone transfer then
  // takes latency + 1.05 * size / bandwidth. The textbook figure is without it.
  sg4::Engine::set_config("network/crosstraffic:0");

  scenario::Scenario sc;
  sc.services.resize(2);
  sc.services[0].name = "a";
  sc.services[1].name = "b";
  sc.platform.topology = scenario::Topology::kStar;
  sc.platform.host_link.bandwidth_bytes_per_s = 125e6;  // 1 Gbps
  sc.platform.host_link.latency_s = 50e-6;
  auto platform = BuildPlatform(sc);
  ASSERT_TRUE(platform.ok()) << platform.status().message();
  sg4::Host* a = platform->services[0];
  sg4::Host* b = platform->services[1];

  // Star: a transfer crosses the sender's link and the receiver's link.
  const double latency = 2 * 50e-6;
  const std::vector<double> sizes = {1, 1e3, 1e6, 1e8};
  std::vector<double> took;
  sg4::Actor::create("sender", a, [&] {
    for (double size : sizes) {
      const double start = sg4::Engine::get_clock();
      sg4::Comm::sendto(a, b, static_cast<uint64_t>(size));
      took.push_back(sg4::Engine::get_clock() - start);
    }
  });
  engine.run();

  ASSERT_EQ(took.size(), sizes.size());
  for (size_t i = 0; i < sizes.size(); ++i) {
    const double expected = latency + sizes[i] / 125e6;
    EXPECT_NEAR(took[i], expected, expected * 1e-9) << sizes[i] << " bytes";
  }
}

}  // namespace
}  // namespace tracesim::sim
