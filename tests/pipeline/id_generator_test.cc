#include "tracesim/pipeline/id_generator.h"

#include <gtest/gtest.h>

#include <set>

namespace tracesim::pipeline {
namespace {

TEST(IdGeneratorTest, SameSeedSameSequence) {
  IdGenerator a(Rng(42)), b(Rng(42));
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(a.NewTraceId(), b.NewTraceId());
    EXPECT_EQ(a.NewSpanId(), b.NewSpanId());
  }
}

TEST(IdGeneratorTest, DifferentSeedsDiffer) {
  IdGenerator a(Rng(1)), b(Rng(2));
  int same = 0;
  for (int i = 0; i < 100; ++i) same += a.NewTraceId() == b.NewTraceId() ? 1 : 0;
  EXPECT_EQ(same, 0);
}

TEST(IdGeneratorTest, IdsAreDrawnFromTheInjectedRng) {
  // A trace id is two consecutive draws (hi, lo); a span id one draw.
  Rng reference(7);
  IdGenerator gen{Rng(7)};
  const TraceId t = gen.NewTraceId();
  EXPECT_EQ(t.hi, reference.NextU64());
  EXPECT_EQ(t.lo, reference.NextU64());
  EXPECT_EQ(gen.NewSpanId().value, reference.NextU64());
}

TEST(IdGeneratorTest, IdsAreValidAndUnique) {
  IdGenerator gen(Rng(2024));
  std::set<TraceId> traces;
  std::set<SpanId> spans;
  constexpr int kN = 100000;
  for (int i = 0; i < kN; ++i) {
    const TraceId t = gen.NewTraceId();
    const SpanId s = gen.NewSpanId();
    ASSERT_TRUE(t.IsValid());
    ASSERT_TRUE(s.IsValid());
    traces.insert(t);
    spans.insert(s);
  }
  EXPECT_EQ(traces.size(), static_cast<size_t>(kN));
  EXPECT_EQ(spans.size(), static_cast<size_t>(kN));
}

TEST(IdGeneratorTest, EveryBitOfTheTraceIdIsBalanced) {
  // Samplers read the low 8 bytes (OTel ratio) or the low 56 bits
  // (consistent probability): each bit must be set about half the time.
  IdGenerator gen(Rng(5));
  constexpr int kN = 200000;
  int hi_ones[64] = {}, lo_ones[64] = {};
  for (int i = 0; i < kN; ++i) {
    const TraceId t = gen.NewTraceId();
    for (int b = 0; b < 64; ++b) {
      hi_ones[b] += (t.hi >> b) & 1;
      lo_ones[b] += (t.lo >> b) & 1;
    }
  }
  for (int b = 0; b < 64; ++b) {
    // 5 sigma of a binomial(200000, 0.5) is about 1118.
    EXPECT_NEAR(hi_ones[b], kN / 2, 1200) << "hi bit " << b;
    EXPECT_NEAR(lo_ones[b], kN / 2, 1200) << "lo bit " << b;
  }
}

}  // namespace
}  // namespace tracesim::pipeline
