#include "tracesim/pipeline/jaeger_span_queue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace tracesim::pipeline {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

constexpr uint64_t kOneMiB = 1024 * 1024;

// A span with a parent, three attributes and a tracestate of `trace_state_len` characters.
// EstimateWireBytes: 87 (fixed fields, parent set) + 3 * 16 (attributes) = 135 bytes, plus
// 2 + trace_state_len when a tracestate is present.
SpanData MakeSpan(uint64_t id, size_t trace_state_len = 0) {
  SpanData s;
  s.trace_id = TraceId{0xabc, id};
  s.span_id = SpanId{id};
  s.parent_span_id = SpanId{id + 1000};
  s.trace_flags = kTraceFlagSampled;
  s.start = FromNanos(static_cast<int64_t>(id) * 1000);
  s.end = s.start + std::chrono::microseconds(250);
  s.attributes = {{1, int64_t{200}}, {2, InternedString{3}}, {4, true}};
  s.trace_state = std::string(trace_state_len, 'a');
  return s;
}

constexpr size_t kSmallSpanBytes = 135;
constexpr size_t kKiloStateLen = 1000 - 137;  // a span of exactly 1000 bytes

class RecordingObserver : public DropObserver {
 public:
  struct Call {
    Stage stage;
    DropCause cause;
    std::vector<SpanId> spans;
  };
  void OnDrop(Stage stage, DropCause cause, std::span<const SpanData> spans) noexcept override {
    Call c{stage, cause, {}};
    for (const auto& s : spans) c.spans.push_back(s.span_id);
    calls.push_back(std::move(c));
  }
  std::vector<Call> calls;
};

TEST(JaegerSpanQueueTest, SpanSizesUsedByTheHandComputedVectors) {
  // The vectors below are computed by hand from these sizes.
  ASSERT_EQ(EstimateWireBytes(MakeSpan(1)), kSmallSpanBytes);
  ASSERT_EQ(EstimateWireBytes(MakeSpan(1, kKiloStateLen)), 1000u);
}

TEST(JaegerSpanQueueTest, DefaultsAreJaegersFlags) {
  JaegerCollectorQueueOptions o;
  EXPECT_EQ(o.queue_size, 2000);
  EXPECT_EQ(o.num_workers, 50);
  EXPECT_EQ(o.queue_size_memory_mib, 0u);
  EXPECT_EQ(o.resize_check_interval, minutes(1));
  EXPECT_TRUE(ValidateJaegerCollectorQueueOptions(o).ok());

  JaegerSpanQueue q(o, nullptr, kTimeZero);
  EXPECT_EQ(q.capacity(), 2000u);
  EXPECT_EQ(q.warmup_spans(), 2000u);
  EXPECT_EQ(q.memory_bytes(), 0u);
  // Dynamic sizing off: no ticker.
  EXPECT_EQ(q.NextDeadline(), kTimeInfinite);
  EXPECT_FALSE(q.OnTimer(FromNanos(int64_t{1} << 62)).has_value());
}

TEST(JaegerSpanQueueTest, ValidationNamesTheKey) {
  JaegerCollectorQueueOptions o;
  o.queue_size = 0;
  Status s = ValidateJaegerCollectorQueueOptions(o);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "jaeger.queue_size: expected >= 1, got 0");

  o = {};
  o.queue_size = -5;
  EXPECT_EQ(ValidateJaegerCollectorQueueOptions(o).message(), "jaeger.queue_size: expected >= 1, got -5");

  o = {};
  o.num_workers = 0;
  s = ValidateJaegerCollectorQueueOptions(o);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "jaeger.num_workers: expected >= 1, got 0");

  o = {};
  o.queue_size_memory_mib = kJaegerMaxQueueSizeMemoryMib + 1;
  s = ValidateJaegerCollectorQueueOptions(o);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "jaeger.queue_size_memory_mib: expected <= 17592186044415 (bytes must fit in 64 bits), got "
            "17592186044416");
  o.queue_size_memory_mib = kJaegerMaxQueueSizeMemoryMib;
  EXPECT_TRUE(ValidateJaegerCollectorQueueOptions(o).ok());

  o = {};
  o.resize_check_interval = Duration::zero();
  s = ValidateJaegerCollectorQueueOptions(o);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "jaeger.resize_check_interval: expected > 0");
  o.resize_check_interval = -seconds(1);
  EXPECT_FALSE(ValidateJaegerCollectorQueueOptions(o).ok());

  o = {};
  o.queue_size = 1;
  o.num_workers = 1;
  EXPECT_TRUE(ValidateJaegerCollectorQueueOptions(o).ok());
}

