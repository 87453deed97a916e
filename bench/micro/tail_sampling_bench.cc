// Micro benchmark of the Collector tail_sampling processor: ingest + decision per span with about
// 10^5 live (undecided) traces. 10 000 new traces per virtual second, 10 spans each, decision_wait
// 10 s => ~10^5 traces held. Each iteration consumes one batch of 1000 spans (100 traces, spans
// interleaved) and advances virtual time by 10 ms, firing the 1 s decision ticks when due (each
// decides ~10^4 traces through three policies). Batch construction is excluded from the timing.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "tracesim/pipeline/drop_observer.h"
#include "tracesim/pipeline/interner.h"
#include "tracesim/pipeline/random.h"
#include "tracesim/pipeline/tail_sampling.h"

namespace tracesim::pipeline {
namespace {

constexpr int kSpansPerTrace = 10;
constexpr int kTracesPerBatch = 100;
constexpr Duration kBatchPeriod = std::chrono::milliseconds(10);

TailSamplingConfig BenchConfig() {
  TailSamplingConfig c;
  c.decision_wait = std::chrono::seconds(10);
  c.num_traces = 200000;
  c.expected_new_traces_per_sec = 10000;
  TailSamplingPolicyConfig errors;
  errors.name = "errors";
  errors.type = "status_code";
  errors.status_code.status_codes = {"ERROR"};
  TailSamplingPolicyConfig slow;
  slow.name = "slow";
  slow.type = "latency";
  slow.latency.threshold_ms = 500;
  TailSamplingPolicyConfig prob;
  prob.name = "ten-percent";
  prob.type = "probabilistic";
  prob.probabilistic.sampling_percentage = 10;
  c.policies = {errors, slow, prob};
  return c;
}

void FillBatch(SpanBatch& batch, uint64_t& next_trace, Rng& rng, TimePoint now,
               std::vector<uint32_t>& order) {
  batch.clear();
  const uint64_t first = next_trace;
  next_trace += kTracesPerBatch;
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  for (size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng.Uniform(i + 1)]);
  for (uint32_t k : order) {
    const uint64_t t = first + k / kSpansPerTrace;
    SpanData s;
    s.trace_id = TraceId{0x5eed, t * 0x9E3779B97F4A7C15ULL};
    s.span_id = SpanId{rng.NextU64() | 1};
    s.start = now - std::chrono::milliseconds(rng.Uniform(400));
    s.end = now;
    s.status = rng.Uniform(100) == 0 ? SpanStatus::kError : SpanStatus::kOk;
    s.attributes = {{1, int64_t{200}}, {2, InternedString{3}}};
    batch.push_back(std::move(s));
  }
}

void BM_TailSamplingIngest(benchmark::State& state) {
  Interner interner;
  interner.Intern("http.status_code");
  CountingDropObserver drops;
  TailSamplingProcessor p(BenchConfig(), &interner, &drops, kTimeZero);
  Rng rng(7);
  uint64_t next_trace = 1;
  TimePoint now = kTimeZero;
  SpanBatch batch;
  std::vector<SpanBatch> out;
  std::vector<uint32_t> order(kSpansPerTrace * kTracesPerBatch);
  auto step = [&] {
    now += kBatchPeriod;
    p.Consume(batch, now, out);
    while (p.NextDeadline() <= now) p.OnTimer(p.NextDeadline(), out);
    out.clear();
  };
  // Warm up to steady state: 12 virtual seconds (> decision_wait + 1 s).
  for (int i = 0; i < 1200; ++i) {
    FillBatch(batch, next_trace, rng, now + kBatchPeriod, order);
    step();
  }
  for (auto _ : state) {
    state.PauseTiming();
    FillBatch(batch, next_trace, rng, now + kBatchPeriod, order);
    state.ResumeTiming();
    step();
  }
  state.SetItemsProcessed(state.iterations() * kSpansPerTrace * kTracesPerBatch);
  state.counters["live_traces"] = static_cast<double>(p.traces_on_map());
  state.counters["held_spans"] = static_cast<double>(p.held_spans());
}
BENCHMARK(BM_TailSamplingIngest);

}  // namespace
}  // namespace tracesim::pipeline
