// An in-memory span store shaped like Tempo's ingester/backend blocks.
//
// Layout:
//  - Spans are appended into a mutable *head block* (SpanData in append order,
//    plus a hash index trace id -> chain of head spans).
//  - The head is *cut* into an immutable block when it holds max_block_spans
//    spans or is older than max_block_age (age = now - time of the first append
//    into the empty head). Append cuts on size after inserting, and on age before
//    inserting (a head that should already have been cut is cut first);
//    MaybeCutBlock(now) cuts on either, for the driver's periodic tick;
//    NextCutDeadline() says when the age cut falls due.
//  - Inside a cut block spans are grouped by trace, traces ascending by trace id,
//    spans of a trace by (start, span id, arrival order). A cut block is
//    columnar: fixed-width columns (span id, parent id, start, duration, service,
//    operation, kind|status, trace flags) plus a packed attribute arena (the
//    span_codec attribute encoding, one list per span, in block order) and a
//    sparse trace-state column; FindTrace decodes spans back into SpanData.
//    Each block has a sorted trace index (trace id -> span range and arena
//    offset, binary search), a Bloom filter over its trace ids (~1 % false
//    positives) so FindTrace skips most blocks without a search, and a summary
//    (min/max start, max end, min/max duration, service and operation sets,
//    statuses present) so SearchTraces skips whole blocks.
//  - Capacity accounting: at the cut, the block is also encoded with span_codec
//    (the bytes a flushed block would hold) and its compressed size is estimated
//    (EstimateCompression); see codec_bytes() / disk_bytes_estimate().
//
// Semantics:
//  - The store keeps what it is given: it does not validate ids and does not
//    deduplicate. Two spans with the same span id (e.g. an exporter retry that
//    was already acknowledged) are both stored and both returned.
//  - FindTrace returns every span of the trace, from the head and all blocks,
//    ordered by (start, span id); equal keys keep block order then arrival order.
//  - SearchTraces matches a trace iff ONE of its spans satisfies every set
//    condition of the query at once (Tempo's `{ a && b }` / Jaeger's FindTraces
//    semantics: service, operation, duration range, status, attributes and start
//    window all on the same span). Results are trace ids ascending and
//    deduplicated; with limit > 0, the `limit` smallest matching ids.
//  - Retention: ApplyRetention(now) drops every cut block whose spans all ended
//    more than `retention` before now; the head is never dropped. What retention
//    removes is counted separately (retention_dropped_spans), it is not loss.
//  - Everything is deterministic: no outcome depends on hash-map iteration order.
//
// Not thread-safe (one owner; the driver serialises calls). Sans-I/O: time is
// only what callers pass as `now`.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tracesim/pipeline/ids.h"
#include "tracesim/pipeline/span.h"
#include "tracesim/status.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

struct SpanStoreOptions {
  size_t max_block_spans = 65536;                     // in [1, 2^32 - 1]
  Duration max_block_age = std::chrono::seconds(30);  // > 0
  // How long cut blocks are kept after their last span ended (Tempo's
  // block_retention); 0 keeps them forever. >= 0.
  Duration retention = Duration::zero();
  // Encode each cut block with span_codec and estimate its compressed size
  // (codec_bytes / disk_bytes_estimate); off saves that work at the cut, and the
  // two figures then count the head's standalone encoding only.
  bool estimate_disk_bytes = true;
  // The compression estimate of a block parses at most this many bytes of its
  // encoding (evenly spaced 64 KiB windows, see EstimateCompression); larger
  // blocks are estimated from the sample. > 0.
  size_t disk_estimate_sample_bytes = 256 * 1024;
};

// InvalidArgument naming the bad field, or OK.
Status ValidateSpanStoreOptions(const SpanStoreOptions& options);

// Every set condition must hold for one and the same span of the trace.
struct TraceSearchQuery {
  std::optional<ServiceId> service;      // a span of the trace has this service
  std::optional<OperationId> operation;  // ...and this operation
  Duration min_duration{0};              // ...and lasts at least this long (<= 0: no condition)
  std::optional<Duration> max_duration;  // ...and at most this long (inclusive)
  std::optional<SpanStatus> status;      // ...and has this status
  // ...and carries each of these attributes: same key, same value type, equal
  // value (an int64 5 does not match a double 5.0; doubles compare with ==).
  std::vector<Attribute> attributes;
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
  // (block max end < cutoff). The head is never dropped. Returns spans dropped,
  // which are added to retention_dropped_spans().
  size_t DropBlocksEndedBefore(TimePoint cutoff);
  // Applies options().retention: DropBlocksEndedBefore(now - retention). No-op
  // (returns 0) when retention is 0.
  size_t ApplyRetention(TimePoint now);
  // The earliest `now` at which ApplyRetention would drop a block; nullopt when
  // retention is 0 or there is no cut block.
  std::optional<TimePoint> NextRetentionDeadline() const;
  // Spans removed by retention since construction (Clear() does not reset it).
  uint64_t retention_dropped_spans() const { return retention_dropped_spans_; }

