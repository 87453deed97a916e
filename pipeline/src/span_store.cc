#include "tracesim/pipeline/span_store.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <iterator>
#include <set>
#include <span>
#include <string>
#include <utility>

#include "tracesim/pipeline/span_codec.h"

namespace tracesim::pipeline {
namespace {

constexpr uint8_t kKindMask = 0x0F;
constexpr int kStatusShift = 4;

// The query's fixed-width conditions, flattened for the row scans.
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
  // A SpanStore row (service, operation, kind_status, start_ns, duration_ns).
  template <typename Row>
  bool Matches(const Row& r) const {
    return Matches(r.service, r.operation, static_cast<uint8_t>(r.kind_status >> kStatusShift), r.start_ns,
                   r.duration_ns);
  }
  bool Matches(ServiceId svc, OperationId op, uint8_t st, int64_t start_ns, int64_t duration_ns) const {
    return (!has_service || svc == service) && (!has_operation || op == operation) &&
           (!has_status || st == status) && duration_ns >= min_duration && duration_ns <= max_duration &&
           start_ns >= start_min && start_ns <= start_max;
  }
};

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
void StableSortSmall(T* first, T* last, Less less) {
  if (last - first > 32) {
    std::stable_sort(first, last, less);
    return;
  }
  for (T* i = first + (first != last); i < last; ++i) {
    T x = std::move(*i);
    T* j = i;
    for (; j > first && less(x, *(j - 1)); --j) *j = std::move(*(j - 1));
    *j = std::move(x);
  }
}
template <typename T, typename Less>
void StableSortSmall(std::vector<T>& v, Less less) {
  StableSortSmall(v.data(), v.data() + v.size(), less);
}

// Wrapping int64 arithmetic (any start/end pair round-trips through start + duration).
inline int64_t WrappingSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
inline int64_t WrappingAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

// dst[k] = src[perm[k]] for every k.
template <typename T>
void Gather(const std::vector<T>& src, const std::vector<uint32_t>& perm, std::vector<T>& dst) {
  dst.resize(perm.size());
  const T* in = src.data();
  T* out = dst.data();
  for (size_t k = 0; k < perm.size(); ++k) out[k] = in[perm[k]];
}

// The distinct values, ascending (a hash set over the values, then a sort of the
// few distinct ones: blocks hold tens of thousands of rows but few services).
template <typename R>
std::vector<uint32_t> SortedDistinct(const std::vector<R>& rows, uint32_t R::*field) {
  std::vector<uint32_t> distinct;
  std::vector<uint64_t> table(64, 0);  // value + 1; 0 marks an empty slot
  int shift = 64 - 6;
  for (size_t k = 0; k < rows.size(); ++k) {
    const uint32_t v = rows[k].*field;
    if (k > 0 && rows[k - 1].*field == v) continue;
    const size_t mask = table.size() - 1;
    size_t i = static_cast<size_t>((uint64_t{v} * 0x9E3779B97F4A7C15ULL) >> shift);
    while (table[i] != 0 && table[i] != uint64_t{v} + 1) i = (i + 1) & mask;
    if (table[i] != 0) continue;
    table[i] = uint64_t{v} + 1;
    distinct.push_back(v);
    if (2 * distinct.size() > table.size()) {  // grow x2, reinsert
      table.assign(2 * table.size(), 0);
      --shift;
      const size_t grown_mask = table.size() - 1;
      for (uint32_t d : distinct) {
        size_t j = static_cast<size_t>((uint64_t{d} * 0x9E3779B97F4A7C15ULL) >> shift);
        while (table[j] != 0) j = (j + 1) & grown_mask;
        table[j] = uint64_t{d} + 1;
      }
    }
  }
  std::sort(distinct.begin(), distinct.end());
  distinct.shrink_to_fit();
  return distinct;
}

// Prefetches the cache lines of v[begin, end).
template <typename T>
void PrefetchLines(const std::vector<T>& v, size_t begin, size_t end) {
  if (begin >= end) return;
  const char* p = reinterpret_cast<const char*>(v.data() + begin);
  const char* last = reinterpret_cast<const char*>(v.data() + end) - 1;
  for (; p <= last; p += 64) __builtin_prefetch(p);
  __builtin_prefetch(last);
}

size_t StringHeapBytes(const std::vector<std::string>& strings) {
  static const size_t kInlineStringCapacity = std::string().capacity();
  size_t bytes = 0;
  for (const std::string& s : strings) {
    if (s.capacity() > kInlineStringCapacity) bytes += s.capacity() + 1;
  }
  return bytes;
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

// ------------------------------------------------------------------ SpanRows

size_t SpanStore::SpanRows::MemoryBytes() const {
  return VectorBytes(rows) + VectorBytes(attrs) + VectorBytes(trace_state_rows) + VectorBytes(trace_states) +
         StringHeapBytes(trace_states);
}

void SpanStore::SpanRows::DecodeRow(uint32_t i, const TraceId& trace_id, size_t& attr_pos, size_t& ts,
                                    SpanData& s) const {
  DecodeFixed(i, trace_id, ts, s);
  s.attributes.clear();
  // The arena was written by EncodeAttributes in this process: it cannot be malformed.
  [[maybe_unused]] const Status status = DecodeAttributes(attrs, attr_pos, s.attributes);
}

void SpanStore::SpanRows::DecodeFixed(uint32_t i, const TraceId& trace_id, size_t& ts, SpanData& s) const {
  const Row& row = rows[i];
  s.trace_id = trace_id;
  s.span_id = SpanId{row.span_id};
  s.parent_span_id = SpanId{row.parent_id};
  s.service = row.service;
  s.operation = row.operation;
  s.kind = static_cast<SpanKind>(row.kind_status & kKindMask);
  s.status = static_cast<SpanStatus>(row.kind_status >> kStatusShift);
  s.trace_flags = row.trace_flags;
  s.start = FromNanos(row.start_ns);
  s.end = FromNanos(WrappingAdd(row.start_ns, row.duration_ns));
  if (ts < trace_state_rows.size() && trace_state_rows[ts] == i) {
    s.trace_state = trace_states[ts];
    ++ts;
  } else {
    s.trace_state.clear();
  }
}

void SpanStore::Block::PrefetchRows(uint32_t begin, uint32_t end, uint64_t attr_begin) const {
  PrefetchLines(spans.rows, begin, end);
  // The list lengths are unknown before decoding: assume up to 16 bytes per span
  // (a few small attributes) and at most 8 cache lines; the rest is read as it comes.
  const uint64_t guess = std::min<uint64_t>(16 * uint64_t{end - begin}, 8 * 64);
  PrefetchLines(spans.attrs, attr_begin, std::min<uint64_t>(spans.attrs.size(), attr_begin + guess));
}

void SpanStore::Block::Decode(const TraceRange& range, std::vector<SpanData>& out) const {
  size_t attr_pos = range.attr_begin;
  size_t ts = static_cast<size_t>(
      std::lower_bound(spans.trace_state_rows.begin(), spans.trace_state_rows.end(), range.begin) -
      spans.trace_state_rows.begin());
  for (uint32_t i = range.begin; i < range.end; ++i)
    spans.DecodeRow(i, range.trace_id, attr_pos, ts, out.emplace_back());
}

// ------------------------------------------------------------------ Append and cut

void SpanStore::Append(SpanData&& span, TimePoint now) {
  if (head_.size() != 0 && now - head_opened_ >= options_.max_block_age) CutHead();
  if (head_.size() == 0) head_opened_ = now;

  const uint32_t row = static_cast<uint32_t>(head_.size());
  bool inserted = false;
  const uint32_t number =
      head_index_.FindOrInsert(span.trace_id, static_cast<uint32_t>(head_traces_.size()), inserted);
  if (inserted) {
    head_traces_.push_back(HeadTrace{span.trace_id, row, row, 1});
  } else {
    HeadTrace& trace = head_traces_[number];
    head_next_[trace.last] = row;
    trace.last = row;
    ++trace.count;
  }
  head_next_.push_back(kNoNext);
  head_trace_.push_back(number);

  const uint64_t encoded = EstimateWireBytes(span);
  head_encoded_bytes_ += encoded;
  encoded_bytes_ += encoded;
  head_codec_bytes_ += EncodedSize(span);

  const int64_t start = ToNanos(span.start);
  const int64_t end = ToNanos(span.end);
  const int64_t duration = WrappingSub(end, start);
  head_.rows.push_back(Row{span.span_id.value, span.parent_span_id.value, start, duration, span.service,
                           span.operation,
                           static_cast<uint8_t>(static_cast<uint8_t>(span.kind) |
                                                (static_cast<uint8_t>(span.status) << kStatusShift)),
                           span.trace_flags});
  head_attr_begin_.push_back(head_.attrs.size());
  EncodeAttributes(span.attributes, head_.attrs);
  if (!span.trace_state.empty()) {
    head_.trace_state_rows.push_back(row);
    head_.trace_states.push_back(std::move(span.trace_state));
  }
  head_min_start_ns_ = std::min(head_min_start_ns_, start);
  head_max_start_ns_ = std::max(head_max_start_ns_, start);
  head_max_end_ns_ = std::max(head_max_end_ns_, end);
  head_min_duration_ns_ = std::min(head_min_duration_ns_, duration);
  head_max_duration_ns_ = std::max(head_max_duration_ns_, duration);
  head_status_mask_ |= static_cast<uint8_t>(1u << static_cast<uint8_t>(span.status));
  ++span_count_;

  if (head_.size() >= options_.max_block_spans) CutHead();
}

void SpanStore::AppendBatch(std::vector<SpanData>&& spans, TimePoint now) {
  for (SpanData& span : spans) Append(std::move(span), now);
  spans.clear();
}

void SpanStore::MaybeCutBlock(TimePoint now) {
  if (head_.size() == 0) return;
  if (head_.size() >= options_.max_block_spans || now - head_opened_ >= options_.max_block_age) CutHead();
}

std::optional<TimePoint> SpanStore::NextCutDeadline() const {
  if (head_.size() == 0) return std::nullopt;
  return head_opened_ + options_.max_block_age;
}

void SpanStore::CutHead() {
  const size_t n = head_.size();
  if (n == 0) return;
  const size_t num_traces = head_traces_.size();

  // Head trace numbers by ascending trace id (ids are unique keys, so the hash
  // index's layout cannot leak into the result).
  std::vector<uint32_t> order(num_traces);
  for (uint32_t t = 0; t < num_traces; ++t) order[t] = t;
  std::sort(order.begin(), order.end(),
            [this](uint32_t a, uint32_t b) { return head_traces_[a].trace_id < head_traces_[b].trace_id; });

  Block block;
  block.traces.resize(num_traces);
  std::vector<uint32_t> cursor(num_traces);  // next block row of each head trace
  uint32_t begin = 0;
  for (size_t r = 0; r < num_traces; ++r) {
    const HeadTrace& trace = head_traces_[order[r]];
    block.traces[r] = TraceRange{trace.trace_id, begin, begin + trace.count, 0};
    cursor[order[r]] = begin;
    begin += trace.count;
  }
  // Counting sort of the head rows by trace (stable: arrival order within a
  // trace), then each trace by (start, span id); equal keys keep arrival order.
  std::vector<uint32_t>& perm = cut_perm_;  // block row -> head row
  perm.resize(n);
  for (uint32_t i = 0; i < n; ++i) perm[cursor[head_trace_[i]]++] = i;
  const Row* head_rows = head_.rows.data();
  for (const TraceRange& t : block.traces) {
    StableSortSmall(perm.data() + t.begin, perm.data() + t.end, [head_rows](uint32_t a, uint32_t b) {
      const Row& ra = head_rows[a];
      const Row& rb = head_rows[b];
      return ra.start_ns != rb.start_ns ? ra.start_ns < rb.start_ns : ra.span_id < rb.span_id;
    });
  }

  // Gather the rows into block order.
  SpanRows& rows = block.spans;
  Gather(head_.rows, perm, rows.rows);
  rows.attrs.resize(head_.attrs.size());  // the same lists, reordered
  {
    const uint8_t* in = head_.attrs.data();
    const uint64_t* attr_begin = head_attr_begin_.data();
    const uint64_t arena_end = head_.attrs.size();
    uint8_t* out = rows.attrs.data();
    uint64_t at = 0;
    for (TraceRange& t : block.traces) {
      t.attr_begin = at;
      for (uint32_t k = t.begin; k < t.end; ++k) {
        const uint32_t i = perm[k];
        const uint64_t b = attr_begin[i];
        const uint64_t e = i + 1 < n ? attr_begin[i + 1] : arena_end;
        std::memcpy(out + at, in + b, e - b);
        at += e - b;
      }
    }
  }
  if (!head_.trace_state_rows.empty()) {
    std::vector<uint32_t> block_row(n);  // head row -> block row
    for (uint32_t k = 0; k < n; ++k) block_row[perm[k]] = k;
    std::vector<std::pair<uint32_t, uint32_t>> states;  // (block row, index in head_.trace_states)
    states.reserve(head_.trace_state_rows.size());
    for (uint32_t j = 0; j < head_.trace_state_rows.size(); ++j) {
      states.emplace_back(block_row[head_.trace_state_rows[j]], j);
    }
    std::sort(states.begin(), states.end());
    rows.trace_state_rows.reserve(states.size());
    rows.trace_states.reserve(states.size());
    for (const auto& [k, j] : states) {
      rows.trace_state_rows.push_back(k);
      rows.trace_states.push_back(std::move(head_.trace_states[j]));
    }
  }

  // Summary.
  block.min_start_ns = head_min_start_ns_;
  block.max_start_ns = head_max_start_ns_;
  block.max_end_ns = head_max_end_ns_;
  block.min_duration_ns = head_min_duration_ns_;
  block.max_duration_ns = head_max_duration_ns_;
  block.status_mask = head_status_mask_;
  block.services = SortedDistinct(head_.rows, &Row::service);
  block.operations = SortedDistinct(head_.rows, &Row::operation);
  block.encoded_bytes = head_encoded_bytes_;

  if (options_.estimate_disk_bytes) {
    // The block's on-disk form: EncodeSpans of its spans in block order.
    scratch_.clear();
    PutVarint64(scratch_, n);
    // The arena already holds each row's attribute list in the span encoding's
    // own format (span_codec.h: `attributes` is EncodeAttributes' output), so the
    // spans are encoded without attributes and each list is copied in place of
    // the empty one, instead of decoding the lists only to re-encode them.
    // span_store_test checks the result byte for byte against EncodeSpans.
    SpanEncoder encoder;
    SpanData span;  // attributes stay empty
    const std::span<const uint8_t> arena(rows.attrs);
    size_t attr_pos = 0, ts = 0;
    for (const TraceRange& t : block.traces) {
      for (uint32_t k = t.begin; k < t.end; ++k) {
        rows.DecodeFixed(k, t.trace_id, ts, span);
        encoder.Encode(span, scratch_);
        // Encode ended with: varint(0) (the empty list), then the optional trace state.
        const size_t tail =
            span.trace_state.empty() ? 0 : VarintLength(span.trace_state.size()) + span.trace_state.size();
        const size_t empty_list_at = scratch_.size() - tail - 1;
        const size_t list_begin = attr_pos;
        [[maybe_unused]] const bool ok = SkipAttributes(arena, attr_pos);  // written by EncodeAttributes
        const size_t list_size = attr_pos - list_begin;                    // >= 1 (the count)
        scratch_.resize(scratch_.size() + list_size - 1);
        uint8_t* out = scratch_.data() + empty_list_at;
        std::memmove(out + list_size, out + 1, tail);
        std::memcpy(out, arena.data() + list_begin, list_size);
      }
    }
    block.codec_bytes = scratch_.size();
    block.disk_bytes = EstimateCompression(scratch_, options_.disk_estimate_sample_bytes).estimated_bytes;
    block_codec_bytes_ += block.codec_bytes;
    block_disk_bytes_ += block.disk_bytes;
    pending_flush_bytes_ += block.disk_bytes;
  }
  block.memory_bytes = sizeof(Block) + VectorBytes(block.traces) + rows.MemoryBytes() +
                       VectorBytes(block.services) + VectorBytes(block.operations);

  // Register the block in the trace index.
  if (free_block_ids_.empty()) {
    block.id = static_cast<uint32_t>(block_pos_.size());
    block_pos_.push_back(kNoNext);
  } else {
    block.id = free_block_ids_.back();
    free_block_ids_.pop_back();
  }
  block_pos_[block.id] = static_cast<uint32_t>(blocks_.size());
  for (uint32_t r = 0; r < num_traces; ++r) {
    const TraceRange& t = block.traces[r];
    trace_index_.Insert(
        TraceIndex::Entry{TraceFingerprint(t.trace_id), block.id, r, t.begin, t.end - t.begin});
  }
  blocks_.push_back(std::move(block));
  ResetHead();
}

void SpanStore::ResetHead() {
  // The head keeps its capacity for the next block.
  head_.rows.clear();
  head_.attrs.clear();
  head_.trace_state_rows.clear();
  head_.trace_states.clear();
  head_attr_begin_.clear();
  head_trace_.clear();
  head_next_.clear();
  head_traces_.clear();
  head_index_.Reset();
  head_min_start_ns_ = INT64_MAX;
  head_max_start_ns_ = INT64_MIN;
  head_max_end_ns_ = INT64_MIN;
  head_min_duration_ns_ = INT64_MAX;
  head_max_duration_ns_ = INT64_MIN;
  head_status_mask_ = 0;
  head_encoded_bytes_ = 0;
  head_codec_bytes_ = 0;
}

// ------------------------------------------------------------------ Reads

std::vector<SpanData> SpanStore::FindTrace(const TraceId& trace_id) const {
  // The blocks holding the trace, in block order, so the result is allocated once.
  // Every memory access here is likely a cache miss on a large store: start the
  // independent ones (head index, each candidate block's rows and trace entry)
  // together, before any of them is needed.
  head_index_.Prefetch(trace_id);
  // (index in blocks_, range) of the candidate blocks. A trace rarely spans more
  // than a few blocks: they stay on the stack unless there are many.
  using Candidate = std::pair<uint32_t, const TraceRange*>;
  constexpr size_t kInline = 8;
  std::array<Candidate, kInline> inline_candidates;
  std::vector<Candidate> many;
  size_t count = 0;
  trace_index_.ForEach(TraceFingerprint(trace_id), [&](const TraceIndex::Entry& e) {
    const uint32_t pos = block_pos_[e.block];
    const Block& block = blocks_[pos];
    block.PrefetchRows(e.row_begin, e.row_begin + e.rows, e.attr_begin);
    const Candidate c{pos, &block.traces[e.trace]};
    if (count < kInline) {
      inline_candidates[count] = c;
    } else {
      if (many.empty()) many.assign(inline_candidates.begin(), inline_candidates.end());
      many.push_back(c);
    }
    ++count;
  });
  const std::span<Candidate> candidates =
      count <= kInline ? std::span<Candidate>(inline_candidates.data(), count) : std::span<Candidate>(many);
  size_t total = 0;
  size_t kept = 0;
  for (size_t k = 0; k < candidates.size(); ++k) {
    const TraceRange* range = candidates[k].second;
    if (range->trace_id != trace_id) continue;  // another trace id with the same fingerprint
    candidates[kept++] = candidates[k];
    total += range->end - range->begin;
  }
  const std::span<Candidate> ranges = candidates.first(kept);
  std::sort(ranges.begin(), ranges.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  const uint32_t number = head_index_.Find(trace_id);
  if (number != kNoNext) total += head_traces_[number].count;

  std::vector<SpanData> out;
  out.reserve(total);
  for (const auto& [pos, range] : ranges) blocks_[pos].Decode(*range, out);
  if (number != kNoNext) {
    const std::vector<uint32_t>& ts_rows = head_.trace_state_rows;
    for (uint32_t i = head_traces_[number].first; i != kNoNext; i = head_next_[i]) {
      size_t attr_pos = head_attr_begin_[i];
      size_t ts = static_cast<size_t>(std::lower_bound(ts_rows.begin(), ts_rows.end(), i) - ts_rows.begin());
      head_.DecodeRow(i, trace_id, attr_pos, ts, out.emplace_back());
    }
  }
  // Usually already in order (one block, or blocks and head in time order).
  if (!std::is_sorted(out.begin(), out.end(), StartThenSpanIdLess)) StableSortSmall(out, StartThenSpanIdLess);
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

  // With a limit only the `limit` smallest matching ids matter: `best` holds the
  // smallest distinct ids found so far. Once it is full, a trace id not below its
  // largest cannot enter the result, and as a block's traces ascend by id, the
  // rest of that block is skipped. Without a limit every match is collected.
  std::set<TraceId> best;
  auto excluded = [&](const TraceId& id) {
    return limit != 0 && best.size() == limit && !(id < *best.rbegin());
  };
  auto add = [&](const TraceId& id) {
    if (limit == 0) {
      found.push_back(id);
      return;
    }
    if (excluded(id)) return;
    best.insert(id);
    if (best.size() > limit) best.erase(std::prev(best.end()));
  };

  for (const Block& block : blocks_) {
    if (!BlockMayMatch(block, query)) continue;
    const Row* rows = block.spans.rows.data();
    const std::span<const uint8_t> arena(block.spans.attrs);
    for (const TraceRange& t : block.traces) {
      if (excluded(t.trace_id)) break;
      size_t pos = t.attr_begin;
      for (uint32_t i = t.begin; i < t.end; ++i) {
        const bool columns_match = filter.Matches(rows[i]);
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
        add(t.trace_id);
        break;
      }
    }
  }
  const std::span<const uint8_t> head_arena(head_.attrs);
  for (uint32_t i = 0; i < head_.size(); ++i) {
    if (!filter.Matches(head_.rows[i])) continue;
    if (by_attributes) {
      size_t pos = head_attr_begin_[i];
      bool has_all = false;
      AttributesContainAll(head_arena, pos, query.attributes, has_all);
      if (!has_all) continue;
    }
    add(head_traces_[head_trace_[i]].trace_id);
  }

  if (limit != 0) return std::vector<TraceId>(best.begin(), best.end());
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

// ------------------------------------------------------------------ Retention

size_t SpanStore::DropBlocksEndedBefore(TimePoint cutoff) {
  const int64_t cutoff_ns = ToNanos(cutoff);
  size_t dropped = 0;
  size_t kept = 0;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    Block& block = blocks_[i];
    if (block.max_end_ns < cutoff_ns) {
      dropped += block.size();
      encoded_bytes_ -= block.encoded_bytes;
      block_codec_bytes_ -= block.codec_bytes;
      block_disk_bytes_ -= block.disk_bytes;
      for (uint32_t r = 0; r < block.traces.size(); ++r) {
        [[maybe_unused]] const bool erased =
            trace_index_.Erase(TraceFingerprint(block.traces[r].trace_id), block.id, r);
      }
      block_pos_[block.id] = kNoNext;
      free_block_ids_.push_back(block.id);
      continue;
    }
    if (kept != i) blocks_[kept] = std::move(block);
    block_pos_[blocks_[kept].id] = static_cast<uint32_t>(kept);
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

// ------------------------------------------------------------------ Accounting

size_t SpanStore::trace_count_in_blocks() const {
  size_t n = 0;
  for (const Block& b : blocks_) n += b.traces.size();
  return n;
}

size_t SpanStore::HeadMemoryBytes() const {
  return head_.MemoryBytes() + VectorBytes(head_attr_begin_) + VectorBytes(head_trace_) +
         VectorBytes(head_next_) + VectorBytes(head_traces_) + head_index_.memory_bytes();
}

size_t SpanStore::memory_bytes() const {
  size_t bytes = sizeof(SpanStore) + VectorBytes(blocks_) + VectorBytes(scratch_) + VectorBytes(cut_perm_);
  for (const Block& b : blocks_) bytes += b.memory_bytes - sizeof(Block);  // struct counted in blocks_
  bytes += trace_index_.memory_bytes() + VectorBytes(block_pos_) + VectorBytes(free_block_ids_);
  bytes += HeadMemoryBytes();
  return bytes;
}

// ------------------------------------------------------------------ HeadIndex

size_t SpanStore::HeadIndex::SlotFor(const TraceId& trace_id) const {
  return static_cast<size_t>(TraceFingerprint(trace_id) * 0x9E3779B97F4A7C15ULL) >>
         (64 - std::countr_zero(slots_.size()));
}

uint32_t SpanStore::HeadIndex::FindOrInsert(const TraceId& trace_id, uint32_t number, bool& inserted) {
  if (2 * (size_ + 1) > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  for (size_t i = SlotFor(trace_id);; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.number == kNoNext) {
      slot.trace_id = trace_id;
      slot.number = number;
      ++size_;
      inserted = true;
      return number;
    }
    if (slot.trace_id == trace_id) {
      inserted = false;
      return slot.number;
    }
  }
}

void SpanStore::HeadIndex::Prefetch(const TraceId& trace_id) const {
  if (size_ != 0) __builtin_prefetch(&slots_[SlotFor(trace_id)]);
}

uint32_t SpanStore::HeadIndex::Find(const TraceId& trace_id) const {
  if (size_ == 0) return kNoNext;
  const size_t mask = slots_.size() - 1;
  for (size_t i = SlotFor(trace_id);; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.number == kNoNext) return kNoNext;
    if (slot.trace_id == trace_id) return slot.number;
  }
}

void SpanStore::HeadIndex::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(std::max<size_t>(64, 2 * old.size()), Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.number == kNoNext) continue;
    size_t i = SlotFor(slot.trace_id);
    while (slots_[i].number != kNoNext) i = (i + 1) & mask;
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
  trace_index_.Clear();
  block_pos_ = std::vector<uint32_t>();
  free_block_ids_ = std::vector<uint32_t>();
  head_ = SpanRows();
  head_attr_begin_ = std::vector<uint64_t>();
  head_trace_ = std::vector<uint32_t>();
  head_next_ = std::vector<uint32_t>();
  head_traces_ = std::vector<HeadTrace>();
  head_index_.Release();
  ResetHead();
  head_opened_ = TimePoint{};
  scratch_ = std::vector<uint8_t>();
  cut_perm_ = std::vector<uint32_t>();
  span_count_ = 0;
  encoded_bytes_ = 0;
  block_codec_bytes_ = 0;
  block_disk_bytes_ = 0;
  pending_flush_bytes_ = 0;
}

}  // namespace tracesim::pipeline