TEST(JaegerSpanQueueTest, FullQueueDropsTheSpanAndReportsItAsCollectorProcessorEnqueueFailed) {
  RecordingObserver observer;
  JaegerSpanQueue q({.queue_size = 3, .num_workers = 1}, &observer, kTimeZero);
  for (uint64_t id = 1; id <= 3; ++id) EXPECT_TRUE(q.Offer(MakeSpan(id), kTimeZero)) << id;
  EXPECT_TRUE(q.full());
  EXPECT_TRUE(observer.calls.empty());

  SpanData fourth = MakeSpan(4);
  EXPECT_FALSE(q.Offer(std::move(fourth), FromNanos(5)));
  // A dropped span is not moved from.
  EXPECT_EQ(fourth.span_id, SpanId{4});
  EXPECT_EQ(fourth.attributes.size(), 3u);
  EXPECT_FALSE(q.Offer(MakeSpan(5), FromNanos(6)));

  ASSERT_EQ(observer.calls.size(), 2u);
  for (const auto& c : observer.calls) {
    EXPECT_EQ(c.stage, Stage::kCollectorProcessor);
    EXPECT_EQ(c.cause, DropCause::kEnqueueFailed);
    ASSERT_EQ(c.spans.size(), 1u);
  }
  EXPECT_EQ(observer.calls[0].spans[0], SpanId{4});
  EXPECT_EQ(observer.calls[1].spans[0], SpanId{5});
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.dropped_spans(), 2u);
  EXPECT_EQ(q.accepted_spans(), 3u);

  // One worker takes a span: there is room for exactly one more.
  ASSERT_TRUE(q.Take().has_value());
  EXPECT_TRUE(q.Offer(MakeSpan(6), FromNanos(7)));
  EXPECT_FALSE(q.Offer(MakeSpan(7), FromNanos(8)));
  EXPECT_EQ(q.dropped_spans(), 3u);
}

TEST(JaegerSpanQueueTest, DropsAreCountedWithACountingObserverAndWithoutObserver) {
  CountingDropObserver counter;
  JaegerSpanQueue q({.queue_size = 2}, &counter, kTimeZero);
  JaegerSpanQueue silent({.queue_size = 2}, nullptr, kTimeZero);
  for (uint64_t id = 1; id <= 10; ++id) {
    q.Offer(MakeSpan(id), kTimeZero);
    silent.Offer(MakeSpan(id), kTimeZero);
  }
  EXPECT_EQ(counter.count(DropCause::kEnqueueFailed), 8u);
  EXPECT_EQ(counter.total(), 8u);
  EXPECT_EQ(q.dropped_spans(), 8u);
  EXPECT_EQ(silent.dropped_spans(), 8u);
  EXPECT_EQ(silent.size(), 2u);
}

TEST(JaegerSpanQueueTest, WorkersTakeOneSpanAtATimeOldestFirst) {
  JaegerSpanQueue q({.queue_size = 10}, nullptr, kTimeZero);
  EXPECT_FALSE(q.Take().has_value());
  for (uint64_t id = 1; id <= 5; ++id) {
    ASSERT_TRUE(q.Offer(MakeSpan(id), FromNanos(static_cast<int64_t>(id) * 100)));
  }
  std::optional<JaegerQueuedSpan> first = q.TakeItem();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->span.span_id, SpanId{1});
  EXPECT_EQ(first->queued_at, FromNanos(100));
  EXPECT_EQ(first->bytes, kSmallSpanBytes);
  EXPECT_EQ(first->span.attributes.size(), 3u);  // moved intact

  ASSERT_TRUE(q.Offer(MakeSpan(6), FromNanos(600)));
  for (uint64_t id = 2; id <= 6; ++id) {
    std::optional<SpanData> s = q.Take();
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->span_id, SpanId{id});
  }
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.TakeItem().has_value());
}

