#include <gtest/gtest.h>

#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "sample_results.h"
#include "tracesim/reports/writers.h"

namespace tracesim::reports {
namespace {

using testing::SampleResults;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

constexpr const char* kHeader =
    "t_s,spans_generated,spans_stored,spans_dropped,in_flight,sdk_queue_spans,collector_buffered_spans,"
    "requests_completed,traces_sampled";

TEST(TimeSeriesCsvTest, HeaderOnlyWhenEmpty) {
  EXPECT_EQ(ToTimeSeriesCsv(Results{}), std::string(kHeader) + "\n");
}

TEST(TimeSeriesCsvTest, OneRowPerSampleInColumnOrder) {
  Results r;
  r.timeseries = {{.t_s = 0.5,
                   .spans_generated = 1,
                   .spans_stored = 2,
                   .spans_dropped = 3,
                   .in_flight = 4,
                   .sdk_queue_spans = 5,
                   .collector_buffered_spans = 6,
                   .requests_completed = 7,
                   .traces_sampled = 8},
                  {.t_s = 1.0, .spans_generated = 18446744073709551615u}};
  EXPECT_EQ(ToTimeSeriesCsv(r), std::string(kHeader) +
                                    "\n"
                                    "0.5,1,2,3,4,5,6,7,8\n"
                                    "1,18446744073709551615,0,0,0,0,0,0,0\n");
}

TEST(TimeSeriesCsvTest, TimesRoundTripAndNonFiniteIsEmpty) {
  Results r;
  r.timeseries = {{.t_s = 0.1 + 0.2}, {.t_s = std::numeric_limits<double>::quiet_NaN()}};
  const std::vector<std::string> lines = Lines(ToTimeSeriesCsv(r));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1], "0.30000000000000004,0,0,0,0,0,0,0,0");
  EXPECT_EQ(lines[2], ",0,0,0,0,0,0,0,0");
}

TEST(TimeSeriesCsvTest, SampleRun) {
  const Results r = SampleResults();
  const std::vector<std::string> lines = Lines(ToTimeSeriesCsv(r));
  ASSERT_EQ(lines.size(), 61u);
  EXPECT_EQ(lines[0], kHeader);
  const TimeSample& s = r.timeseries[19];
  EXPECT_EQ(lines[20], "20,80000," + std::to_string(s.spans_stored) + ",3100," + std::to_string(s.in_flight) +
                           "," + std::to_string(s.sdk_queue_spans) + "," +
                           std::to_string(s.collector_buffered_spans) + "," +
                           std::to_string(s.requests_completed) + "," + std::to_string(s.traces_sampled));
}

}  // namespace
}  // namespace tracesim::reports
