// An in-memory span store shaped like Tempo's ingester/backend blocks.
//
// Layout:
//  - Spans are appended into a mutable *head block* (append order, plus a hash
//    index trace id -> chain of head spans).
//  - The head is *cut* into an immutable block when it holds max_block_spans
//    spans or is older than max_block_age (age = now - time of the first append
//    into the empty head). Append cuts on size after inserting, and on age before
//    inserting (a head that should already have been cut is cut first);
//    MaybeCutBlock(now) cuts on either, for the driver's periodic tick;
//    NextCutDeadline() says when the age cut falls due.
//  - Inside a cut block spans are grouped by trace, traces ascending by trace id,
//    spans of a trace by (start, span id, arrival order). Each block has a sorted
//    trace index (trace id -> span range, binary search), a Bloom filter over its
//    trace ids (~1 % false positives) so FindTrace skips most blocks without a
//    search, columns (service, start, duration) for scans, and a summary (min/max
//    start, max duration, service set) so SearchTraces skips whole blocks.
//
// Semantics:
//  - The store keeps what it is given: it does not validate ids and does not
//    deduplicate. Two spans with the same span id (e.g. an exporter retry that
//    was already acknowledged) are both stored and both returned.
//  - FindTrace returns every span of the trace, from the head and all blocks,
//    ordered by (start, span id); equal keys keep block order then arrival order.
//  - SearchTraces matches a trace iff ONE of its spans satisfies every set
//    condition of the query at once (service, duration >= min_duration, start in
//    [start_min, start_max]). Results are trace ids ascending and deduplicated;
//    with limit > 0, the `limit` smallest matching ids.
//  - Everything is deterministic: no outcome depends on hash-map iteration order.
//
// Not thread-safe (one owner; the driver serialises calls). Sans-I/O: time is
// only what callers pass as `now`.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "tracesim/pipeline/ids.h"
#include "tracesim/pipeline/span.h"
#include "tracesim/status.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

struct SpanStoreOptions {
  size_t max_block_spans = 65536;                     // in [1, 2^32 - 1]
  Duration max_block_age = std::chrono::seconds(30);  // > 0
};

// InvalidArgument naming the bad field, or OK.
Status ValidateSpanStoreOptions(const SpanStoreOptions& options);

struct TraceSearchQuery {
  std::optional<ServiceId> service;  // a span of the trace has this service
  Duration min_duration{0};          // ...and that span lasts at least this long (<= 0: no condition)
  std::optional<TimePoint> start_min, start_max;  // ...and starts within [min, max] (inclusive)
  size_t limit = 20;                              // max trace ids returned (0 = unlimited)
};

class SpanStore {
 public:
  // Validates the options (see ValidateSpanStoreOptions).
  static StatusOr<SpanStore> Create(SpanStoreOptions options);
  // REQUIRES: ValidateSpanStoreOptions(options).ok(); use Create() for options
  // that come from user input.
  explicit SpanStore(SpanStoreOptions options = {});

  SpanStore(SpanStore&&) noexcept = default;
  SpanStore& operator=(SpanStore&&) noexcept = default;
  SpanStore(const SpanStore&) = delete;
  SpanStore& operator=(const SpanStore&) = delete;

  void Append(SpanData&& span, TimePoint now);
  void AppendBatch(std::vector<SpanData>&& spans, TimePoint now);
  // Cuts the head block when it is full or older than max_block_age (call from
  // the driver periodically; Append also cuts, see above). No-op on an empty head.
  void MaybeCutBlock(TimePoint now);
  // When the non-empty head reaches max_block_age; nullopt when the head is empty.
  std::optional<TimePoint> NextCutDeadline() const;

  std::vector<SpanData> FindTrace(const TraceId& trace_id) const;  // head + blocks, by (start, span id)
  std::vector<TraceId> SearchTraces(const TraceSearchQuery& query) const;  // ascending, deduplicated

