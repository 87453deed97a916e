// Micro benchmarks of the cost-profile code paths: the very CostPath objects
// `tracesim calibrate` times (calibrate/sdk_paths.h, collector_paths.h), one
// benchmark per path. Each iteration prepares a run of 4096 operations
// (rounded up to the path's granule; untimed) and times its Run();
// the `per_op` counter is the figure the profile holds (span_start_ns subtracts
// BM_Calibration_AlwaysOnDecision from BM_Calibration_SpanStart).
//
// `tracesim calibrate` keeps the heap warm (calibrate/warm_heap.h); for the
// same conditions here, run the suite with
//   GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824
// (otherwise the batch-sized paths include page faults; their label says so).
//
// Needs the calibrate library, which a build of the pipeline layer alone
// does not have: this file is then empty.
#if __has_include("tracesim/calibrate/cost_path.h")

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string_view>

#include "tracesim/calibrate/collector_paths.h"
#include "tracesim/calibrate/cost_path.h"
#include "tracesim/calibrate/cpu_timer.h"
#include "tracesim/calibrate/sdk_paths.h"

namespace tracesim::calibrate {
namespace {

bool HeapKeptWarm() {
  const char* t = std::getenv("GLIBC_TUNABLES");
  return t != nullptr && std::string_view(t).find("glibc.malloc.mmap_threshold") != std::string_view::npos &&
         std::string_view(t).find("glibc.malloc.trim_threshold") != std::string_view::npos;
}

void RunPath(benchmark::State& state, CostPath& path) {
  if (!path.status().ok()) {
    state.SkipWithError(path.status().message().c_str());
    return;
  }
  const size_t target = MeasureOptions{}.ops_per_run;
  size_t ops = 0;
  uint64_t checksum = 0;
  for (auto _ : state) {
    state.PauseTiming();
    ops = path.Prepare(target);
    state.ResumeTiming();
    checksum += path.Run();
  }
  benchmark::DoNotOptimize(checksum);
  if (!path.status().ok()) state.SkipWithError(path.status().message().c_str());
  const double total_ops = static_cast<double>(ops) * static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<int64_t>(total_ops));
  // Seconds per operation, printed with an SI prefix ("34.9n" is 34.9 ns).
  state.counters["per_op"] =
      benchmark::Counter(total_ops, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["ops_per_run"] = static_cast<double>(ops);
  if (!HeapKeptWarm()) state.SetLabel("heap not kept warm");
}

template <typename Path>
void BM_Path(benchmark::State& state) {
  Path path;
  RunPath(state, path);
}

// sampler_decision_ns: the scenario's default head sampler (parentbased_always_on).
void BM_Calibration_SamplerDecision(benchmark::State& state) {
  SamplerDecisionPath path{pipeline::HeadSamplerConfig{}};
  RunPath(state, path);
}
// The AlwaysOn decision inside StartSpan, subtracted from span_start_ns.
void BM_Calibration_AlwaysOnDecision(benchmark::State& state) {
  pipeline::HeadSamplerConfig c;
  c.type = "always_on";
  SamplerDecisionPath path{c};
  RunPath(state, path);
}

BENCHMARK_TEMPLATE(BM_Path, SpanStartPath)->Name("BM_Calibration_SpanStart");
BENCHMARK_TEMPLATE(BM_Path, SpanEndPath)->Name("BM_Calibration_SpanEnd");
BENCHMARK(BM_Calibration_SamplerDecision);
BENCHMARK(BM_Calibration_AlwaysOnDecision);
BENCHMARK_TEMPLATE(BM_Path, AttributeSetPath)->Name("BM_Calibration_AttributeSet");
BENCHMARK_TEMPLATE(BM_Path, BspEnqueuePath)->Name("BM_Calibration_BspEnqueue");
BENCHMARK_TEMPLATE(BM_Path, ExportSerializePath)->Name("BM_Calibration_ExportSerialize");
BENCHMARK_TEMPLATE(BM_Path, CollectorReceivePath)->Name("BM_Calibration_CollectorReceive");
BENCHMARK_TEMPLATE(BM_Path, CollectorBatchPath)->Name("BM_Calibration_CollectorBatch");
BENCHMARK_TEMPLATE(BM_Path, CollectorExportPath)->Name("BM_Calibration_CollectorExport");
BENCHMARK_TEMPLATE(BM_Path, StoreLookupPath)->Name("BM_Calibration_StoreLookup");
BENCHMARK_TEMPLATE(BM_Path, StoreSearchPath)->Name("BM_Calibration_StoreSearchPerSpan");
BENCHMARK_TEMPLATE(BM_Path, StoreInsertPath)->Name("BM_Calibration_StoreInsert");
BENCHMARK_TEMPLATE(BM_Path, SpanLifecyclePath)->Name("BM_Calibration_SpanLifecycle");

}  // namespace
}  // namespace tracesim::calibrate

#endif  // __has_include("tracesim/calibrate/cost_path.h")
