// UncontendedTransferTime / TransferTimeCache against SimGrid with the CM02
// network model (no correction factors), with crosstraffic off and a small
// TCP window (network/TCP-gamma 1 MiB) so that the window binds on the LAN
// too: the function follows the engine's config, not SimGrid's defaults.
// One simulation per process: one test in this file.
#include <gtest/gtest.h>

#include <simgrid/s4u.hpp>
#include <vector>
#include <xbt/config.hpp>

#include "platform.h"
#include "transfer_time.h"
#include "transfer_time_check.h"

namespace tracesim::sim {
namespace {
namespace sg4 = simgrid::s4u;
using testing::LoneTransfer;

TEST(TransferTimeCm02Test, LoneTransfersMatchSimGrid) {
  int argc = 1;
  char name[] = "transfer_time_cm02_test";
  char* argv[] = {name, nullptr};
  sg4::Engine engine(&argc, argv);
  ASSERT_TRUE(ConfigureNetworkModel("CM02").ok());
  sg4::Engine::set_config("network/crosstraffic:0");
  sg4::Engine::set_config("network/TCP-gamma:1048576");

  sg4::NetZone* zone = sg4::create_star_zone("root");
  auto host = [&](const std::string& n) { return zone->create_host(n, 1e9)->seal(); };
  auto attach = [&](sg4::Host* h, sg4::Link* link) {
    zone->add_route(h->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute(link)}, true);
  };
  sg4::Host* a = host("a");
  sg4::Host* b = host("b");
  sg4::Host* fat = host("fat");
  sg4::Host* far = host("far");
  sg4::Host* sd = host("sd");
  attach(a, zone->create_link("a-link", 125e6)->set_latency(50e-6)->seal());
  attach(b, zone->create_link("b-link", 125e6)->set_latency(50e-6)->seal());
  attach(fat, zone->create_link("fat-link", 12.5e6)
                  ->set_latency(500e-6)
                  ->set_sharing_policy(sg4::Link::SharingPolicy::FATPIPE)
                  ->seal());
  attach(far, zone->create_link("far-link", 1.25e9)->set_latency(25e-3)->seal());
  sg4::SplitDuplexLink* sd_link = zone->create_split_duplex_link("sd-link", 1.25e9);
  sd_link->set_latency(2e-3)->seal();
  zone->add_route(sd->get_netpoint(), nullptr, nullptr, nullptr,
                  {sg4::LinkInRoute(sd_link, sg4::LinkInRoute::Direction::UP)}, true);
  zone->seal();

  ASSERT_EQ(simgrid::config::get_value<std::string>("network/model"), "CM02");
  TransferTimeCache cache;
  std::vector<LoneTransfer> transfers =
      testing::Combine({{a, b}, {b, a}, {a, a}, {a, fat}, {fat, a}, {a, far}, {far, sd}, {sd, sd}, {sd, b}},
                       {0, 1, 1e3, 1e6, 1e8});
  testing::MeasureAll(engine, a, cache, transfers);

  auto find = [&](sg4::Host* from, sg4::Host* to, double bytes) {
    return testing::AnalyticOf(transfers, from, to, bytes);
  };
  const auto close = testing::ExpectClose;
  // No crosstraffic: the textbook latency + size / bandwidth on a LAN...
  close(find(a, b, 1e6), 100e-6 + 1e6 / 125e6);
  // ... until the window binds: 1 MiB / (2 * 25.05 ms) ~ 20.9 MB/s < 125 MB/s.
  close(find(a, far, 1e8), 25.05e-3 + 1e8 / (1048576 / (2 * 25.05e-3)));
  close(find(fat, a, 1e6), 550e-6 + 1e6 / 12.5e6);
  // Split-duplex to itself: up and down halves, both latencies.
  close(find(sd, sd, 1e8), 4e-3 + 1e8 / (1048576 / (2 * 4e-3)));
}

}  // namespace
}  // namespace tracesim::sim
