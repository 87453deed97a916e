// Micro benchmarks: CRC32, the Collector hash ring, and the span store.
#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <vector>

#include "tracesim/pipeline/crc32.h"
#include "tracesim/pipeline/hash_ring.h"
#include "tracesim/pipeline/random.h"
#include "tracesim/pipeline/span_store.h"

namespace tracesim::pipeline {
namespace {

constexpr int kServices = 50;
constexpr int kSpansPerTrace = 10;

std::vector<TraceId> RandomTraceIds(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<TraceId> ids(n);
  for (auto& id : ids) id = TraceId{rng.NextU64(), rng.NextU64()};
  return ids;
}

// Spans of many concurrent traces arriving interleaved, as a storage node sees
// them: a window of `active` traces, each emitting kSpansPerTrace spans.
class SpanSource {
 public:
  explicit SpanSource(uint64_t seed, size_t active = 1000) : rng_(seed), active_(active) {
    for (auto& t : active_) t = NewTrace();
  }
  SpanData Next(int64_t now_ns) {
    Active& t = active_[rng_.Uniform(active_.size())];
    SpanData s;
    s.trace_id = t.id;
    s.span_id = SpanId{rng_.NextU64() | 1};
    s.parent_span_id = t.emitted == 0 ? SpanId{} : SpanId{rng_.NextU64() | 1};
    s.service = static_cast<ServiceId>(rng_.Uniform(kServices));
    s.operation = static_cast<OperationId>(rng_.Uniform(200));
    s.kind = SpanKind::kServer;
    s.start = FromNanos(now_ns);
    s.end = FromNanos(now_ns + static_cast<int64_t>(rng_.Exponential(20e6)));  // mean 20 ms
    s.attributes = {Attribute{1, int64_t{200}}, Attribute{2, InternedString{7}}};
    if (++t.emitted == kSpansPerTrace) t = NewTrace();
    return s;
  }

