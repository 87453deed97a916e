// timeseries.csv: one row per fixed-period sample (docs/results-schema.md).
#include <fmt/format.h>

#include <cmath>

#include "tracesim/reports/writers.h"

namespace tracesim::reports {

std::string ToTimeSeriesCsv(const Results& results) {
  std::string out =
      "t_s,spans_generated,spans_stored,spans_dropped,in_flight,sdk_queue_spans,collector_buffered_spans,"
      "requests_completed,traces_sampled\n";
  for (const TimeSample& s : results.timeseries) {
    // Shortest representation that reads back to the same double; empty when not finite.
    const std::string t = std::isfinite(s.t_s) ? fmt::format("{}", s.t_s) : std::string();
    fmt::format_to(std::back_inserter(out), "{},{},{},{},{},{},{},{},{}\n", t, s.spans_generated, s.spans_stored,
                   s.spans_dropped, s.in_flight, s.sdk_queue_spans, s.collector_buffered_spans,
                   s.requests_completed, s.traces_sampled);
  }
  return out;
}

}  // namespace tracesim::reports
