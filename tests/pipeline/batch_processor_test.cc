#include "tracesim/pipeline/batch_processor.h"

#include <gtest/gtest.h>

#include <vector>

namespace tracesim::pipeline {
namespace {

using std::chrono::milliseconds;

TimePoint Ms(int64_t ms) { return kTimeZero + milliseconds(ms); }

// Spans with span ids first, first+1, ...
std::vector<SpanData> Spans(uint64_t first, size_t n, size_t attributes = 0) {
  std::vector<SpanData> out;
  for (size_t i = 0; i < n; ++i) {
    SpanData s;
    s.trace_id = TraceId{1, first + i};
    s.span_id = SpanId{first + i};
    s.trace_flags = kTraceFlagSampled;
    for (size_t a = 0; a < attributes; ++a) s.attributes.push_back({static_cast<uint32_t>(a), int64_t{1}});
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<uint64_t> Ids(const std::vector<SpanData>& batch) {
  std::vector<uint64_t> ids;
  for (const auto& s : batch) ids.push_back(s.span_id.value);
  return ids;
}

std::vector<uint64_t> Range(uint64_t first, uint64_t n) {
  std::vector<uint64_t> ids;
  for (uint64_t i = 0; i < n; ++i) ids.push_back(first + i);
  return ids;
}

TEST(BatchProcessorTest, DefaultsAreTheCollectors) {
  BatchProcessorOptions o;
  EXPECT_EQ(o.send_batch_size, 8192u);
  EXPECT_EQ(o.timeout, milliseconds(200));
  EXPECT_EQ(o.send_batch_max_size, 0u);
  EXPECT_TRUE(ValidateBatchProcessorOptions(o).ok());
  BatchProcessor bp(o, Ms(1000));
  EXPECT_TRUE(bp.has_timer());
  EXPECT_EQ(bp.NextDeadline(), Ms(1200));
}

TEST(BatchProcessorTest, SizeTriggerSendsEverythingPendingWithoutMaxSize) {
  BatchProcessor bp({.send_batch_size = 4, .timeout = milliseconds(200), .send_batch_max_size = 0}, Ms(0));
  EXPECT_TRUE(bp.Add(Spans(1, 3), Ms(10)).empty());
  EXPECT_EQ(bp.pending_spans(), 3u);
  auto batches = bp.Add(Spans(4, 2), Ms(20));
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(Ids(batches[0]), Range(1, 5));  // all 5, oldest first: no max size
  EXPECT_EQ(bp.pending_spans(), 0u);
  EXPECT_EQ(bp.pending_bytes(), 0u);
}

TEST(BatchProcessorTest, SizeTriggerSplitsByMaxSizeAndKeepsTheRemainder) {
  BatchProcessor bp({.send_batch_size = 4, .timeout = milliseconds(200), .send_batch_max_size = 6}, Ms(0));
  auto batches = bp.Add(Spans(1, 15), Ms(10));
  // 15 >= 4: send 6; 9 >= 4: send 6; 3 < 4: stop.
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(Ids(batches[0]), Range(1, 6));
  EXPECT_EQ(Ids(batches[1]), Range(7, 6));
  EXPECT_EQ(bp.pending_spans(), 3u);
  // The remainder goes out first on the next send.
  batches = bp.Add(Spans(16, 1), Ms(20));
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(Ids(batches[0]), Range(13, 4));
}

TEST(BatchProcessorTest, ExactlySendBatchSizeIsSent) {
  BatchProcessor bp({.send_batch_size = 4, .timeout = milliseconds(200), .send_batch_max_size = 4}, Ms(0));
  auto batches = bp.Add(Spans(1, 8), Ms(1));
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[1].size(), 4u);
  EXPECT_EQ(bp.pending_spans(), 0u);
}

TEST(BatchProcessorTest, TimerFlushesPendingAtTheDeadlineAndRearms) {
  BatchProcessor bp({.send_batch_size = 100, .timeout = milliseconds(200), .send_batch_max_size = 0}, Ms(0));
  EXPECT_TRUE(bp.Add(Spans(1, 2), Ms(50)).empty());
  EXPECT_EQ(bp.NextDeadline(), Ms(200));  // a non-triggering Add does not touch the timer
  EXPECT_TRUE(bp.OnTimer(Ms(199)).empty());
  EXPECT_EQ(bp.NextDeadline(), Ms(200));
  auto batches = bp.OnTimer(Ms(200));
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(Ids(batches[0]), Range(1, 2));
  EXPECT_EQ(bp.NextDeadline(), Ms(400));
  // An empty tick still re-arms.
  EXPECT_TRUE(bp.OnTimer(Ms(400)).empty());
  EXPECT_EQ(bp.NextDeadline(), Ms(600));
}

TEST(BatchProcessorTest, LateTimerRearmsFromWhenItFired) {
  BatchProcessor bp({.send_batch_size = 100, .timeout = milliseconds(200), .send_batch_max_size = 0}, Ms(0));
  bp.Add(Spans(1, 1), Ms(10));
  ASSERT_EQ(bp.OnTimer(Ms(230)).size(), 1u);
  EXPECT_EQ(bp.NextDeadline(), Ms(430));
}

TEST(BatchProcessorTest, SizeTriggeredSendResetsTheTimer) {
  BatchProcessor bp({.send_batch_size = 4, .timeout = milliseconds(200), .send_batch_max_size = 0}, Ms(0));
  ASSERT_EQ(bp.Add(Spans(1, 4), Ms(150)).size(), 1u);
  EXPECT_EQ(bp.NextDeadline(), Ms(350));
  EXPECT_TRUE(bp.Add(Spans(5, 1), Ms(160)).empty());
  EXPECT_TRUE(bp.OnTimer(Ms(200)).empty());  // the original deadline no longer applies
  EXPECT_EQ(bp.pending_spans(), 1u);
  auto batches = bp.OnTimer(Ms(350));
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(Ids(batches[0]), Range(5, 1));
  EXPECT_EQ(bp.NextDeadline(), Ms(550));
}

TEST(BatchProcessorTest, TimeoutZeroSendsEverythingImmediately) {
  BatchProcessor bp({.send_batch_size = 8192, .timeout = Duration::zero(), .send_batch_max_size = 0}, Ms(0));
  EXPECT_FALSE(bp.has_timer());
  EXPECT_EQ(bp.NextDeadline(), kTimeInfinite);
  auto batches = bp.Add(Spans(1, 3), Ms(5));
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(Ids(batches[0]), Range(1, 3));
  EXPECT_TRUE(bp.OnTimer(Ms(1'000'000)).empty());
  EXPECT_EQ(bp.NextDeadline(), kTimeInfinite);
}

TEST(BatchProcessorTest, TimeoutZeroStillSplitsByMaxSize) {
  BatchProcessor bp({.send_batch_size = 2, .timeout = Duration::zero(), .send_batch_max_size = 2}, Ms(0));
  auto batches = bp.Add(Spans(1, 5), Ms(5));
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(Ids(batches[0]), Range(1, 2));
  EXPECT_EQ(Ids(batches[1]), Range(3, 2));
  EXPECT_EQ(Ids(batches[2]), Range(5, 1));
  EXPECT_EQ(bp.pending_spans(), 0u);
}

TEST(BatchProcessorTest, SendBatchSizeZeroMeansNoTimerAndImmediateSend) {
  // Collector: the shard only has a timer when timeout != 0 and send_batch_size != 0.
  BatchProcessor bp({.send_batch_size = 0, .timeout = milliseconds(200), .send_batch_max_size = 0}, Ms(0));
  EXPECT_FALSE(bp.has_timer());
  EXPECT_EQ(bp.NextDeadline(), kTimeInfinite);
  auto batches = bp.Add(Spans(1, 1), Ms(1));
  ASSERT_EQ(batches.size(), 1u);
}

TEST(BatchProcessorTest, EmptyAddSendsNothingAndKeepsTheTimer) {
  BatchProcessor bp({.send_batch_size = 4, .timeout = milliseconds(200), .send_batch_max_size = 0}, Ms(0));
  EXPECT_TRUE(bp.Add({}, Ms(100)).empty());
  EXPECT_EQ(bp.NextDeadline(), Ms(200));
  BatchProcessor immediate({.send_batch_size = 4, .timeout = Duration::zero(), .send_batch_max_size = 0},
                           Ms(0));
  EXPECT_TRUE(immediate.Add({}, Ms(100)).empty());
}

TEST(BatchProcessorTest, PendingBytesTracksWireSizeEstimate) {
  BatchProcessor bp({.send_batch_size = 10, .timeout = milliseconds(200), .send_batch_max_size = 10}, Ms(0));
  auto small = Spans(1, 3);
  auto large = Spans(4, 2, /*attributes=*/5);
  size_t expected = 0;
  for (const auto& s : small) expected += EstimateWireBytes(s);
  for (const auto& s : large) expected += EstimateWireBytes(s);
  bp.Add(std::move(small), Ms(1));
  bp.Add(std::move(large), Ms(2));
  EXPECT_EQ(bp.pending_spans(), 5u);
  EXPECT_EQ(bp.pending_bytes(), expected);
  EXPECT_GT(expected, 5 * EstimateWireBytes(SpanData{}));

  // A partial send (split) leaves exactly the remainder's bytes.
  BatchProcessor split({.send_batch_size = 2, .timeout = milliseconds(200), .send_batch_max_size = 2}, Ms(0));
  auto five = Spans(1, 2);
  auto more = Spans(3, 1, /*attributes=*/3);
  const size_t rest = EstimateWireBytes(more[0]);
  split.Add(std::move(five), Ms(0));  // sent at once
  EXPECT_EQ(split.pending_bytes(), 0u);
  split.Add(std::move(more), Ms(1));
  EXPECT_EQ(split.pending_bytes(), rest);
}

TEST(BatchProcessorTest, DrainAllReturnsPendingOldestFirst) {
  BatchProcessor bp({.send_batch_size = 100, .timeout = milliseconds(200), .send_batch_max_size = 0}, Ms(0));
  bp.Add(Spans(1, 3), Ms(1));
  bp.Add(Spans(4, 2), Ms(2));
  auto all = bp.DrainAll();
  EXPECT_EQ(Ids(all), Range(1, 5));
  EXPECT_EQ(bp.pending_spans(), 0u);
  EXPECT_EQ(bp.pending_bytes(), 0u);
  EXPECT_TRUE(bp.OnTimer(Ms(200)).empty());
}

TEST(BatchProcessorTest, ConservesSpansUnderARandomisedWorkload) {
  BatchProcessor bp({.send_batch_size = 50, .timeout = milliseconds(200), .send_batch_max_size = 70}, Ms(0));
  uint64_t next_id = 1;
  uint64_t sent = 0, expected_id = 1;
  auto consume = [&](std::vector<std::vector<SpanData>> batches) {
    for (auto& b : batches) {
      EXPECT_LE(b.size(), 70u);
      EXPECT_FALSE(b.empty());
      for (auto& s : b) EXPECT_EQ(s.span_id.value, expected_id++);  // global FIFO order
      sent += b.size();
    }
  };
  for (int64_t t = 0; t < 10'000; t += 7) {
    const size_t n = static_cast<size_t>((t * 37) % 120);
    consume(bp.Add(Spans(next_id, n), Ms(t)));
    next_id += n;
    EXPECT_LT(bp.pending_spans(), 50u);  // size-triggered sends leave < send_batch_size
    if (Ms(t) >= bp.NextDeadline()) consume(bp.OnTimer(Ms(t)));
  }
  EXPECT_EQ(sent + bp.pending_spans(), next_id - 1);
}

TEST(BatchProcessorOptionsTest, ValidationNamesTheKey) {
  Status s = ValidateBatchProcessorOptions(
      {.send_batch_size = 100, .timeout = milliseconds(1), .send_batch_max_size = 99});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("batch.send_batch_max_size"), std::string::npos) << s.message();
  s = ValidateBatchProcessorOptions(
      {.send_batch_size = 100, .timeout = -milliseconds(1), .send_batch_max_size = 0});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("batch.timeout"), std::string::npos) << s.message();
  EXPECT_TRUE(ValidateBatchProcessorOptions(
                  {.send_batch_size = 100, .timeout = Duration::zero(), .send_batch_max_size = 100})
                  .ok());
  EXPECT_TRUE(ValidateBatchProcessorOptions(
                  {.send_batch_size = 0, .timeout = milliseconds(1), .send_batch_max_size = 0})
                  .ok());
}

}  // namespace
}  // namespace tracesim::pipeline
