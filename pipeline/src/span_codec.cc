#include "tracesim/pipeline/span_codec.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <string>

namespace tracesim::pipeline {
namespace {

constexpr uint8_t kSameTraceBit = 0x01;
constexpr int kParentShift = 1;
constexpr int kKindShift = 3;
constexpr int kStatusShift = 6;
constexpr uint8_t kParentNone = 0, kParentRaw = 1, kParentBackref = 2;
constexpr uint8_t kMaxKind = static_cast<uint8_t>(SpanKind::kConsumer);
constexpr uint8_t kMaxStatus = static_cast<uint8_t>(SpanStatus::kError);

constexpr uint64_t kTypeBool = 0, kTypeInt = 1, kTypeDouble = 2, kTypeString = 3;

void PutFixed64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
bool GetFixed64(std::span<const uint8_t> bytes, size_t& pos, uint64_t& v) {
  if (bytes.size() - pos < 8) return false;
  v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(bytes[pos + i]) << (8 * i);
  pos += 8;
  return true;
}
bool GetFixed64BigEndian(std::span<const uint8_t> bytes, size_t& pos, uint64_t& v) {
  if (bytes.size() - pos < 8) return false;
  v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | bytes[pos + i];
  pos += 8;
  return true;
}

// Raw writers for the hot encoder: the caller reserved enough room.
inline uint8_t* WriteVarint(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}
inline uint8_t* WriteFixed64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) *p++ = static_cast<uint8_t>(v >> (8 * i));
  return p;
}
inline uint8_t* WriteFixed64BigEndian(uint8_t* p, uint64_t v) {
  for (int i = 7; i >= 0; --i) *p++ = static_cast<uint8_t>(v >> (8 * i));
  return p;
}

uint64_t AttributeTag(const Attribute& a) {
  const uint64_t type = std::visit(
      [](const auto& v) -> uint64_t {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) return kTypeBool;
        if constexpr (std::is_same_v<T, int64_t>) return kTypeInt;
        if constexpr (std::is_same_v<T, double>) return kTypeDouble;
        return kTypeString;
      },
      a.value);
  return (static_cast<uint64_t>(a.key) << 2) | type;
}

size_t AttributeValueSize(const AttributeValue& value) {
  return std::visit(
      [](const auto& v) -> size_t {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) return 1;
        if constexpr (std::is_same_v<T, int64_t>) return VarintLength(ZigZagEncode(v));
        if constexpr (std::is_same_v<T, double>) return 8;
        if constexpr (std::is_same_v<T, InternedString>) return VarintLength(v.id);
      },
      value);
}

// Reads one attribute; false on malformed input.
bool GetAttribute(std::span<const uint8_t> bytes, size_t& pos, Attribute& out) {
  uint64_t tag = 0;
  if (!GetVarint64(bytes, pos, tag)) return false;
  if ((tag >> 2) > UINT32_MAX) return false;
  out.key = static_cast<AttributeKeyId>(tag >> 2);
  switch (tag & 3) {
    case kTypeBool:
      if (pos >= bytes.size() || bytes[pos] > 1) return false;
      out.value = bytes[pos++] == 1;
      return true;
    case kTypeInt: {
      uint64_t v = 0;
      if (!GetVarint64(bytes, pos, v)) return false;
      out.value = ZigZagDecode(v);
      return true;
    }
    case kTypeDouble: {
      uint64_t bits = 0;
      if (!GetFixed64(bytes, pos, bits)) return false;
      out.value = std::bit_cast<double>(bits);
      return true;
    }
    default: {
      uint64_t id = 0;
      if (!GetVarint64(bytes, pos, id) || id > UINT32_MAX) return false;
      out.value = InternedString{static_cast<uint32_t>(id)};
      return true;
    }
  }
}

// Deltas are taken modulo 2^64, so every pair of int64 times round-trips exactly.
int64_t WrappingSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
int64_t WrappingAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

Status Corrupt(const char* what, size_t pos) {
  return Status::InvalidArgument(std::string("span codec: ") + what + " at byte " + std::to_string(pos));
}

}  // namespace

size_t VarintLength(uint64_t v) noexcept {
  // 7 payload bits per byte: ceil(bit_width / 7), at least 1.
  const int bits = std::bit_width(v | 1);
  return static_cast<size_t>((bits + 6) / 7);
}

