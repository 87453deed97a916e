// calls[].async and services.generate.async.
#include <gtest/gtest.h>

#include "scenario_test_support.h"

namespace tracesim::scenario {
namespace {
using testing::ErrorOf;
using testing::MustLoad;

constexpr const char* kTwo =
    "name: t\n"
    "services:\n"
    "  - name: api\n"
    "    calls: [{service: queue, async: true}, db, {service: db, count: 2}]\n"
    "  - name: queue\n"
    "  - name: db\n"
    "workload: {entry: api}\n";

TEST(AsyncCallsTest, ReadsTheFlagAndDefaultsToSynchronous) {
  const Scenario s = MustLoad(kTwo);
  ASSERT_EQ(s.services[0].calls.size(), 3u);
  EXPECT_TRUE(s.services[0].calls[0].async);
  EXPECT_FALSE(s.services[0].calls[1].async);
  EXPECT_FALSE(s.services[0].calls[2].async);
  EXPECT_EQ(s.services[0].calls[2].count, 2);
}

TEST(AsyncCallsTest, ANonBooleanIsAnErrorWithItsLine) {
  std::string yaml = kTwo;
  yaml.replace(yaml.find("async: true"), 11, "async: maybe");
  const std::string error = ErrorOf(yaml);
  EXPECT_NE(error.find("t.yaml:4:"), std::string::npos) << error;
  EXPECT_NE(error.find("services[0].calls[0].async"), std::string::npos) << error;
}

std::string Generated(const std::string& async) {
  return "name: t\nservices: {generate: {services: 200, depth: 4, fan_out: 3, seed: 3" + async +
         "}}\nworkload: {entry: svc-0}\n";
}

TEST(AsyncCallsTest, GeneratedEdgesAreAsyncWithTheGivenProbabilityAndTheSameGraph) {
  const Scenario sync = MustLoad(Generated(""));
  const Scenario mixed = MustLoad(Generated(", async: 0.3"));
  ASSERT_EQ(sync.services.size(), mixed.services.size());
  size_t edges = 0, async = 0;
  for (size_t i = 0; i < sync.services.size(); ++i) {
    ASSERT_EQ(sync.services[i].calls.size(), mixed.services[i].calls.size());
    for (size_t j = 0; j < sync.services[i].calls.size(); ++j) {
      EXPECT_EQ(sync.services[i].calls[j].service, mixed.services[i].calls[j].service);  // the same graph
      EXPECT_FALSE(sync.services[i].calls[j].async);
      ++edges;
      if (mixed.services[i].calls[j].async) ++async;
    }
  }
  ASSERT_GT(edges, 150u);
  const double fraction = static_cast<double>(async) / static_cast<double>(edges);
  EXPECT_GT(fraction, 0.18);
  EXPECT_LT(fraction, 0.42);
  const std::string error = ErrorOf(Generated(", async: 1.5"));
  EXPECT_NE(error.find("services.generate.async"), std::string::npos) << error;
}

}  // namespace
}  // namespace tracesim::scenario
