#include "tracesim/reports/results.h"

#include <gtest/gtest.h>

#include "tracesim/reports/latency_summary.h"

namespace tracesim::reports {
namespace {

TEST(SpanLedgerTest, DroppedTotalSumsEveryCause) {
  SpanLedger ledger;
  EXPECT_EQ(ledger.dropped_total(), 0u);
  ledger.dropped = {{"crash_lost", 400}, {"export_failed", 44}, {"network_lost", 0}};
  EXPECT_EQ(ledger.dropped_total(), 444u);
}

TEST(SpanLedgerTest, BalancedFollowsImbalance) {
  SpanLedger ledger;
  EXPECT_TRUE(ledger.balanced());
  ledger.imbalance = -3;
  EXPECT_FALSE(ledger.balanced());
}

TEST(SummarizeLatencyTest, EmptyHistogramGivesZeros) {
  LogLinearHistogram h;
  const LatencySummary s = SummarizeLatency(h);
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.mean_ms, 0);
  EXPECT_EQ(s.p99_ms, 0);
  EXPECT_EQ(s.max_ms, 0);
}

TEST(SummarizeLatencyTest, ScalesSecondsToMilliseconds) {
  LogLinearHistogram h(1e-6, 7);                       // seconds with microsecond resolution
  for (int i = 1; i <= 100; ++i) h.Record(i * 0.001);  // 1 .. 100 ms
  const LatencySummary s = SummarizeLatency(h, 1000.0);
  EXPECT_EQ(s.count, 100u);
  EXPECT_NEAR(s.mean_ms, 50.5, 1e-9);
  EXPECT_NEAR(s.p50_ms, 50, 50.0 / 256);
  EXPECT_NEAR(s.p90_ms, 90, 90.0 / 256);
  EXPECT_NEAR(s.p99_ms, 99, 99.0 / 256);
  EXPECT_NEAR(s.max_ms, 100, 1e-9);
}

}  // namespace
}  // namespace tracesim::reports
