// A compact binary encoding of spans, used by the span store's blocks (the
// attribute arena in memory, the block bytes on "disk") and by the write-ahead
// log, plus a compression estimate for capacity planning.
//
// Span sequence format (little-endian, LEB128 varints; see docs/storage.md):
//   sequence := varint(span_count) span*
//   span     := header:u8
//               [trace_id: 16 bytes, hi then lo, big-endian]   unless SAME_TRACE
//               span_id: u64 LE (8 bytes; random ids do not shrink as varints)
//               [parent: u64 LE]            parent mode RAW
//               [parent: varint(distance)]  parent mode BACKREF: the parent is the span
//                                           `distance` (>= 1) spans earlier in the
//                                           current run of same-trace spans
//               varint(service) varint(operation)
//               varint(zigzag(start - previous start))  if SAME_TRACE, else varint(zigzag(start))
//               varint(zigzag(end - start))             (differences modulo 2^64: any int64 round-trips)
//               varint(trace_flags << 1 | has_trace_state)
//               attributes
//               [varint(len) trace_state bytes]  if has_trace_state
//   header   := bit 0 SAME_TRACE (same trace id as the previous span of the sequence)
//               bits 1-2 parent mode (0 none, 1 RAW, 2 BACKREF; 3 is invalid)
//               bits 3-5 SpanKind (0..4), bits 6-7 SpanStatus (0..2)
//   attributes := varint(count) (varint(key << 2 | type) value)*
//               type 0 bool (1 byte, 0 or 1), 1 int64 (varint zigzag),
//               2 double (8 bytes LE IEEE-754 bits), 3 interned string (varint id)
//
// Services, operations, attribute keys and string values are interned ids
// (see Interner), so they cost one or two bytes. Timestamps within a trace are
// deltas, so spans grouped by trace (as in a cut block) are much smaller than
// isolated ones. The decoder rejects every malformed input with a Status
// (never reads out of bounds): truncation, over-long varints, ids beyond
// 32 bits, unknown kind/status/type/parent mode, a back-reference or
// SAME_TRACE with nothing to refer to, trailing bytes.
//
// Thread-safety: the free functions are pure; SpanEncoder/SpanDecoder are
// not thread-safe (one owner each).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "tracesim/pipeline/ids.h"
#include "tracesim/pipeline/span.h"
#include "tracesim/status.h"

namespace tracesim::pipeline {

// --- Primitives -------------------------------------------------------------

inline constexpr uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline constexpr int64_t ZigZagDecode(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}
// Bytes of the LEB128 encoding of v (1..10).
size_t VarintLength(uint64_t v) noexcept;
void PutVarint64(std::vector<uint8_t>& out, uint64_t v);
// Reads a varint at bytes[pos]; on success advances pos. False (pos unchanged)
// when the input ends inside the varint or it is longer than 10 bytes / overflows 64 bits.
bool GetVarint64(std::span<const uint8_t> bytes, size_t& pos, uint64_t& v) noexcept;

// --- Attributes ----------------------------------------------------------------

// Appends the `attributes` encoding (count, then each attribute).
void EncodeAttributes(std::span<const Attribute> attributes, std::vector<uint8_t>& out);
size_t EncodedAttributesSize(std::span<const Attribute> attributes) noexcept;
// Decodes one attribute list at bytes[pos], appending to `out`, and advances pos.
// On error `out` and pos are unspecified.
Status DecodeAttributes(std::span<const uint8_t> bytes, size_t& pos, std::vector<Attribute>& out);
// Advances pos over one attribute list without materialising it. False if malformed.
bool SkipAttributes(std::span<const uint8_t> bytes, size_t& pos) noexcept;
// Reads the attribute list at bytes[pos], advances pos over it, and reports
// whether every one of `wanted` is present in it (same key, same type, equal
// value; doubles compare with ==). An empty `wanted` is trivially contained.
// False on malformed input (pos unspecified).
bool AttributesContainAll(std::span<const uint8_t> bytes, size_t& pos, std::span<const Attribute> wanted,
                          bool& contains) noexcept;

// --- Spans -------------------------------------------------------------------

// Encodes a sequence of spans one at a time; the context (previous trace id
// and start, the span ids of the current same-trace run for parent
// back-references) carries from one Encode to the next.
class SpanEncoder {
 public:
  // How far back a parent back-reference may point (longer runs fall back to RAW).
  static constexpr size_t kMaxBackref = 255;

