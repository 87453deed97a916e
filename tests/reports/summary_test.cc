#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "sample_results.h"
#include "tracesim/reports/writers.h"

namespace tracesim::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::SampleResults;

TEST(FormatSummaryTest, SampleRunShowsTheFigures) {
  const Results r = SampleResults();
  const std::string s = FormatSummary(r);
  EXPECT_EQ(s.rfind("scenario collector-crash (seed 42)   simulated 60.0 s   tracing: "
                    "ParentBased{root:TraceIdRatioBased{0.25}}\n",
                    0),
            0u)
      << s;
  EXPECT_THAT(s, HasSubstr("\nspans      generated 240000   sampled_out 180000   stored " +
                           std::to_string(r.spans.stored) + "   in_flight " +
                           std::to_string(r.spans.in_flight) + "   dropped 5020\n"));
  // Causes with spans, largest first.
  EXPECT_THAT(s, HasSubstr("\n  dropped  crash_lost 3100   sdk_queue_full 1920\n"));
  EXPECT_THAT(s, HasSubstr("\n  ledger   balanced\n"));
  EXPECT_THAT(
      s,
      HasSubstr("\ntraces     generated 30012   sampled 7470   complete 6903 (92.4 %)   incomplete 567\n"));
  EXPECT_THAT(s, HasSubstr("\nrequests   started 30012   completed 29880   failed 212 (0.7 %)\n"));
  EXPECT_THAT(
      s,
      HasSubstr("\nlatency    request p50 12.3 ms  p99 45.6 ms    span delivery p50 5.12 s  p99 17.95 s\n"));
  EXPECT_THAT(s, HasSubstr("\ncpu        service 122.27 s   tracing 4.02 s (3.3 %)   collector 11.50 s"));
  EXPECT_THAT(s, HasSubstr("\noverhead   request p50 +1.2 %   p99 +2.3 %   cpu +3.4 %   (baseline p50 "));
}

TEST(FormatSummaryTest, EveryLabelStartsAValueColumnAtTheSamePlace) {
  const std::string s = FormatSummary(SampleResults());
  size_t pos = s.find('\n') + 1;  // skip the scenario line
  while (pos < s.size()) {
    const size_t end = s.find('\n', pos);
    const std::string line = s.substr(pos, end - pos);
    ASSERT_GT(line.size(), 11u) << line;
    EXPECT_EQ(line[10], ' ') << line;
    EXPECT_NE(line[11], ' ') << line;
    pos = end + 1;
  }
}

TEST(FormatSummaryTest, NoBaselineNoDropsImbalanceAndTracingOff) {
  Results r = SampleResults();
  r.overhead.measured = false;
  r.spans.dropped = {{"network_lost", 0}};
  r.spans.imbalance = 12;
  r.tracing_enabled = false;
  const std::string s = FormatSummary(r);
  EXPECT_THAT(s, HasSubstr("tracing: disabled\n"));
  EXPECT_THAT(s, HasSubstr("\noverhead   not measured (no baseline)\n"));
  EXPECT_THAT(s, Not(HasSubstr("  dropped  ")));  // no line for zero drops
  EXPECT_THAT(s, HasSubstr("\n  ledger   IMBALANCE +12 spans"));
}

TEST(FormatSummaryTest, EmptyRunHasNoNaNs) {
  const std::string s = FormatSummary(Results{});
  EXPECT_THAT(s, HasSubstr("complete 0 (n/a)"));
  EXPECT_THAT(s, HasSubstr("request: none completed"));
  EXPECT_THAT(s, HasSubstr("span delivery: none stored"));
  EXPECT_THAT(s, Not(HasSubstr("nan")));
  EXPECT_THAT(s, Not(HasSubstr("inf")));
}

}  // namespace
}  // namespace tracesim::reports
