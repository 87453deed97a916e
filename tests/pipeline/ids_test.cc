#include "tracesim/pipeline/ids.h"

#include <gtest/gtest.h>

#include "tracesim/pipeline/random.h"

namespace tracesim::pipeline {
namespace {

TEST(TraceIdTest, HexRoundTripKeepsByteOrder) {
  auto id = TraceId::FromHex("4bf92f3577b34da6a3ce929d0e0e4736");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->hi, 0x4bf92f3577b34da6ULL);
  EXPECT_EQ(id->lo, 0xa3ce929d0e0e4736ULL);
  EXPECT_EQ(id->Byte(0), 0x4b);
  EXPECT_EQ(id->Byte(15), 0x36);
  EXPECT_EQ(id->ToHex(), "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(TraceIdTest, RejectsWrongLengthAndNonHex) {
  EXPECT_FALSE(TraceId::FromHex("4bf92f3577b34da6a3ce929d0e0e473").has_value());
  EXPECT_FALSE(TraceId::FromHex("4bf92f3577b34da6a3ce929d0e0e473g").has_value());
  EXPECT_FALSE(SpanId::FromHex("00f067aa0ba902b").has_value());
  EXPECT_EQ(SpanId::FromHex("00f067aa0ba902b7")->value, 0x00f067aa0ba902b7ULL);
}

TEST(TraceIdTest, AllZeroIsInvalid) {
  EXPECT_FALSE(TraceId{}.IsValid());
  EXPECT_FALSE(SpanId{}.IsValid());
  EXPECT_TRUE((TraceId{0, 1}).IsValid());
}

TEST(RngTest, SameSeedSameStreamAndForksDiffer) {
  Rng a(42), b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.NextU64(), b.NextU64());
  Rng f1 = a.Fork(1), f2 = a.Fork(2);
  EXPECT_NE(f1.NextU64(), f2.NextU64());
}

TEST(RngTest, UniformStaysInRangeAndExponentialHasItsMean) {
  Rng r(7);
  double sum = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    EXPECT_LT(r.Uniform(10), 10u);
    sum += r.Exponential(2.0);
  }
  EXPECT_NEAR(sum / n, 2.0, 0.03);
}

}  // namespace
}  // namespace tracesim::pipeline