void PutVarint64(std::vector<uint8_t>& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<uint8_t>(v));
}

bool GetVarint64(std::span<const uint8_t> bytes, size_t& pos, uint64_t& v) noexcept {
  uint64_t result = 0;
  size_t p = pos;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p >= bytes.size()) return false;
    const uint8_t b = bytes[p++];
    if (shift == 63 && b > 1) return false;  // the 10th byte may only carry bit 63
    result |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      v = result;
      pos = p;
      return true;
    }
  }
  return false;
}

void EncodeAttributes(std::span<const Attribute> attributes, std::vector<uint8_t>& out) {
  PutVarint64(out, attributes.size());
  for (const Attribute& a : attributes) {
    PutVarint64(out, AttributeTag(a));
    std::visit(
        [&out](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, bool>) out.push_back(v ? 1 : 0);
          if constexpr (std::is_same_v<T, int64_t>) PutVarint64(out, ZigZagEncode(v));
          if constexpr (std::is_same_v<T, double>) PutFixed64(out, std::bit_cast<uint64_t>(v));
          if constexpr (std::is_same_v<T, InternedString>) PutVarint64(out, v.id);
        },
        a.value);
  }
}

size_t EncodedAttributesSize(std::span<const Attribute> attributes) noexcept {
  size_t n = VarintLength(attributes.size());
  for (const Attribute& a : attributes) n += VarintLength(AttributeTag(a)) + AttributeValueSize(a.value);
  return n;
}

Status DecodeAttributes(std::span<const uint8_t> bytes, size_t& pos, std::vector<Attribute>& out) {
  uint64_t count = 0;
  if (!GetVarint64(bytes, pos, count)) return Corrupt("truncated attribute count", pos);
  // Each attribute takes at least 2 bytes: a count beyond that is corrupt (and must not drive a reserve).
  if (count > (bytes.size() - pos) / 2) return Corrupt("attribute count exceeds the input", pos);
  out.reserve(out.size() + count);
  for (uint64_t i = 0; i < count; ++i) {
    // Decoded in place: building it aside and copying it in stalls on the variant's copy.
    Attribute& a = out.emplace_back();
    if (!GetAttribute(bytes, pos, a)) {
      out.pop_back();
      return Corrupt("malformed attribute", pos);
    }
  }
  return Status::Ok();
}

bool SkipAttributes(std::span<const uint8_t> bytes, size_t& pos) noexcept {
  bool unused = false;
  return AttributesContainAll(bytes, pos, {}, unused);
}

bool AttributesContainAll(std::span<const uint8_t> bytes, size_t& pos, std::span<const Attribute> wanted,
                          bool& contains) noexcept {
  uint64_t count = 0;
  if (!GetVarint64(bytes, pos, count)) return false;
  if (count > (bytes.size() - pos) / 2) return false;
  // wanted[w] found <=> bit w of `seen` (chunks of 64 for longer lists, re-reading the list per chunk).
  const size_t list_begin = pos;
  contains = true;
  for (size_t chunk = 0; chunk == 0 || chunk < wanted.size(); chunk += 64) {
    const size_t chunk_size = std::min<size_t>(64, wanted.size() - std::min(chunk, wanted.size()));
    uint64_t seen = 0;
    pos = list_begin;
    for (uint64_t i = 0; i < count; ++i) {
      Attribute a;
      if (!GetAttribute(bytes, pos, a)) return false;
      for (size_t w = 0; w < chunk_size; ++w) {
        if (((seen >> w) & 1) == 0 && wanted[chunk + w] == a) seen |= uint64_t{1} << w;
      }
    }
    const uint64_t all = chunk_size == 64 ? ~uint64_t{0} : (uint64_t{1} << chunk_size) - 1;
    if (seen != all) contains = false;
  }
  return true;
}

// --- SpanEncoder ---------------------------------------------------------------

size_t SpanEncoder::ParentDistance(const SpanData& span) const noexcept {
  if (!has_prev_ || span.trace_id != prev_trace_ || !span.parent_span_id.IsValid()) return 0;
  for (size_t i = run_.size(); i > 0; --i) {
    if (run_[i - 1] == span.parent_span_id.value) return run_.size() - i + 1;
  }
  return 0;
}

