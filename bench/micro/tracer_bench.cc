// Micro benchmarks of the SDK hot paths: span start/end, head sampling and
// W3C header parsing. Figures feed the CPU-cost calibration profile.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "tracesim/pipeline/id_generator.h"
#include "tracesim/pipeline/samplers.h"
#include "tracesim/pipeline/tracer.h"
#include "tracesim/pipeline/w3c_trace_context.h"

namespace tracesim::pipeline {
namespace {

class DiscardingProcessor : public SpanProcessor {
 public:
  void OnEnd(SpanData&& span, TimePoint) noexcept override { benchmark::DoNotOptimize(span.span_id); }
};

// A root span and a child span per iteration (the shape of a request handler
// making one outgoing call), AlwaysOn, spans handed to a discarding processor.
void BM_SpanStartEnd(benchmark::State& state) {
  auto sampler = MakeAlwaysOnSampler();
  IdGenerator ids{Rng(1)};
  DiscardingProcessor processor;
  Tracer tracer(1, sampler.get(), &ids, &processor);
  int64_t t = 0;
  for (auto _ : state) {
    Span root = tracer.StartSpan(1, FromNanos(t), {.kind = SpanKind::kServer});
    root.SetAttribute(1, int64_t{200});
    Span child =
        tracer.StartSpan(2, FromNanos(t + 1), {.parent = &root.context(), .kind = SpanKind::kClient});
    tracer.EndSpan(child, FromNanos(t + 2));
    tracer.EndSpan(root, FromNanos(t + 3));
    t += 4;
  }
  state.SetItemsProcessed(state.iterations() * 2);  // spans
}
BENCHMARK(BM_SpanStartEnd);

std::vector<TraceId> MakeTraceIds(size_t n) {
  IdGenerator ids{Rng(2)};
  std::vector<TraceId> out(n);
  for (auto& id : out) id = ids.NewTraceId();
  return out;
}

void RunShouldSample(benchmark::State& state, Sampler& sampler, const SpanContext* parent) {
  const std::vector<TraceId> trace_ids = MakeTraceIds(1024);
  SamplingParameters p;
  p.parent = parent;
  size_t i = 0, kept = 0;
  for (auto _ : state) {
    p.trace_id = trace_ids[i++ & 1023];
    kept += sampler.ShouldSample(p).IsSampled() ? 1 : 0;
  }
  benchmark::DoNotOptimize(kept);
  state.SetItemsProcessed(state.iterations());
}

void BM_ShouldSample_AlwaysOn(benchmark::State& state) {
  auto s = MakeAlwaysOnSampler();
  RunShouldSample(state, *s, nullptr);
}
BENCHMARK(BM_ShouldSample_AlwaysOn);

void BM_ShouldSample_TraceIdRatio(benchmark::State& state) {
  auto s = MakeTraceIdRatioBasedSampler(0.1);
  RunShouldSample(state, *s, nullptr);
}
BENCHMARK(BM_ShouldSample_TraceIdRatio);

// ParentBased(TraceIdRatioBased(0.1)); arg 0: root spans, arg 1: remote sampled parent.
void BM_ShouldSample_ParentBased(benchmark::State& state) {
  auto s = MakeParentBasedSampler(MakeTraceIdRatioBasedSampler(0.1));
  SpanContext parent;
  parent.trace_id = {1, 2};
  parent.span_id = {3};
  parent.trace_flags = kTraceFlagSampled;
  parent.is_remote = true;
  RunShouldSample(state, *s, state.range(0) == 0 ? nullptr : &parent);
}
BENCHMARK(BM_ShouldSample_ParentBased)->Arg(0)->Arg(1);

void BM_ParseTraceParent(benchmark::State& state) {
  const std::string header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  for (auto _ : state) {
    auto tp = ParseTraceParent(header);
    benchmark::DoNotOptimize(tp);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(header.size()));
}
BENCHMARK(BM_ParseTraceParent);

void BM_FormatTraceParent(benchmark::State& state) {
  TraceParent tp{0, {0x4bf92f3577b34da6ULL, 0xa3ce929d0e0e4736ULL}, {0x00f067aa0ba902b7ULL}, 1};
  for (auto _ : state) {
    std::string s = FormatTraceParent(tp);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_FormatTraceParent);

// arg: number of list-members (1: a typical single-vendor header, 32: the maximum).
void BM_TraceStateParse(benchmark::State& state) {
  std::string header;
  for (int i = 0; i < state.range(0); ++i) {
    if (i > 0) header += ",";
    header += "vendor" + std::to_string(i) + "=00f067aa0ba902b7";
  }
  for (auto _ : state) {
    auto ts = TraceState::Parse(header);
    benchmark::DoNotOptimize(ts);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(header.size()));
}
BENCHMARK(BM_TraceStateParse)->Arg(1)->Arg(4)->Arg(32);

void BM_ExtractContext(benchmark::State& state) {
  const std::string tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  const std::string ts = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";
  for (auto _ : state) {
    auto ctx = ExtractContext(tp, ts);
    benchmark::DoNotOptimize(ctx);
  }
}
BENCHMARK(BM_ExtractContext);

}  // namespace
}  // namespace tracesim::pipeline
