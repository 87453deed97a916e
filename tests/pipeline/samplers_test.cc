#include "tracesim/pipeline/samplers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "tracesim/pipeline/id_generator.h"
#include "tracesim/pipeline/random.h"

namespace tracesim::pipeline {
namespace {

using ::testing::HasSubstr;

SamplingParameters RootParams(TraceId id) {
  SamplingParameters p;
  p.trace_id = id;
  return p;
}

SpanContext Parent(bool remote, bool sampled) {
  SpanContext c;
  c.trace_id = {0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  c.span_id = {0x1111111111111111ULL};
  c.trace_flags = sampled ? kTraceFlagSampled : 0;
  c.is_remote = remote;
  return c;
}

// A sampler that records which case it served and answers a fixed decision.
class FixedSampler : public Sampler {
 public:
  FixedSampler(SamplingDecision d, std::string name, int* calls)
      : d_(d), name_(std::move(name)), calls_(calls) {}
  SamplingResult ShouldSample(const SamplingParameters&) noexcept override {
    ++*calls_;
    return {d_, name_};
  }
  std::string Description() const override { return name_; }

 private:
  SamplingDecision d_;
  std::string name_;
  int* calls_;
};

TEST(SamplingResultTest, RecordingAndSampledFollowTheDecision) {
  SamplingResult r;
  EXPECT_FALSE(r.IsRecording());
  EXPECT_FALSE(r.IsSampled());
  r.decision = SamplingDecision::kRecordOnly;
  EXPECT_TRUE(r.IsRecording());
  EXPECT_FALSE(r.IsSampled());
  r.decision = SamplingDecision::kRecordAndSample;
  EXPECT_TRUE(r.IsRecording());
  EXPECT_TRUE(r.IsSampled());
  EXPECT_STREQ(SamplingDecisionName(SamplingDecision::kRecordOnly), "record_only");
}

TEST(AlwaysOnOffTest, DecisionsIgnoreParentAndKeepTracestate) {
  auto on = MakeAlwaysOnSampler();
  auto off = MakeAlwaysOffSampler();
  EXPECT_EQ(on->Description(), "AlwaysOnSampler");
  EXPECT_EQ(off->Description(), "AlwaysOffSampler");
  for (bool remote : {false, true}) {
    for (bool sampled : {false, true}) {
      SpanContext parent = Parent(remote, sampled);
      SamplingParameters p = RootParams(parent.trace_id);
      p.parent = &parent;
      auto r_on = on->ShouldSample(p);
      EXPECT_EQ(r_on.decision, SamplingDecision::kRecordAndSample);
      EXPECT_FALSE(r_on.trace_state.has_value());
      auto r_off = off->ShouldSample(p);
      EXPECT_EQ(r_off.decision, SamplingDecision::kDrop);
      EXPECT_FALSE(r_off.trace_state.has_value());
    }
  }
  EXPECT_EQ(on->ShouldSample(RootParams({1, 1})).decision, SamplingDecision::kRecordAndSample);
  EXPECT_EQ(off->ShouldSample(RootParams({1, 1})).decision, SamplingDecision::kDrop);
}

TEST(TraceIdRatioTest, GoUpperBoundKnownVectors) {
  // uint64(ratio * 2^63) as computed by the Go SDK (exact power-of-two scaling).
  EXPECT_EQ(GoTraceIdRatioUpperBound(0.5), 0x4000000000000000ULL);
  EXPECT_EQ(GoTraceIdRatioUpperBound(0.25), 0x2000000000000000ULL);
  EXPECT_EQ(GoTraceIdRatioUpperBound(0.1), 0x0ccccccccccccd00ULL);
  EXPECT_EQ(GoTraceIdRatioUpperBound(0.01), 0x0147ae147ae147b0ULL);
  EXPECT_EQ(GoTraceIdRatioUpperBound(0.001), 0x0020c49ba5e353f8ULL);
  EXPECT_EQ(GoTraceIdRatioUpperBound(0.0), 0u);
  EXPECT_EQ(GoTraceIdRatioUpperBound(-3.0), 0u);
  EXPECT_EQ(GoTraceIdRatioUpperBound(std::nan("")), 0u);
  EXPECT_EQ(GoTraceIdRatioUpperBound(1.0), 0x8000000000000000ULL);
  EXPECT_EQ(GoTraceIdRatioUpperBound(7.0), 0x8000000000000000ULL);
}

TEST(TraceIdRatioTest, DecidesOnTheLowEightBytesAtTheBoundary) {
  auto s = MakeTraceIdRatioBasedSampler(0.1);
  const uint64_t bound = 0x0ccccccccccccd00ULL;
  auto decide = [&](uint64_t hi, uint64_t lo) { return s->ShouldSample(RootParams({hi, lo})).decision; };
  // x = lo >> 1; sampled iff x < bound.
  EXPECT_EQ(decide(0, 2 * bound - 1), SamplingDecision::kRecordAndSample);  // x = bound - 1
  EXPECT_EQ(decide(0, 2 * bound - 2), SamplingDecision::kRecordAndSample);
  EXPECT_EQ(decide(0, 2 * bound), SamplingDecision::kDrop);      // x = bound
  EXPECT_EQ(decide(0, 2 * bound + 1), SamplingDecision::kDrop);  // x = bound (low bit shifted out)
  EXPECT_EQ(decide(0, 1), SamplingDecision::kRecordAndSample);
  EXPECT_EQ(decide(0, ~0ULL), SamplingDecision::kDrop);
  // The high eight bytes play no part.
  EXPECT_EQ(decide(~0ULL, 1), SamplingDecision::kRecordAndSample);
  EXPECT_EQ(decide(1, ~0ULL), SamplingDecision::kDrop);
  // 0.5: lo below 2^63 is kept.
  auto half = MakeTraceIdRatioBasedSampler(0.5);
  EXPECT_EQ(half->ShouldSample(RootParams({5, 0x7fffffffffffffffULL})).decision,
            SamplingDecision::kRecordAndSample);
  EXPECT_EQ(half->ShouldSample(RootParams({5, 0x8000000000000000ULL})).decision, SamplingDecision::kDrop);
  // A W3C example id: lo = 0xa3ce929d0e0e4736 >> 1 = 0x51e7494e87072399, above the 0.5 bound.
  EXPECT_EQ(half->ShouldSample(RootParams({0x4bf92f3577b34da6ULL, 0xa3ce929d0e0e4736ULL})).decision,
            SamplingDecision::kDrop);
}

TEST(TraceIdRatioTest, ExtremesAndClamping) {
  auto all = MakeTraceIdRatioBasedSampler(1.0);
  auto above = MakeTraceIdRatioBasedSampler(2.5);
  auto none = MakeTraceIdRatioBasedSampler(0.0);
  auto below = MakeTraceIdRatioBasedSampler(-1.0);
  for (uint64_t lo : {1ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL}) {
    EXPECT_EQ(all->ShouldSample(RootParams({0, lo})).decision, SamplingDecision::kRecordAndSample);
    EXPECT_EQ(above->ShouldSample(RootParams({0, lo})).decision, SamplingDecision::kRecordAndSample);
    EXPECT_EQ(none->ShouldSample(RootParams({1, lo})).decision, SamplingDecision::kDrop);
    EXPECT_EQ(below->ShouldSample(RootParams({1, lo})).decision, SamplingDecision::kDrop);
  }
  // lo = 0 (hi != 0) gives x = 0: never sampled at ratio 0, since 0 < 0 is false.
  EXPECT_EQ(none->ShouldSample(RootParams({1, 0})).decision, SamplingDecision::kDrop);
  EXPECT_EQ(above->Description(), "TraceIdRatioBased{1.000000}");
  EXPECT_EQ(below->Description(), "TraceIdRatioBased{0.000000}");
}

TEST(TraceIdRatioTest, IgnoresTheParentSampledFlag) {
  auto s = MakeTraceIdRatioBasedSampler(0.5);
  SpanContext sampled = Parent(true, true);
  SamplingParameters p = RootParams({0, ~0ULL});  // x above the bound
  p.parent = &sampled;
  EXPECT_EQ(s->ShouldSample(p).decision, SamplingDecision::kDrop);
  SpanContext unsampled = Parent(false, false);
  p = RootParams({0, 2});
  p.parent = &unsampled;
  EXPECT_EQ(s->ShouldSample(p).decision, SamplingDecision::kRecordAndSample);
}

TEST(TraceIdRatioTest, Descriptions) {
  EXPECT_EQ(MakeTraceIdRatioBasedSampler(0.1)->Description(), "TraceIdRatioBased{0.100000}");
  EXPECT_EQ(MakeTraceIdRatioBasedSampler(0.0001)->Description(), "TraceIdRatioBased{0.000100}");
  EXPECT_EQ(MakeTraceIdRatioBasedSampler(0.5)->Description(), "TraceIdRatioBased{0.500000}");
}

TEST(TraceIdRatioTest, KeptFractionMatchesRatioOverAMillionIds) {
  IdGenerator ids(Rng(20240601));
  constexpr int kN = 1'000'000;
  const double ratios[] = {0.001, 0.01, 0.1, 0.5};
  std::unique_ptr<Sampler> samplers[4];
  for (int i = 0; i < 4; ++i) samplers[i] = MakeTraceIdRatioBasedSampler(ratios[i]);
  int kept[4] = {};
  for (int n = 0; n < kN; ++n) {
    const SamplingParameters p = RootParams(ids.NewTraceId());
    for (int i = 0; i < 4; ++i) kept[i] += samplers[i]->ShouldSample(p).IsSampled() ? 1 : 0;
  }
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(static_cast<double>(kept[i]) / kN, ratios[i], 0.003) << "ratio " << ratios[i];
  }
  // Consistency: a trace kept at a lower ratio is kept at every higher one,
  // so the kept counts are ordered.
  EXPECT_LT(kept[0], kept[1]);
  EXPECT_LT(kept[1], kept[2]);
  EXPECT_LT(kept[2], kept[3]);
}

TEST(TraceIdRatioTest, SamplingIsConsistentAcrossRatios) {
  IdGenerator ids(Rng(99));
  auto low = MakeTraceIdRatioBasedSampler(0.2);
  auto high = MakeTraceIdRatioBasedSampler(0.6);
  for (int n = 0; n < 100000; ++n) {
    const SamplingParameters p = RootParams(ids.NewTraceId());
    if (low->ShouldSample(p).IsSampled()) {
      ASSERT_TRUE(high->ShouldSample(p).IsSampled());
    }
  }
}

// ------------------------------------------------------------ ParentBased

struct Delegates {
  int root = 0, rs = 0, rns = 0, ls = 0, lns = 0;
};

std::unique_ptr<Sampler> MakeInstrumentedParentBased(Delegates& calls) {
  ParentBasedOptions o;
  o.remote_parent_sampled = std::make_unique<FixedSampler>(SamplingDecision::kRecordOnly, "rs", &calls.rs);
  o.remote_parent_not_sampled =
      std::make_unique<FixedSampler>(SamplingDecision::kRecordAndSample, "rns", &calls.rns);
  o.local_parent_sampled = std::make_unique<FixedSampler>(SamplingDecision::kDrop, "ls", &calls.ls);
  o.local_parent_not_sampled =
      std::make_unique<FixedSampler>(SamplingDecision::kRecordOnly, "lns", &calls.lns);
  return MakeParentBasedSampler(
      std::make_unique<FixedSampler>(SamplingDecision::kRecordAndSample, "root", &calls.root), std::move(o));
}

TEST(ParentBasedTest, RoutesEachParentCaseToItsDelegate) {
  Delegates calls;
  auto s = MakeInstrumentedParentBased(calls);
  EXPECT_EQ(s->Description(),
            "ParentBased{root:root,remoteParentSampled:rs,remoteParentNotSampled:rns,"
            "localParentSampled:ls,localParentNotSampled:lns}");

  SamplingParameters p = RootParams({7, 7});
  EXPECT_EQ(s->ShouldSample(p).trace_state, "root");

  const struct {
    bool remote, sampled;
    const char* who;
    SamplingDecision decision;
  } cases[] = {
      {true, true, "rs", SamplingDecision::kRecordOnly},
      {true, false, "rns", SamplingDecision::kRecordAndSample},
      {false, true, "ls", SamplingDecision::kDrop},
      {false, false, "lns", SamplingDecision::kRecordOnly},
  };
  for (const auto& c : cases) {
    SpanContext parent = Parent(c.remote, c.sampled);
    p.parent = &parent;
    auto r = s->ShouldSample(p);
    EXPECT_EQ(r.trace_state, c.who);
    EXPECT_EQ(r.decision, c.decision) << c.who;
  }
  EXPECT_EQ(calls.root, 1);
  EXPECT_EQ(calls.rs, 1);
  EXPECT_EQ(calls.rns, 1);
  EXPECT_EQ(calls.ls, 1);
  EXPECT_EQ(calls.lns, 1);
}

TEST(ParentBasedTest, InvalidParentIsARoot) {
  Delegates calls;
  auto s = MakeInstrumentedParentBased(calls);
  SpanContext invalid;  // all-zero ids
  invalid.trace_flags = kTraceFlagSampled;
  invalid.is_remote = true;
  SamplingParameters p = RootParams({7, 7});
  p.parent = &invalid;
  EXPECT_EQ(s->ShouldSample(p).trace_state, "root");
  EXPECT_EQ(calls.root, 1);
  EXPECT_EQ(calls.rs, 0);
}

TEST(ParentBasedTest, DefaultsFollowTheParentAndRatioDecidesRoots) {
  auto s = MakeParentBasedSampler(MakeTraceIdRatioBasedSampler(0.5));
  EXPECT_EQ(s->Description(),
            "ParentBased{root:TraceIdRatioBased{0.500000},remoteParentSampled:AlwaysOnSampler,"
            "remoteParentNotSampled:AlwaysOffSampler,localParentSampled:AlwaysOnSampler,"
            "localParentNotSampled:AlwaysOffSampler}");
  // Roots: the ratio sampler.
  EXPECT_EQ(s->ShouldSample(RootParams({0, 2})).decision, SamplingDecision::kRecordAndSample);
  EXPECT_EQ(s->ShouldSample(RootParams({0, ~0ULL})).decision, SamplingDecision::kDrop);
  // Children follow the parent's flag whatever their trace id.
  for (bool remote : {false, true}) {
    SpanContext sampled = Parent(remote, true), unsampled = Parent(remote, false);
    SamplingParameters p = RootParams({0, ~0ULL});
    p.parent = &sampled;
    EXPECT_EQ(s->ShouldSample(p).decision, SamplingDecision::kRecordAndSample);
    p = RootParams({0, 2});
    p.parent = &unsampled;
    EXPECT_EQ(s->ShouldSample(p).decision, SamplingDecision::kDrop);
  }
}

// ------------------------------------------------------ MakeSamplerByName

TEST(MakeSamplerByNameTest, KnownNames) {
  const std::pair<const char*, const char*> cases[] = {
      {"always_on", "AlwaysOnSampler"},
      {"always_off", "AlwaysOffSampler"},
      {"traceidratio", "TraceIdRatioBased{0.250000}"},
      {"parentbased_always_on",
       "ParentBased{root:AlwaysOnSampler,remoteParentSampled:AlwaysOnSampler,remoteParentNotSampled:"
       "AlwaysOffSampler,localParentSampled:AlwaysOnSampler,localParentNotSampled:AlwaysOffSampler}"},
      {"parentbased_always_off",
       "ParentBased{root:AlwaysOffSampler,remoteParentSampled:AlwaysOnSampler,remoteParentNotSampled:"
       "AlwaysOffSampler,localParentSampled:AlwaysOnSampler,localParentNotSampled:AlwaysOffSampler}"},
      {"parentbased_traceidratio",
       "ParentBased{root:TraceIdRatioBased{0.250000},remoteParentSampled:AlwaysOnSampler,"
       "remoteParentNotSampled:AlwaysOffSampler,localParentSampled:AlwaysOnSampler,"
       "localParentNotSampled:AlwaysOffSampler}"},
  };
  for (const auto& [name, description] : cases) {
    auto s = MakeSamplerByName(name, 0.25);
    ASSERT_TRUE(s.ok()) << name << ": " << s.status().ToString();
    EXPECT_EQ((*s)->Description(), description);
  }
}

TEST(MakeSamplerByNameTest, RatioIsIgnoredBySamplersThatDoNotUseIt) {
  auto s = MakeSamplerByName("always_on", 42.0);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->Description(), "AlwaysOnSampler");
}

TEST(MakeSamplerByNameTest, UnknownNameListsValidNames) {
  for (const char* name : {"", "AlwaysOn", "always-on", "jaeger_remote", "traceidratio "}) {
    auto s = MakeSamplerByName(name, 0.5);
    ASSERT_FALSE(s.ok()) << name;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(s.status().message(), HasSubstr("unknown sampler '" + std::string(name) + "'"));
    EXPECT_THAT(s.status().message(), HasSubstr("always_on, always_off, traceidratio, parentbased_always_on, "
                                                "parentbased_always_off, parentbased_traceidratio"));
  }
}

TEST(MakeSamplerByNameTest, RatioOutsideZeroOneIsRejected) {
  for (const char* name : {"traceidratio", "parentbased_traceidratio"}) {
    for (double bad : {-0.1, 1.5, std::numeric_limits<double>::infinity(), std::nan("")}) {
      auto s = MakeSamplerByName(name, bad);
      ASSERT_FALSE(s.ok()) << name << " " << bad;
      EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
      EXPECT_THAT(s.status().message(), HasSubstr(name));
      EXPECT_THAT(s.status().message(), HasSubstr("outside [0, 1]"));
    }
    EXPECT_TRUE(MakeSamplerByName(name, 0.0).ok());
    EXPECT_TRUE(MakeSamplerByName(name, 1.0).ok());
  }
  auto s = MakeSamplerByName("traceidratio", 1.5);
  EXPECT_THAT(s.status().message(), HasSubstr("ratio 1.5"));
}

}  // namespace
}  // namespace tracesim::pipeline
