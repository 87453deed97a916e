#include "tracesim/reports/results.h"

#include <cassert>
#include <cmath>

#include "tracesim/reports/latency_summary.h"

namespace tracesim::reports {

uint64_t SpanLedger::dropped_total() const {
  uint64_t total = 0;
  for (const auto& [cause, spans] : dropped) total += spans;
  return total;
}

LatencySummary SummarizeLatency(const LogLinearHistogram& histogram, double to_ms) {
  assert(std::isfinite(to_ms) && to_ms > 0);
  LatencySummary s;
  s.count = histogram.count();
  if (s.count == 0) return s;
  s.mean_ms = histogram.mean() * to_ms;
  s.p50_ms = histogram.Quantile(0.50) * to_ms;
  s.p90_ms = histogram.Quantile(0.90) * to_ms;
  s.p99_ms = histogram.Quantile(0.99) * to_ms;
  s.max_ms = histogram.max() * to_ms;
  return s;
}

}  // namespace tracesim::reports
