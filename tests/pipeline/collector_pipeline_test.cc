#include "tracesim/pipeline/collector_pipeline.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tracesim/pipeline/tail_sampling.h"

namespace tracesim::pipeline {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TimePoint At(Duration d) { return kTimeZero + d; }

// `traces` traces of `per_trace` spans each, trace ids (1, t), span ids numbered from `first`.
SpanBatch MakeSpans(size_t traces, size_t per_trace, uint64_t first = 1) {
  SpanBatch b;
  uint64_t id = first;
  for (size_t t = 0; t < traces; ++t) {
    for (size_t i = 0; i < per_trace; ++i) {
      SpanData s;
      s.trace_id = TraceId{1, first * 1000 + t + 1};
      s.span_id = SpanId{id++};
      s.parent_span_id = SpanId{i == 0 ? 0 : id - 2};
      s.start = FromNanos(1000);
      s.end = FromNanos(2000);
      s.trace_flags = kTraceFlagSampled;
      b.push_back(s);
    }
  }
  return b;
}

size_t CountSpans(const std::vector<SpanBatch>& batches) {
  size_t n = 0;
  for (const auto& b : batches) n += b.size();
  return n;
}

class RecordingObserver : public DropObserver {
 public:
  void OnDrop(Stage stage, DropCause cause, std::span<const SpanData> spans) noexcept override {
    calls.push_back({stage, cause, spans.size()});
  }
  struct Call {
    Stage stage;
    DropCause cause;
    size_t spans;
  };
  std::vector<Call> calls;
};

TailSamplingConfig AlwaysSample(Duration decision_wait) {
  TailSamplingConfig c;
  c.decision_wait = decision_wait;
  TailSamplingPolicyConfig p;
  p.name = "everything";
  p.type = "always_sample";
  c.policies.push_back(p);
  return c;
}

TEST(ProcessorEntriesTest, Validation) {
  EXPECT_TRUE(ValidateProcessorEntries({}).ok());
  EXPECT_EQ(ProcessorTypeFromName("batch/2"), "batch");
  EXPECT_EQ(ProcessorTypeFromName("memory_limiter"), "memory_limiter");
  EXPECT_EQ(ProcessorConfigType(ProcessorConfig{MemoryLimiterConfig{}}), "memory_limiter");
  EXPECT_EQ(ProcessorConfigType(ProcessorConfig{ProbabilisticSamplerConfig{}}), "probabilistic_sampler");

  std::vector<ProcessorEntry> ok = {{"memory_limiter", MemoryLimiterConfig{.limit_mib = 100}},
                                    {"batch", BatchProcessorOptions{}},
                                    {"batch/2", BatchProcessorOptions{}}};
  EXPECT_TRUE(ValidateProcessorEntries(ok).ok());

  std::vector<ProcessorEntry> mismatch = {{"batch", MemoryLimiterConfig{.limit_mib = 1}}};
  EXPECT_EQ(ValidateProcessorEntries(mismatch).message(),
            "processors[0] (batch): component type \"batch\" does not match its configuration (a "
            "memory_limiter config)");
  std::vector<ProcessorEntry> dup = {{"batch", BatchProcessorOptions{}}, {"batch", BatchProcessorOptions{}}};
  EXPECT_EQ(ValidateProcessorEntries(dup).message(),
            "processors[1] (batch): references processor \"batch\" multiple times");
  std::vector<ProcessorEntry> empty_name = {{"batch/", BatchProcessorOptions{}}};
  EXPECT_FALSE(ValidateProcessorEntries(empty_name).ok());
  std::vector<ProcessorEntry> empty_type = {{"/x", BatchProcessorOptions{}}};
  EXPECT_FALSE(ValidateProcessorEntries(empty_type).ok());
  std::vector<ProcessorEntry> bad = {
      {"batch", BatchProcessorOptions{.send_batch_size = 10, .send_batch_max_size = 5}}};
  Status s = ValidateProcessorEntries(bad);
  EXPECT_EQ(s.message().rfind("processors[0] (batch): batch.send_batch_max_size:", 0), 0u) << s.message();
  std::vector<ProcessorEntry> bad_ml = {
      {"memory_limiter", MemoryLimiterConfig{.limit_mib = 10, .spike_limit_mib = 10}}};
  EXPECT_EQ(ValidateProcessorEntries(bad_ml).message(),
            "processors[0] (memory_limiter): memory_limiter.spike_limit_mib: must be less than limit_mib");
  std::vector<ProcessorEntry> bad_ts = {{"tail_sampling", TailSamplingConfig{}}};  // no policies
  EXPECT_EQ(
      ValidateProcessorEntries(bad_ts).message().rfind("processors[0] (tail_sampling): tail_sampling.", 0),
      0u);
}

TEST(CollectorPipelineTest, CreateChecksTheEnvironment) {
  Interner interner;
  std::vector<ProcessorEntry> ml = {{"memory_limiter", MemoryLimiterConfig{.limit_mib = 100}}};
  auto a = CollectorPipeline::Create(ml, nullptr, &interner, kTimeZero, nullptr);
  EXPECT_EQ(a.status().message(),
            "processors[0] (memory_limiter): memory_limiter needs a memory usage source (none was given)");
  std::vector<ProcessorEntry> pct = {{"memory_limiter", MemoryLimiterConfig{.limit_percentage = 80}}};
  auto b = CollectorPipeline::Create(pct, nullptr, &interner, kTimeZero, [] { return uint64_t{0}; });
  EXPECT_NE(b.status().message().find("memory_limiter.limit_percentage"), std::string::npos);
  auto b2 = CollectorPipeline::Create(
      pct, nullptr, &interner, kTimeZero, [] { return uint64_t{0}; }, 1000 * kMiB);
  EXPECT_TRUE(b2.ok());
  std::vector<ProcessorEntry> ts = {{"tail_sampling", AlwaysSample(seconds(1))}};
  auto c = CollectorPipeline::Create(ts, nullptr, nullptr, kTimeZero, nullptr);
  EXPECT_EQ(c.status().message(),
            "processors[0] (tail_sampling): tail_sampling needs the span name interner (none was given)");
}

TEST(CollectorPipelineTest, EmptyChainPassesSpansThrough) {
  auto p = CollectorPipeline::Create({}, nullptr, nullptr, kTimeZero, nullptr);
  ASSERT_TRUE(p.ok());
  std::vector<SpanBatch> out;
  SpanBatch spans = MakeSpans(2, 3);
  ASSERT_TRUE(p->Consume(spans, kTimeZero, out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].size(), 6u);
  EXPECT_TRUE(spans.empty());
  EXPECT_EQ(p->NextDeadline(), kTimeInfinite);
}

TEST(CollectorPipelineTest, MemoryLimiterFirstRefusesAndBatchGroups) {
  uint64_t usage = 0;
  std::vector<ProcessorEntry> entries = {
      {"memory_limiter", MemoryLimiterConfig{.check_interval = seconds(1), .limit_mib = 10}},
      {"batch", BatchProcessorOptions{.send_batch_size = 10, .timeout = milliseconds(200)}}};
  auto p = CollectorPipeline::Create(entries, nullptr, nullptr, kTimeZero, [&usage] { return usage; });
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ(p->name(1), "batch");
  EXPECT_EQ(p->processor(0).type(), "memory_limiter");
  EXPECT_EQ(p->NextDeadline(), At(milliseconds(200)));  // batch timer before the 1 s check

  std::vector<SpanBatch> out;
  SpanBatch spans = MakeSpans(1, 6);
  ASSERT_TRUE(p->Consume(spans, At(milliseconds(50)), out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(p->held_spans(), 6u);
  EXPECT_GT(p->held_bytes(), 0u);
  spans = MakeSpans(1, 6, 100);
  ASSERT_TRUE(p->Consume(spans, At(milliseconds(60)), out).ok());
  ASSERT_EQ(out.size(), 1u);  // 12 >= send_batch_size 10: everything pending goes
  EXPECT_EQ(out[0].size(), 12u);
  EXPECT_EQ(p->held_spans(), 0u);

  usage = 9 * kMiB;  // above soft (8 MiB), below hard
  spans = MakeSpans(1, 2, 200);
  ASSERT_TRUE(p->Consume(spans, At(milliseconds(900)), out).ok());  // no check yet
  EXPECT_EQ(p->held_spans(), 2u);
  out.clear();
  p->OnTimer(At(seconds(1)), out);  // the check fires (and the overdue batch timer)
  EXPECT_TRUE(static_cast<const MemoryLimiterProcessor&>(p->processor(0)).limiter().must_refuse());

  spans = MakeSpans(1, 4, 300);
  Status s = p->Consume(spans, At(milliseconds(1001)), out);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  ASSERT_EQ(spans.size(), 4u);  // the caller keeps them
  EXPECT_EQ(spans[0].span_id.value, 300u);
}

TEST(CollectorPipelineTest, TimerOutputFlowsThroughTheRestOfTheChain) {
  Interner interner;
  RecordingObserver drops;
  // tail_sampling decides, then batch groups what it releases.
  std::vector<ProcessorEntry> entries = {
      {"tail_sampling", AlwaysSample(seconds(1))},
      {"batch", BatchProcessorOptions{.send_batch_size = 1000, .timeout = milliseconds(300)}}};
  auto p = CollectorPipeline::Create(entries, &drops, &interner, kTimeZero, nullptr);
  ASSERT_TRUE(p.ok()) << p.status().message();
  std::vector<SpanBatch> out;
  SpanBatch spans = MakeSpans(3, 4);
  ASSERT_TRUE(p->Consume(spans, At(milliseconds(100)), out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(p->held_spans(), 12u);  // all in tail_sampling

  // Drive the chain by its own deadlines.
  TimePoint now = kTimeZero;
  while (CountSpans(out) < 12) {
    now = p->NextDeadline();
    ASSERT_LT(now, At(seconds(10)));
    p->OnTimer(now, out);
    if (CountSpans(out) == 0 && p->processor(0).held_spans() == 0) {
      // Decided by tail_sampling and now held by batch.
      EXPECT_EQ(p->processor(1).held_spans(), 12u);
    }
  }
  // Traces first seen in (0 s, 1 s] are decided at the 2 s tick (decision_wait 1 s); the batch
  // then holds them until its timer, re-armed every 300 ms since start: 2.1 s.
  EXPECT_EQ(now, At(milliseconds(2100)));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].size(), 12u);
  EXPECT_EQ(p->held_spans(), 0u);
  EXPECT_TRUE(drops.calls.empty());
}

TEST(CollectorPipelineTest, OrderMattersBatchBeforeTailSampling) {
  Interner interner;
  std::vector<ProcessorEntry> entries = {
      {"batch", BatchProcessorOptions{.send_batch_size = 1000, .timeout = milliseconds(300)}},
      {"tail_sampling", AlwaysSample(seconds(1))}};
  auto p = CollectorPipeline::Create(entries, nullptr, &interner, kTimeZero, nullptr);
  ASSERT_TRUE(p.ok());
  std::vector<SpanBatch> out;
  SpanBatch spans = MakeSpans(2, 5);
  ASSERT_TRUE(p->Consume(spans, At(milliseconds(100)), out).ok());
  EXPECT_EQ(p->processor(0).held_spans(), 10u);
  p->OnTimer(At(milliseconds(300)), out);  // batch flushes into tail_sampling
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(p->processor(0).held_spans(), 0u);
  EXPECT_EQ(p->processor(1).held_spans(), 10u);
  TimePoint now = At(milliseconds(300));
  while (CountSpans(out) < 10) {
    now = p->NextDeadline();
    ASSERT_LT(now, At(seconds(10)));
    p->OnTimer(now, out);
  }
  // Seen at 0.3 s -> decided at the 2 s tick, emitted straight out (one batch per trace).
  EXPECT_EQ(now, At(seconds(2)));
  EXPECT_EQ(out.size(), 2u);
}

TEST(CollectorPipelineTest, RefusalAfterAnAsynchronousProcessorIsADrop) {
  RecordingObserver drops;
  uint64_t usage = 100 * kMiB;
  std::vector<ProcessorEntry> entries = {
      {"batch", BatchProcessorOptions{.send_batch_size = 4, .timeout = milliseconds(200)}},
      {"memory_limiter", MemoryLimiterConfig{.check_interval = milliseconds(100), .limit_mib = 10}}};
  auto p = CollectorPipeline::Create(entries, &drops, nullptr, kTimeZero, [&usage] { return usage; });
  ASSERT_TRUE(p.ok());
  std::vector<SpanBatch> out;
  p->OnTimer(At(milliseconds(100)), out);  // memory check: refusing
  SpanBatch spans = MakeSpans(1, 5);
  // The batch processor takes them and sends 5 >= 4 at once; the limiter refuses; batch drops.
  ASSERT_TRUE(p->Consume(spans, At(milliseconds(150)), out).ok());
  EXPECT_TRUE(spans.empty());
  EXPECT_TRUE(out.empty());
  ASSERT_EQ(drops.calls.size(), 1u);
  EXPECT_EQ(drops.calls[0].stage, Stage::kCollectorProcessor);
  EXPECT_EQ(drops.calls[0].cause, DropCause::kMemoryLimiterRefused);
  EXPECT_EQ(drops.calls[0].spans, 5u);
  EXPECT_EQ(p->refused_in_chain_spans(), 5u);

  // Timer output is refused the same way.
  spans = MakeSpans(1, 2, 50);
  ASSERT_TRUE(p->Consume(spans, At(milliseconds(160)), out).ok());  // held; batch timer at 350 ms
  p->OnTimer(At(milliseconds(200)), out);                           // only the limiter is due: still refusing
  EXPECT_EQ(drops.calls.size(), 1u);
  EXPECT_EQ(p->NextDeadline(), At(milliseconds(300)));
  usage = 0;
  // At 350 ms both are due. Chain order: batch (stage 0) fires first and hands its 2 spans to a
  // limiter that is still refusing (its 300 ms check has not run yet); then the check runs.
  p->OnTimer(At(milliseconds(350)), out);
  ASSERT_EQ(drops.calls.size(), 2u);
  EXPECT_EQ(drops.calls[1].spans, 2u);
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(static_cast<const MemoryLimiterProcessor&>(p->processor(1)).limiter().must_refuse());
  spans = MakeSpans(1, 4, 70);
  ASSERT_TRUE(p->Consume(spans, At(milliseconds(360)), out).ok());
  EXPECT_EQ(CountSpans(out), 4u);
}

TEST(CollectorPipelineTest, RefusalBehindASynchronousSamplerGoesBackToTheCaller) {
  RecordingObserver drops;
  ProbabilisticSamplerConfig everything;
  everything.sampling_percentage = 100;
  std::vector<ProcessorEntry> entries = {
      {"probabilistic_sampler", everything},
      {"memory_limiter", MemoryLimiterConfig{.check_interval = seconds(1), .limit_mib = 10}}};
  auto p = CollectorPipeline::Create(entries, &drops, nullptr, kTimeZero, [] { return 50 * kMiB; });
  ASSERT_TRUE(p.ok()) << p.status().message();
  std::vector<SpanBatch> out;
  SpanBatch spans = MakeSpans(2, 3);
  ASSERT_TRUE(p->Consume(spans, At(milliseconds(10)), out).ok());
  EXPECT_EQ(CountSpans(out), 6u);
  p->OnTimer(At(seconds(1)), out);
  spans = MakeSpans(2, 3, 40);
  Status s = p->Consume(spans, At(milliseconds(1010)), out);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  ASSERT_EQ(spans.size(), 6u);
  EXPECT_EQ(spans[0].span_id.value, 40u);
  EXPECT_EQ(spans[5].span_id.value, 45u);
  EXPECT_EQ(CountSpans(out), 6u);
  EXPECT_TRUE(drops.calls.empty());
}

TEST(CollectorPipelineTest, DrainAllCollectsEveryHeldSpan) {
  Interner interner;
  std::vector<ProcessorEntry> entries = {
      {"batch", BatchProcessorOptions{.send_batch_size = 100, .timeout = seconds(5)}},
      {"tail_sampling", AlwaysSample(seconds(1))},
      {"batch/2", BatchProcessorOptions{.send_batch_size = 100, .timeout = seconds(5)}}};
  auto p = CollectorPipeline::Create(entries, nullptr, &interner, kTimeZero, nullptr);
  ASSERT_TRUE(p.ok());
  std::vector<SpanBatch> out;
  SpanBatch spans = MakeSpans(1, 120);  // 120 >= 100: flushed into tail_sampling at once
  ASSERT_TRUE(p->Consume(spans, At(milliseconds(1)), out).ok());
  spans = MakeSpans(1, 7, 500);
  ASSERT_TRUE(p->Consume(spans, At(milliseconds(2)), out).ok());
  EXPECT_EQ(p->processor(0).held_spans(), 7u);
  EXPECT_EQ(p->processor(1).held_spans(), 120u);
  EXPECT_EQ(p->held_spans(), 127u);
  SpanBatch all = p->DrainAll();
  EXPECT_EQ(all.size(), 127u);
  EXPECT_EQ(all[0].span_id.value, 500u);  // chain order: batch first
  EXPECT_EQ(p->held_spans(), 0u);
  EXPECT_EQ(p->held_bytes(), 0u);
}

}  // namespace
}  // namespace tracesim::pipeline
