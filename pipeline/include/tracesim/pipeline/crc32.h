// CRC-32 (IEEE 802.3 polynomial, reflected 0xEDB88320): the checksum of zlib's
// crc32(), Go's hash/crc32.ChecksumIEEE and Python's zlib.crc32.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace tracesim::pipeline {

// Returns the CRC-32/IEEE of `bytes`, continuing from `crc`, the checksum of the
// bytes that precede them (0 to start). Chaining is exact, as with zlib:
//   Crc32Ieee(b, Crc32Ieee(a)) == Crc32Ieee(a ++ b).
// Table-driven, slice-by-8. Thread-safe (pure function).
uint32_t Crc32Ieee(std::span<const uint8_t> bytes, uint32_t crc = 0) noexcept;

// Convenience overload for text keys (endpoint names, service names).
uint32_t Crc32Ieee(std::string_view text, uint32_t crc = 0) noexcept;

}  // namespace tracesim::pipeline
