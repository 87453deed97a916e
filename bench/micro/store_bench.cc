// Micro benchmarks: CRC32, the Collector hash ring, the span store, the span
// codec, the write-ahead log and trace analysis.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <vector>

#include "tracesim/pipeline/crc32.h"
#include "tracesim/pipeline/hash_ring.h"
#include "tracesim/pipeline/random.h"
#include "tracesim/pipeline/span_codec.h"
#include "tracesim/pipeline/span_store.h"
#include "tracesim/pipeline/trace_analysis.h"
#include "tracesim/pipeline/wal.h"

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
    s.status = rng_.Uniform(50) == 0 ? SpanStatus::kError : SpanStatus::kUnset;
    s.service = static_cast<ServiceId>(rng_.Uniform(kServices));
    s.operation = static_cast<OperationId>(rng_.Uniform(200));
    s.kind = SpanKind::kServer;
    s.start = FromNanos(now_ns);
    s.end = FromNanos(now_ns + static_cast<int64_t>(rng_.Exponential(20e6)));  // mean 20 ms
    // http.status_code-like: 503 on error spans (same encoded size as 200).
    s.attributes = {Attribute{1, int64_t{s.status == SpanStatus::kError ? 503 : 200}},
                    Attribute{2, InternedString{7}}};
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

// A store of `n` spans (n/10 traces of 10 spans, 1 ms apart in virtual time),
// built once per size and shared by the read benchmarks.
struct LargeStore {
  SpanStore store;
  std::vector<TraceId> trace_ids;
  explicit LargeStore(size_t n) {
    SpanSource source(42);
    for (size_t i = 0; i < n; ++i) {
      const int64_t now_ns = static_cast<int64_t>(i) * 1'000'000;
      SpanData s = source.Next(now_ns);
      if (i % 97 == 0) trace_ids.push_back(s.trace_id);
      store.Append(std::move(s), FromNanos(now_ns));
    }
  }
};
const LargeStore& GetLargeStore(size_t n = 1'000'000) {
  static std::map<size_t, const LargeStore*>* stores = new std::map<size_t, const LargeStore*>();
  auto it = stores->find(n);
  if (it == stores->end()) it = stores->emplace(n, new LargeStore(n)).first;
  return *it->second;
}

void SetStoreCounters(benchmark::State& state, const SpanStore& store) {
  const double n = static_cast<double>(store.span_count());
  state.counters["stored_spans"] = n;
  state.counters["blocks"] = static_cast<double>(store.block_count());
  state.counters["mem_bytes_per_span"] = static_cast<double>(store.memory_bytes()) / n;
  state.counters["wire_bytes_per_span"] = static_cast<double>(store.encoded_bytes()) / n;
  state.counters["codec_bytes_per_span"] = static_cast<double>(store.codec_bytes()) / n;
  state.counters["disk_bytes_per_span"] = static_cast<double>(store.disk_bytes_estimate()) / n;
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

// AppendBatch of 8192-span batches (as a storage node receives them), block cuts
// and the release of each consumed batch included. Spans are generated outside
// the timed region; the store is cleared (untimed) every 2^20 spans.
void BM_StoreAppendBatch(benchmark::State& state) {
  constexpr size_t kBatch = 8192;
  SpanStore store;
  SpanSource source(3);
  std::vector<SpanData> batch;
  int64_t now_ns = 0;
  for (auto _ : state) {
    state.PauseTiming();
    batch.clear();
    for (size_t i = 0; i < kBatch; ++i) batch.push_back(source.Next(now_ns + static_cast<int64_t>(i) * 1000));
    now_ns += static_cast<int64_t>(kBatch) * 1000;
    if (store.span_count() >= (size_t{1} << 20)) store.Clear();
    state.ResumeTiming();
    store.AppendBatch(std::move(batch), FromNanos(now_ns));
    batch = std::vector<SpanData>();  // the consumed batch's buffer is freed by the caller
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kBatch));
}
BENCHMARK(BM_StoreAppendBatch);

