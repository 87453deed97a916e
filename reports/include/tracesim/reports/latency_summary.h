// Turns a latency histogram into the LatencySummary stored in results.json.
#pragma once

#include "tracesim/reports/histogram.h"
#include "tracesim/reports/results.h"

namespace tracesim::reports {

// count, mean, p50/p90/p99 (nearest rank, LogLinearHistogram::Quantile) and
// max of `histogram`, each multiplied by `to_ms` (1 when the histogram holds
// milliseconds, 1000 when it holds seconds). All zero when empty.
// REQUIRES: to_ms > 0 and finite.
LatencySummary SummarizeLatency(const LogLinearHistogram& histogram, double to_ms = 1.0);

}  // namespace tracesim::reports
