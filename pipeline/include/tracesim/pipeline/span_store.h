// An in-memory span store shaped like Tempo's ingester/backend blocks.
//
// Layout:
//  - Spans are appended into a mutable *head block*, already in block form: a
//    48-byte row per span in arrival order (span id, parent id, start, duration,
//    service, operation, kind|status, trace flags), the attributes encoded at
//    append time into an arena (the span_codec attribute encoding, one list per
//    span), a sparse trace-state column, and a hash index trace id -> head trace
//    (its number, and the chain of its spans).
//  - The head is *cut* into an immutable block when it holds max_block_spans
//    spans or is older than max_block_age (age = now - time of the first append
//    into the empty head). Append cuts on size after inserting, and on age before
//    inserting (a head that should already have been cut is cut first);
//    MaybeCutBlock(now) cuts on either, for the driver's periodic tick;
//    NextCutDeadline() says when the age cut falls due.
//  - Inside a cut block spans are grouped by trace, traces ascending by trace id,
//    spans of a trace by (start, span id, arrival order). The cut is a counting
//    sort of the head rows by trace, a gather of the rows and a copy of the
//    attribute lists in that order (nothing is decoded or re-encoded). A block
//    has the same rows, arena and trace-state column as the head, in block
//    order; FindTrace decodes spans back into SpanData. Rows, not columns: a
//    trace's spans are contiguous, so a lookup touches one or two pages per block.
//    Each block has a sorted trace list (trace id -> row range and arena offset)
//    and a summary (min/max start, max end, min/max duration, service and
//    operation sets, statuses present) so SearchTraces skips whole blocks.
//  - A store-wide trace index (TraceIndex, span_store_index.h) maps a 64-bit
//    fingerprint of each trace id to the (block, trace list slot, rows) entries
//    holding it; it is updated at the cut, when retention drops blocks and by Clear, so
//    FindTrace costs one hash probe plus one check per block holding the trace,
//    whatever the number of blocks. Fingerprint collisions are resolved against
//    the trace id stored in the block.
//  - Capacity accounting: at the cut, the block is also encoded with span_codec
//    (the bytes a flushed block would hold) and its compressed size is estimated
//    (EstimateCompression); see codec_bytes() / disk_bytes_estimate() and
//    TakeFlushBytes().
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
#include "tracesim/pipeline/span_store_index.h"
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
  // Approximate bytes held: head and block columns, attribute arenas, trace
  // states, head index and chains, block trace lists, the store-wide trace
  // index, summaries and scratch buffers; vector capacities counted.
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

  // Bytes the blocks cut since the previous call (or since construction / Clear)
  // take on disk, i.e. the sum of their compressed-size estimates as counted in
  // disk_bytes_estimate(), and resets that sum to 0. A driver that models the
  // store's disk calls it after Append/AppendBatch/MaybeCutBlock and writes that
  // many bytes (one block flush each cut). Blocks later dropped by retention were
  // still cut, so they stay counted until taken. With estimate_disk_bytes off,
  // blocks have no estimate and this returns 0.
  uint64_t TakeFlushBytes() {
    const uint64_t bytes = pending_flush_bytes_;
    pending_flush_bytes_ = 0;
    return bytes;
  }

  // Drops everything (e.g. a crash of a store without WAL), including flush bytes
  // not yet taken, and releases memory.
  void Clear();

 private:
  static constexpr uint32_t kNoNext = UINT32_MAX;
  // The fixed-width fields of a span (48 bytes). Rows rather than columns: a
  // trace's spans are contiguous, so FindTrace touches one or two pages per
  // block instead of one per column, and a search scan reads one stream.
  struct Row {
    uint64_t span_id = 0;
    uint64_t parent_id = 0;
    int64_t start_ns = 0;
    int64_t duration_ns = 0;  // end - start, wrapping
    ServiceId service = 0;
    OperationId operation = 0;
    uint8_t kind_status = 0;  // kind | status << 4
    uint8_t trace_flags = 0;
  };
  // Spans as rows plus attributes and trace states; row i of the head is its
  // i-th append, row i of a block its i-th span in block order.
  struct SpanRows {
    std::vector<Row> rows;
    std::vector<uint8_t> attrs;  // EncodeAttributes of each row, in row order
    // Sparse trace-state column: rows with a non-empty tracestate, ascending.
    std::vector<uint32_t> trace_state_rows;
    std::vector<std::string> trace_states;

    size_t size() const { return rows.size(); }
    // Vector capacities plus the trace states' heap.
    size_t MemoryBytes() const;
    // Overwrites `span` with row i (trace id `trace_id`), reusing its capacity;
    // `attr_pos` is the offset of row i's attribute list and is advanced past it;
    // `ts` is the first trace-state entry at or after row i and is advanced past row i.
    void DecodeRow(uint32_t i, const TraceId& trace_id, size_t& attr_pos, size_t& ts, SpanData& span) const;
    // The same without the attributes (span.attributes is left as it is).
    void DecodeFixed(uint32_t i, const TraceId& trace_id, size_t& ts, SpanData& span) const;
  };
  struct TraceRange {
    TraceId trace_id;
    uint32_t begin = 0;  // [begin, end) into the block's rows
    uint32_t end = 0;
    uint64_t attr_begin = 0;  // offset of row `begin`'s attribute list in SpanRows::attrs
  };
  // An immutable cut block.
  struct Block {
    uint32_t id = 0;                 // key in the trace index; unique among live blocks
    std::vector<TraceRange> traces;  // ascending trace id
    SpanRows spans;                  // grouped by trace, ascending trace id, then (start, span id)
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

    size_t size() const { return spans.size(); }
    // Prefetches rows [begin, end) and the start of their attribute lists (at
    // offset attr_begin of the arena) into the cache.
    void PrefetchRows(uint32_t begin, uint32_t end, uint64_t attr_begin) const;
    // Appends the spans of `range` decoded as SpanData.
    void Decode(const TraceRange& range, std::vector<SpanData>& out) const;
  };
  struct HeadTrace {
    TraceId trace_id;
    uint32_t first = kNoNext;  // head rows of the trace, chained through head_next_
    uint32_t last = kNoNext;
    uint32_t count = 0;
  };
  // Trace id -> head trace number (index into head_traces_): open addressing with
  // linear probing, load <= 1/2, slots reused across cuts (no allocation per trace).
  class HeadIndex {
   public:
    // The number of `trace_id`; `number` (and inserted = true) if absent.
    uint32_t FindOrInsert(const TraceId& trace_id, uint32_t number, bool& inserted);
    // kNoNext if absent.
    uint32_t Find(const TraceId& trace_id) const;
    // Starts fetching the slot where Find(trace_id) begins.
    void Prefetch(const TraceId& trace_id) const;
    size_t size() const { return size_; }
    size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot); }
    void Reset();    // empties, keeps capacity
    void Release();  // empties, frees memory

   private:
    struct Slot {
      TraceId trace_id;
      uint32_t number = kNoNext;  // kNoNext marks an empty slot
    };
    size_t SlotFor(const TraceId& trace_id) const;
    void Grow();
    std::vector<Slot> slots_;  // power-of-two size
    size_t size_ = 0;
  };

  void CutHead();
  void ResetHead();
  size_t HeadMemoryBytes() const;
  static bool BlockMayMatch(const Block& block, const TraceSearchQuery& query);

  SpanStoreOptions options_;
  std::vector<Block> blocks_;        // oldest first
  TraceIndex trace_index_;           // over blocks_
  std::vector<uint32_t> block_pos_;  // block id -> index in blocks_ (kNoNext: id free)
  std::vector<uint32_t> free_block_ids_;
  // Head block.
  SpanRows head_;
  std::vector<uint64_t> head_attr_begin_;  // per row: offset of its attribute list in head_.attrs
  std::vector<uint32_t> head_trace_;       // per row: its head trace number
  std::vector<uint32_t> head_next_;        // per row: next row of the same trace, or kNoNext
  std::vector<HeadTrace> head_traces_;     // by head trace number, in order of first append
  HeadIndex head_index_;
  TimePoint head_opened_{};
  int64_t head_min_start_ns_ = INT64_MAX, head_max_start_ns_ = INT64_MIN, head_max_end_ns_ = INT64_MIN;
  int64_t head_min_duration_ns_ = INT64_MAX, head_max_duration_ns_ = INT64_MIN;
  uint8_t head_status_mask_ = 0;
  uint64_t head_encoded_bytes_ = 0;
  uint64_t head_codec_bytes_ = 0;
  // Reused by CutHead.
  std::vector<uint8_t> scratch_;
  std::vector<uint32_t> cut_perm_;

  size_t span_count_ = 0;
  uint64_t encoded_bytes_ = 0;
  uint64_t block_codec_bytes_ = 0;
  uint64_t block_disk_bytes_ = 0;
  uint64_t pending_flush_bytes_ = 0;
  uint64_t retention_dropped_spans_ = 0;
};

}  // namespace tracesim::pipeline
