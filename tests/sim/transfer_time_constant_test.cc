// UncontendedTransferTime / TransferTimeCache against SimGrid with the
// Constant network model: every transfer takes network/latency-factor
// seconds, whatever its route and size. SimGrid 3.32's Constant model
// refuses to create links (xbt_die), so the platform has hosts only.
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

TEST(TransferTimeConstantTest, EveryTransferTakesTheLatencyFactor) {
  int argc = 1;
  char name[] = "transfer_time_constant_test";
  char* argv[] = {name, nullptr};
  sg4::Engine engine(&argc, argv);
  ASSERT_TRUE(ConfigureNetworkModel("constant").ok());
  // SimGrid 3.32 keeps LV08's 13.01 there unless told otherwise.
  EXPECT_DOUBLE_EQ(simgrid::config::get_value<double>("network/latency-factor"), 13.01);
  sg4::Engine::set_config("network/latency-factor:0.25");

  sg4::NetZone* zone = sg4::create_star_zone("root");
  sg4::Host* a = zone->create_host("a", 1e9)->seal();
  sg4::Host* b = zone->create_host("b", 1e9)->seal();
  zone->seal();

  ASSERT_EQ(simgrid::config::get_value<std::string>("network/model"), "Constant");
  TransferTimeCache cache;
  std::vector<LoneTransfer> transfers = testing::Combine({{a, b}, {b, a}, {a, a}}, {0, 1, 1e6, 1e9});
  testing::MeasureAll(engine, a, cache, transfers);
  for (const LoneTransfer& t : transfers) EXPECT_EQ(t.analytic, 0.25) << testing::Describe(t);
  EXPECT_EQ(cache.cached_pairs(), 0u);  // the Constant model needs no route
}

}  // namespace
}  // namespace tracesim::sim
