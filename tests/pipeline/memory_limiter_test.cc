#include "tracesim/pipeline/memory_limiter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace tracesim::pipeline {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

SpanBatch MakeSpans(size_t n) {
  SpanBatch b;
  for (size_t i = 0; i < n; ++i) {
    SpanData s;
    s.trace_id = TraceId{1, i + 1};
    s.span_id = SpanId{i + 1};
    b.push_back(s);
  }
  return b;
}

TimePoint At(Duration d) { return kTimeZero + d; }

TEST(MemoryLimiterConfigTest, Validation) {
  MemoryLimiterConfig c;
  EXPECT_EQ(c.check_interval, seconds(1));
  Status s = ValidateMemoryLimiterConfig(c);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("memory_limiter.limit_mib"), std::string::npos) << s.message();

  c.limit_mib = 100;
  EXPECT_TRUE(ValidateMemoryLimiterConfig(c).ok());
  c.spike_limit_mib = 100;
  EXPECT_EQ(ValidateMemoryLimiterConfig(c).message(),
            "memory_limiter.spike_limit_mib: must be less than limit_mib");
  c.spike_limit_mib = 99;
  EXPECT_TRUE(ValidateMemoryLimiterConfig(c).ok());

  MemoryLimiterConfig z{.check_interval = Duration::zero(), .limit_mib = 10};
  EXPECT_EQ(ValidateMemoryLimiterConfig(z).message(),
            "memory_limiter.check_interval: must be greater than zero");

  MemoryLimiterConfig p{.limit_percentage = 101};
  EXPECT_NE(ValidateMemoryLimiterConfig(p).message().find("memory_limiter.limit_percentage"),
            std::string::npos);
  p = {.limit_percentage = 80, .spike_limit_percentage = 101};
  EXPECT_NE(ValidateMemoryLimiterConfig(p).message().find("memory_limiter.spike_limit_percentage"),
            std::string::npos);
  p = {.limit_percentage = 80, .spike_limit_percentage = 80};
  EXPECT_EQ(ValidateMemoryLimiterConfig(p).message(),
            "memory_limiter.spike_limit_percentage: must be less than limit_percentage");
  p = {.limit_percentage = 80, .spike_limit_percentage = 25};
  EXPECT_TRUE(ValidateMemoryLimiterConfig(p).ok());
}

TEST(MemoryLimiterConfigTest, ResolvesLimitsLikeTheCollector) {
  // Fixed: spike defaults to 20 % (limit / 5).
  auto a = ResolveMemoryLimits({.limit_mib = 100}, 0);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->hard_bytes, 100 * kMiB);
  EXPECT_EQ(a->spike_bytes, 20 * kMiB);
  EXPECT_EQ(a->soft_bytes(), 80 * kMiB);

  auto b = ResolveMemoryLimits({.limit_mib = 4000, .spike_limit_mib = 800}, 0);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->soft_bytes(), 3200 * kMiB);

  // limit_mib wins over percentages.
  auto w = ResolveMemoryLimits({.limit_mib = 10, .limit_percentage = 50}, 1000 * kMiB);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->hard_bytes, 10 * kMiB);

  // Percentages of the total the driver gives: total * pct / 100 (integer arithmetic).
  const uint64_t total = 1000003;
  auto p = ResolveMemoryLimits({.limit_percentage = 80, .spike_limit_percentage = 25}, total);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->hard_bytes, 80 * total / 100);
  EXPECT_EQ(p->spike_bytes, 25 * total / 100);
  auto q = ResolveMemoryLimits({.limit_percentage = 50}, total);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->spike_bytes, (50 * total / 100) / 5);

  auto no_total = ResolveMemoryLimits({.limit_percentage = 80}, 0);
  EXPECT_EQ(no_total.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(no_total.status().message().find("memory_limiter.limit_percentage"), std::string::npos);
  auto tiny = ResolveMemoryLimits({.limit_percentage = 1}, 50);
  EXPECT_FALSE(tiny.ok());
}

TEST(MemoryLimiterTest, RefusesFromSoftLimitAndAcceptsBelowIt) {
  // hard 100 MiB, spike 20 MiB -> soft 80 MiB; comparisons are >= as in memUsageChecker.
  auto ml = MemoryLimiter::Create({.check_interval = seconds(1), .limit_mib = 100}, 0, kTimeZero);
  ASSERT_TRUE(ml.ok());
  EXPECT_FALSE(ml->must_refuse());
  EXPECT_EQ(ml->NextDeadline(), At(seconds(1)));

  EXPECT_TRUE(ml->Check(At(seconds(1)), 80 * kMiB - 1));
  EXPECT_EQ(ml->state(), MemoryState::kBelowSoftLimit);
  EXPECT_FALSE(ml->must_refuse());

  EXPECT_TRUE(ml->Check(At(seconds(2)), 80 * kMiB));
  EXPECT_EQ(ml->state(), MemoryState::kAboveSoftLimit);
  EXPECT_TRUE(ml->must_refuse());

  EXPECT_TRUE(ml->Check(At(seconds(3)), 100 * kMiB - 1));
  EXPECT_EQ(ml->state(), MemoryState::kAboveSoftLimit);

  EXPECT_TRUE(ml->Check(At(seconds(4)), 100 * kMiB));
  EXPECT_EQ(ml->state(), MemoryState::kAboveHardLimit);
  EXPECT_TRUE(ml->must_refuse());
  EXPECT_EQ(MemoryStateName(ml->state()), "above_hard_limit");

  EXPECT_TRUE(ml->Check(At(seconds(5)), 10 * kMiB));
  EXPECT_FALSE(ml->must_refuse());
  EXPECT_EQ(ml->checks(), 5u);
}

