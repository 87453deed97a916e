// Micro benchmarks of the SDK hot paths: span start/end, head sampling and
// W3C header parsing. Figures feed the CPU-cost calibration profile.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "tracesim/pipeline/adaptive_sampling.h"
#include "tracesim/pipeline/consistent_probability_sampler.h"
#include "tracesim/pipeline/id_generator.h"
#include "tracesim/pipeline/rate_limiting_sampler.h"
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

// ------------------------------------------------ head samplers (issue 3)

void BM_ShouldSample_TraceIdRatioJava(benchmark::State& state) {
  auto s = MakeTraceIdRatioBasedSampler(0.1, TraceIdRatioHash::kJava);
  RunShouldSample(state, *s, nullptr);
}
BENCHMARK(BM_ShouldSample_TraceIdRatioJava);

void BM_ShouldSample_TraceIdRatioCpp(benchmark::State& state) {
  auto s = MakeTraceIdRatioBasedSampler(0.1, TraceIdRatioHash::kCpp);
  RunShouldSample(state, *s, nullptr);
}
BENCHMARK(BM_ShouldSample_TraceIdRatioCpp);

// Root spans 1 ms apart against a 100 traces/s bucket (a tenth are sampled).
void BM_ShouldSample_JaegerRateLimiting(benchmark::State& state) {
  JaegerRateLimitingSampler s(100.0, kTimeZero);
  const std::vector<TraceId> trace_ids = MakeTraceIds(1024);
  SamplingParameters p;
  size_t i = 0, kept = 0;
  int64_t t = 0;
  for (auto _ : state) {
    p.trace_id = trace_ids[i++ & 1023];
    p.now = FromNanos(t += 1'000'000);
    kept += s.ShouldSample(p).IsSampled() ? 1 : 0;
  }
  benchmark::DoNotOptimize(kept);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ShouldSample_JaegerRateLimiting);

// p = 0.1; arg 0: root spans (no tracestate), arg 1: a child whose remote
// parent carries "vendor=a,ot=th:e666;rv:..." (the tracestate is parsed).
void BM_ShouldSample_ConsistentProbability(benchmark::State& state) {
  auto s = MakeConsistentProbabilitySampler(0.1);
  SpanContext parent;
  parent.trace_id = {1, 2};
  parent.span_id = {3};
  parent.trace_flags = kTraceFlagSampled;
  parent.trace_state = "vendor=a,ot=th:e666;rv:f0000000000000";
  parent.is_remote = true;
  RunShouldSample(state, *s, state.range(0) == 0 ? nullptr : &parent);
}
BENCHMARK(BM_ShouldSample_ConsistentProbability)->Arg(0)->Arg(1);

// ConsistentParentBased(ConsistentProbability(0.1)); arg 0: roots, arg 1: a
// sampled parent with "ot=th:e666" (consistency check parses the tracestate).
void BM_ShouldSample_ConsistentParentBased(benchmark::State& state) {
  auto s = MakeConsistentParentBasedSampler(MakeConsistentProbabilitySampler(0.1));
  SpanContext parent;
  parent.trace_id = {1, 0x00ffffffffffffffULL};
  parent.span_id = {3};
  parent.trace_flags = kTraceFlagSampled;
  parent.trace_state = "ot=th:e666";
  parent.is_remote = true;
  RunShouldSample(state, *s, state.range(0) == 0 ? nullptr : &parent);
}
BENCHMARK(BM_ShouldSample_ConsistentParentBased)->Arg(0)->Arg(1);

// Jaeger per-operation sampler, 16 operations with strategies, roots 1 ms apart.
void BM_ShouldSample_JaegerAdaptive(benchmark::State& state) {
  PerOperationSamplingStrategies st;
  for (OperationId op = 0; op < 16; ++op) st.per_operation.push_back({op, 0.01 * (op + 1)});
  JaegerPerOperationSampler s(st, 0, kTimeZero);
  const std::vector<TraceId> trace_ids = MakeTraceIds(1024);
  SamplingParameters p;
  size_t i = 0, kept = 0;
  int64_t t = 0;
  for (auto _ : state) {
    p.trace_id = trace_ids[i & 1023];
    p.name = static_cast<OperationId>(i++ & 15);
    p.now = FromNanos(t += 1'000'000);
    kept += s.ShouldSample(p).IsSampled() ? 1 : 0;
  }
  benchmark::DoNotOptimize(kept);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ShouldSample_JaegerAdaptive);

// One collector recalculation over 1000 service+operation pairs.
void BM_AdaptiveRecalculate(benchmark::State& state) {
  HeadSamplerConfig::Adaptive a;
  a.delay = Duration::zero();
  AdaptiveSamplingCalculator calc(a, kTimeZero);
  int64_t minute = 0;
  for (auto _ : state) {
    for (ServiceId svc = 0; svc < 10; ++svc)
      for (OperationId op = 0; op < 100; ++op) calc.RecordRootSpan(svc, op, 0.001);
    auto s = calc.Recalculate(kTimeZero + std::chrono::minutes(++minute));
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_AdaptiveRecalculate);

}  // namespace
}  // namespace tracesim::pipeline