  void Encode(const SpanData& span, std::vector<uint8_t>& out);
  // Bytes Encode(span) would append now (the context is not changed).
  size_t EncodedSize(const SpanData& span) const noexcept;
  // Updates the context as Encode(span) would, without writing anything.
  void Advance(const SpanData& span);
  void Reset();

 private:
  // Distance (>= 1) back to the parent within the current run, or 0.
  size_t ParentDistance(const SpanData& span) const noexcept;
  bool has_prev_ = false;
  TraceId prev_trace_;
  int64_t prev_start_ns_ = 0;
  std::vector<uint64_t> run_;  // span ids of the current run, capped at kMaxBackref (most recent last)
};

class SpanDecoder {
 public:
  // Decodes the span at bytes[pos] into `span` (overwritten) and advances pos.
  Status Decode(std::span<const uint8_t> bytes, size_t& pos, SpanData& span);
  void Reset();

 private:
  bool has_prev_ = false;
  TraceId prev_trace_;
  int64_t prev_start_ns_ = 0;
  std::vector<uint64_t> run_;
};

// Appends varint(spans.size()) and the spans, encoded with a fresh SpanEncoder.
void EncodeSpans(std::span<const SpanData> spans, std::vector<uint8_t>& out);
// Decodes a whole sequence written by EncodeSpans, appending the spans to `out`.
// Every byte must be consumed (trailing bytes are an error). On error `out`
// keeps the spans appended before the bad one.
Status DecodeSpans(std::span<const uint8_t> bytes, std::vector<SpanData>& out);
// Exactly the number of bytes EncodeSpans(spans) appends.
size_t EncodedSize(std::span<const SpanData> spans) noexcept;
// Bytes of one span encoded on its own (full trace id, absolute start).
size_t EncodedSize(const SpanData& span) noexcept;

// --- Compression estimate -------------------------------------------------------

// Estimated size of `bytes` after a general-purpose LZ77 + entropy coder
// (DEFLATE / zstd class), computed in memory without compressing:
//  1. a greedy LZ77 parse (hash chain of 4-byte prefixes, 64 KiB window, match
//     length >= 4, up to kMaxChain candidates) splits the input into literals and
//     (length, distance) matches;
//  2. literals cost their order-0 (Shannon) entropy over the literal bytes;
//  3. each match costs log2-based bits for its length and distance plus a
//     token, as DEFLATE's Huffman-coded length/distance codes with extra bits do;
//  4. plus the Huffman code tables of each ~16 K-symbol block and the zlib
//     stream header/trailer; never more than DEFLATE's stored (uncompressed)
//     fallback.
// docs/storage.md compares it with zlib level 6 on span blocks. Deterministic
// and pure.
struct CompressionEstimate {
  size_t input_bytes = 0;
  size_t sampled_bytes = 0;  // bytes actually parsed (== input_bytes unless sampled)
  size_t literal_bytes = 0;  // bytes not covered by a match
  size_t matches = 0;
  double literal_entropy_bits_per_byte = 0;  // order-0 entropy of the literals
  size_t estimated_bytes = 0;
  double ratio() const {
    return input_bytes == 0 ? 1.0 : static_cast<double>(estimated_bytes) / static_cast<double>(input_bytes);
  }
};
CompressionEstimate EstimateCompression(std::span<const uint8_t> bytes);
// The same, parsing at most ~max_sample_bytes: for a larger input, evenly
// spaced windows of kCompressionSampleWindow bytes (the first and the last
// included) are estimated independently and their compression ratio is applied
// to the whole input (literal_bytes and matches are scaled likewise). Span
// blocks are homogeneous, so the sample is representative; each window starts
// with an empty dictionary, so the estimate errs slightly high. A
// max_sample_bytes below one window is treated as one window.
inline constexpr size_t kCompressionSampleWindow = 64 * 1024;
CompressionEstimate EstimateCompression(std::span<const uint8_t> bytes, size_t max_sample_bytes);
// Order-0 Shannon entropy of the bytes, in bits per byte (0 for empty input).
double Order0EntropyBitsPerByte(std::span<const uint8_t> bytes) noexcept;

}  // namespace tracesim::pipeline
