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
  EXPECT_THAT(s,
              HasSubstr("\ntraces     generated 30012   sampled 7470   kept 7410   complete 6903 (92.4 %)   "
                        "incomplete 567   broken 507\n"));
  // Sampling quality right after the traces, on two lines.
  EXPECT_THAT(s,
              HasSubstr("broken 507\nsampling   error traces kept 55/236 (23.3 %)   slow traces kept 71/298 "
                        "(23.8 %, > 45.6 ms)   operations covered 13/14\n"
                        "           broken traces 507 (crash_lost 312, sdk_queue_full 171, in_flight 38)   "
                        "bytes/kept trace 3.05 kB\nrequests   "));
  // One line per collector tier, names padded, after the CPU line.
  EXPECT_THAT(
      s, HasSubstr(" storage 3.12 s\n"
                   "collectors agent       hosts 5   cpu 4.25 s   peak held 2310 spans (970 kB)   refused 0\n"
                   "           collector   hosts 3   cpu 7.25 s   peak held 9870 spans (4.15 MB)   "
                   "refused 860\nstorage    "));
  // Storage disks and queries, after the collectors.
  EXPECT_THAT(s, HasSubstr("\nstorage    disk written 123 kB WAL + 65.4 kB blocks   read 777 B\n"
                           "queries    lookups 100 (failed 4, complete 90)  p50 2.40 ms  p99 7.25 ms   "
                           "searches 30 (failed 0)  p50 4.00 ms  p99 8.00 ms\noverhead   "));
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

TEST(FormatSummaryTest, NoSamplingLinesWhenNothingWasSampled) {
  Results r = SampleResults();
  r.tracing_enabled = false;
  r.traces.sampled = 0;
  r.traces.kept = 0;
  r.collectors.clear();
  const std::string s = FormatSummary(r);
  EXPECT_THAT(s, Not(HasSubstr("sampling")));
  EXPECT_THAT(s, Not(HasSubstr("error traces kept")));
  EXPECT_THAT(s, Not(HasSubstr("collectors")));
  EXPECT_THAT(s, Not(HasSubstr("peak held")));
}

TEST(FormatSummaryTest, SamplingLineWithoutBrokenTracesErrorsOrKeptTraces) {
  Results r = SampleResults();
  r.traces.broken = 0;
  r.traces.broken_by_cause = {{"crash_lost", 0}};
  r.sampling.error_traces = 0;
  r.sampling.error_traces_kept = 0;
  r.traces.kept = 0;
  const std::string s = FormatSummary(r);
  EXPECT_THAT(s, HasSubstr("sampling   error traces kept 0/0 (n/a)   "));
  EXPECT_THAT(s, HasSubstr("\n           broken traces 0   bytes/kept trace n/a\n"));  // no cause list
}

TEST(FormatSummaryTest, SaturationLineListsFirstEventsInOrder) {
  const std::string s = FormatSummary(SampleResults());
  EXPECT_THAT(
      s, HasSubstr("\nsaturation collector tier collector cpu >= 95 % at 23.0 s;  loss sdk_queue_full at "
                   "24.0 s\n"));
  Results r = SampleResults();
  r.saturation.clear();
  EXPECT_THAT(FormatSummary(r), Not(HasSubstr("saturation")));
}

TEST(FormatSummaryTest, OneCollectorTier) {
  Results r = SampleResults();
  r.collectors = {
      {.name = "gateway", .hosts = 1, .cpu_s = 0.5, .peak_held_spans = 12, .peak_held_bytes = 999}};
  const std::string s = FormatSummary(r);
  EXPECT_THAT(s,
              HasSubstr("\ncollectors gateway   hosts 1   cpu 0.50 s   peak held 12 spans (999 B)   refused "
                        "0\nstorage"));
}

TEST(FormatSummaryTest, NoStorageLinesWithoutDiskOrQueries) {
  Results r = SampleResults();
  r.storage = {};
  const std::string s = FormatSummary(r);
  EXPECT_THAT(s, Not(HasSubstr("\nstorage ")));
  EXPECT_THAT(s, Not(HasSubstr("\nqueries ")));
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