size_t SpanEncoder::EncodedSize(const SpanData& span) const noexcept {
  const bool same = has_prev_ && span.trace_id == prev_trace_;
  const int64_t start = ToNanos(span.start);
  size_t n = 1 + (same ? 0 : 16) + 8;
  if (span.parent_span_id.IsValid()) {
    const size_t d = ParentDistance(span);
    n += d != 0 ? VarintLength(d) : 8;
  }
  n += VarintLength(span.service) + VarintLength(span.operation);
  n += VarintLength(ZigZagEncode(same ? WrappingSub(start, prev_start_ns_) : start));
  n += VarintLength(ZigZagEncode(WrappingSub(ToNanos(span.end), start)));
  n += VarintLength((static_cast<uint64_t>(span.trace_flags) << 1) | (span.trace_state.empty() ? 0 : 1));
  n += EncodedAttributesSize(span.attributes);
  if (!span.trace_state.empty()) n += VarintLength(span.trace_state.size()) + span.trace_state.size();
  return n;
}

void SpanEncoder::Encode(const SpanData& span, std::vector<uint8_t>& out) {
  const bool same = has_prev_ && span.trace_id == prev_trace_;
  const int64_t start = ToNanos(span.start);
  uint8_t parent_mode = kParentNone;
  size_t distance = 0;
  if (span.parent_span_id.IsValid()) {
    distance = ParentDistance(span);
    parent_mode = distance != 0 ? kParentBackref : kParentRaw;
  }
  // Upper bound: header, ids, five varints, attribute count and attributes
  // (tag <= 10 bytes + value <= 10), tracestate with its length.
  const size_t at = out.size();
  out.resize(at + 1 + 16 + 8 + 10 + 5 * 10 + 10 + 20 * span.attributes.size() + 10 + span.trace_state.size());
  uint8_t* p = out.data() + at;
  *p++ = static_cast<uint8_t>((same ? kSameTraceBit : 0) | (parent_mode << kParentShift) |
                              (static_cast<uint8_t>(span.kind) << kKindShift) |
                              (static_cast<uint8_t>(span.status) << kStatusShift));
  if (!same) {
    p = WriteFixed64BigEndian(p, span.trace_id.hi);
    p = WriteFixed64BigEndian(p, span.trace_id.lo);
  }
  p = WriteFixed64(p, span.span_id.value);
  if (parent_mode == kParentRaw) p = WriteFixed64(p, span.parent_span_id.value);
  if (parent_mode == kParentBackref) p = WriteVarint(p, distance);
  p = WriteVarint(p, span.service);
  p = WriteVarint(p, span.operation);
  p = WriteVarint(p, ZigZagEncode(same ? WrappingSub(start, prev_start_ns_) : start));
  p = WriteVarint(p, ZigZagEncode(WrappingSub(ToNanos(span.end), start)));
  p = WriteVarint(p, (static_cast<uint64_t>(span.trace_flags) << 1) | (span.trace_state.empty() ? 0 : 1));
  p = WriteVarint(p, span.attributes.size());
  for (const Attribute& a : span.attributes) {
    p = WriteVarint(p, AttributeTag(a));
    std::visit(
        [&p](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, bool>) *p++ = v ? 1 : 0;
          if constexpr (std::is_same_v<T, int64_t>) p = WriteVarint(p, ZigZagEncode(v));
          if constexpr (std::is_same_v<T, double>) p = WriteFixed64(p, std::bit_cast<uint64_t>(v));
          if constexpr (std::is_same_v<T, InternedString>) p = WriteVarint(p, v.id);
        },
        a.value);
  }
  if (!span.trace_state.empty()) {
    p = WriteVarint(p, span.trace_state.size());
    std::memcpy(p, span.trace_state.data(), span.trace_state.size());
    p += span.trace_state.size();
  }
  out.resize(static_cast<size_t>(p - out.data()));

  if (!same) run_.clear();
  if (run_.size() == kMaxBackref) run_.erase(run_.begin());
  run_.push_back(span.span_id.value);
  has_prev_ = true;
  prev_trace_ = span.trace_id;
  prev_start_ns_ = start;
}

