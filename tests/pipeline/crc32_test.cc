#include "tracesim/pipeline/crc32.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "tracesim/pipeline/random.h"

namespace tracesim::pipeline {
namespace {

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Bit-at-a-time reference (no tables), straight from the definition of the
// reflected CRC-32 with polynomial 0xEDB88320, init and final xor 0xFFFFFFFF.
uint32_t ReferenceCrc32(std::span<const uint8_t> bytes) {
  uint32_t c = 0xFFFFFFFFu;
  for (uint8_t b : bytes) {
    c ^= b;
    for (int i = 0; i < 8; ++i) c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
  }
  return ~c;
}

TEST(Crc32IeeeTest, KnownVectors) {
  // The standard CRC-32 check value, and values from python3 zlib.crc32.
  EXPECT_EQ(Crc32Ieee(Bytes("123456789")), 0xCBF43926u);
  EXPECT_EQ(Crc32Ieee(Bytes("")), 0u);
  EXPECT_EQ(Crc32Ieee(std::span<const uint8_t>()), 0u);
  EXPECT_EQ(Crc32Ieee(Bytes("a")), 0xE8B7BE43u);
  EXPECT_EQ(Crc32Ieee(Bytes("The quick brown fox jumps over the lazy dog")), 0x414FA339u);
  EXPECT_EQ(Crc32Ieee(Bytes("collector-0:4317")), 0x552AF6F0u);
  const uint8_t sixteen[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  EXPECT_EQ(Crc32Ieee(sixteen), 0xCECEE288u);  // python3: zlib.crc32(bytes(range(16)))
}

TEST(Crc32IeeeTest, StringViewOverloadMatchesBytes) {
  EXPECT_EQ(Crc32Ieee(std::string_view("123456789")), 0xCBF43926u);
}

TEST(Crc32IeeeTest, MatchesBitwiseReferenceForAllLengthsAndAlignments) {
  Rng rng(2024);
  std::vector<uint8_t> buf(300);
  for (auto& b : buf) b = static_cast<uint8_t>(rng.NextU64());
  for (size_t offset = 0; offset < 8; ++offset) {
    for (size_t len = 0; len + offset <= 200; ++len) {
      std::span<const uint8_t> s(buf.data() + offset, len);
      ASSERT_EQ(Crc32Ieee(s), ReferenceCrc32(s)) << "offset " << offset << " len " << len;
    }
  }
}

TEST(Crc32IeeeTest, ChainingEqualsConcatenation) {
  const std::string_view whole = "The quick brown fox jumps over the lazy dog";
  for (size_t cut = 0; cut <= whole.size(); ++cut) {
    const uint32_t head = Crc32Ieee(Bytes(whole.substr(0, cut)));
    EXPECT_EQ(Crc32Ieee(Bytes(whole.substr(cut)), head), 0x414FA339u) << "cut at " << cut;
  }
}

}  // namespace
}  // namespace tracesim::pipeline
