#include "ledger.h"

#include <gtest/gtest.h>

namespace tracesim::sim {
namespace {

std::vector<pipeline::SpanData> Spans(size_t n) { return std::vector<pipeline::SpanData>(n); }

TEST(HeldSpansTest, ReleasedSpansAreNotLost) {
  Ledger ledger;
  {
    HeldSpans held(&ledger, Spans(5));
    EXPECT_EQ(ledger.held(), 5);
    auto spans = held.Release();
    EXPECT_EQ(spans.size(), 5u);
  }
  EXPECT_EQ(ledger.held(), 0);
  EXPECT_EQ(ledger.dropped_total(), 0u);
}

TEST(HeldSpansTest, DestroyedUnsettledCountsCrashLost) {
  Ledger ledger;
  { HeldSpans held(&ledger, Spans(3)); }  // the holder's actor was killed
  EXPECT_EQ(ledger.held(), 0);
  EXPECT_EQ(ledger.dropped(pipeline::DropCause::kCrashLost), 3u);
}

TEST(HeldSpansTest, DropCountsTheCause) {
  Ledger ledger;
  {
    HeldSpans held(&ledger, Spans(4));
    held.Drop(pipeline::DropCause::kRetryExhausted);
  }
  EXPECT_EQ(ledger.dropped(pipeline::DropCause::kRetryExhausted), 4u);
  EXPECT_EQ(ledger.dropped(pipeline::DropCause::kCrashLost), 0u);
  EXPECT_EQ(ledger.held(), 0);
}

TEST(LedgerTest, FrozenLedgerCountsNothingMore) {
  Ledger ledger;
  ledger.Generated(true);
  ledger.Generated(false);
  ledger.Freeze();
  ledger.Generated(true);
  ledger.Drop(pipeline::DropCause::kCrashLost, 10);
  EXPECT_EQ(ledger.generated(), 2u);
  EXPECT_EQ(ledger.sampled_out(), 1u);
  EXPECT_EQ(ledger.dropped_total(), 0u);
}

}  // namespace
}  // namespace tracesim::sim
