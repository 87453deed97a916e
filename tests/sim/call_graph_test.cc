#include "call_graph.h"

#include <gtest/gtest.h>

namespace tracesim::sim {
namespace {

scenario::Scenario ThreeTier() {
  scenario::Scenario sc;
  sc.services.resize(4);
  sc.services[0].name = "front";
  sc.services[0].calls = {{"cart", 1}, {"checkout", 2}};
  sc.services[1].name = "cart";
  sc.services[2].name = "checkout";
  sc.services[2].calls = {{"payment", 1}};
  sc.services[3].name = "payment";
  return sc;
}

TEST(ServiceCallGraphTest, KeepsCallOrderAndCountsSpans) {
  auto g = ServiceCallGraph::Build(ThreeTier());
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  ASSERT_EQ(g->CallsOf(0).size(), 2u);
  EXPECT_EQ(g->CallsOf(0)[0], (GraphCall{1, 1, false}));
  EXPECT_EQ(g->CallsOf(0)[1], (GraphCall{2, 2, false}));
  // front(1) + cart call (client+server = 2) + 2 x checkout call (2 + payment call 2 = 4) = 1 + 2 + 8
  EXPECT_EQ(g->SpansPerRequest(0), 11u);
  EXPECT_EQ(g->depth(0), 3);
  EXPECT_EQ(boost::num_vertices(g->graph()), 4u);
  EXPECT_EQ(boost::num_edges(g->graph()), 3u);
}

TEST(ServiceCallGraphTest, KeepsTheAsyncFlagOfACall) {
  auto sc = ThreeTier();
  sc.services[2].calls = {{"payment", 1, /*async=*/true}};
  auto g = ServiceCallGraph::Build(sc);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->CallsOf(2)[0], (GraphCall{3, 1, true}));
  EXPECT_FALSE(g->CallsOf(0)[0].async);
  // An async call still makes a producer and a consumer span.
  EXPECT_EQ(g->SpansPerRequest(0), 11u);
}

TEST(ServiceCallGraphTest, RejectsCyclesAndUnknownCallees) {
  auto sc = ThreeTier();
  sc.services[3].calls = {{"front", 1}};
  auto g = ServiceCallGraph::Build(sc);
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("cycle"), std::string::npos);

  sc = ThreeTier();
  sc.services[1].calls = {{"nowhere", 1}};
  g = ServiceCallGraph::Build(sc);
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("nowhere"), std::string::npos);
}

}  // namespace
}  // namespace tracesim::sim