void SpanEncoder::Advance(const SpanData& span) {
  const bool same = has_prev_ && span.trace_id == prev_trace_;
  if (!same) run_.clear();
  if (run_.size() == kMaxBackref) run_.erase(run_.begin());
  run_.push_back(span.span_id.value);
  has_prev_ = true;
  prev_trace_ = span.trace_id;
  prev_start_ns_ = ToNanos(span.start);
}

void SpanEncoder::Reset() {
  has_prev_ = false;
  prev_trace_ = TraceId{};
  prev_start_ns_ = 0;
  run_.clear();
}

// --- SpanDecoder ---------------------------------------------------------------

Status SpanDecoder::Decode(std::span<const uint8_t> bytes, size_t& pos, SpanData& span) {
  const size_t begin = pos;
  if (pos >= bytes.size()) return Corrupt("truncated span header", pos);
  const uint8_t header = bytes[pos++];
  const bool same = (header & kSameTraceBit) != 0;
  const uint8_t parent_mode = (header >> kParentShift) & 3;
  const uint8_t kind = (header >> kKindShift) & 7;
  const uint8_t status = header >> kStatusShift;
  if (parent_mode > kParentBackref) return Corrupt("invalid parent mode", begin);
  if (kind > kMaxKind) return Corrupt("invalid span kind", begin);
  if (status > kMaxStatus) return Corrupt("invalid span status", begin);
  if (same && !has_prev_) return Corrupt("same-trace span without a previous span", begin);

  span.attributes.clear();
  span.trace_state.clear();
  if (same) {
    span.trace_id = prev_trace_;
  } else if (!GetFixed64BigEndian(bytes, pos, span.trace_id.hi) ||
             !GetFixed64BigEndian(bytes, pos, span.trace_id.lo)) {
    return Corrupt("truncated trace id", pos);
  }
  if (!GetFixed64(bytes, pos, span.span_id.value)) return Corrupt("truncated span id", pos);
  span.parent_span_id = SpanId{};
  const std::vector<uint64_t>& run = run_;
  if (parent_mode == kParentRaw) {
    if (!GetFixed64(bytes, pos, span.parent_span_id.value)) return Corrupt("truncated parent id", pos);
  } else if (parent_mode == kParentBackref) {
    uint64_t distance = 0;
    if (!GetVarint64(bytes, pos, distance)) return Corrupt("truncated parent reference", pos);
    if (!same || distance == 0 || distance > run.size()) return Corrupt("dangling parent reference", pos);
    span.parent_span_id = SpanId{run[run.size() - distance]};
  }
  uint64_t service = 0, operation = 0, start_code = 0, duration_code = 0, ext = 0;
  if (!GetVarint64(bytes, pos, service) || service > UINT32_MAX) return Corrupt("bad service id", pos);
  if (!GetVarint64(bytes, pos, operation) || operation > UINT32_MAX) return Corrupt("bad operation id", pos);
  if (!GetVarint64(bytes, pos, start_code)) return Corrupt("truncated start", pos);
  if (!GetVarint64(bytes, pos, duration_code)) return Corrupt("truncated duration", pos);
  if (!GetVarint64(bytes, pos, ext) || (ext >> 1) > 0xFF) return Corrupt("bad trace flags", pos);
  const int64_t start =
      same ? WrappingAdd(prev_start_ns_, ZigZagDecode(start_code)) : ZigZagDecode(start_code);
  const int64_t end = WrappingAdd(start, ZigZagDecode(duration_code));
  span.service = static_cast<ServiceId>(service);
  span.operation = static_cast<OperationId>(operation);
  span.kind = static_cast<SpanKind>(kind);
  span.status = static_cast<SpanStatus>(status);
  span.trace_flags = static_cast<uint8_t>(ext >> 1);
  span.start = FromNanos(start);
  span.end = FromNanos(end);
  if (Status s = DecodeAttributes(bytes, pos, span.attributes); !s.ok()) return s;
  if ((ext & 1) != 0) {
    uint64_t len = 0;
    if (!GetVarint64(bytes, pos, len) || len == 0 || len > bytes.size() - pos) {
      return Corrupt("bad trace state length", pos);
    }
    span.trace_state.assign(reinterpret_cast<const char*>(bytes.data() + pos), len);
    pos += len;
  }

  if (!same) run_.clear();
  if (run_.size() == SpanEncoder::kMaxBackref) run_.erase(run_.begin());
  run_.push_back(span.span_id.value);
  has_prev_ = true;
  prev_trace_ = span.trace_id;
  prev_start_ns_ = start;
  return Status::Ok();
}

