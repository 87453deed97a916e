// Collector ingest: the per-span cost of a collector's in-memory path, from a received request to
// the consumer that hands spans to the exporter / span writer.
//
// BM_OtelCollectorIngest/N: one iteration = one received OTLP request of N spans, run through a
//   CollectorPipeline [memory_limiter (limit_mib 4096, check_interval 1 s), batch (defaults:
//   send_batch_size 8192, timeout 200 ms)]; every batch leaving the chain is offered to the
//   exporter's sending_queue (ExportQueue, defaults) and taken back by a consumer. Requests arrive
//   1 ms of virtual time apart, so the memory_limiter ticks every 1000 requests and the batch
//   processor emits by size (8192 spans) or by its 200 ms timeout, as under steady load.
// BM_JaegerCollectorIngest/N/M: one iteration = one received request of N spans offered span by
//   span to the Jaeger collector's span queue (queue_size 2000, queue_size_memory_mib M), then N
//   spans taken by the workers, one at a time. The queue holds a steady backlog of 1000 spans.
//   Requests are 10 ms of virtual time apart; with M > 0 the 1-minute resize check runs every
//   6000 requests (and grows the queue: `capacity` reports the final capacity).
// Items are spans; time_per_span is the inverse rate (CPU time per span). Spans are recycled
// through a pool (moved in and out), so the figures measure the components, not span construction; the
// request and batch vectors are allocated as the receiver and the batch processor allocate them.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "tracesim/pipeline/collector_pipeline.h"
#include "tracesim/pipeline/drop_observer.h"
#include "tracesim/pipeline/export_queue.h"
#include "tracesim/pipeline/jaeger_span_queue.h"
#include "tracesim/pipeline/random.h"