TEST(JaegerSpanQueueTest, StaysFifoWhenTheBufferWrapsAndGrows) {
  JaegerSpanQueue q({.queue_size = 1000}, nullptr, kTimeZero);
  uint64_t next_in = 1;
  uint64_t next_out = 1;
  // Interleave offers and takes (net +5 per round) so that the head and the tail wrap around the
  // buffer many times and the buffer grows (64 -> 128 -> 256) while wrapped.
  for (int round = 0; round < 30; ++round) {
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(q.Offer(MakeSpan(next_in++), kTimeZero));
    for (int i = 0; i < 45; ++i) {
      std::optional<SpanData> s = q.Take();
      ASSERT_TRUE(s.has_value());
      ASSERT_EQ(s->span_id, SpanId{next_out++});
    }
  }
  EXPECT_EQ(q.size(), 150u);
  EXPECT_EQ(q.size(), next_in - next_out);
  EXPECT_EQ(q.held_bytes(), q.size() * kSmallSpanBytes);
  std::vector<SpanData> rest = q.DrainAll();
  ASSERT_EQ(rest.size(), next_in - next_out);
  for (const SpanData& s : rest) EXPECT_EQ(s.span_id, SpanId{next_out++});
  EXPECT_EQ(next_out, next_in);
}

TEST(JaegerSpanQueueTest, HeldBytesAndPeakFollowTheQueue) {
  JaegerSpanQueue q({.queue_size = 4}, nullptr, kTimeZero);
  q.Offer(MakeSpan(1), kTimeZero);
  q.Offer(MakeSpan(2, kKiloStateLen), kTimeZero);
  q.Offer(MakeSpan(3), kTimeZero);
  EXPECT_EQ(q.held_bytes(), 135u + 1000u + 135u);
  EXPECT_EQ(q.peak_size(), 3u);
  q.Take();
  q.Take();
  EXPECT_EQ(q.held_bytes(), 135u);
  EXPECT_EQ(q.peak_size(), 3u);
  q.Offer(MakeSpan(4), kTimeZero);
  q.Offer(MakeSpan(5), kTimeZero);
  q.Offer(MakeSpan(6), kTimeZero);
  q.Offer(MakeSpan(7), kTimeZero);  // dropped: capacity 4
  EXPECT_EQ(q.peak_size(), 4u);
  EXPECT_EQ(q.held_bytes(), 4 * 135u);
}

// TestUpdateDynQueueSize in jaeger's cmd/collector/app/span_processor_test.go, case by case.
TEST(CheckJaegerQueueResizeTest, JaegersOwnVectors) {
  const uint64_t gib = 1024 * kOneMiB;
  const uint64_t ten_kib_per_span = 10 * 1024 * 1000;  // bytes for 1000 spans
  // scale-up: 1024^3 / (10 * 1024) = 104857.6
  JaegerResizeCheck c = CheckJaegerQueueResize(gib, ten_kib_per_span, 1000, 1000, 100);
  EXPECT_EQ(c.outcome, JaegerResizeOutcome::kResized);
  EXPECT_EQ(c.average_span_bytes, 10240u);
  EXPECT_EQ(c.ideal_capacity, 104857u);
  // scale-down: 1024^2 / (10 * 1024) = 102.4
  c = CheckJaegerQueueResize(kOneMiB, ten_kib_per_span, 1000, 1000, 1000);
  EXPECT_EQ(c.outcome, JaegerResizeOutcome::kResized);
  EXPECT_EQ(c.ideal_capacity, 102u);
  // not-enough-change: 102 vs 100 is a 2 % change.
  c = CheckJaegerQueueResize(kOneMiB, ten_kib_per_span, 1000, 1000, 100);
  EXPECT_EQ(c.outcome, JaegerResizeOutcome::kChangeTooSmall);
  EXPECT_EQ(c.ideal_capacity, 102u);
  // not-enough-spans: 999 of a 1000-span warm-up.
  c = CheckJaegerQueueResize(gib, ten_kib_per_span, 999, 1000, 100);
  EXPECT_EQ(c.outcome, JaegerResizeOutcome::kWarmingUp);
  EXPECT_EQ(c.ideal_capacity, 0u);
  // not-enabled: warm-up 0.
  c = CheckJaegerQueueResize(gib, ten_kib_per_span, 1000, 0, 100);
  EXPECT_EQ(c.outcome, JaegerResizeOutcome::kDisabled);
  // memory-not-set.
  c = CheckJaegerQueueResize(0, ten_kib_per_span, 1000, 1000, 100);
  EXPECT_EQ(c.outcome, JaegerResizeOutcome::kMemoryNotSet);
  // max-queue-size: 10 GiB / 10 KiB = 1048576, capped at 1'000'000.
  c = CheckJaegerQueueResize(10 * gib, ten_kib_per_span, 1000, 1000, 100);
  EXPECT_EQ(c.outcome, JaegerResizeOutcome::kResized);
  EXPECT_EQ(c.ideal_capacity, kJaegerMaxDynamicQueueSize);
}

