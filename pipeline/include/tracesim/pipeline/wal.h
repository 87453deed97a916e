// A sans-I/O write-ahead log for the span store (Tempo's ingester WAL, leveldb's
// log format in spirit).
//
// The WAL turns each appended batch into one *record* and keeps the record
// bytes in an in-memory *segment* that represents the durable medium: the
// bytes are exactly what would be written to the WAL file. The driver owns the
// disk: it takes PendingBytes(), models the write (+ fsync) time, and then calls
// Acknowledge(offset) with how far the medium is durable. A batch counts as
// acknowledged — the store may tell its sender "accepted" — only once its whole
// record is durable. A crash keeps the durable bytes (plus, for a torn write, a
// prefix of the pending ones: Crash(torn_bytes)); Replay() of those bytes
// restores exactly the acknowledged spans, and detects and drops a torn or
// corrupt tail. After the store flushes a block to durable block storage, the
// records whose spans it holds are released with Truncate().
//
// Record format (all integers little-endian):
//   u32 length    bytes of `body` (sequence + payload)
//   u32 crc       CRC-32/IEEE (crc32.h) of body
//   body:
//     u64 sequence  1, 2, 3, ... (strictly increasing; numbers of batches lost in
//                   a crash are not reused)
//     payload       EncodeSpans(batch) (span_codec.h)
// Offsets are logical byte positions since the WAL was created: they keep
// growing across Truncate (the segment holds [base_offset, end_offset)).
//
// Not thread-safe (one owner). Sans-I/O: no files, no clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tracesim/pipeline/span.h"
#include "tracesim/status.h"

namespace tracesim::pipeline {

struct WalOptions {
  // A batch whose record would exceed this many bytes is refused (an encoded
  // span is ~40-100 bytes). In [kWalHeaderBytes + 9, 2^31 - 1].
  size_t max_record_bytes = size_t{64} << 20;
};

inline constexpr size_t kWalHeaderBytes = 8;  // length + crc

// InvalidArgument naming the bad field, or OK.
Status ValidateWalOptions(const WalOptions& options);

struct WalAppendResult {
  uint64_t sequence = 0;      // the batch's record number
  uint64_t begin_offset = 0;  // [begin, end) of the record in the log
  uint64_t end_offset = 0;    // durable once Acknowledge(offset >= end_offset)
};

// Why Replay stopped before the end of the bytes.
enum class WalTail {
  kClean,    // every byte belongs to a valid record
  kTorn,     // the last record is incomplete (a write cut short by a crash)
  kCorrupt,  // a complete record fails its CRC / its sequence / its decoding, or a bad length
};
const char* WalTailName(WalTail tail);

struct WalReplayResult {
  std::vector<SpanData> spans;  // spans of the valid records, in record order
  size_t records = 0;           // valid records
  uint64_t first_sequence = 0;  // of the first valid record (0 if none)
  uint64_t last_sequence = 0;   // of the last valid record (0 if none)
  size_t valid_bytes = 0;       // prefix made of valid records
  WalTail tail = WalTail::kClean;
  std::string detail;  // what was wrong with the tail (empty when clean)
};

class WriteAheadLog {
 public:
  static StatusOr<WriteAheadLog> Create(WalOptions options);
  // REQUIRES: ValidateWalOptions(options).ok().
  explicit WriteAheadLog(WalOptions options = {});

  // Encodes `spans` into one record appended to the segment (pending until
  // acknowledged). An empty batch is refused (InvalidArgument), as is a record
  // larger than max_record_bytes (ResourceExhausted).
  StatusOr<WalAppendResult> Append(std::span<const SpanData> spans);

  // Bytes appended but not yet durable: [durable_offset, end_offset), what the
  // driver must still write.
  std::span<const uint8_t> PendingBytes() const;
  // The medium is durable up to `offset` (the driver finished writing and
  // syncing that far). Every record ending at or before it is acknowledged.
  // OutOfRange if offset > end_offset(); an offset below durable_offset() is a
  // no-op (durability never goes back).
  Status Acknowledge(uint64_t offset);
  uint64_t durable_offset() const { return durable_offset_; }
  uint64_t end_offset() const { return base_offset_ + segment_.size(); }
  uint64_t base_offset() const { return base_offset_; }
  // Highest sequence whose record is durable (0: none yet).
  uint64_t acknowledged_sequence() const { return acknowledged_sequence_; }
  bool IsAcknowledged(uint64_t sequence) const { return sequence != 0 && sequence <= acknowledged_sequence_; }
  uint64_t last_sequence() const { return next_sequence_ - 1; }
  size_t pending_records() const { return records_.size() - durable_records_; }

  // Releases the records up to and including `sequence` after the spans they
  // hold were flushed into a durable block. FailedPrecondition if one of them
  // is not acknowledged yet; OutOfRange if `sequence` was never appended.
  // Sequences already truncated are a no-op.
  Status Truncate(uint64_t sequence);

  // The crash of the host: the pending bytes are lost except `torn_bytes` of
  // them that reached the medium (a torn write; clamped to the pending size).
  // Returns the bytes the medium now holds, i.e. what recovery reads; the WAL
  // itself becomes those bytes (use Recover() to resume appending).
  std::span<const uint8_t> Crash(size_t torn_bytes = 0);
  // Replays the segment, drops a torn or corrupt tail from it, and makes the
  // remaining records durable and acknowledged; appending resumes after the last
  // valid sequence. Returns what Replay() found.
  WalReplayResult Recover();

  // The bytes of the segment, [base_offset, end_offset).
  std::span<const uint8_t> segment() const { return segment_; }
  size_t memory_bytes() const { return segment_.capacity() + records_.capacity() * sizeof(RecordInfo); }

  // Reads records from `bytes` (a segment) until the end or the first torn or
  // corrupt record. Pure.
  static WalReplayResult Replay(std::span<const uint8_t> bytes);

 private:
  struct RecordInfo {
    uint64_t sequence;
    uint64_t end_offset;
  };
  WalOptions options_;
  std::vector<uint8_t> segment_;
  std::vector<RecordInfo> records_;  // records in the segment, oldest first
  size_t durable_records_ = 0;       // records_[0, durable_records_) are durable
  uint64_t base_offset_ = 0;
  uint64_t durable_offset_ = 0;
  uint64_t acknowledged_sequence_ = 0;
  uint64_t next_sequence_ = 1;
};

}  // namespace tracesim::pipeline