namespace tracesim::pipeline {
namespace {

constexpr int kSpansPerTrace = 8;
constexpr Duration kRequestPeriod = std::chrono::milliseconds(1);
// Jaeger requests are spaced further apart so that the 1-minute resize check fires within a run
// (every 6000 requests); nothing else in the Jaeger queue depends on time.
constexpr Duration kJaegerRequestPeriod = std::chrono::milliseconds(10);

// Realistic spans: traces of kSpansPerTrace spans (a server root and children), 40 services,
// 200 operations, 2 % errors, exponential durations (mean 20 ms), four attributes, a W3C
// tracestate on 1 in 8 traces.
std::vector<SpanData> MakePool(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<SpanData> pool;
  pool.reserve(n);
  TraceId trace;
  SpanId root;
  bool with_state = false;
  for (size_t i = 0; i < n; ++i) {
    const bool is_root = i % kSpansPerTrace == 0;
    if (is_root) {
      trace = TraceId{rng.NextU64(), rng.NextU64() | 1};
      root = SpanId{rng.NextU64() | 1};
      with_state = rng.Uniform(8) == 0;
    }
    SpanData s;
    s.trace_id = trace;
    s.span_id = is_root ? root : SpanId{rng.NextU64() | 1};
    if (!is_root) s.parent_span_id = root;
    s.service = static_cast<ServiceId>(rng.Uniform(40));
    s.operation = static_cast<OperationId>(rng.Uniform(200));
    s.kind = is_root ? SpanKind::kServer : (i % 2 == 0 ? SpanKind::kClient : SpanKind::kInternal);
    s.status = rng.Uniform(50) == 0 ? SpanStatus::kError : SpanStatus::kUnset;
    s.trace_flags = kTraceFlagSampled;
    const int64_t start = static_cast<int64_t>(i) * 1000;
    s.start = FromNanos(start);
    s.end = FromNanos(start + static_cast<int64_t>(rng.Exponential(20e6)) + 1);
    s.attributes = {{1, int64_t{200}},
                    {2, InternedString{static_cast<uint32_t>(rng.Uniform(16))}},
                    {3, InternedString{7}},
                    {4, rng.Uniform(2) == 0}};
    if (with_state) s.trace_state = "ot=th:c;rv:2fc0a3,vendor=t61rcWkgMzE";
    pool.push_back(std::move(s));
  }
  return pool;
}

std::vector<SpanData> TakeRequest(std::vector<SpanData>& pool, size_t n) {
  std::vector<SpanData> request;
  request.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    request.push_back(std::move(pool.back()));
    pool.pop_back();
  }
  return request;
}

void SetSpanCounters(benchmark::State& state, uint64_t spans) {
  state.SetItemsProcessed(static_cast<int64_t>(spans));
  // Seconds of CPU time per span (printed with an SI prefix, e.g. "21.3ns").
  state.counters["time_per_span"] = benchmark::Counter(
      static_cast<double>(spans), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_OtelCollectorIngest(benchmark::State& state) {
  const size_t request_spans = static_cast<size_t>(state.range(0));
  CountingDropObserver drops;
  const CollectorPipeline* pipeline_view = nullptr;
  // The memory_limiter measures what the collector's buffers hold: the batch buffer (the
  // sending_queue is emptied by the consumer within each iteration).
  MemoryUsageFn usage = [&]() -> uint64_t {
    return pipeline_view != nullptr ? static_cast<uint64_t>(pipeline_view->held_bytes()) : 0;
  };
  MemoryLimiterConfig limiter;
  limiter.limit_mib = 4096;
  std::vector<ProcessorEntry> entries = {{"memory_limiter", limiter}, {"batch", BatchProcessorOptions{}}};
  StatusOr<CollectorPipeline> created = CollectorPipeline::Create(entries, &drops, nullptr, kTimeZero, usage);
  if (!created.ok()) {
    state.SkipWithError(created.status().ToString().c_str());
    return;
  }
  CollectorPipeline pipeline = std::move(created).value();
  ExportQueue queue(SendingQueueOptions{}, &drops);
  pipeline_view = &pipeline;

  std::vector<SpanData> pool = MakePool(2 * 8192 + 4 * request_spans, 42);
  std::vector<SpanBatch> out;
  TimePoint now = kTimeZero;
  uint64_t spans = 0;
  uint64_t batches = 0;
  uint64_t request_id = 0;
  for (auto _ : state) {
    now += kRequestPeriod;
    SpanBatch request = TakeRequest(pool, request_spans);
    Status s = pipeline.Consume(request, now, out);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    while (pipeline.NextDeadline() <= now) pipeline.OnTimer(now, out);
    for (SpanBatch& batch : out) {
      Status offered = queue.Offer(ExportRequest{std::move(batch), now, ++request_id}, now);
      benchmark::DoNotOptimize(offered.ok());
      std::optional<ExportRequest> taken = queue.Take();  // a consumer picks the request up
      if (!taken) {
        state.SkipWithError("sending_queue refused a batch");
        break;
      }
      ++batches;
      for (SpanData& span : taken->spans) pool.push_back(std::move(span));
    }
    out.clear();
    spans += request_spans;
  }
  if (drops.total() != 0) state.SkipWithError("unexpected drops");
  SetSpanCounters(state, spans);
  state.counters["spans_per_batch"] = batches == 0 ? 0.0 : static_cast<double>(spans) / batches;
}
BENCHMARK(BM_OtelCollectorIngest)->Arg(64)->Arg(512);

void BM_JaegerCollectorIngest(benchmark::State& state) {
  const size_t request_spans = static_cast<size_t>(state.range(0));
  constexpr size_t kBacklog = 1000;
  CountingDropObserver drops;
  JaegerCollectorQueueOptions options;
  options.queue_size_memory_mib = static_cast<uint64_t>(state.range(1));
  JaegerSpanQueue queue(options, &drops, kTimeZero);
  std::vector<SpanData> pool = MakePool(kBacklog + 4 * request_spans, 43);
  for (size_t i = 0; i < kBacklog; ++i) {
    queue.Offer(std::move(pool.back()), kTimeZero);
    pool.pop_back();
  }
  TimePoint now = kTimeZero;
  uint64_t spans = 0;
  for (auto _ : state) {
    now += kJaegerRequestPeriod;
    SpanBatch request = TakeRequest(pool, request_spans);
    for (SpanData& span : request) {
      const bool ok = queue.Offer(std::move(span), now);  // ProcessSpans: one Produce per span
      benchmark::DoNotOptimize(ok);
    }
    if (queue.NextDeadline() <= now) benchmark::DoNotOptimize(queue.OnTimer(now));
    for (size_t i = 0; i < request_spans; ++i) {
      std::optional<SpanData> span = queue.Take();  // a worker takes one span
      if (!span) {
        state.SkipWithError("queue empty");
        break;
      }
      pool.push_back(std::move(*span));
    }
    spans += request_spans;
  }
  if (drops.total() != 0) state.SkipWithError("unexpected drops");
  SetSpanCounters(state, spans);
  state.counters["capacity"] = static_cast<double>(queue.capacity());
}
BENCHMARK(BM_JaegerCollectorIngest)->Args({64, 0})->Args({512, 0})->Args({512, 64});

}  // namespace
}  // namespace tracesim::pipeline
