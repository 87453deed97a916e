#include "tracesim/pipeline/export_queue.h"

#include <gtest/gtest.h>

#include <vector>

namespace tracesim::pipeline {
namespace {

using std::chrono::milliseconds;

ExportRequest MakeRequest(uint64_t id, size_t spans) {
  ExportRequest r;
  r.id = id;
  for (size_t i = 0; i < spans; ++i) {
    SpanData s;
    s.trace_id = TraceId{id, i + 1};
    s.span_id = SpanId{id * 1000 + i + 1};
    s.trace_flags = kTraceFlagSampled;
    r.spans.push_back(s);
  }
  return r;
}

// Records every drop call.
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

TEST(ExportQueueTest, DefaultsAreTheCollectorsSendingQueue) {
  SendingQueueOptions o;
  EXPECT_TRUE(o.enabled);
  EXPECT_EQ(o.num_consumers, 10);
  EXPECT_EQ(o.queue_size, 1000);
  ExportQueue q(o, nullptr);
  EXPECT_EQ(q.capacity(), 1000u);
}

TEST(ExportQueueTest, FullQueueRejectsWithEnqueueFailedCountingExactlyTheRefusedSpans) {
  CountingDropObserver counter;
  ExportQueue q({.enabled = true, .num_consumers = 2, .queue_size = 3}, &counter);
  for (uint64_t id = 1; id <= 5; ++id) {
    Status s = q.Offer(MakeRequest(id, id), FromNanos(static_cast<int64_t>(id)));
    if (id <= 3) {
      EXPECT_TRUE(s.ok()) << id;
    } else {
      EXPECT_EQ(s.code(), StatusCode::kResourceExhausted) << id;
    }
  }
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.span_count(), 1u + 2u + 3u);
  EXPECT_TRUE(q.full());
  EXPECT_EQ(q.rejected_requests(), 2u);
  EXPECT_EQ(counter.count(DropCause::kEnqueueFailed), 4u + 5u);
  EXPECT_EQ(counter.total(), 9u);
}

TEST(ExportQueueTest, RejectionReportsStageCauseAndTheRequestsSpans) {
  RecordingObserver obs;
  ExportQueue q({.enabled = true, .num_consumers = 1, .queue_size = 1}, &obs);
  ASSERT_TRUE(q.Offer(MakeRequest(1, 1), kTimeZero).ok());
  EXPECT_FALSE(q.Offer(MakeRequest(2, 2), kTimeZero).ok());
  ASSERT_EQ(obs.calls.size(), 1u);
  EXPECT_EQ(obs.calls[0].stage, Stage::kCollectorExporter);
  EXPECT_EQ(obs.calls[0].cause, DropCause::kEnqueueFailed);
  EXPECT_EQ(obs.calls[0].spans, (std::vector<SpanId>{SpanId{2001}, SpanId{2002}}));
}

TEST(ExportQueueTest, RequestIsConsumedEvenWhenRefused) {
  ExportQueue q({.enabled = true, .num_consumers = 1, .queue_size = 1}, nullptr);
  ASSERT_TRUE(q.Offer(MakeRequest(1, 1), kTimeZero).ok());
  ExportRequest r = MakeRequest(2, 4);
  EXPECT_FALSE(q.Offer(std::move(r), kTimeZero).ok());
  EXPECT_TRUE(r.spans.empty());  // NOLINT(bugprone-use-after-move): the contract says consumed
}

TEST(ExportQueueTest, TakeIsFifoAndStampsEnqueueTime) {
  ExportQueue q({.enabled = true, .num_consumers = 1, .queue_size = 10}, nullptr);
  for (uint64_t id = 1; id <= 4; ++id) {
    ASSERT_TRUE(q.Offer(MakeRequest(id, 2), kTimeZero + milliseconds(10 * id)).ok());
  }
  for (uint64_t id = 1; id <= 4; ++id) {
    auto r = q.Take();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->id, id);
    EXPECT_EQ(r->enqueued_at, kTimeZero + milliseconds(10 * id));
    EXPECT_EQ(r->spans.size(), 2u);
    EXPECT_EQ(q.span_count(), 2 * (4 - id));
  }
  EXPECT_FALSE(q.Take().has_value());
  EXPECT_TRUE(q.empty());
}

