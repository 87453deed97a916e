#include "tracesim/pipeline/ids.h"

namespace tracesim::pipeline {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendHex(uint64_t v, std::string& out) {
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(v >> shift) & 0xF]);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ParseHex64(std::string_view hex, uint64_t& out) {
  uint64_t v = 0;
  for (char c : hex) {
    int d = HexValue(c);
    if (d < 0) return false;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  out = v;
  return true;
}

}  // namespace

std::string TraceId::ToHex() const {
  std::string s;
  s.reserve(32);
  AppendHex(hi, s);
  AppendHex(lo, s);
  return s;
}

std::optional<TraceId> TraceId::FromHex(std::string_view hex) {
  TraceId id;
  if (hex.size() != 32 || !ParseHex64(hex.substr(0, 16), id.hi) || !ParseHex64(hex.substr(16), id.lo)) {
    return std::nullopt;
  }
  return id;
}

std::string SpanId::ToHex() const {
  std::string s;
  s.reserve(16);
  AppendHex(value, s);
  return s;
}

std::optional<SpanId> SpanId::FromHex(std::string_view hex) {
  SpanId id;
  if (hex.size() != 16 || !ParseHex64(hex, id.value)) return std::nullopt;
  return id;
}

}  // namespace tracesim::pipeline