void SpanDecoder::Reset() {
  has_prev_ = false;
  prev_trace_ = TraceId{};
  prev_start_ns_ = 0;
  run_.clear();
}

// --- Sequences -------------------------------------------------------------------

void EncodeSpans(std::span<const SpanData> spans, std::vector<uint8_t>& out) {
  PutVarint64(out, spans.size());
  SpanEncoder encoder;
  for (const SpanData& span : spans) encoder.Encode(span, out);
}

Status DecodeSpans(std::span<const uint8_t> bytes, std::vector<SpanData>& out) {
  size_t pos = 0;
  uint64_t count = 0;
  if (!GetVarint64(bytes, pos, count)) return Corrupt("truncated span count", pos);
  // A span takes at least 1 + 16 + 8 + 5 + 1 bytes; do not let a corrupt count drive reserve().
  if (count > bytes.size() - pos) return Corrupt("span count exceeds the input", 0);
  out.reserve(out.size() + count);
  SpanDecoder decoder;
  for (uint64_t i = 0; i < count; ++i) {
    SpanData span;
    if (Status s = decoder.Decode(bytes, pos, span); !s.ok()) return s;
    out.push_back(std::move(span));
  }
  if (pos != bytes.size()) return Corrupt("trailing bytes after the last span", pos);
  return Status::Ok();
}

size_t EncodedSize(std::span<const SpanData> spans) noexcept {
  size_t n = VarintLength(spans.size());
  SpanEncoder encoder;
  for (const SpanData& span : spans) {
    n += encoder.EncodedSize(span);
    encoder.Advance(span);
  }
  return n;
}

size_t EncodedSize(const SpanData& span) noexcept { return SpanEncoder().EncodedSize(span); }

// --- Compression estimate -------------------------------------------------------

double Order0EntropyBitsPerByte(std::span<const uint8_t> bytes) noexcept {
  if (bytes.empty()) return 0;
  std::array<uint64_t, 256> counts{};
  for (uint8_t b : bytes) ++counts[b];
  const double n = static_cast<double>(bytes.size());
  double bits = 0;
  for (uint64_t c : counts) {
    if (c == 0) continue;
    const double p = static_cast<double>(c) / n;
    bits -= p * std::log2(p);
  }
  return bits;
}

namespace {

constexpr size_t kWindow = 32768;  // DEFLATE's window
constexpr size_t kMinMatch = 4;
constexpr size_t kMaxMatch = 258;  // DEFLATE's longest match
constexpr int kMaxChain = 8;
constexpr int kHashBits = 15;
constexpr size_t kStreamBytes = 6;          // zlib header (2) + Adler-32 trailer (4)
constexpr size_t kSymbolsPerBlock = 16384;  // zlib's default block size in symbols (lit_bufsize)
constexpr size_t kTableBytes = 64;          // a dynamic Huffman block header with its code lengths (typical)

inline uint32_t Hash4(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return (v * 2654435761u) >> (32 - kHashBits);
}

// Bits of a DEFLATE length/distance pair: a Huffman-coded symbol (~7 bits for
// the length alphabet, ~5 for distances) plus the extra bits of its range.
double MatchBits(size_t length, size_t distance) {
  const int len_extra = std::max(0, static_cast<int>(std::bit_width(length - 3)) - 3);
  const int dist_extra = std::max(0, static_cast<int>(std::bit_width(distance - 1)) - 2);
  return 7.0 + len_extra + 5.0 + dist_extra;
}

}  // namespace