TEST(ExportQueueTest, TakingFreesCapacity) {
  CountingDropObserver counter;
  ExportQueue q({.enabled = true, .num_consumers = 1, .queue_size = 2}, &counter);
  ASSERT_TRUE(q.Offer(MakeRequest(1, 1), kTimeZero).ok());
  ASSERT_TRUE(q.Offer(MakeRequest(2, 1), kTimeZero).ok());
  EXPECT_FALSE(q.Offer(MakeRequest(3, 1), kTimeZero).ok());
  ASSERT_TRUE(q.Take().has_value());
  EXPECT_TRUE(q.Offer(MakeRequest(4, 1), kTimeZero).ok());
  EXPECT_EQ(q.Take()->id, 2u);
  EXPECT_EQ(q.Take()->id, 4u);
  EXPECT_EQ(counter.total(), 1u);
}

TEST(ExportQueueTest, DrainAllReturnsEverythingOldestFirst) {
  CountingDropObserver counter;
  ExportQueue q({.enabled = true, .num_consumers = 1, .queue_size = 5}, &counter);
  for (uint64_t id = 1; id <= 3; ++id) ASSERT_TRUE(q.Offer(MakeRequest(id, id), kTimeZero).ok());
  std::vector<ExportRequest> all = q.DrainAll();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, 1u);
  EXPECT_EQ(all[2].id, 3u);
  EXPECT_EQ(all[2].spans.size(), 3u);
  EXPECT_EQ(q.size(), 0u);
  EXPECT_EQ(q.span_count(), 0u);
  EXPECT_EQ(counter.total(), 0u);  // the driver reports crash losses, not the queue
}

TEST(ExportQueueTest, NewOptionsDefaultToTheCollectorsBehaviour) {
  SendingQueueOptions o;
  EXPECT_EQ(o.sizer, QueueSizer::kRequests);
  EXPECT_FALSE(o.block_on_overflow);
  EXPECT_TRUE(o.storage.empty());
  ExportQueue q(o, nullptr);
  EXPECT_FALSE(q.persistent());
  EXPECT_STREQ(QueueSizerName(QueueSizer::kItems), "items");
  EXPECT_EQ(*ParseQueueSizer("requests"), QueueSizer::kRequests);
  EXPECT_EQ(*ParseQueueSizer("items"), QueueSizer::kItems);
  auto bad = ParseQueueSizer("bytes");
  EXPECT_EQ(bad.status().message(),
            "sending_queue.sizer: unknown sizer \"bytes\" (expected requests or items)");
}

TEST(ExportQueueTest, ItemsSizerCountsSpans) {
  CountingDropObserver counter;
  SendingQueueOptions o{.enabled = true, .num_consumers = 1, .queue_size = 10};
  o.sizer = QueueSizer::kItems;
  ExportQueue q(o, &counter);
  ASSERT_TRUE(q.Offer(MakeRequest(1, 6), kTimeZero).ok());
  EXPECT_EQ(q.used(), 6u);
  EXPECT_TRUE(q.Fits(4));
  EXPECT_FALSE(q.Fits(5));
  // 6 + 5 > 10: refused although only one request is queued.
  Status s = q.Offer(MakeRequest(2, 5), kTimeZero);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(), "sending queue is full");
  EXPECT_EQ(counter.count(DropCause::kEnqueueFailed), 5u);
  ASSERT_TRUE(q.Offer(MakeRequest(3, 4), kTimeZero).ok());
  EXPECT_TRUE(q.full());
  EXPECT_EQ(q.size(), 2u);
  // An empty request has size 0: accepted, not stored.
  ASSERT_TRUE(q.Offer(MakeRequest(4, 0), kTimeZero).ok());
  EXPECT_EQ(q.size(), 2u);
  // Larger than the whole queue: refused as too large.
  ASSERT_TRUE(q.Take().has_value());
  s = q.Offer(MakeRequest(5, 11), kTimeZero);
  EXPECT_EQ(s.message(), "element size too large");
  EXPECT_EQ(counter.count(DropCause::kEnqueueFailed), 16u);
  EXPECT_EQ(q.rejected_requests(), 2u);
}