void BM_StoreFindTrace(benchmark::State& state) {
  const LargeStore& large = GetLargeStore();
  size_t i = 0, spans = 0;
  for (auto _ : state) {
    const auto found = large.store.FindTrace(large.trace_ids[i++ % large.trace_ids.size()]);
    spans += found.size();
    benchmark::DoNotOptimize(found.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["spans_per_trace"] = static_cast<double>(spans) / static_cast<double>(state.iterations());
  SetStoreCounters(state, large.store);
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
// Arg 3: attribute equality + error status, limit 20.
// Arg 4: operation + duration range [40 ms, 41 ms], unlimited.
// Arg 5: service + duration range [100 ms, 110 ms], unlimited (full scan).
// Arg 6: attribute only (key 1 = 503, the error spans), unlimited (full scan of the arenas).
TraceSearchQuery BenchQuery(int64_t which) {
  TraceSearchQuery q;
  switch (which) {
    case 0:
      q.service = 7;
      q.min_duration = std::chrono::milliseconds(100);
      break;
    case 1:
      q.start_min = FromNanos(500'000'000'000);
      q.start_max = FromNanos(501'000'000'000);
      break;
    case 2:
      q.service = 7;
      q.min_duration = std::chrono::milliseconds(50);
      q.start_min = FromNanos(300'000'000'000);
      q.start_max = FromNanos(360'000'000'000);
      q.limit = 0;
      break;
    case 3:
      q.status = SpanStatus::kError;
      q.attributes = {Attribute{2, InternedString{7}}};
      break;
    case 4:
      q.operation = 17;
      q.min_duration = std::chrono::milliseconds(40);
      q.max_duration = std::chrono::milliseconds(41);
      q.limit = 0;
      break;
    case 5:
      q.service = 7;
      q.min_duration = std::chrono::milliseconds(100);
      q.max_duration = std::chrono::milliseconds(110);
      q.limit = 0;
      break;
    default:
      q.attributes = {Attribute{1, int64_t{503}}};
      q.limit = 0;
      break;
  }
  return q;
}

void RunSearch(benchmark::State& state, const LargeStore& large) {
  const TraceSearchQuery q = BenchQuery(state.range(0));
  size_t results = 0;
  for (auto _ : state) {
    const auto ids = large.store.SearchTraces(q);
    results = ids.size();
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["results"] = static_cast<double>(results);
}

void BM_StoreSearch(benchmark::State& state) { RunSearch(state, GetLargeStore()); }
BENCHMARK(BM_StoreSearch)->DenseRange(0, 6);

// The same searches over 10^7 spans (the store is built once, ~10 s, ~0.7 GB),
// with the store figures (mem_bytes_per_span includes the trace index).
void BM_StoreSearch10M(benchmark::State& state) {
  const LargeStore& large = GetLargeStore(10'000'000);
  RunSearch(state, large);
  SetStoreCounters(state, large.store);
}
BENCHMARK(BM_StoreSearch10M)->DenseRange(0, 6)->Unit(benchmark::kMillisecond);

// FindTrace in the 10^7-span store, plus its memory and disk figures.
void BM_StoreFindTrace10M(benchmark::State& state) {
  const LargeStore& large = GetLargeStore(10'000'000);
  size_t i = 0;
  for (auto _ : state) {
    const auto found = large.store.FindTrace(large.trace_ids[i++ % large.trace_ids.size()]);
    benchmark::DoNotOptimize(found.data());
  }
  state.SetItemsProcessed(state.iterations());
  SetStoreCounters(state, large.store);
}
BENCHMARK(BM_StoreFindTrace10M);

// Span codec: encoding a block-ordered run of spans (10 per trace), per span.
void BM_CodecEncode(benchmark::State& state) {
  SpanSource source(5);
  std::vector<SpanData> spans;
  for (int i = 0; i < 4096; ++i) spans.push_back(source.Next(int64_t{i} * 1000));
  std::sort(spans.begin(), spans.end(), [](const SpanData& a, const SpanData& b) {
    return std::pair(a.trace_id, a.start) < std::pair(b.trace_id, b.start);
  });
  std::vector<uint8_t> out;
  for (auto _ : state) {
    out.clear();
    EncodeSpans(spans, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(spans.size()));
  state.counters["bytes_per_span"] = static_cast<double>(out.size()) / static_cast<double>(spans.size());
  state.counters["compressed_bytes_per_span"] =
      static_cast<double>(EstimateCompression(out).estimated_bytes) / static_cast<double>(spans.size());
}
BENCHMARK(BM_CodecEncode);

void BM_CompressionEstimate(benchmark::State& state) {
  SpanSource source(6);
  std::vector<SpanData> spans;
  for (int i = 0; i < 16384; ++i) spans.push_back(source.Next(int64_t{i} * 1000));
  std::vector<uint8_t> bytes;
  EncodeSpans(spans, bytes);
  for (auto _ : state) benchmark::DoNotOptimize(EstimateCompression(bytes).estimated_bytes);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
}
BENCHMARK(BM_CompressionEstimate);

// WAL: one record per 512-span batch (encode + CRC), acknowledged and truncated.
void BM_WalAppend(benchmark::State& state) {
  SpanSource source(7);
  std::vector<SpanData> batch;
  for (int i = 0; i < 512; ++i) batch.push_back(source.Next(int64_t{i} * 1000));
  WriteAheadLog wal;
  for (auto _ : state) {
    const auto r = wal.Append(batch);
    benchmark::DoNotOptimize(r);
    if (wal.end_offset() - wal.base_offset() > (size_t{64} << 20)) {
      state.PauseTiming();
      (void)wal.Acknowledge(wal.end_offset());
      (void)wal.Truncate(wal.last_sequence());
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations() * 512);
}
BENCHMARK(BM_WalAppend);

// Trace analysis on a 50-span trace: assembly + critical path.
void BM_AssembleAndCriticalPath(benchmark::State& state) {
  Rng rng(8);
  std::vector<SpanData> spans;
  const TraceId trace{1, 2};
  for (uint64_t i = 1; i <= 50; ++i) {
    SpanData s;
    s.trace_id = trace;
    s.span_id = SpanId{i};
    if (i > 1) s.parent_span_id = SpanId{1 + rng.Uniform(i - 1)};
    s.start = FromNanos(static_cast<int64_t>(i * 1000));
    s.end = FromNanos(static_cast<int64_t>(i * 1000 + rng.Uniform(100000)));
    spans.push_back(s);
  }
  for (auto _ : state) {
    const auto t = AssembleTrace(spans);
    benchmark::DoNotOptimize(CriticalPath(t.value()).size());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AssembleAndCriticalPath);

}  // namespace
}  // namespace tracesim::pipeline
