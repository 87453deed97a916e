// UncontendedTransferTime / TransferTimeCache against SimGrid itself, with
// the default LV08 network model (latency x13.01, bandwidth x0.97,
// crosstraffic on, TCP-gamma 4194304): a star zone with shared,
// split-duplex, fatpipe, asymmetric, zero-latency and loopback links, and a
// 50 ms WAN-like route on which the TCP window binds. Every transfer runs
// alone. One simulation per process: one test in this file (CM02 and
// Constant are transfer_time_cm02_test.cc and transfer_time_constant_test.cc).
#include "transfer_time.h"

#include <gtest/gtest.h>

#include <simgrid/s4u.hpp>
#include <utility>
#include <vector>
#include <xbt/config.hpp>

#include "transfer_time_check.h"

namespace tracesim::sim {
namespace {
namespace sg4 = simgrid::s4u;
using testing::LoneTransfer;

TEST(TransferTimeTest, Lv08LoneTransfersMatchSimGrid) {
  int argc = 1;
  char name[] = "transfer_time_test";
  char* argv[] = {name, nullptr};
  sg4::Engine engine(&argc, argv);

  sg4::NetZone* zone = sg4::create_star_zone("root");
  auto host = [&](const std::string& n) { return zone->create_host(n, 1e9)->seal(); };
  auto shared = [&](const std::string& n, double bw, double lat) {
    return sg4::LinkInRoute(zone->create_link(n, bw)->set_latency(lat)->seal());
  };
  auto attach = [&](sg4::Host* h, const sg4::LinkInRoute& link) {
    zone->add_route(h->get_netpoint(), nullptr, nullptr, nullptr, {link}, true);
  };
  sg4::Host* lan0 = host("lan0");
  sg4::Host* lan1 = host("lan1");
  sg4::Host* sd0 = host("sd0");
  sg4::Host* fat0 = host("fat0");
  sg4::Host* wan0 = host("wan0");
  sg4::Host* wan1 = host("wan1");
  sg4::Host* asym = host("asym");
  sg4::Host* zero = host("zero");
  sg4::Host* loop = host("loop");
  attach(lan0, shared("lan0-link", 125e6, 50e-6));  // 1 Gbps, 50 us
  sg4::Link* lan1_link = zone->create_link("lan1-link", 125e6)->set_latency(50e-6)->seal();
  attach(lan1, sg4::LinkInRoute(lan1_link));
  sg4::SplitDuplexLink* sd = zone->create_split_duplex_link("sd0-link", 1.25e9);  // 10 Gbps
  sd->set_latency(10e-6)->seal();
  attach(sd0, sg4::LinkInRoute(sd, sg4::LinkInRoute::Direction::UP));
  attach(fat0, sg4::LinkInRoute(zone->create_link("fat0-link", 12.5e6)  // 100 Mbps, the narrowest
                                    ->set_latency(1e-3)
                                    ->set_sharing_policy(sg4::Link::SharingPolicy::FATPIPE)
                                    ->seal()));
  // wan0 <-> wan1: 50 ms, where TCP-gamma / (2 * 50 ms) ~ 42 MB/s < 1.25 GB/s binds.
  attach(wan0, shared("wan0-link", 1.25e9, 25e-3));
  sg4::SplitDuplexLink* wan1_link = zone->create_split_duplex_link("wan1-link", 1.25e9);
  wan1_link->set_latency(25e-3)->seal();
  attach(wan1, sg4::LinkInRoute(wan1_link, sg4::LinkInRoute::Direction::UP));
  // asym: a fast uplink, a slow downlink. Sending from asym, only the ACK
  // flow (5 %) crosses the downlink, and 1 MB/s / 0.05 = 20 MB/s still binds.
  zone->add_route(asym->get_netpoint(), nullptr, nullptr, nullptr, {shared("asym-up", 1.25e9, 100e-6)},
                  false);
  zone->add_route(nullptr, asym->get_netpoint(), nullptr, nullptr, {shared("asym-down", 1e6, 200e-6)}, false);
  // zero: no latency at all (no latency phase, no TCP window bound).
  attach(zero, shared("zero-link", 50e6, 0));
  // loop: an explicit loopback (FATPIPE, no latency) for its transfers to itself.
  attach(loop, shared("loop-link", 125e6, 20e-6));
  zone->add_route(loop->get_netpoint(), loop->get_netpoint(), nullptr, nullptr,
                  {sg4::LinkInRoute(zone->create_link("loop-loopback", 2.5e9)
                                        ->set_latency(0)
                                        ->set_sharing_policy(sg4::Link::SharingPolicy::FATPIPE)
                                        ->seal())},
                  false);
  zone->seal();

  ASSERT_EQ(simgrid::config::get_value<std::string>("network/model"), "LV08");
  TransferTimeCache cache;
  const std::vector<double> sizes = {0, 1, 1e3, 1e6, 1e8};
  std::vector<LoneTransfer> transfers = testing::Combine(
      {{lan0, lan1}, {lan1, lan0}, {lan0, sd0},  {sd0, lan0},  {lan0, fat0}, {fat0, sd0},  {sd0, fat0},
       {wan0, wan1}, {wan1, wan0}, {wan0, lan0}, {wan1, sd0},  {lan0, lan0}, {sd0, sd0},   {fat0, fat0},
       {wan1, wan1}, {asym, lan0}, {lan0, asym}, {zero, zero}, {zero, lan1}, {loop, loop}, {loop, lan0}},
      sizes);
  // Faults change a link between transfers: the cache reads the current
  // bandwidth and latency (its route is cached from before).
  std::vector<LoneTransfer> after_change = testing::Combine({{lan0, lan1}, {lan1, zero}}, {1, 1e6, 1e8});

  sg4::Actor::create("sender", lan0, [&] {
    for (LoneTransfer& t : transfers) testing::Measure(cache, t);
    lan1_link->set_bandwidth(40e6)->set_latency(2e-3);
    for (LoneTransfer& t : after_change) testing::Measure(cache, t);
  });
  engine.run();

  testing::ExpectAgree(transfers);
  testing::ExpectAgree(after_change);
  EXPECT_EQ(cache.cached_pairs(), 22u);

  // Known values, independent of SimGrid: the formula as written down (to
  // rounding: the terms are not computed in the same order).
  const auto close = testing::ExpectClose;
  const auto find = testing::AnalyticOf;
  // Shared links both ways: 1.05 of the flow on each.
  close(find(transfers, lan0, lan1, 1e6), 100e-6 * 13.01 + 1.05 * 1e6 / (0.97 * 125e6));
  // The TCP window over the unfactored 50 ms, times the bandwidth factor.
  close(find(transfers, wan0, wan1, 1e8), 50e-3 * 13.01 + 1e8 / (0.97 * 4194304 / (2 * 50e-3)));
  // Split-duplex and fatpipe: the 100 Mbps fatpipe alone, no 1.05.
  close(find(transfers, sd0, fat0, 1e6), 1.01e-3 * 13.01 + 1e6 / (0.97 * 12.5e6));
  // The ACK flow on asym's slow downlink binds.
  close(find(transfers, asym, lan0, 1e6), 150e-6 * 13.01 + 1e6 / (0.97 * 1e6 / 0.05));
  // No latency: no TCP window bound.
  close(find(transfers, zero, zero, 1e8), 1.05 * 1e8 / (0.97 * 50e6));
  EXPECT_EQ(find(transfers, zero, zero, 0), 0.0);
  close(find(transfers, loop, loop, 1e8), 1e8 / (0.97 * 2.5e9));
  close(find(transfers, lan0, lan1, 0), 100e-6 * 13.01);
  close(find(after_change, lan0, lan1, 1e6), 2.05e-3 * 13.01 + 1.05 * 1e6 / (0.97 * 40e6));
}

}  // namespace
}  // namespace tracesim::sim