TEST(CheckJaegerQueueResizeTest, ThresholdIsStrictlyMoreThanTwentyPercentBothWays) {
  // average = 1000 bytes; ideal = memory / 1000.
  // Grow: 120 / 100 = 1.2 is not > 1.2; 121 / 100 = 1.21 is.
  EXPECT_EQ(CheckJaegerQueueResize(120'000, 1000, 1, 1, 100).outcome, JaegerResizeOutcome::kChangeTooSmall);
  EXPECT_EQ(CheckJaegerQueueResize(121'000, 1000, 1, 1, 100).outcome, JaegerResizeOutcome::kResized);
  // Shrink: 120 / 100 = 1.2 no; 120 / 99 = 1.2121 yes.
  EXPECT_EQ(CheckJaegerQueueResize(100'000, 1000, 1, 1, 120).outcome, JaegerResizeOutcome::kChangeTooSmall);
  JaegerResizeCheck c = CheckJaegerQueueResize(99'999, 1000, 1, 1, 120);
  EXPECT_EQ(c.outcome, JaegerResizeOutcome::kResized);
  EXPECT_EQ(c.ideal_capacity, 99u);  // 99999 / 1000 = 99.999, integer division
  // Unchanged.
  EXPECT_EQ(CheckJaegerQueueResize(100'000, 1000, 1, 1, 100).outcome, JaegerResizeOutcome::kChangeTooSmall);
}

TEST(CheckJaegerQueueResizeTest, IntegerDivisionsAndDegenerateCases) {
  // average = 1135 / 2 = 567 (not 567.5); ideal = 1048576 / 567 = 1849 (1849.34).
  JaegerResizeCheck c = CheckJaegerQueueResize(kOneMiB, 1135, 2, 2, 2);
  EXPECT_EQ(c.average_span_bytes, 567u);
  EXPECT_EQ(c.ideal_capacity, 1849u);
  EXPECT_EQ(c.outcome, JaegerResizeOutcome::kResized);
  // Average 0 would divide by zero in Jaeger: skipped.
  EXPECT_EQ(CheckJaegerQueueResize(kOneMiB, 0, 10, 1, 100).outcome, JaegerResizeOutcome::kNoSpanBytes);
  // Spans larger than the memory budget: ideal 0, current / 0 = +Inf > 1.2 -> resize to 0.
  c = CheckJaegerQueueResize(1000, 5000, 1, 1, 100);
  EXPECT_EQ(c.outcome, JaegerResizeOutcome::kResized);
  EXPECT_EQ(c.ideal_capacity, 0u);
  // Capacity 0 and ideal 0: 0 / 0 = NaN, not > 1.2.
  EXPECT_EQ(CheckJaegerQueueResize(1000, 5000, 1, 1, 0).outcome, JaegerResizeOutcome::kChangeTooSmall);
  // Capacity 0 and ideal > 0: +Inf -> resize.
  c = CheckJaegerQueueResize(kOneMiB, 1000, 1, 1, 0);
  EXPECT_EQ(c.outcome, JaegerResizeOutcome::kResized);
  EXPECT_EQ(c.ideal_capacity, 1048u);
}

TEST(JaegerSpanQueueTest, NoResizeBeforeTheWarmUpThenGrowsFromTheAverageSpanSize) {
  // Warm-up = queue_size = 4 processed spans. Memory 1 MiB.
  JaegerSpanQueue q({.queue_size = 4, .num_workers = 2, .queue_size_memory_mib = 1}, nullptr, kTimeZero);
  EXPECT_EQ(q.memory_bytes(), kOneMiB);
  EXPECT_EQ(q.NextDeadline(), kTimeZero + minutes(1));
  for (uint64_t id = 1; id <= 4; ++id) ASSERT_TRUE(q.Offer(MakeSpan(id), kTimeZero));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(q.Take().has_value());
  EXPECT_EQ(q.spans_processed(), 3u);
  EXPECT_EQ(q.bytes_processed(), 3 * kSmallSpanBytes);

  // Before the deadline: nothing.
  EXPECT_FALSE(q.OnTimer(kTimeZero + seconds(59)).has_value());
  // First tick: 3 < 4 processed.
  std::optional<JaegerResizeCheck> c = q.OnTimer(kTimeZero + minutes(1));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->outcome, JaegerResizeOutcome::kWarmingUp);
  EXPECT_EQ(q.capacity(), 4u);
  EXPECT_EQ(q.NextDeadline(), kTimeZero + minutes(2));

  ASSERT_TRUE(q.Take().has_value());  // 4 processed, 540 bytes
  // A late tick (2 min 10 s): runs once; the next is 3 min (the missed one is not replayed).
  c = q.OnTimer(kTimeZero + minutes(2) + seconds(10));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->outcome, JaegerResizeOutcome::kResized);
  EXPECT_EQ(c->average_span_bytes, 135u);
  EXPECT_EQ(c->ideal_capacity, 7767u);  // 1048576 / 135 = 7767.2
  EXPECT_EQ(q.capacity(), 7767u);
  EXPECT_EQ(q.resizes(), 1u);
  EXPECT_EQ(q.NextDeadline(), kTimeZero + minutes(3));

  // Same average at the next tick: no change.
  c = q.OnTimer(kTimeZero + minutes(3));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->outcome, JaegerResizeOutcome::kChangeTooSmall);
  EXPECT_EQ(q.capacity(), 7767u);
  EXPECT_EQ(q.resizes(), 1u);
}

TEST(JaegerSpanQueueTest, MixedSizesUseTheIntegerAverage) {
  JaegerSpanQueue q({.queue_size = 2, .queue_size_memory_mib = 1}, nullptr, kTimeZero);
  q.Offer(MakeSpan(1), kTimeZero);
  q.Offer(MakeSpan(2, kKiloStateLen), kTimeZero);
  q.Take();
  q.Take();
  EXPECT_EQ(q.bytes_processed(), 1135u);
  std::optional<JaegerResizeCheck> c = q.OnTimer(kTimeZero + minutes(1));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->average_span_bytes, 567u);
  EXPECT_EQ(q.capacity(), 1849u);
}

TEST(JaegerSpanQueueTest, ShrinkKeepsTheBacklogAndRefusesUntilItFallsBelowTheNewCapacity) {
  // 1000-byte spans, 1 MiB: ideal 1048 (1048.576). Start at 2000 (warm-up 2000).
  JaegerSpanQueue q({.queue_size = 2000, .queue_size_memory_mib = 1}, nullptr, kTimeZero);
  for (uint64_t id = 1; id <= 2000; ++id) ASSERT_TRUE(q.Offer(MakeSpan(id, kKiloStateLen), kTimeZero));
  for (int i = 0; i < 2000; ++i) ASSERT_TRUE(q.Take().has_value());
  for (uint64_t id = 1; id <= 1500; ++id) ASSERT_TRUE(q.Offer(MakeSpan(id, kKiloStateLen), kTimeZero));

  std::optional<JaegerResizeCheck> c = q.OnTimer(kTimeZero + minutes(1));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->outcome, JaegerResizeOutcome::kResized);
  EXPECT_EQ(q.capacity(), 1048u);
  // Nothing queued is lost.
  EXPECT_EQ(q.size(), 1500u);
  // Size 1500 >= 1048: refused.
  EXPECT_FALSE(q.Offer(MakeSpan(9999, kKiloStateLen), kTimeZero));
  for (int i = 0; i < 1500 - 1047; ++i) ASSERT_TRUE(q.Take().has_value());
  EXPECT_EQ(q.size(), 1047u);
  EXPECT_TRUE(q.Offer(MakeSpan(10000, kKiloStateLen), kTimeZero));
  EXPECT_FALSE(q.Offer(MakeSpan(10001, kKiloStateLen), kTimeZero));
  // The oldest of the backlog comes first (span ids 1..1500 were offered in order).
  std::optional<SpanData> s = q.Take();
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->span_id, SpanId{1500 - 1047 + 1});
}

TEST(JaegerSpanQueueTest, CapsTheDynamicSizeAtOneMillion) {
  // 1 GiB / 135 bytes = 7953643 -> capped.
  JaegerSpanQueue q({.queue_size = 1, .queue_size_memory_mib = 1024}, nullptr, kTimeZero);
  q.Offer(MakeSpan(1), kTimeZero);
  q.Take();
  q.OnTimer(kTimeZero + minutes(1));
  EXPECT_EQ(q.capacity(), kJaegerMaxDynamicQueueSize);
}

TEST(JaegerSpanQueueTest, CustomCheckIntervalAndNoAccountingWithoutMemory) {
  JaegerSpanQueue q({.queue_size = 1, .queue_size_memory_mib = 1, .resize_check_interval = seconds(10)},
                    nullptr, FromNanos(5));
  EXPECT_EQ(q.NextDeadline(), FromNanos(5) + seconds(10));
  EXPECT_TRUE(q.OnTimer(FromNanos(5) + seconds(35)).has_value());
  EXPECT_EQ(q.NextDeadline(), FromNanos(5) + seconds(40));

  JaegerSpanQueue off({.queue_size = 1}, nullptr, kTimeZero);
  off.Offer(MakeSpan(1), kTimeZero);
  off.Take();
  EXPECT_EQ(off.spans_processed(), 0u);
  EXPECT_EQ(off.bytes_processed(), 0u);
}

TEST(JaegerSpanQueueTest, DrainAllHandsBackEverythingOldestFirst) {
  JaegerSpanQueue q({.queue_size = 5}, nullptr, kTimeZero);
  for (uint64_t id = 1; id <= 4; ++id) q.Offer(MakeSpan(id), kTimeZero);
  q.Take();
  std::vector<SpanData> lost = q.DrainAll();
  ASSERT_EQ(lost.size(), 3u);
  EXPECT_EQ(lost[0].span_id, SpanId{2});
  EXPECT_EQ(lost[1].span_id, SpanId{3});
  EXPECT_EQ(lost[2].span_id, SpanId{4});
  EXPECT_EQ(lost[2].attributes.size(), 3u);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.held_bytes(), 0u);
  EXPECT_EQ(q.capacity(), 5u);
  EXPECT_TRUE(q.DrainAll().empty());
  EXPECT_TRUE(q.Offer(MakeSpan(9), kTimeZero));
  EXPECT_EQ(q.size(), 1u);
}

TEST(JaegerSpanQueueTest, RestartResetsCapacityCountersAndTicker) {
  JaegerSpanQueue q({.queue_size = 2, .queue_size_memory_mib = 1}, nullptr, kTimeZero);
  q.Offer(MakeSpan(1), kTimeZero);
  q.Offer(MakeSpan(2), kTimeZero);
  q.Take();
  q.Take();
  q.OnTimer(kTimeZero + minutes(1));
  ASSERT_EQ(q.capacity(), 7767u);
  q.Offer(MakeSpan(3), kTimeZero + minutes(1));
  EXPECT_EQ(q.DrainAll().size(), 1u);

  const TimePoint restart = kTimeZero + minutes(1) + seconds(30);
  q.Restart(restart);
  EXPECT_EQ(q.capacity(), 2u);
  EXPECT_EQ(q.spans_processed(), 0u);
  EXPECT_EQ(q.bytes_processed(), 0u);
  EXPECT_EQ(q.peak_size(), 0u);
  EXPECT_EQ(q.NextDeadline(), restart + minutes(1));
  EXPECT_EQ(q.resizes(), 1u);
  EXPECT_EQ(q.accepted_spans(), 3u);
  // Warming up again after the restart.
  std::optional<JaegerResizeCheck> c = q.OnTimer(restart + minutes(1));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->outcome, JaegerResizeOutcome::kWarmingUp);
}

TEST(JaegerSpanQueueTest, OutcomeNames) {
  EXPECT_EQ(JaegerResizeOutcomeName(JaegerResizeOutcome::kResized), "resized");
  EXPECT_EQ(JaegerResizeOutcomeName(JaegerResizeOutcome::kDisabled), "disabled");
  EXPECT_EQ(JaegerResizeOutcomeName(JaegerResizeOutcome::kMemoryNotSet), "memory_not_set");
  EXPECT_EQ(JaegerResizeOutcomeName(JaegerResizeOutcome::kWarmingUp), "warming_up");
  EXPECT_EQ(JaegerResizeOutcomeName(JaegerResizeOutcome::kNoSpanBytes), "no_span_bytes");
  EXPECT_EQ(JaegerResizeOutcomeName(JaegerResizeOutcome::kChangeTooSmall), "change_too_small");
}

}  // namespace
}  // namespace tracesim::pipeline