CompressionEstimate EstimateCompression(std::span<const uint8_t> bytes) {
  CompressionEstimate est;
  est.input_bytes = bytes.size();
  est.sampled_bytes = bytes.size();
  const size_t n = bytes.size();
  // Hash heads and a window-sized ring of chain links, as zlib does.
  std::vector<int64_t> head(size_t{1} << kHashBits, -1);
  std::vector<int64_t> prev(kWindow, -1);
  std::array<uint64_t, 256> literal_counts{};
  double match_bits = 0;
  auto insert = [&](size_t i) {
    if (i + kMinMatch > n) return;
    const uint32_t h = Hash4(bytes.data() + i);
    prev[i & (kWindow - 1)] = head[h];
    head[h] = static_cast<int64_t>(i);
  };
  size_t i = 0;
  while (i < n) {
    size_t best_len = 0, best_dist = 0;
    if (i + kMinMatch <= n) {
      const uint32_t h = Hash4(bytes.data() + i);
      int64_t cand = head[h];
      const size_t max_len = std::min(kMaxMatch, n - i);
      for (int chain = 0; chain < kMaxChain && cand >= 0; ++chain) {
        const size_t c = static_cast<size_t>(cand);
        if (i - c >= kWindow) break;  // older links may have been overwritten in the ring
        cand = prev[c & (kWindow - 1)];
        if (best_len > 0 && bytes[c + best_len] != bytes[i + best_len]) continue;
        size_t len = 0;
        while (len < max_len && bytes[c + len] == bytes[i + len]) ++len;
        if (len > best_len) {
          best_len = len;
          best_dist = i - c;
          if (len == max_len) break;
        }
      }
    }
    if (best_len >= kMinMatch) {
      ++est.matches;
      match_bits += MatchBits(best_len, best_dist);
      for (size_t k = 0; k < best_len; ++k) insert(i + k);
      i += best_len;
    } else {
      ++literal_counts[bytes[i]];
      ++est.literal_bytes;
      insert(i);
      ++i;
    }
  }
  double literal_bits = 0;
  if (est.literal_bytes > 0) {
    const double total = static_cast<double>(est.literal_bytes);
    for (uint64_t c : literal_counts) {
      if (c == 0) continue;
      const double p = static_cast<double>(c) / total;
      literal_bits -= static_cast<double>(c) * std::log2(p);
    }
    est.literal_entropy_bits_per_byte = literal_bits / total;
  }
  // Huffman-coded blocks of ~kSymbolsPerBlock symbols, each with its code tables;
  // a compressor falls back to stored blocks (5 bytes of header per 65535) when
  // compression does not pay.
  const size_t symbols = est.literal_bytes + est.matches;
  const size_t blocks = std::max<size_t>(1, (symbols + kSymbolsPerBlock - 1) / kSymbolsPerBlock);
  const size_t compressed =
      static_cast<size_t>(std::ceil((literal_bits + match_bits) / 8.0)) + blocks * kTableBytes;
  const size_t stored = n + 5 * std::max<size_t>(1, (n + 65534) / 65535);
  est.estimated_bytes = std::min(compressed, stored) + kStreamBytes;
  return est;
}

CompressionEstimate EstimateCompression(std::span<const uint8_t> bytes, size_t max_sample_bytes) {
  const size_t n = bytes.size();
  const size_t windows = std::max<size_t>(1, max_sample_bytes / kCompressionSampleWindow);
  if (n <= std::max(max_sample_bytes, windows * kCompressionSampleWindow)) return EstimateCompression(bytes);
  CompressionEstimate est;
  est.input_bytes = n;
  size_t body = 0, literal = 0, matches = 0;
  double entropy_weighted = 0;
  for (size_t w = 0; w < windows; ++w) {
    const size_t at = windows == 1 ? 0 : w * (n - kCompressionSampleWindow) / (windows - 1);
    const CompressionEstimate part = EstimateCompression(bytes.subspan(at, kCompressionSampleWindow));
    est.sampled_bytes += part.input_bytes;
    body += part.estimated_bytes - kStreamBytes;
    literal += part.literal_bytes;
    matches += part.matches;
    entropy_weighted += part.literal_entropy_bits_per_byte * static_cast<double>(part.literal_bytes);
  }
  const double scale = static_cast<double>(n) / static_cast<double>(est.sampled_bytes);
  est.literal_bytes = static_cast<size_t>(std::llround(static_cast<double>(literal) * scale));
  est.matches = static_cast<size_t>(std::llround(static_cast<double>(matches) * scale));
  est.literal_entropy_bits_per_byte = literal == 0 ? 0 : entropy_weighted / static_cast<double>(literal);
  est.estimated_bytes = static_cast<size_t>(std::ceil(static_cast<double>(body) * scale)) + kStreamBytes;
  return est;
}

}  // namespace tracesim::pipeline