  size_t span_count() const { return span_count_; }
  size_t head_span_count() const { return head_.size(); }
  size_t block_count() const { return blocks_.size(); }  // cut blocks
  size_t trace_count_in_blocks() const;                  // sum over blocks (a trace may span blocks)
  // Approximate bytes held: head span structs and their heap (attributes,
  // tracestate), head index, block columns, attribute arenas, trace states,
  // indexes, Bloom filters, summaries; vector capacities counted.
  size_t memory_bytes() const;
  // Estimated bytes of the spans on the wire (sum of EstimateWireBytes, OTLP-like).
  uint64_t encoded_bytes() const { return encoded_bytes_; }
  // Bytes of the span_codec encoding: cut blocks exactly as encoded (grouped by
  // trace, delta timestamps, parent back-references), head spans each encoded on
  // its own (what a WAL record of single spans would hold).
  uint64_t codec_bytes() const { return block_codec_bytes_ + head_codec_bytes_; }
  // Bytes on disk: the compressed-size estimate of every cut block's encoding
  // (EstimateCompression(bytes, disk_estimate_sample_bytes)) plus the head's
  // uncompressed codec bytes. With
  // estimate_disk_bytes off, blocks count 0 here and in codec_bytes().
  uint64_t disk_bytes_estimate() const { return block_disk_bytes_ + head_codec_bytes_; }
  const SpanStoreOptions& options() const { return options_; }

  // Drops everything (e.g. a crash of a store without WAL) and releases memory.
  void Clear();

 private:
  struct TraceRange {
    TraceId trace_id;
    uint32_t begin = 0;  // [begin, end) into the block's span columns
    uint32_t end = 0;
    uint64_t attr_begin = 0;  // offset of span `begin`'s attribute list in Block::attrs
  };
  // An immutable cut block, columnar. Span i of the block is row i of every column.
  struct Block {
    std::vector<TraceRange> traces;  // ascending trace id
    std::vector<uint64_t> bloom;     // power-of-two bit count
    // Span columns: grouped by trace, ascending trace id, then (start, span id).
    std::vector<uint64_t> span_id;
    std::vector<uint64_t> parent_id;
    std::vector<int64_t> start_ns;
    std::vector<int64_t> duration_ns;
    std::vector<ServiceId> service;
    std::vector<OperationId> operation;
    std::vector<uint8_t> kind_status;  // kind | status << 4
    std::vector<uint8_t> trace_flags;
    std::vector<uint8_t> attrs;  // EncodeAttributes of each span, in row order
    // Sparse trace-state column: rows with a non-empty tracestate, ascending.
    std::vector<uint32_t> trace_state_rows;
    std::vector<std::string> trace_states;
    // Summary.
    int64_t min_start_ns = 0, max_start_ns = 0, max_end_ns = 0;
    int64_t min_duration_ns = 0, max_duration_ns = 0;
    std::vector<ServiceId> services;      // sorted, unique
    std::vector<OperationId> operations;  // sorted, unique
    uint8_t status_mask = 0;              // bit s set iff a span has status s
    size_t memory_bytes = 0;
    uint64_t encoded_bytes = 0;  // EstimateWireBytes sum
    uint64_t codec_bytes = 0;    // span_codec encoding of the block
    uint64_t disk_bytes = 0;     // compressed estimate of that encoding

    size_t size() const { return span_id.size(); }
    // Bloom filter test with the trace id's two hashes (see BloomHashes in the .cc).
    bool MayContain(uint64_t h1, uint64_t h2) const;
    const TraceRange* Find(const TraceId& trace_id) const;
    // Appends rows [range.begin, range.end) decoded as SpanData.
    void Decode(const TraceRange& range, std::vector<SpanData>& out) const;
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
  static bool BlockMayMatch(const Block& block, const TraceSearchQuery& query);

  SpanStoreOptions options_;
  std::vector<Block> blocks_;  // oldest first
  // Head block.
  std::vector<SpanData> head_;
  std::vector<uint32_t> head_next_;  // next head span of the same trace, or kNoNext
  HeadIndex head_index_;
  TimePoint head_opened_{};
  size_t head_heap_bytes_ = 0;
  uint64_t head_encoded_bytes_ = 0;
  uint64_t head_codec_bytes_ = 0;
  std::vector<uint8_t> scratch_;  // reused by CutHead for the block encoding

  size_t span_count_ = 0;
  uint64_t encoded_bytes_ = 0;
  uint64_t block_codec_bytes_ = 0;
  uint64_t block_disk_bytes_ = 0;
  uint64_t retention_dropped_spans_ = 0;
};

}  // namespace tracesim::pipeline