  // Retention: drops every cut block whose spans all ended before `cutoff`
  // (block max end < cutoff). The head is never dropped. Returns spans dropped.
  size_t DropBlocksEndedBefore(TimePoint cutoff);

  size_t span_count() const { return span_count_; }
  size_t head_span_count() const { return head_.size(); }
  size_t block_count() const { return blocks_.size(); }  // cut blocks
  size_t trace_count_in_blocks() const;                  // sum over blocks (a trace may span blocks)
  // Approximate bytes held: span structs and their heap (attributes, tracestate),
  // head index, block indexes, Bloom filters, columns; vector capacities counted.
  size_t memory_bytes() const;
  // Estimated bytes of the stored encoding (sum of EstimateWireBytes over stored spans).
  uint64_t encoded_bytes() const { return encoded_bytes_; }
  const SpanStoreOptions& options() const { return options_; }

  // Drops everything (e.g. a crash of a store without WAL) and releases memory.
  void Clear();

 private:
  struct TraceRange {
    TraceId trace_id;
    uint32_t begin = 0;  // [begin, end) into Block::spans
    uint32_t end = 0;
  };
  // An immutable cut block.
  struct Block {
    std::vector<SpanData> spans;     // grouped by trace, ascending trace id, then (start, span id)
    std::vector<TraceRange> traces;  // ascending trace id
    std::vector<uint64_t> bloom;     // power-of-two bit count
    // Columns parallel to `spans`, for scans.
    std::vector<ServiceId> service;
    std::vector<int64_t> start_ns;
    std::vector<int64_t> duration_ns;
    // Summary.
    int64_t min_start_ns = 0, max_start_ns = 0, max_end_ns = 0, max_duration_ns = 0;
    std::vector<ServiceId> services;  // sorted, unique
    size_t memory_bytes = 0;
    uint64_t encoded_bytes = 0;

    // Bloom filter test with the trace id's two hashes (see BloomHashes in the .cc).
    bool MayContain(uint64_t h1, uint64_t h2) const;
    const TraceRange* Find(const TraceId& trace_id) const;
  };
  static constexpr uint32_t kNoNext = UINT32_MAX;
  struct HeadTrace {
    uint32_t first = kNoNext;  // kNoNext marks an empty HeadIndex slot
    uint32_t last = kNoNext;
  };
  // Trace id -> chain of head spans: open addressing with linear probing, load
  // <= 1/2, slots reused across cuts (no allocation per trace).
  class HeadIndex {
   public:
    // The chain of `trace_id`; a new one starting and ending at `index` if absent.
    HeadTrace& FindOrInsert(const TraceId& trace_id, uint32_t index, bool& inserted);
    const HeadTrace* Find(const TraceId& trace_id) const;
    size_t size() const { return size_; }
    size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot); }
    void Reset();    // empties, keeps capacity
    void Release();  // empties, frees memory
    template <typename F>
    void ForEach(F&& f) const {
      for (const Slot& slot : slots_) {
        if (slot.chain.first != kNoNext) f(slot.trace_id, slot.chain);
      }
    }

   private:
    struct Slot {
      TraceId trace_id;
      HeadTrace chain;
    };
    size_t SlotFor(const TraceId& trace_id) const;
    void Grow();
    std::vector<Slot> slots_;  // power-of-two size
    size_t size_ = 0;
  };

  void CutHead();
  static size_t HeapBytes(const SpanData& span);

  SpanStoreOptions options_;
  std::vector<Block> blocks_;  // oldest first
  // Head block.
  std::vector<SpanData> head_;
  std::vector<uint32_t> head_next_;  // next head span of the same trace, or kNoNext
  HeadIndex head_index_;
  TimePoint head_opened_{};
  size_t head_heap_bytes_ = 0;
  uint64_t head_encoded_bytes_ = 0;

  size_t span_count_ = 0;
  uint64_t encoded_bytes_ = 0;
};

}  // namespace tracesim::pipeline