 private:
  struct Active {
    TraceId id;
    int emitted = 0;
  };
  Active NewTrace() { return Active{TraceId{rng_.NextU64(), rng_.NextU64()}, 0}; }
  Rng rng_;
  std::vector<Active> active_;
};

constexpr size_t kLargeStoreSpans = 1'000'000;

// A store of 10^6 spans (10^5 traces of 10 spans, 1 ms apart in virtual time),
// built once and shared by the read benchmarks.
struct LargeStore {
  SpanStore store;
  std::vector<TraceId> trace_ids;
  LargeStore() {
    SpanSource source(42);
    for (size_t i = 0; i < kLargeStoreSpans; ++i) {
      const int64_t now_ns = static_cast<int64_t>(i) * 1'000'000;
      SpanData s = source.Next(now_ns);
      if (i % 97 == 0) trace_ids.push_back(s.trace_id);
      store.Append(std::move(s), FromNanos(now_ns));
    }
  }
};
const LargeStore& GetLargeStore() {
  static const LargeStore* large = new LargeStore();
  return *large;
}

void BM_Crc32(benchmark::State& state) {
  std::array<uint8_t, 16> key{};
  Rng rng(1);
  for (auto& b : key) b = static_cast<uint8_t>(rng.NextU64());
  for (auto _ : state) {
    benchmark::DoNotOptimize(key);
    benchmark::DoNotOptimize(Crc32Ieee(key));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(key.size()));
}
BENCHMARK(BM_Crc32);

void BM_HashRingLookup(benchmark::State& state) {
  std::vector<std::string> endpoints;
  for (int64_t i = 0; i < state.range(0); ++i)
    endpoints.push_back("collector-" + std::to_string(i) + ":4317");
  const HashRing ring = HashRing::Create(std::move(endpoints)).value();
  const std::vector<TraceId> ids = RandomTraceIds(4096, 2);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ring.EndpointIndexFor(ids[i++ & 4095]));
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["ring_size"] = static_cast<double>(ring.ring_size());
}
BENCHMARK(BM_HashRingLookup)->Arg(10)->Arg(100)->Arg(1000);

void BM_HashRingCreate(benchmark::State& state) {
  std::vector<std::string> endpoints;
  for (int64_t i = 0; i < state.range(0); ++i)
    endpoints.push_back("collector-" + std::to_string(i) + ":4317");
  for (auto _ : state) benchmark::DoNotOptimize(HashRing::Create(endpoints));
}
BENCHMARK(BM_HashRingCreate)->Arg(10)->Arg(100);

// Append cost per span, including the amortised block cuts (default options:
// 65536 spans per block). Spans are generated in chunks outside the timed region;
// the store is cleared (untimed) every 2^20 spans to bound memory.
void BM_StoreAppend(benchmark::State& state) {
  constexpr size_t kChunk = 4096;
  SpanStore store;
  SpanSource source(3);
  std::vector<SpanData> chunk;
  int64_t now_ns = 0;
  size_t next = kChunk, since_clear = 0;
  for (auto _ : state) {
    if (next == kChunk) {
      state.PauseTiming();
      chunk.clear();
      for (size_t i = 0; i < kChunk; ++i)
        chunk.push_back(source.Next(now_ns + static_cast<int64_t>(i) * 1000));
      next = 0;
      if (since_clear >= (size_t{1} << 20)) {
        store.Clear();
        since_clear = 0;
      }
      state.ResumeTiming();
    }
    now_ns += 1000;
    store.Append(std::move(chunk[next++]), FromNanos(now_ns));
    ++since_clear;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StoreAppend);

void BM_StoreFindTrace(benchmark::State& state) {
  const LargeStore& large = GetLargeStore();
  size_t i = 0, spans = 0;
  for (auto _ : state) {
    const auto found = large.store.FindTrace(large.trace_ids[i++ % large.trace_ids.size()]);
    spans += found.size();
    benchmark::DoNotOptimize(found.data());
  }
  state.SetItemsProcessed(state.iterations());
  const double n = static_cast<double>(large.store.span_count());
  state.counters["spans_per_trace"] = static_cast<double>(spans) / static_cast<double>(state.iterations());
  state.counters["blocks"] = static_cast<double>(large.store.block_count());
  state.counters["mem_bytes_per_span"] = static_cast<double>(large.store.memory_bytes()) / n;
  state.counters["encoded_bytes_per_span"] = static_cast<double>(large.store.encoded_bytes()) / n;
}
BENCHMARK(BM_StoreFindTrace);

void BM_StoreFindTraceAbsent(benchmark::State& state) {
  const LargeStore& large = GetLargeStore();
  const std::vector<TraceId> ids = RandomTraceIds(4096, 4);
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(large.store.FindTrace(ids[i++ & 4095]).size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StoreFindTraceAbsent);

// Arg 0: service + min_duration 100 ms (a few % of spans), limit 20.
// Arg 1: one-second start window, limit 20.
// Arg 2: selective: service + min_duration 50 ms + 60 s window, unlimited (~100 traces).
void BM_StoreSearch(benchmark::State& state) {
  const LargeStore& large = GetLargeStore();
  TraceSearchQuery q;
  switch (state.range(0)) {
    case 0:
      q.service = 7;
      q.min_duration = std::chrono::milliseconds(100);
      break;
    case 1:
      q.start_min = FromNanos(500'000'000'000);
      q.start_max = FromNanos(501'000'000'000);
      break;
    default:
      q.service = 7;
      q.min_duration = std::chrono::milliseconds(50);
      q.start_min = FromNanos(300'000'000'000);
      q.start_max = FromNanos(360'000'000'000);
      q.limit = 0;
      break;
  }
  size_t results = 0;
  for (auto _ : state) {
    const auto ids = large.store.SearchTraces(q);
    results = ids.size();
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["results"] = static_cast<double>(results);
}
BENCHMARK(BM_StoreSearch)->Arg(0)->Arg(1)->Arg(2);

}  // namespace
}  // namespace tracesim::pipeline
