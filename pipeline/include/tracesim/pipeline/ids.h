// W3C / OpenTelemetry identifiers: 128-bit trace id, 64-bit span id.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tracesim::pipeline {

// 16 bytes, big-endian as written in hex: hi holds bytes 0..7, lo bytes 8..15.
struct TraceId {
  uint64_t hi = 0;
  uint64_t lo = 0;

  constexpr bool IsValid() const { return hi != 0 || lo != 0; }
  // Byte i (0..15) in W3C order.
  constexpr uint8_t Byte(int i) const {
    return static_cast<uint8_t>(i < 8 ? hi >> (56 - 8 * i) : lo >> (56 - 8 * (i - 8)));
  }
  std::string ToHex() const;  // 32 lowercase hex chars
  // Accepts exactly 32 hex chars (either case). Returns nullopt otherwise.
  static std::optional<TraceId> FromHex(std::string_view hex);

  friend constexpr auto operator<=>(const TraceId&, const TraceId&) = default;
};

struct SpanId {
  uint64_t value = 0;

  constexpr bool IsValid() const { return value != 0; }
  std::string ToHex() const;  // 16 lowercase hex chars
  static std::optional<SpanId> FromHex(std::string_view hex);

  friend constexpr auto operator<=>(const SpanId&, const SpanId&) = default;
};

struct TraceIdHash {
  size_t operator()(const TraceId& id) const noexcept {
    // Trace ids are random; mixing both halves is enough.
    return static_cast<size_t>(id.lo ^ (id.hi * 0x9E3779B97F4A7C15ULL));
  }
};

}  // namespace tracesim::pipeline
