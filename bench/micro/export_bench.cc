// Micro benchmarks of the buffering/export code paths: SDK BatchSpanProcessor,
// Collector batch processor, exporter sending_queue. Spans are recycled between
// iterations (moved back into a pool), so the figures measure the components,
// not span allocation.
#include <benchmark/benchmark.h>

#include <utility>
#include <vector>

#include "tracesim/pipeline/batch_processor.h"
#include "tracesim/pipeline/batch_span_processor.h"
#include "tracesim/pipeline/drop_observer.h"
#include "tracesim/pipeline/export_queue.h"

namespace tracesim::pipeline {
namespace {

SpanData MakeSpan(uint64_t i) {
  SpanData s;
  s.trace_id = TraceId{0x1234, i + 1};
  s.span_id = SpanId{i + 1};
  s.parent_span_id = SpanId{i + 2};
  s.trace_flags = kTraceFlagSampled;
  s.start = FromNanos(static_cast<int64_t>(i) * 1000);
  s.end = s.start + std::chrono::microseconds(250);
  s.attributes = {{1, int64_t{200}}, {2, InternedString{3}}, {4, true}};
  return s;
}

std::vector<SpanData> MakePool(size_t n) {
  std::vector<SpanData> pool;
  pool.reserve(n);
  for (size_t i = 0; i < n; ++i) pool.push_back(MakeSpan(i));
  return pool;
}

// SDK path per span: OnEnd, plus (amortized) ExportDue/TakeBatch/OnExportDone each time a batch
// of max_export_batch_size is ready (default options: 512).
void BM_BspOnEndTakeBatch(benchmark::State& state) {
  CountingDropObserver drops;
  BatchSpanProcessor bsp(BatchSpanProcessorOptions{}, &drops, kTimeZero);
  std::vector<SpanData> pool = MakePool(4096);
  TimePoint now = kTimeZero;
  for (auto _ : state) {
    if (pool.empty()) state.SkipWithError("span pool exhausted");
    now += std::chrono::microseconds(10);
    bsp.OnEnd(std::move(pool.back()), now);
    pool.pop_back();
    if (bsp.export_requested() && bsp.ExportDue(now)) {
      std::vector<SpanData> batch = bsp.TakeBatch(now);
      benchmark::DoNotOptimize(batch.data());
      bsp.OnExportDone(now);
      for (auto& s : batch) pool.push_back(std::move(s));
    }
  }
  if (drops.total() != 0) state.SkipWithError("unexpected drops");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BspOnEndTakeBatch);

// Full-queue path: every OnEnd is a drop reported to the observer.
void BM_BspOnEndQueueFull(benchmark::State& state) {
  CountingDropObserver drops;
  BatchSpanProcessorOptions o;
  o.max_queue_size = 512;
  BatchSpanProcessor bsp(o, &drops, kTimeZero);
  for (uint64_t i = 0; i < o.max_queue_size; ++i) bsp.OnEnd(MakeSpan(i), kTimeZero);
  bsp.TakeBatch(kTimeZero);  // export "in progress" forever
  for (uint64_t i = 0; i < o.max_queue_size; ++i) bsp.OnEnd(MakeSpan(i), kTimeZero);
  SpanData span = MakeSpan(0);
  for (auto _ : state) {
    bsp.OnEnd(std::move(span), kTimeZero);  // dropped: `span` is left intact
  }
  if (drops.total() != static_cast<uint64_t>(state.iterations())) state.SkipWithError("expected drops");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BspOnEndQueueFull);

// Collector `batch` processor per span: Add() of requests of range(0) spans with default options
// (send_batch_size 8192, no max) or range(1) = send_batch_max_size (splitting).
void BM_CollectorBatchAdd(benchmark::State& state) {
  const size_t request_spans = static_cast<size_t>(state.range(0));
  BatchProcessorOptions o;
  o.send_batch_max_size = static_cast<uint32_t>(state.range(1));
  if (o.send_batch_max_size != 0) o.send_batch_size = o.send_batch_max_size / 2;
  BatchProcessor bp(o, kTimeZero);
  std::vector<SpanData> pool = MakePool(3 * 8192);
  TimePoint now = kTimeZero;
  uint64_t spans = 0;
  for (auto _ : state) {
    now += std::chrono::microseconds(100);
    std::vector<SpanData> request;
    request.reserve(request_spans);
    for (size_t i = 0; i < request_spans; ++i) {
      request.push_back(std::move(pool.back()));
      pool.pop_back();
    }
    auto batches = bp.Add(std::move(request), now);
    if (now >= bp.NextDeadline()) {
      auto timed = bp.OnTimer(now);
      for (auto& b : timed) batches.push_back(std::move(b));
    }
    for (auto& b : batches) {
      benchmark::DoNotOptimize(b.data());
      for (auto& s : b) pool.push_back(std::move(s));
    }
    spans += request_spans;
  }
  state.SetItemsProcessed(static_cast<int64_t>(spans));
}
BENCHMARK(BM_CollectorBatchAdd)->Args({16, 0})->Args({512, 0})->Args({512, 1000});

// Exporter sending_queue: Offer + Take of one request of range(0) spans (per request).
void BM_ExportQueueOfferTake(benchmark::State& state) {
  CountingDropObserver drops;
  ExportQueue q(SendingQueueOptions{}, &drops);
  // Keep the queue half full, as under sustained load.
  for (uint64_t i = 0; i < 500; ++i) {
    ExportRequest r;
    r.id = i;
    r.spans = MakePool(static_cast<size_t>(state.range(0)));
    (void)q.Offer(std::move(r), kTimeZero);
  }
  TimePoint now = kTimeZero;
  for (auto _ : state) {
    now += std::chrono::microseconds(1);
    std::optional<ExportRequest> r = q.Take();
    benchmark::DoNotOptimize(r->spans.data());
    Status s = q.Offer(std::move(*r), now);
    benchmark::DoNotOptimize(s.ok());
  }
  if (drops.total() != 0) state.SkipWithError("unexpected drops");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExportQueueOfferTake)->Arg(512);

// Rejection path: Offer on a full queue (observer notified with every span of the request).
void BM_ExportQueueOfferFull(benchmark::State& state) {
  CountingDropObserver drops;
  ExportQueue q(SendingQueueOptions{.enabled = true, .num_consumers = 1, .queue_size = 1}, &drops);
  (void)q.Offer(ExportRequest{MakePool(1), kTimeZero, 0}, kTimeZero);
  for (auto _ : state) {
    ExportRequest r;  // an empty span list would skip the observer: give it one span
    r.spans.resize(1);
    Status s = q.Offer(std::move(r), kTimeZero);
    benchmark::DoNotOptimize(s.ok());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExportQueueOfferFull);

}  // namespace
}  // namespace tracesim::pipeline
