// End-to-end: scenarios whose services are generated (services: {generate:
// ...}, docs/generated-services.md), run through the `tracesim` executable.
#include <gtest/gtest.h>

#include "cli_support.h"

namespace tracesim::e2e {
namespace {

// 100 generated services, always_on: every span accounted for, and spans of
// (nearly) every service reach storage.
TEST(GeneratedServicesTest, HundredServicesConserveAndCoverTheServices) {
  const std::string out = OutDir("generated-100");
  auto r = RunTracesim("run " + Quote(ScenarioPath("generated-100.yaml")) + " --no-baseline --quiet --out " +
                       Quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = ReadResults(out);
  ExpectConserved(j);
  const auto& spans = j.at("spans");
  // ~50 requests/s for 20 s, each visiting every one of the 100 services
  // (215 spans per request for this graph).
  EXPECT_GT(spans.at("generated").get<uint64_t>(), 150000u);
  EXPECT_EQ(spans.at("sampled_out").get<uint64_t>(), 0u);  // always_on
  EXPECT_GT(spans.at("stored").get<uint64_t>(), 0u);
  const auto& sampling = j.at("sampling");
  EXPECT_EQ(sampling.at("services").get<uint64_t>(), 100u);
  EXPECT_GE(sampling.at("services_covered").get<uint64_t>(), 90u);
  EXPECT_GT(j.at("traces").at("sampled").get<uint64_t>(), 800u);
}

// The same run seed gives the same results; another run seed changes the run
// but not the generated graph (it has its own seed): still 100 services.
TEST(GeneratedServicesTest, RunSeedChangesTheRunNotTheGraph) {
  std::string texts[2];
  for (int i = 0; i < 2; ++i) {
    const std::string out = OutDir("generated-100-det-" + std::to_string(i));
    auto r = RunTracesim("run " + Quote(ScenarioPath("generated-100.yaml")) +
                         " --no-baseline --quiet --set duration=3s --out " + Quote(out));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto j = ReadResults(out);
    ExpectConserved(j);
    j.erase("run");  // wall-clock fields
    texts[i] = j.dump(2);
  }
  EXPECT_EQ(texts[0], texts[1]);
  const std::string out = OutDir("generated-100-det-other");
  auto r = RunTracesim("run " + Quote(ScenarioPath("generated-100.yaml")) +
                       " --no-baseline --quiet --set duration=3s --seed 5 --out " + Quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto j = ReadResults(out);
  ExpectConserved(j);
  EXPECT_EQ(j.at("sampling").at("services").get<uint64_t>(), 100u);
  j.erase("run");
  EXPECT_NE(j.dump(2), texts[0]);
}

TEST(GeneratedServicesTest, ThousandServicesValidate) {
  auto r = RunTracesim("validate " + Quote(ScenarioPath("generated-1000.yaml")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("1000 services"), std::string::npos) << r.output;
  // The generator's keys can be overridden from the command line.
  r = RunTracesim("validate " + Quote(ScenarioPath("generated-1000.yaml")) +
                  " --set services.generate.services=2000");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("2000 services"), std::string::npos) << r.output;
}

TEST(GeneratedServicesTest, BadGeneratorKeyIsAPositionedError) {
  const std::string path = WriteTempFile("generated-bad.yaml",
                                         "name: bad\n"
                                         "services:\n"
                                         "  generate:\n"
                                         "    services: 10\n"
                                         "    depth: 0\n"
                                         "workload: {entry: svc-0}\n");
  const std::string out = OutDir("generated-bad");
  for (const std::string cmd : {"validate " + Quote(path), "run " + Quote(path) + " --out " + Quote(out)}) {
    auto r = RunTracesim(cmd);
    EXPECT_NE(r.exit_code, 0) << cmd;
    EXPECT_NE(
        r.output.find("generated-bad.yaml:5:12: services.generate.depth: expected an integer >= 1, got 0"),
        std::string::npos)
        << r.output;
    EXPECT_FALSE(std::filesystem::exists(out + "/results.json"));
  }
}

}  // namespace
}  // namespace tracesim::e2e