TEST(MemoryLimiterTest, StateChangesOnlyAtTicks) {
  auto ml = MemoryLimiter::Create({.check_interval = seconds(1), .limit_mib = 100}, 0, At(milliseconds(300)));
  ASSERT_TRUE(ml.ok());
  // Before the first tick (start + 1 s) usage is not looked at.
  EXPECT_FALSE(ml->Check(At(milliseconds(1299)), 1000 * kMiB));
  EXPECT_FALSE(ml->must_refuse());
  EXPECT_EQ(ml->checks(), 0u);
  EXPECT_TRUE(ml->Check(At(milliseconds(1300)), 1000 * kMiB));
  EXPECT_TRUE(ml->must_refuse());
  EXPECT_EQ(ml->NextDeadline(), At(milliseconds(2300)));
  // Usage drops right after the tick: still refusing until the next tick.
  EXPECT_FALSE(ml->Check(At(milliseconds(1500)), 0));
  EXPECT_FALSE(ml->Check(At(milliseconds(2299)), 0));
  EXPECT_TRUE(ml->must_refuse());
  EXPECT_TRUE(ml->Check(At(milliseconds(2300)), 0));
  EXPECT_FALSE(ml->must_refuse());
  // A late tick is not replayed: the next one is the first start + k s after now.
  EXPECT_TRUE(ml->Check(At(milliseconds(5750)), 0));
  EXPECT_EQ(ml->NextDeadline(), At(milliseconds(6300)));
}

TEST(MemoryLimiterProcessorTest, RefusesWithUnavailableAndLeavesSpansToTheCaller) {
  uint64_t usage = 0;
  auto ml = MemoryLimiter::Create({.check_interval = seconds(1), .limit_mib = 10, .spike_limit_mib = 2}, 0,
                                  kTimeZero);
  ASSERT_TRUE(ml.ok());
  MemoryLimiterProcessor p(std::move(*ml), [&usage] { return usage; });
  EXPECT_EQ(p.type(), "memory_limiter");
  std::vector<SpanBatch> out;

  SpanBatch spans = MakeSpans(3);
  ASSERT_TRUE(p.Consume(spans, At(milliseconds(10)), out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].size(), 3u);
  EXPECT_TRUE(spans.empty());

  usage = 8 * kMiB;  // exactly the soft limit
  // No tick yet: still accepting.
  spans = MakeSpans(2);
  ASSERT_TRUE(p.Consume(spans, At(milliseconds(999)), out).ok());
  EXPECT_EQ(p.NextDeadline(), At(seconds(1)));
  p.OnTimer(At(seconds(1)), out);
  EXPECT_EQ(out.size(), 2u);  // the check emits nothing
  EXPECT_TRUE(p.limiter().must_refuse());

  spans = MakeSpans(4);
  Status s = p.Consume(spans, At(milliseconds(1100)), out);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "data refused due to high memory usage");
  EXPECT_EQ(spans.size(), 4u);  // still the caller's
  EXPECT_EQ(spans[3].span_id.value, 4u);
  EXPECT_EQ(out.size(), 2u);
  EXPECT_EQ(p.refused_spans(), 4u);
  EXPECT_EQ(p.accepted_spans(), 5u);
  EXPECT_EQ(p.held_spans(), 0u);

  usage = 8 * kMiB - 1;
  p.OnTimer(At(milliseconds(1500)), out);  // not due: nothing measured
  EXPECT_TRUE(p.limiter().must_refuse());
  p.OnTimer(At(seconds(2)), out);
  EXPECT_FALSE(p.limiter().must_refuse());
  ASSERT_TRUE(p.Consume(spans, At(milliseconds(2001)), out).ok());
  EXPECT_EQ(out.size(), 3u);
}

TEST(MemoryLimiterProcessorTest, CrashForgetsTheMeasurement) {
  auto ml = MemoryLimiter::Create({.limit_mib = 10}, 0, kTimeZero);
  ASSERT_TRUE(ml.ok());
  MemoryLimiterProcessor p(std::move(*ml), [] { return 100 * kMiB; });
  std::vector<SpanBatch> out;
  p.OnTimer(At(seconds(1)), out);
  ASSERT_TRUE(p.limiter().must_refuse());
  EXPECT_TRUE(p.DrainAll().empty());
  EXPECT_FALSE(p.limiter().must_refuse());
  EXPECT_EQ(p.NextDeadline(), At(seconds(2)));
  p.Restart(At(milliseconds(2500)));
  EXPECT_EQ(p.NextDeadline(), At(milliseconds(3500)));
}

}  // namespace
}  // namespace tracesim::pipeline
