#include "tracesim/pipeline/span_store.h"

#include <algorithm>
#include <bit>
#include <string>
#include <utility>

#include "tracesim/pipeline/span_codec.h"

namespace tracesim::pipeline {
namespace {

constexpr int kBloomHashes = 7;  // optimal for 10 bits per key: ~0.8 % false positives
constexpr size_t kBloomBitsPerKey = 10;

inline uint64_t Mix64(uint64_t z) {  // splitmix64 finalizer
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Two independent 64-bit hashes of a trace id for double hashing
// (Kirsch-Mitzenmacher): probe i is h1 + i * h2.
inline std::pair<uint64_t, uint64_t> BloomHashes(const TraceId& id) {
  const uint64_t h1 = Mix64(id.hi ^ Mix64(id.lo));
  const uint64_t h2 = Mix64(h1 ^ 0x9E3779B97F4A7C15ULL) | 1;
  return {h1, h2};
}

// The query's fixed-width conditions, flattened for the column scans.
struct ColumnFilter {
  bool has_service = false, has_operation = false, has_status = false;
  ServiceId service = 0;
  OperationId operation = 0;
  uint8_t status = 0;
  int64_t min_duration = INT64_MIN, max_duration = INT64_MAX;
  int64_t start_min = INT64_MIN, start_max = INT64_MAX;

  explicit ColumnFilter(const TraceSearchQuery& q) {
    if (q.service) has_service = true, service = *q.service;
    if (q.operation) has_operation = true, operation = *q.operation;
    if (q.status) has_status = true, status = static_cast<uint8_t>(*q.status);
    if (q.min_duration.count() > 0) min_duration = q.min_duration.count();
    if (q.max_duration) max_duration = q.max_duration->count();
    if (q.start_min) start_min = ToNanos(*q.start_min);
    if (q.start_max) start_max = ToNanos(*q.start_max);
  }
  bool Matches(ServiceId svc, OperationId op, uint8_t st, int64_t start_ns, int64_t duration_ns) const {
    return (!has_service || svc == service) && (!has_operation || op == operation) &&
           (!has_status || st == status) && duration_ns >= min_duration && duration_ns <= max_duration &&
           start_ns >= start_min && start_ns <= start_max;
  }
};

bool HasAllAttributes(const SpanData& span, const std::vector<Attribute>& wanted) {
  for (const Attribute& w : wanted) {
    if (std::find(span.attributes.begin(), span.attributes.end(), w) == span.attributes.end()) return false;
  }
  return true;
}

constexpr uint8_t kKindMask = 0x0F;
constexpr int kStatusShift = 4;

template <typename T>
size_t VectorBytes(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

bool StartThenSpanIdLess(const SpanData& a, const SpanData& b) {
  if (a.start != b.start) return a.start < b.start;
  return a.span_id < b.span_id;
}

// Stable sort without std::stable_sort's heap buffer for the usual short ranges
// (the spans of one trace).
template <typename T, typename Less>
void StableSortSmall(std::vector<T>& v, Less less) {
  if (v.size() > 32) {
    std::stable_sort(v.begin(), v.end(), less);
    return;
  }
  for (size_t i = 1; i < v.size(); ++i) {
    T x = std::move(v[i]);
    size_t j = i;
    for (; j > 0 && less(x, v[j - 1]); --j) v[j] = std::move(v[j - 1]);
    v[j] = std::move(x);
  }
}

}  // namespace

Status ValidateSpanStoreOptions(const SpanStoreOptions& options) {
  if (options.max_block_spans == 0 || options.max_block_spans > UINT32_MAX) {
    return Status::InvalidArgument("span store: max_block_spans must be in [1, 4294967295] (got " +
                                   std::to_string(options.max_block_spans) + ")");
  }
  if (options.max_block_age <= Duration::zero()) {
    return Status::InvalidArgument("span store: max_block_age must be > 0 (got " +
                                   std::to_string(options.max_block_age.count()) + " ns)");
  }
  if (options.disk_estimate_sample_bytes == 0) {
    return Status::InvalidArgument("span store: disk_estimate_sample_bytes must be > 0");
  }
  if (options.retention < Duration::zero()) {
    return Status::InvalidArgument("span store: retention must be >= 0 (got " +
                                   std::to_string(options.retention.count()) + " ns)");
  }
  return Status::Ok();
}

StatusOr<SpanStore> SpanStore::Create(SpanStoreOptions options) {
  if (Status s = ValidateSpanStoreOptions(options); !s.ok()) return s;
  return SpanStore(options);
}

SpanStore::SpanStore(SpanStoreOptions options) : options_(options) {}

size_t SpanStore::HeapBytes(const SpanData& span) {
  static const size_t kInlineStringCapacity = std::string().capacity();
  size_t bytes = span.attributes.capacity() * sizeof(Attribute);
  if (span.trace_state.capacity() > kInlineStringCapacity) bytes += span.trace_state.capacity() + 1;
  return bytes;
}

void SpanStore::Append(SpanData&& span, TimePoint now) {
  if (!head_.empty() && now - head_opened_ >= options_.max_block_age) CutHead();
  if (head_.empty()) head_opened_ = now;

  const uint32_t index = static_cast<uint32_t>(head_.size());
  bool inserted = false;
  HeadTrace& chain = head_index_.FindOrInsert(span.trace_id, index, inserted);
  if (!inserted) {
    head_next_[chain.last] = index;
    chain.last = index;
  }
  head_next_.push_back(kNoNext);
  head_heap_bytes_ += HeapBytes(span);
  const uint64_t encoded = EstimateWireBytes(span);
  head_encoded_bytes_ += encoded;
  encoded_bytes_ += encoded;
  head_codec_bytes_ += EncodedSize(span);
  ++span_count_;
  head_.push_back(std::move(span));

  if (head_.size() >= options_.max_block_spans) CutHead();
}

void SpanStore::AppendBatch(std::vector<SpanData>&& spans, TimePoint now) {
  for (SpanData& span : spans) Append(std::move(span), now);
  spans.clear();
}

void SpanStore::MaybeCutBlock(TimePoint now) {
  if (head_.empty()) return;
  if (head_.size() >= options_.max_block_spans || now - head_opened_ >= options_.max_block_age) CutHead();
}

std::optional<TimePoint> SpanStore::NextCutDeadline() const {
  if (head_.empty()) return std::nullopt;
  return head_opened_ + options_.max_block_age;
}

void SpanStore::CutHead() {
  const size_t n = head_.size();
  if (n == 0) return;

  // Order the distinct trace ids (ids are unique keys, so the hash map's
  // iteration order cannot leak into the result), then each trace's spans.
  std::vector<std::pair<TraceId, uint32_t>> traces;  // (trace id, first head index)
  traces.reserve(head_index_.size());
  head_index_.ForEach(
      [&](const TraceId& id, const HeadTrace& chain) { traces.emplace_back(id, chain.first); });
  std::sort(traces.begin(), traces.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

  Block block;
  block.span_id.reserve(n);
  block.parent_id.reserve(n);
  block.start_ns.reserve(n);
  block.duration_ns.reserve(n);
  block.service.reserve(n);
  block.operation.reserve(n);
  block.kind_status.reserve(n);
  block.trace_flags.reserve(n);
  block.traces.reserve(traces.size());
  block.min_start_ns = INT64_MAX;
  block.max_start_ns = INT64_MIN;
  block.max_end_ns = INT64_MIN;
  block.min_duration_ns = INT64_MAX;
  block.max_duration_ns = INT64_MIN;
  std::vector<uint8_t>& attrs = block.attrs;
  SpanEncoder encoder;
  scratch_.clear();
  if (options_.estimate_disk_bytes) PutVarint64(scratch_, n);  // the block's encoding is EncodeSpans(block)
  std::vector<uint32_t> group;
  for (const auto& [trace_id, first] : traces) {
    group.clear();
    for (uint32_t i = first; i != kNoNext; i = head_next_[i]) group.push_back(i);  // arrival order
    // (start, span id), equal keys in arrival order (the chain is in arrival order).
    StableSortSmall(group,
                    [this](uint32_t a, uint32_t b) { return StartThenSpanIdLess(head_[a], head_[b]); });
    const uint32_t begin = static_cast<uint32_t>(block.span_id.size());
    block.traces.push_back(
        TraceRange{trace_id, begin, static_cast<uint32_t>(begin + group.size()), attrs.size()});
    for (uint32_t index : group) {
      SpanData& span = head_[index];
      const int64_t start = ToNanos(span.start);
      const int64_t end = ToNanos(span.end);
      const int64_t duration = end - start;
      if (options_.estimate_disk_bytes) encoder.Encode(span, scratch_);
      if (!span.trace_state.empty()) {
        block.trace_state_rows.push_back(static_cast<uint32_t>(block.span_id.size()));
        block.trace_states.push_back(std::move(span.trace_state));
      }
      block.span_id.push_back(span.span_id.value);
      block.parent_id.push_back(span.parent_span_id.value);
      block.start_ns.push_back(start);
      block.duration_ns.push_back(duration);
      block.service.push_back(span.service);
      block.operation.push_back(span.operation);
      block.kind_status.push_back(static_cast<uint8_t>(static_cast<uint8_t>(span.kind) |
                                                       (static_cast<uint8_t>(span.status) << kStatusShift)));
      block.trace_flags.push_back(span.trace_flags);
      EncodeAttributes(span.attributes, attrs);
      block.min_start_ns = std::min(block.min_start_ns, start);
      block.max_start_ns = std::max(block.max_start_ns, start);
      block.max_end_ns = std::max(block.max_end_ns, end);
      block.min_duration_ns = std::min(block.min_duration_ns, duration);
      block.max_duration_ns = std::max(block.max_duration_ns, duration);
      block.status_mask |= static_cast<uint8_t>(1u << static_cast<uint8_t>(span.status));
      // The service set is small: keep it sorted as we go.
      auto pos = std::lower_bound(block.services.begin(), block.services.end(), span.service);
      if (pos == block.services.end() || *pos != span.service) block.services.insert(pos, span.service);
    }
  }
  block.services.shrink_to_fit();
  block.operations = block.operation;
  std::sort(block.operations.begin(), block.operations.end());
  block.operations.erase(std::unique(block.operations.begin(), block.operations.end()),
                         block.operations.end());
  block.operations.shrink_to_fit();
  attrs.shrink_to_fit();
  block.trace_state_rows.shrink_to_fit();
  block.trace_states.shrink_to_fit();

  const size_t bloom_bits = std::bit_ceil(std::max<size_t>(64, kBloomBitsPerKey * block.traces.size()));
  block.bloom.assign(bloom_bits / 64, 0);
  const uint64_t mask = bloom_bits - 1;
  for (const TraceRange& t : block.traces) {
    auto [h1, h2] = BloomHashes(t.trace_id);
    for (int k = 0; k < kBloomHashes; ++k) {
      const uint64_t bit = (h1 + static_cast<uint64_t>(k) * h2) & mask;
      block.bloom[bit >> 6] |= uint64_t{1} << (bit & 63);
    }
  }

  static const size_t kInlineStringCapacity = std::string().capacity();
  size_t string_heap = 0;
  for (const std::string& ts : block.trace_states) {
    if (ts.capacity() > kInlineStringCapacity) string_heap += ts.capacity() + 1;
  }
  block.memory_bytes =
      sizeof(Block) + VectorBytes(block.traces) + VectorBytes(block.bloom) + VectorBytes(block.span_id) +
      VectorBytes(block.parent_id) + VectorBytes(block.start_ns) + VectorBytes(block.duration_ns) +
      VectorBytes(block.service) + VectorBytes(block.operation) + VectorBytes(block.kind_status) +
      VectorBytes(block.trace_flags) + VectorBytes(block.attrs) + VectorBytes(block.trace_state_rows) +
      VectorBytes(block.trace_states) + string_heap + VectorBytes(block.services) +
      VectorBytes(block.operations);
  block.encoded_bytes = head_encoded_bytes_;
  if (options_.estimate_disk_bytes) {
    // The block's on-disk form: EncodeSpans of its spans in block order.
    block.codec_bytes = scratch_.size();
    block.disk_bytes = EstimateCompression(scratch_, options_.disk_estimate_sample_bytes).estimated_bytes;
    block_codec_bytes_ += block.codec_bytes;
    block_disk_bytes_ += block.disk_bytes;
  }
  blocks_.push_back(std::move(block));

  // The head keeps its capacity for the next block.
  head_.clear();
  head_next_.clear();
  head_index_.Reset();
  head_heap_bytes_ = 0;
  head_encoded_bytes_ = 0;
  head_codec_bytes_ = 0;
}

bool SpanStore::Block::MayContain(uint64_t h1, uint64_t h2) const {
  const uint64_t mask = bloom.size() * 64 - 1;
  for (int k = 0; k < kBloomHashes; ++k) {
    const uint64_t bit = (h1 + static_cast<uint64_t>(k) * h2) & mask;
    if ((bloom[bit >> 6] & (uint64_t{1} << (bit & 63))) == 0) return false;
  }
  return true;
}

const SpanStore::TraceRange* SpanStore::Block::Find(const TraceId& trace_id) const {
  auto it = std::lower_bound(traces.begin(), traces.end(), trace_id,
                             [](const TraceRange& r, const TraceId& id) { return r.trace_id < id; });
  if (it == traces.end() || it->trace_id != trace_id) return nullptr;
  return &*it;
}

void SpanStore::Block::Decode(const TraceRange& range, std::vector<SpanData>& out) const {
  size_t pos = range.attr_begin;
  auto ts = std::lower_bound(trace_state_rows.begin(), trace_state_rows.end(), range.begin);
  for (uint32_t i = range.begin; i < range.end; ++i) {
    SpanData& s = out.emplace_back();
    s.trace_id = range.trace_id;
    s.span_id = SpanId{span_id[i]};
    s.parent_span_id = SpanId{parent_id[i]};
    s.service = service[i];
    s.operation = operation[i];
    s.kind = static_cast<SpanKind>(kind_status[i] & kKindMask);
    s.status = static_cast<SpanStatus>(kind_status[i] >> kStatusShift);
    s.trace_flags = trace_flags[i];
    s.start = FromNanos(start_ns[i]);
    s.end = FromNanos(start_ns[i] + duration_ns[i]);
    // The arena was written by EncodeAttributes in this process: it cannot be malformed.
    [[maybe_unused]] const Status status = DecodeAttributes(attrs, pos, s.attributes);
    if (ts != trace_state_rows.end() && *ts == i) {
      s.trace_state = trace_states[static_cast<size_t>(ts - trace_state_rows.begin())];
      ++ts;
    }
  }
}

std::vector<SpanData> SpanStore::FindTrace(const TraceId& trace_id) const {
  // Locate the ranges first so the result is allocated once.
  const auto [h1, h2] = BloomHashes(trace_id);
  std::vector<std::pair<const Block*, const TraceRange*>> ranges;
  size_t total = 0;
  for (const Block& block : blocks_) {
    if (!block.MayContain(h1, h2)) continue;
    if (const TraceRange* range = block.Find(trace_id); range != nullptr) {
      ranges.emplace_back(&block, range);
      total += range->end - range->begin;
    }
  }
  const HeadTrace* chain = head_index_.Find(trace_id);
  if (chain != nullptr) {
    for (uint32_t i = chain->first; i != kNoNext; i = head_next_[i]) ++total;
  }
  std::vector<SpanData> out;
  out.reserve(total);
  for (const auto& [block, range] : ranges) block->Decode(*range, out);
  if (chain != nullptr) {
    for (uint32_t i = chain->first; i != kNoNext; i = head_next_[i]) out.push_back(head_[i]);
  }
  StableSortSmall(out, StartThenSpanIdLess);
  return out;
}

bool SpanStore::BlockMayMatch(const Block& block, const TraceSearchQuery& query) {
  if (query.service && !std::binary_search(block.services.begin(), block.services.end(), *query.service)) {
    return false;
  }
  if (query.operation &&
      !std::binary_search(block.operations.begin(), block.operations.end(), *query.operation)) {
    return false;
  }
  if (query.status && (block.status_mask & (1u << static_cast<uint8_t>(*query.status))) == 0) return false;
  if (query.min_duration.count() > 0 && block.max_duration_ns < query.min_duration.count()) return false;
  if (query.max_duration && block.min_duration_ns > query.max_duration->count()) return false;
  if (query.start_min && block.max_start_ns < ToNanos(*query.start_min)) return false;
  if (query.start_max && block.min_start_ns > ToNanos(*query.start_max)) return false;
  return true;
}

std::vector<TraceId> SpanStore::SearchTraces(const TraceSearchQuery& query) const {
  std::vector<TraceId> found;
  if (query.start_min && query.start_max && *query.start_min > *query.start_max) return found;
  if (query.max_duration && query.min_duration.count() > 0 && *query.max_duration < query.min_duration) {
    return found;
  }
  const size_t limit = query.limit;
  const ColumnFilter filter(query);
  const bool by_attributes = !query.attributes.empty();

  for (const Block& block : blocks_) {
    if (!BlockMayMatch(block, query)) continue;
    // Traces are ascending inside the block, so only its first `limit` matches can
    // be among the overall `limit` smallest.
    size_t matches = 0;
    const std::span<const uint8_t> arena(block.attrs);
    for (const TraceRange& t : block.traces) {
      size_t pos = t.attr_begin;
      for (uint32_t i = t.begin; i < t.end; ++i) {
        const bool columns_match =
            filter.Matches(block.service[i], block.operation[i], block.kind_status[i] >> kStatusShift,
                           block.start_ns[i], block.duration_ns[i]);
        if (by_attributes) {
          // Walk the arena in step with the rows; only matching rows compare attributes.
          bool has_all = false;
          if (!columns_match) {
            SkipAttributes(arena, pos);
            continue;
          }
          AttributesContainAll(arena, pos, query.attributes, has_all);
          if (!has_all) continue;
        } else if (!columns_match) {
          continue;
        }
        found.push_back(t.trace_id);
        ++matches;
        break;
      }
      if (limit != 0 && matches == limit) break;
    }
  }
  for (const SpanData& span : head_) {
    const int64_t start = ToNanos(span.start);
    if (filter.Matches(span.service, span.operation, static_cast<uint8_t>(span.status), start,
                       ToNanos(span.end) - start) &&
        (!by_attributes || HasAllAttributes(span, query.attributes))) {
      found.push_back(span.trace_id);
    }
  }

  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  if (limit != 0 && found.size() > limit) found.resize(limit);
  return found;
}

size_t SpanStore::DropBlocksEndedBefore(TimePoint cutoff) {
  const int64_t cutoff_ns = ToNanos(cutoff);
  size_t dropped = 0;
  size_t kept = 0;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    if (blocks_[i].max_end_ns < cutoff_ns) {
      dropped += blocks_[i].size();
      encoded_bytes_ -= blocks_[i].encoded_bytes;
      block_codec_bytes_ -= blocks_[i].codec_bytes;
      block_disk_bytes_ -= blocks_[i].disk_bytes;
      continue;
    }
    if (kept != i) blocks_[kept] = std::move(blocks_[i]);
    ++kept;
  }
  blocks_.resize(kept);
  span_count_ -= dropped;
  retention_dropped_spans_ += dropped;
  return dropped;
}

size_t SpanStore::ApplyRetention(TimePoint now) {
  if (options_.retention == Duration::zero()) return 0;
  // now - retention, saturating at the earliest representable time.
  const int64_t now_ns = ToNanos(now);
  int64_t cutoff_ns = 0;
  if (__builtin_sub_overflow(now_ns, options_.retention.count(), &cutoff_ns)) cutoff_ns = INT64_MIN;
  return DropBlocksEndedBefore(FromNanos(cutoff_ns));
}

std::optional<TimePoint> SpanStore::NextRetentionDeadline() const {
  if (options_.retention == Duration::zero() || blocks_.empty()) return std::nullopt;
  int64_t oldest_end = INT64_MAX;
  for (const Block& b : blocks_) oldest_end = std::min(oldest_end, b.max_end_ns);
  // Dropped once max_end < now - retention, i.e. now >= max_end + retention + 1 ns.
  int64_t deadline = 0;
  if (__builtin_add_overflow(oldest_end, options_.retention.count(), &deadline) ||
      __builtin_add_overflow(deadline, int64_t{1}, &deadline)) {
    return kTimeInfinite;
  }
  return FromNanos(deadline);
}

size_t SpanStore::trace_count_in_blocks() const {
  size_t n = 0;
  for (const Block& b : blocks_) n += b.traces.size();
  return n;
}

size_t SpanStore::memory_bytes() const {
  size_t bytes = sizeof(SpanStore) + VectorBytes(blocks_) + VectorBytes(scratch_);
  for (const Block& b : blocks_) bytes += b.memory_bytes - sizeof(Block);  // struct counted in blocks_
  bytes += VectorBytes(head_) + head_heap_bytes_ + VectorBytes(head_next_);
  bytes += head_index_.memory_bytes();
  return bytes;
}

size_t SpanStore::HeadIndex::SlotFor(const TraceId& trace_id) const {
  return static_cast<size_t>(Mix64(trace_id.hi ^ Mix64(trace_id.lo))) & (slots_.size() - 1);
}

SpanStore::HeadTrace& SpanStore::HeadIndex::FindOrInsert(const TraceId& trace_id, uint32_t index,
                                                         bool& inserted) {
  if (2 * (size_ + 1) > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  for (size_t i = SlotFor(trace_id);; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.chain.first == kNoNext) {
      slot.trace_id = trace_id;
      slot.chain = HeadTrace{index, index};
      ++size_;
      inserted = true;
      return slot.chain;
    }
    if (slot.trace_id == trace_id) {
      inserted = false;
      return slot.chain;
    }
  }
}

const SpanStore::HeadTrace* SpanStore::HeadIndex::Find(const TraceId& trace_id) const {
  if (size_ == 0) return nullptr;
  const size_t mask = slots_.size() - 1;
  for (size_t i = SlotFor(trace_id);; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.chain.first == kNoNext) return nullptr;
    if (slot.trace_id == trace_id) return &slot.chain;
  }
}

void SpanStore::HeadIndex::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(std::max<size_t>(64, 2 * old.size()), Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.chain.first == kNoNext) continue;
    size_t i = SlotFor(slot.trace_id);
    while (slots_[i].chain.first != kNoNext) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

void SpanStore::HeadIndex::Reset() {
  if (size_ == 0) return;
  std::fill(slots_.begin(), slots_.end(), Slot{});
  size_ = 0;
}

void SpanStore::HeadIndex::Release() {
  slots_ = std::vector<Slot>();
  size_ = 0;
}

void SpanStore::Clear() {
  // Assign fresh containers (not `= {}`, which would keep the capacity) to release memory.
  blocks_ = std::vector<Block>();
  head_ = std::vector<SpanData>();
  head_next_ = std::vector<uint32_t>();
  head_index_.Release();
  head_opened_ = TimePoint{};
  head_heap_bytes_ = 0;
  head_encoded_bytes_ = 0;
  head_codec_bytes_ = 0;
  scratch_ = std::vector<uint8_t>();
  span_count_ = 0;
  encoded_bytes_ = 0;
  block_codec_bytes_ = 0;
  block_disk_bytes_ = 0;
}

}  // namespace tracesim::pipeline