TEST(ExportQueueTest, BlockOnOverflowLeavesTheRequestToTheCaller) {
  RecordingObserver obs;
  SendingQueueOptions o{.enabled = true, .num_consumers = 1, .queue_size = 1};
  o.block_on_overflow = true;
  ExportQueue q(o, &obs);
  ASSERT_TRUE(q.Offer(MakeRequest(1, 1), kTimeZero).ok());
  ExportRequest r = MakeRequest(2, 3);
  Status s = q.Offer(std::move(r), kTimeZero);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(r.spans.size(), 3u);  // NOLINT(bugprone-use-after-move): untouched by contract
  EXPECT_TRUE(obs.calls.empty());
  EXPECT_EQ(q.blocked_offers(), 1u);
  EXPECT_EQ(q.rejected_requests(), 0u);
  ASSERT_TRUE(q.Take().has_value());
  ASSERT_TRUE(q.Offer(std::move(r), kTimeZero + milliseconds(5)).ok());
  EXPECT_EQ(q.Take()->id, 2u);

  // Too large never fits: refused even when blocking.
  SendingQueueOptions items{.enabled = true, .num_consumers = 1, .queue_size = 2};
  items.sizer = QueueSizer::kItems;
  items.block_on_overflow = true;
  ExportQueue qi(items, &obs);
  EXPECT_EQ(qi.Offer(MakeRequest(3, 3), kTimeZero).code(), StatusCode::kResourceExhausted);
  ASSERT_EQ(obs.calls.size(), 1u);
  EXPECT_EQ(obs.calls[0].cause, DropCause::kEnqueueFailed);
}

TEST(ExportQueueTest, StorageMakesThePersistentQueue) {
  SendingQueueOptions o;
  o.storage = "file_storage";
  ExportQueue q(o, nullptr);
  EXPECT_TRUE(q.persistent());
  ASSERT_TRUE(q.Offer(MakeRequest(1, 2), kTimeZero).ok());
  // DrainAll still works; the driver decides whether a crash calls it.
  EXPECT_EQ(q.DrainAll().size(), 1u);
}

TEST(ExportQueueTest, RequeuePutsADispatchedRequestBackFirstWhateverTheCapacity) {
  SendingQueueOptions o;
  o.queue_size = 2;
  o.storage = "file_storage";
  ExportQueue q(o, nullptr);
  ASSERT_TRUE(q.Offer(MakeRequest(1, 2), kTimeZero).ok());
  ASSERT_TRUE(q.Offer(MakeRequest(2, 3), kTimeZero).ok());
  std::optional<ExportRequest> taken = q.Take();  // dispatched to a consumer...
  ASSERT_TRUE(taken.has_value());
  ASSERT_TRUE(q.Offer(MakeRequest(3, 1), kTimeZero).ok());  // ...whose slot is reused
  EXPECT_TRUE(q.full());
  q.Requeue(std::move(*taken));  // the consumer died before the export succeeded
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.span_count(), 6u);
  EXPECT_EQ(q.Take()->id, 1u);  // exported again first
  EXPECT_EQ(q.Take()->id, 2u);
  EXPECT_EQ(q.Take()->id, 3u);
  q.Requeue(ExportRequest{});  // an empty request is ignored
  EXPECT_TRUE(q.empty());
}

TEST(SendingQueueOptionsTest, ValidationNamesTheKey) {
  Status s = ValidateSendingQueueOptions({.enabled = true, .num_consumers = 10, .queue_size = 0});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("sending_queue.queue_size"), std::string::npos) << s.message();
  s = ValidateSendingQueueOptions({.enabled = true, .num_consumers = -1, .queue_size = 10});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("sending_queue.num_consumers"), std::string::npos) << s.message();
  EXPECT_TRUE(ValidateSendingQueueOptions({.enabled = false, .num_consumers = 0, .queue_size = 0}).ok());
  EXPECT_TRUE(ValidateSendingQueueOptions({}).ok());
}

}  // namespace
}  // namespace tracesim::pipeline
