// End-to-end: lossy links (issue 5). UDP exports lose datagrams to packet
// loss (network_lost, about the path's loss rate); TCP exports lose nothing
// but slow down (Mathis); a loss burst shows on the timeline.
#include <gtest/gtest.h>

#include "cli_support.h"

namespace tracesim::e2e {
namespace {

TEST(LossyEdgeTest, UdpLosesDatagramsTcpLosesNothing) {
  const std::string out = OutDir("lossy-edge");
  auto r = RunTracesim("run " + Quote(ScenarioPath("lossy-edge.yaml")) + " --quiet --out " + Quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto udp = ReadResults(out + "/udp");
  const auto tcp = ReadResults(out + "/tcp");
  ExpectConserved(udp);
  ExpectConserved(tcp);
  // An SDK -> collector datagram crosses two host links losing 5 % each:
  // 1 - 0.95^2 = 9.75 % of datagrams, so about that share of the exported spans.
  const double generated = udp.at("spans").at("generated").get<double>();
  const double lost = udp.at("spans").at("dropped").at("network_lost").get<double>();
  EXPECT_GT(lost / generated, 0.06);
  EXPECT_LT(lost / generated, 0.14);
  EXPECT_EQ(tcp.at("spans").at("dropped").at("network_lost").get<uint64_t>(), 0u);
  EXPECT_EQ(tcp.at("spans").at("stored").get<uint64_t>() + tcp.at("spans").at("in_flight").get<uint64_t>(),
            tcp.at("spans").at("generated").get<uint64_t>());
}

TEST(LossyEdgeTest, LossBurstOnOneLink) {
  const std::string out = OutDir("loss-burst");
  auto r = RunTracesim("run " + Quote(ScenarioPath("lossy-edge.yaml")) + " --quiet --out " + Quote(out) +
                       " --set platform.host_link.loss.p=0 --set 'variants=[]'"
                       " --set 'failures=[{type: loss_burst, target: web-link, at: 10s, duration: 20s, "
                       "loss: {model: bernoulli, p: 0.5}}]'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = ReadResults(out);
  ExpectConserved(j);
  ASSERT_EQ(j.at("timeline").size(), 1u);
  EXPECT_EQ(j.at("timeline")[0].at("type"), "loss_burst");
  EXPECT_EQ(j.at("timeline")[0].at("target"), "web-link");
  EXPECT_DOUBLE_EQ(j.at("timeline")[0].at("end_s").get<double>(), 30.0);
  // Only web's datagrams, only during the burst: about half of 20 s of web's spans.
  EXPECT_GT(j.at("spans").at("dropped").at("network_lost").get<uint64_t>(), 500u);
  EXPECT_LT(j.at("spans").at("dropped").at("network_lost").get<double>(),
            0.3 * j.at("spans").at("generated").get<double>());
}

}  // namespace
}  // namespace tracesim::e2e
