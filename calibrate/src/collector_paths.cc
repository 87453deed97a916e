#include "tracesim/calibrate/collector_paths.h"

#include <chrono>
#include <utility>

#include "tracesim/calibrate/span_stream.h"
#include "tracesim/pipeline/span_codec.h"

namespace tracesim::calibrate {
namespace {

using pipeline::SpanData;

constexpr Duration kSpanSpacing = std::chrono::microseconds(2);
constexpr Duration kRequestSpacing = std::chrono::milliseconds(1);

// Grows `spans` (a stream of `seed`) to at least n spans.
void EnsureSpans(std::vector<SpanData>& spans, size_t n, uint64_t seed) {
  if (spans.size() >= n) return;
  SpanStream stream(seed);
  spans = stream.Take(n, kTimeZero, kSpanSpacing);
}

// `count` batches of `size` spans, consecutive slices of one stream.
void EnsureBatches(std::vector<std::vector<SpanData>>& batches, size_t count, size_t size, uint64_t seed) {
  if (batches.size() >= count) return;
  std::vector<SpanData> spans;
  EnsureSpans(spans, count * size, seed);
  batches.clear();
  batches.reserve(count);
  for (size_t b = 0; b < count; ++b) {
    batches.emplace_back(std::make_move_iterator(spans.begin() + static_cast<ptrdiff_t>(b * size)),
                         std::make_move_iterator(spans.begin() + static_cast<ptrdiff_t>((b + 1) * size)));
  }
}

// Copies consecutive slices of `source` into `out` (count vectors of `size` spans).
void CopyBatches(const std::vector<SpanData>& source, size_t count, size_t size,
                 std::vector<std::vector<SpanData>>& out) {
  out.clear();
  out.reserve(count);
  for (size_t b = 0; b < count; ++b) {
    out.emplace_back(source.begin() + static_cast<ptrdiff_t>(b * size),
                     source.begin() + static_cast<ptrdiff_t>((b + 1) * size));
  }
}

}  // namespace

// ----------------------------------------------------- CollectorReceivePath

CollectorReceivePath::CollectorReceivePath() = default;

size_t CollectorReceivePath::Prepare(size_t ops) {
  decoded_.clear();
  const size_t n = RoundUpToGranule(ops, granule());
  requests_to_run_ = n / kRequestSpans;
  if (requests_.size() < requests_to_run_) {
    std::vector<std::vector<SpanData>> batches;
    EnsureBatches(batches, requests_to_run_, kRequestSpans, 0x2ece1fe);
    requests_.clear();
    for (const auto& b : batches) {
      std::vector<uint8_t> bytes;
      pipeline::EncodeSpans(b, bytes);
      requests_.push_back(std::move(bytes));
    }
  }
  decoded_.reserve(requests_to_run_);
  return n;
}

uint64_t CollectorReceivePath::Run() {
  uint64_t spans = 0;
  for (size_t i = 0; i < requests_to_run_; ++i) {
    std::vector<SpanData> out;
    if (Status st = pipeline::DecodeSpans(requests_[i], out); !st.ok() && status_.ok()) {
      status_ =
          Status::Internal("collector receive: DecodeSpans failed on a request it encoded: " + st.message());
    }
    spans += out.size();
    decoded_.push_back(std::move(out));
  }
  return spans;
}

// ------------------------------------------------------- CollectorBatchPath

CollectorBatchPath::CollectorBatchPath() : processor_(pipeline::BatchProcessorOptions{}, kTimeZero) {}

size_t CollectorBatchPath::Prepare(size_t ops) {
  sent_.clear();
  const size_t n = RoundUpToGranule(ops, granule());
  EnsureSpans(source_, n, 0xba7c4);
  CopyBatches(source_, n / kRequestSpans, kRequestSpans, requests_);
  sent_.reserve(n / granule() + 1);
  return n;
}

uint64_t CollectorBatchPath::Run() {
  uint64_t spans = 0;
  for (std::vector<SpanData>& request : requests_) {
    now_ += kRequestSpacing;
    std::vector<std::vector<SpanData>> out = processor_.Add(std::move(request), now_);
    if (now_ >= processor_.NextDeadline()) {
      for (auto& b : processor_.OnTimer(now_)) out.push_back(std::move(b));
    }
    for (auto& b : out) {
      spans += b.size();
      sent_.push_back(std::move(b));
    }
  }
  return spans;
}

// ------------------------------------------------------ CollectorExportPath

CollectorExportPath::CollectorExportPath() = default;

size_t CollectorExportPath::Prepare(size_t ops) {
  encoded_.clear();
  const size_t n = RoundUpToGranule(ops, granule());
  batches_to_run_ = n / kBatchSpans;
  EnsureBatches(batches_, batches_to_run_, kBatchSpans, 0xc011e);
  encoded_.reserve(batches_to_run_);
  return n;
}

uint64_t CollectorExportPath::Run() {
  uint64_t bytes = 0;
  for (size_t i = 0; i < batches_to_run_; ++i) {
    std::vector<uint8_t> out;
    pipeline::EncodeSpans(batches_[i], out);
    bytes += out.size();
    encoded_.push_back(std::move(out));
  }
  return bytes;
}

// ---------------------------------------------------------- StoreInsertPath

StoreInsertPath::StoreInsertPath() = default;

size_t StoreInsertPath::Prepare(size_t ops) {
  if (store_.span_count() >= (size_t{1} << 20)) store_.Clear();
  const size_t n = RoundUpToGranule(ops, granule());
  EnsureSpans(source_, n, 0x5705e);
  CopyBatches(source_, n / kBatchSpans, kBatchSpans, batches_);
  return n;
}

uint64_t StoreInsertPath::Run() {
  for (std::vector<SpanData>& batch : batches_) {
    now_ += kRequestSpacing;
    store_.AppendBatch(std::move(batch), now_);
  }
  return store_.span_count() + store_.block_count();
}

// ---------------------------------------------------------------- QueryStore

QueryStore::QueryStore() {
  SpanStream stream(0x9e7e);
  std::vector<SpanData> spans = stream.Take(kSpans, kTimeZero, kSpanSpacing);
  end_ = spans.back().start;
  for (const SpanData& span : spans) {
    if (span.IsRoot()) trace_ids_.push_back(span.trace_id);
  }
  // A fixed shuffle: lookups hit blocks in no particular order.
  pipeline::Rng rng(0x51);
  for (size_t i = trace_ids_.size(); i > 1; --i) std::swap(trace_ids_[i - 1], trace_ids_[rng.Uniform(i)]);
  TimePoint now = kTimeZero;
  for (size_t b = 0; b < spans.size(); b += 8192) {
    now += kRequestSpacing;
    store_.AppendBatch(
        std::vector<SpanData>(spans.begin() + static_cast<ptrdiff_t>(b),
                              spans.begin() + static_cast<ptrdiff_t>(std::min(b + 8192, spans.size()))),
        now);
  }
}

// ----------------------------------------------------------- StoreLookupPath

size_t StoreLookupPath::Prepare(size_t ops) {
  lookups_ = RoundUpToGranule(ops, granule());
  return lookups_;
}

uint64_t StoreLookupPath::Run() {
  uint64_t found = 0;
  const auto& ids = data_.trace_ids();
  for (size_t i = 0; i < lookups_; ++i) {
    found += data_.store().FindTrace(ids[next_]).size();
    next_ = (next_ + 1) % ids.size();
  }
  return found;
}

// ----------------------------------------------------------- StoreSearchPath

size_t StoreSearchPath::Prepare(size_t ops) {
  const size_t n = RoundUpToGranule(ops, granule());
  searches_ = n / QueryStore::kSpans;
  return n;
}

uint64_t StoreSearchPath::Run() {
  uint64_t found = 0;
  for (size_t i = 0; i < searches_; ++i) {
    pipeline::TraceSearchQuery q;
    q.service = next_service_;
    next_service_ = (next_service_ + 1) % SpanStreamOptions{}.services;
    q.min_duration = std::chrono::milliseconds(1);
    q.start_min = data_.end() - std::chrono::seconds(60);
    q.limit = 20;
    found += data_.store().SearchTraces(q).size();
  }
  return found;
}

}  // namespace tracesim::calibrate
