#include "tracesim/pipeline/batch_span_processor.h"

#include <gtest/gtest.h>

#include <vector>

namespace tracesim::pipeline {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TimePoint Ms(int64_t ms) { return kTimeZero + milliseconds(ms); }

SpanData Span(uint64_t id, bool sampled = true) {
  SpanData s;
  s.trace_id = TraceId{7, id};
  s.span_id = SpanId{id};
  s.trace_flags = sampled ? kTraceFlagSampled : 0;
  return s;
}

std::vector<uint64_t> Ids(const std::vector<SpanData>& spans) {
  std::vector<uint64_t> ids;
  for (const auto& s : spans) ids.push_back(s.span_id.value);
  return ids;
}

std::vector<uint64_t> Range(uint64_t first, uint64_t n) {
  std::vector<uint64_t> ids;
  for (uint64_t i = 0; i < n; ++i) ids.push_back(first + i);
  return ids;
}

class RecordingObserver : public DropObserver {
 public:
  void OnDrop(Stage stage, DropCause cause, std::span<const SpanData> spans) noexcept override {
    EXPECT_EQ(stage, Stage::kSdkProcessor);
    EXPECT_EQ(cause, DropCause::kSdkQueueFull);
    for (const auto& s : spans) ids.push_back(s.span_id.value);
    ++calls;
  }
  std::vector<uint64_t> ids;
  int calls = 0;
};

BatchSpanProcessorOptions Small() {
  BatchSpanProcessorOptions o;
  o.max_queue_size = 8;
  o.max_export_batch_size = 4;
  o.schedule_delay = seconds(5);
  return o;
}

TEST(BatchSpanProcessorTest, DefaultsAreTheOtelSpecs) {
  BatchSpanProcessorOptions o;
  EXPECT_EQ(o.max_queue_size, 2048u);
  EXPECT_EQ(o.schedule_delay, milliseconds(5000));
  EXPECT_EQ(o.max_export_batch_size, 512u);
  EXPECT_EQ(o.export_timeout, milliseconds(30000));
  EXPECT_TRUE(ValidateBatchSpanProcessorOptions(o).ok());
  BatchSpanProcessor bsp(o, nullptr, Ms(100));
  EXPECT_EQ(bsp.NextDeadline(), Ms(5100));
  EXPECT_EQ(bsp.queue_size(), 0u);
  EXPECT_FALSE(bsp.export_in_progress());
}

TEST(BatchSpanProcessorTest, FullQueueDropsExactlyTheOverflow) {
  CountingDropObserver counter;
  BatchSpanProcessor bsp(Small(), &counter, kTimeZero);
  for (uint64_t id = 1; id <= 20; ++id) bsp.OnEnd(Span(id), Ms(1));
  EXPECT_EQ(bsp.queue_size(), 8u);
  EXPECT_EQ(counter.count(DropCause::kSdkQueueFull), 12u);
  EXPECT_EQ(counter.total(), 12u);
  EXPECT_EQ(bsp.dropped_spans(), 12u);
}

TEST(BatchSpanProcessorTest, DropsTheNewcomerOneSpanPerCallAndKeepsTheQueue) {
  RecordingObserver obs;
  BatchSpanProcessor bsp(Small(), &obs, kTimeZero);
  for (uint64_t id = 1; id <= 11; ++id) bsp.OnEnd(Span(id), Ms(1));
  EXPECT_EQ(obs.ids, Range(9, 3));
  EXPECT_EQ(obs.calls, 3);
  EXPECT_EQ(Ids(bsp.DrainAll()), Range(1, 8));
}

TEST(BatchSpanProcessorTest, RecordOnlySpansAreIgnored) {
  CountingDropObserver counter;
  BatchSpanProcessor bsp(Small(), &counter, kTimeZero);
  for (uint64_t id = 1; id <= 50; ++id) bsp.OnEnd(Span(id, /*sampled=*/false), Ms(1));
  EXPECT_EQ(bsp.queue_size(), 0u);
  EXPECT_EQ(counter.total(), 0u);
  EXPECT_FALSE(bsp.export_requested());
  EXPECT_FALSE(bsp.ExportDue(Ms(10'000)));
  // Mixed: only the sampled ones are kept.
  bsp.OnEnd(Span(100, false), Ms(2));
  bsp.OnEnd(Span(101, true), Ms(2));
  EXPECT_EQ(bsp.queue_size(), 1u);
}

TEST(BatchSpanProcessorTest, ExportBecomesDueWhenQueueReachesBatchSize) {
  BatchSpanProcessor bsp(Small(), nullptr, kTimeZero);
  for (uint64_t id = 1; id <= 3; ++id) bsp.OnEnd(Span(id), Ms(10));
  EXPECT_FALSE(bsp.ExportDue(Ms(10)));
  EXPECT_FALSE(bsp.export_requested());
  bsp.OnEnd(Span(4), Ms(11));
  EXPECT_TRUE(bsp.export_requested());
  EXPECT_TRUE(bsp.ExportDue(Ms(11)));
  auto batch = bsp.TakeBatch(Ms(11));
  EXPECT_EQ(Ids(batch), Range(1, 4));
  EXPECT_FALSE(bsp.export_requested());
  EXPECT_TRUE(bsp.export_in_progress());
  EXPECT_EQ(bsp.queue_size(), 0u);
}

TEST(BatchSpanProcessorTest, TakeBatchTakesAtMostTheBatchSizeOldestFirst) {
  BatchSpanProcessorOptions o = Small();
  o.max_queue_size = 10;
  BatchSpanProcessor bsp(o, nullptr, kTimeZero);
  for (uint64_t id = 1; id <= 10; ++id) bsp.OnEnd(Span(id), Ms(1));
  EXPECT_EQ(Ids(bsp.TakeBatch(Ms(1))), Range(1, 4));
  EXPECT_EQ(bsp.queue_size(), 6u);
  bsp.OnExportDone(Ms(2));
  EXPECT_TRUE(bsp.ExportDue(Ms(2)));
  EXPECT_EQ(Ids(bsp.TakeBatch(Ms(2))), Range(5, 4));
  bsp.OnExportDone(Ms(3));
  EXPECT_FALSE(bsp.ExportDue(Ms(3)));  // 2 left, deadline at 5.003 s
  EXPECT_TRUE(bsp.ExportDue(Ms(5003)));
  EXPECT_EQ(Ids(bsp.TakeBatch(Ms(5003))), Range(9, 2));
}

TEST(BatchSpanProcessorTest, TimerNothingDueBeforeScheduleDelayDueAfter) {
  BatchSpanProcessor bsp(Small(), nullptr, kTimeZero);
  bsp.OnEnd(Span(1), Ms(1000));
  EXPECT_FALSE(bsp.export_requested());
  EXPECT_EQ(bsp.NextDeadline(), Ms(5000));
  EXPECT_FALSE(bsp.ExportDue(Ms(1000)));
  EXPECT_FALSE(bsp.ExportDue(Ms(4999)));
  EXPECT_FALSE(bsp.ExportDue(Ms(5000) - std::chrono::nanoseconds(1)));
  EXPECT_TRUE(bsp.ExportDue(Ms(5000)));
  EXPECT_TRUE(bsp.ExportDue(Ms(7000)));
  EXPECT_EQ(Ids(bsp.TakeBatch(Ms(5000))), Range(1, 1));
}

TEST(BatchSpanProcessorTest, DeadlineIsRearmedAtEndOfExport) {
  BatchSpanProcessor bsp(Small(), nullptr, kTimeZero);
  bsp.OnEnd(Span(1), Ms(1000));
  ASSERT_TRUE(bsp.ExportDue(Ms(5000)));
  bsp.TakeBatch(Ms(5000));
  bsp.OnExportDone(Ms(5300));  // the export took 300 ms
  EXPECT_EQ(bsp.NextDeadline(), Ms(10300));
  bsp.OnEnd(Span(2), Ms(6000));
  EXPECT_FALSE(bsp.ExportDue(Ms(10299)));
  EXPECT_TRUE(bsp.ExportDue(Ms(10300)));
}

TEST(BatchSpanProcessorTest, OneExportAtATime) {
  BatchSpanProcessor bsp(Small(), nullptr, kTimeZero);
  for (uint64_t id = 1; id <= 4; ++id) bsp.OnEnd(Span(id), Ms(1));
  ASSERT_TRUE(bsp.ExportDue(Ms(1)));
  bsp.TakeBatch(Ms(1));
  // A full batch arrives and the deadline passes while the export runs: still nothing due and no
  // wake-up request (the worker is busy exporting).
  for (uint64_t id = 5; id <= 12; ++id) bsp.OnEnd(Span(id), Ms(2));
  EXPECT_FALSE(bsp.ExportDue(Ms(2)));
  EXPECT_FALSE(bsp.ExportDue(Ms(60'000)));
  EXPECT_FALSE(bsp.export_requested());
  EXPECT_EQ(bsp.queue_size(), 8u);
  bsp.OnExportDone(Ms(60'000));
  EXPECT_TRUE(bsp.ExportDue(Ms(60'000)));  // full batches go out back to back
  EXPECT_EQ(Ids(bsp.TakeBatch(Ms(60'000))), Range(5, 4));
  bsp.OnExportDone(Ms(60'010));
  EXPECT_TRUE(bsp.ExportDue(Ms(60'010)));
  EXPECT_EQ(Ids(bsp.TakeBatch(Ms(60'010))), Range(9, 4));
}

TEST(BatchSpanProcessorTest, IdleTimerKeepsTickingOnItsGrid) {
  BatchSpanProcessor bsp(Small(), nullptr, kTimeZero);  // ticks at 5, 10, 15 s ...
  EXPECT_FALSE(bsp.ExportDue(Ms(12'000)));              // idle ticks at 5 and 10 s exported nothing
  EXPECT_EQ(bsp.NextDeadline(), Ms(15'000));
  EXPECT_GT(bsp.NextDeadline(), Ms(12'000));
  bsp.OnEnd(Span(1), Ms(13'000));
  EXPECT_FALSE(bsp.ExportDue(Ms(14'999)));
  EXPECT_TRUE(bsp.ExportDue(Ms(15'000)));  // the next tick, not 13 s + 5 s
}

TEST(BatchSpanProcessorTest, IdleTimerAdvancesStrictlyPastNowSoDriversCannotSpin) {
  BatchSpanProcessor bsp(Small(), nullptr, kTimeZero);
  EXPECT_FALSE(bsp.ExportDue(Ms(10'000)));  // exactly on a tick
  EXPECT_EQ(bsp.NextDeadline(), Ms(15'000));
  EXPECT_FALSE(bsp.ExportDue(Ms(15'000)));
  EXPECT_EQ(bsp.NextDeadline(), Ms(20'000));
}

TEST(BatchSpanProcessorTest, SpanEndingOnAnUnobservedIdleTickIsExportedByThatTick) {
  BatchSpanProcessor bsp(Small(), nullptr, kTimeZero);
  bsp.OnEnd(Span(1), Ms(10'000));  // the driver never looked since start; 10 s is a tick
  EXPECT_EQ(bsp.NextDeadline(), Ms(10'000));
  EXPECT_TRUE(bsp.export_requested());
  EXPECT_TRUE(bsp.ExportDue(Ms(10'000)));
}

TEST(BatchSpanProcessorTest, IdleTicksRestartFromTheLastExport) {
  BatchSpanProcessor bsp(Small(), nullptr, kTimeZero);
  for (uint64_t id = 1; id <= 4; ++id) bsp.OnEnd(Span(id), Ms(1000));
  bsp.TakeBatch(Ms(1000));
  bsp.OnExportDone(Ms(1200));  // ticks now at 6.2, 11.2, 16.2 s ...
  EXPECT_FALSE(bsp.ExportDue(Ms(7000)));
  EXPECT_EQ(bsp.NextDeadline(), Ms(11'200));
  bsp.OnEnd(Span(5), Ms(12'000));
  EXPECT_EQ(bsp.NextDeadline(), Ms(16'200));
  EXPECT_FALSE(bsp.ExportDue(Ms(16'199)));
  EXPECT_TRUE(bsp.ExportDue(Ms(16'200)));
}

TEST(BatchSpanProcessorTest, SpansHeldByTheWorkerAfterAnExportDoNotOccupyTheQueue) {
  // Java: after an export the worker moves queued spans (< a batch) into its batch buffer, so
  // the queue can again take max_queue_size spans.
  CountingDropObserver counter;
  BatchSpanProcessor bsp(Small(), &counter, kTimeZero);
  for (uint64_t id = 1; id <= 4; ++id) bsp.OnEnd(Span(id), Ms(1));
  bsp.TakeBatch(Ms(1));
  for (uint64_t id = 5; id <= 7; ++id) bsp.OnEnd(Span(id), Ms(2));  // arrive during the export
  bsp.OnExportDone(Ms(3));                                          // worker holds 5, 6, 7
  for (uint64_t id = 8; id <= 15; ++id) bsp.OnEnd(Span(id), Ms(4));
  EXPECT_EQ(counter.total(), 0u);
  EXPECT_EQ(bsp.queue_size(), 11u);
  bsp.OnEnd(Span(16), Ms(4));
  EXPECT_EQ(counter.total(), 1u);
  // The next batch is the oldest four: the worker's three plus one from the queue.
  ASSERT_TRUE(bsp.ExportDue(Ms(4)));
  EXPECT_EQ(Ids(bsp.TakeBatch(Ms(4))), Range(5, 4));
  // During an export only max_queue_size spans fit.
  EXPECT_EQ(bsp.queue_size(), 7u);
  bsp.OnEnd(Span(17), Ms(5));
  bsp.OnEnd(Span(18), Ms(5));
  EXPECT_EQ(counter.total(), 2u);
}

TEST(BatchSpanProcessorTest, ExportRequestedOnlyWhenOnEndMakesAnExportDue) {
  BatchSpanProcessor bsp(Small(), nullptr, kTimeZero);
  bsp.OnEnd(Span(1), Ms(6000));  // after an idle tick at 5 s: next tick 10 s
  EXPECT_FALSE(bsp.export_requested());
  bsp.OnEnd(Span(2), Ms(10'000));  // the deadline has come: due
  EXPECT_TRUE(bsp.export_requested());
  bsp.TakeBatch(Ms(10'000));
  EXPECT_FALSE(bsp.export_requested());
}

TEST(BatchSpanProcessorTest, TakeBatchOnEmptyQueueChangesNothing) {
  BatchSpanProcessor bsp(Small(), nullptr, kTimeZero);
  EXPECT_TRUE(bsp.TakeBatch(Ms(1)).empty());
  EXPECT_FALSE(bsp.export_in_progress());
  EXPECT_EQ(bsp.NextDeadline(), Ms(5000));
}

TEST(BatchSpanProcessorTest, DrainAllReturnsEverythingQueued) {
  CountingDropObserver counter;
  BatchSpanProcessor bsp(Small(), &counter, kTimeZero);
  for (uint64_t id = 1; id <= 6; ++id) bsp.OnEnd(Span(id), Ms(1));
  bsp.TakeBatch(Ms(1));
  bsp.OnEnd(Span(7), Ms(2));
  auto all = bsp.DrainAll();
  EXPECT_EQ(Ids(all), Range(5, 3));
  EXPECT_EQ(bsp.queue_size(), 0u);
  EXPECT_FALSE(bsp.export_requested());
  EXPECT_EQ(counter.total(), 0u);
  EXPECT_TRUE(bsp.export_in_progress());  // the in-flight batch belongs to the driver
}

TEST(BatchSpanProcessorTest, DriverLoopConservesEverySampledSpan) {
  // A manual-clock driver: 1 span per ms (every 3rd record-only), exports take 10 ms.
  BatchSpanProcessorOptions o;
  o.max_queue_size = 64;
  o.max_export_batch_size = 16;
  o.schedule_delay = milliseconds(100);
  CountingDropObserver counter;
  BatchSpanProcessor bsp(o, &counter, kTimeZero);
  uint64_t sampled = 0, exported = 0, exports = 0;
  TimePoint export_end = kTimeInfinite;
  std::vector<SpanData> in_flight;
  for (int64_t t = 0; t < 20'000; ++t) {
    const TimePoint now = Ms(t);
    if (now >= export_end) {
      exported += in_flight.size();
      in_flight.clear();
      bsp.OnExportDone(now);
      export_end = kTimeInfinite;
    }
    const bool is_sampled = t % 3 != 0;
    sampled += is_sampled ? 1 : 0;
    bsp.OnEnd(Span(static_cast<uint64_t>(t) + 1, is_sampled), now);
    if (!bsp.export_in_progress() && bsp.ExportDue(now)) {
      in_flight = bsp.TakeBatch(now);
      EXPECT_LE(in_flight.size(), 16u);
      ++exports;
      export_end = now + milliseconds(10);
    }
    if (!bsp.export_in_progress()) {
      EXPECT_GT(bsp.NextDeadline(), now);
    }
  }
  EXPECT_EQ(sampled, exported + in_flight.size() + bsp.queue_size() + counter.total());
  EXPECT_EQ(counter.total(), 0u);  // 0.67 spans/ms vs 16 per 10 ms: keeps up
  EXPECT_GT(exports, 0u);

  // The same loop with slow exports (400 ms) overflows and counts every drop.
  BatchSpanProcessor slow(o, &counter, kTimeZero);
  sampled = exported = 0;
  export_end = kTimeInfinite;
  in_flight.clear();
  for (int64_t t = 0; t < 20'000; ++t) {
    const TimePoint now = Ms(t);
    if (now >= export_end) {
      exported += in_flight.size();
      in_flight.clear();
      slow.OnExportDone(now);
      export_end = kTimeInfinite;
    }
    ++sampled;
    slow.OnEnd(Span(static_cast<uint64_t>(t) + 1), now);
    if (!slow.export_in_progress() && slow.ExportDue(now)) {
      in_flight = slow.TakeBatch(now);
      export_end = now + milliseconds(400);
    }
  }
  EXPECT_GT(counter.total(), 0u);
  EXPECT_EQ(counter.total(), slow.dropped_spans());
  EXPECT_EQ(sampled, exported + in_flight.size() + slow.queue_size() + counter.total());
}

TEST(BatchSpanProcessorOptionsTest, ValidationNamesTheKey) {
  auto expect_error = [](BatchSpanProcessorOptions o, const std::string& key) {
    Status s = ValidateBatchSpanProcessorOptions(o);
    ASSERT_FALSE(s.ok()) << key;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find(key), std::string::npos) << s.message();
  };
  BatchSpanProcessorOptions o;
  o.max_queue_size = 0;
  expect_error(o, "batch_span_processor.max_queue_size");
  o = {};
  o.max_export_batch_size = 0;
  expect_error(o, "batch_span_processor.max_export_batch_size");
  o = {};
  o.max_export_batch_size = 4096;
  expect_error(o, "batch_span_processor.max_export_batch_size");
  o = {};
  o.schedule_delay = Duration::zero();
  expect_error(o, "batch_span_processor.schedule_delay");
  o = {};
  o.export_timeout = -milliseconds(1);
  expect_error(o, "batch_span_processor.export_timeout");
  o = {};
  o.max_export_batch_size = o.max_queue_size;
  o.export_timeout = Duration::zero();
  EXPECT_TRUE(ValidateBatchSpanProcessorOptions(o).ok());
}

}  // namespace
}  // namespace tracesim::pipeline
