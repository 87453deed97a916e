#include "network_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <numeric>
#include <vector>

namespace tracesim::sim {
namespace {

using pipeline::Rng;
using K = LatencyDistribution::Kind;

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Moments {
  double mean = 0;
  double stddev = 0;
  double min = kInf;
};

Moments Draw(const LatencyDistribution& d, uint64_t seed, int n, std::vector<double>* keep = nullptr) {
  Rng rng(seed);
  double sum = 0, sum2 = 0;
  Moments m;
  for (int i = 0; i < n; ++i) {
    const double x = d.Sample(rng);
    sum += x;
    sum2 += x * x;
    m.min = std::min(m.min, x);
    if (keep != nullptr) keep->push_back(x);
  }
  m.mean = sum / n;
  m.stddev = std::sqrt(std::max(0.0, sum2 / n - m.mean * m.mean));
  return m;
}

LatencyDistribution Make(K kind, double base_s) {
  LatencyDistribution d;
  d.kind = kind;
  d.base_s = base_s;
  return d;
}

// ---------------------------------------------------------------------------
// Latency distributions
// ---------------------------------------------------------------------------

TEST(LatencyDistributionTest, KindNamesRoundTrip) {
  for (K k : {K::kConstant, K::kUniform, K::kNormal, K::kLogNormal, K::kPareto}) {
    auto parsed = ParseLatencyDistributionKind(LatencyDistributionKindName(k));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, k);
  }
  auto bad = ParseLatencyDistributionKind("gaussian");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("gaussian"), std::string::npos);
  EXPECT_NE(bad.status().message().find("lognormal"), std::string::npos);
}

TEST(LatencyDistributionTest, ValidatorNamesTheBadParameter) {
  struct Case {
    LatencyDistribution d;
    const char* expect;
  };
  LatencyDistribution neg_const = Make(K::kConstant, -1e-3);
  LatencyDistribution nan_const = Make(K::kConstant, std::nan(""));
  LatencyDistribution uni = Make(K::kUniform, 2e-3);
  uni.max_s = 1e-3;
  LatencyDistribution uni_inf = Make(K::kUniform, 1e-3);
  uni_inf.max_s = kInf;
  LatencyDistribution normal = Make(K::kNormal, 1e-3);
  normal.stddev_s = -1e-4;
  LatencyDistribution normal_neg_mean = Make(K::kNormal, -1e-3);
  LatencyDistribution logn = Make(K::kLogNormal, 0.0);
  logn.sigma = 0.5;
  LatencyDistribution logn_mean = logn;
  logn_mean.base_is_mean = true;
  LatencyDistribution logn_sigma = Make(K::kLogNormal, 1e-3);
  logn_sigma.sigma = -0.1;
  LatencyDistribution pareto = Make(K::kPareto, 1e-3);
  pareto.alpha = 1.0;
  LatencyDistribution pareto_scale = Make(K::kPareto, 0.0);
  pareto_scale.alpha = 2.0;
  for (const Case& c : std::vector<Case>{{neg_const, "latency must be"},
                                         {nan_const, "latency must be"},
                                         {uni, "max must be"},
                                         {uni_inf, "max must be"},
                                         {normal, "stddev must be"},
                                         {normal_neg_mean, "mean must be"},
                                         {logn, "median must be"},
                                         {logn_mean, "mean must be"},
                                         {logn_sigma, "sigma must be"},
                                         {pareto, "alpha must be"},
                                         {pareto_scale, "scale must be"}}) {
    Status s = ValidateLatencyDistribution(c.d);
    ASSERT_FALSE(s.ok()) << c.expect;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find(c.expect), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(LatencyDistributionKindName(c.d.kind)), std::string::npos) << s.message();
  }
  LatencyDistribution ok_normal = Make(K::kNormal, 1e-3);
  ok_normal.stddev_s = 2e-4;
  EXPECT_TRUE(ValidateLatencyDistribution(ok_normal).ok());
  EXPECT_TRUE(ValidateLatencyDistribution(Make(K::kConstant, 0.0)).ok());
}

TEST(LatencyDistributionTest, ConstantIsExact) {
  const LatencyDistribution d = Make(K::kConstant, 5e-3);
  Rng rng(1);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(d.Sample(rng), 5e-3);
  EXPECT_EQ(d.Mean(), 5e-3);
}

TEST(LatencyDistributionTest, UniformMeanAndRange) {
  LatencyDistribution d = Make(K::kUniform, 1e-3);
  d.max_s = 3e-3;
  EXPECT_DOUBLE_EQ(d.Mean(), 2e-3);
  std::vector<double> xs;
  Moments m = Draw(d, 7, 100000, &xs);
  EXPECT_NEAR(m.mean, 2e-3, 0.01 * 2e-3);
  EXPECT_NEAR(m.stddev, 2e-3 / std::sqrt(12.0), 0.02 * 2e-3 / std::sqrt(12.0));
  EXPECT_GE(*std::min_element(xs.begin(), xs.end()), 1e-3);
  EXPECT_LT(*std::max_element(xs.begin(), xs.end()), 3e-3);
}

TEST(LatencyDistributionTest, NormalMeanAndStddev) {
  LatencyDistribution d = Make(K::kNormal, 1e-3);
  d.stddev_s = 2e-4;  // truncation at 0 is 5 sigma away: it raises the mean by 2e-4 * phi(5) / Phi(5) ~ 3e-10
  EXPECT_NEAR(d.Mean(), 1e-3 + 2.9734e-10, 1e-14);
  Moments m = Draw(d, 11, 100000);
  EXPECT_NEAR(m.mean, 1e-3, 0.01 * 1e-3);
  EXPECT_NEAR(m.stddev, 2e-4, 0.02 * 2e-4);
}

TEST(LatencyDistributionTest, TruncatedNormalMeanKnownValue) {
  // Half-normal: N(0, 1) truncated to [0, inf) has mean sqrt(2 / pi).
  LatencyDistribution half = Make(K::kNormal, 0.0);
  half.stddev_s = 1.0;
  EXPECT_NEAR(half.Mean(), std::sqrt(2.0 / std::numbers::pi), 1e-12);
  Moments hm = Draw(half, 3, 100000);
  EXPECT_NEAR(hm.mean, std::sqrt(2.0 / std::numbers::pi), 0.01);
  EXPECT_GE(hm.min, 0.0);

  // Heavily truncated: mean 0.1 ms, stddev 1 ms. Resampling (not clamping):
  // no draw is exactly 0 and the sample mean follows the truncated formula.
  LatencyDistribution d = Make(K::kNormal, 1e-4);
  d.stddev_s = 1e-3;
  const double a = -0.1;
  const double expected = 1e-4 + 1e-3 * (std::exp(-0.5 * a * a) / std::sqrt(2 * std::numbers::pi)) /
                                     (0.5 * std::erfc(a / std::sqrt(2.0)));
  EXPECT_NEAR(d.Mean(), expected, 1e-12);
  std::vector<double> xs;
  Moments m = Draw(d, 5, 100000, &xs);
  EXPECT_NEAR(m.mean, expected, 0.01 * expected);
  EXPECT_GT(m.min, 0.0);
  EXPECT_EQ(std::count(xs.begin(), xs.end(), 0.0), 0);
}

TEST(LatencyDistributionTest, LogNormalMedianAndMean) {
  LatencyDistribution d = Make(K::kLogNormal, 1e-3);
  d.sigma = 0.5;
  const double mean = 1e-3 * std::exp(0.125);
  EXPECT_NEAR(d.Mean(), mean, 1e-15);
  std::vector<double> xs;
  Moments m = Draw(d, 13, 100000, &xs);
  EXPECT_NEAR(m.mean, mean, 0.01 * mean);
  std::nth_element(xs.begin(), xs.begin() + xs.size() / 2, xs.end());
  EXPECT_NEAR(xs[xs.size() / 2], 1e-3, 0.01 * 1e-3);  // base_s is the median

  LatencyDistribution by_mean = d;
  by_mean.base_is_mean = true;  // base_s is now the mean
  EXPECT_DOUBLE_EQ(by_mean.Mean(), 1e-3);
  Moments mm = Draw(by_mean, 13, 100000);
  EXPECT_NEAR(mm.mean, 1e-3, 0.01 * 1e-3);
}

TEST(LatencyDistributionTest, ParetoMeanAndMinimum) {
  LatencyDistribution d = Make(K::kPareto, 1e-3);
  d.alpha = 3.0;
  EXPECT_DOUBLE_EQ(d.Mean(), 1.5e-3);
  std::vector<double> xs;
  Moments m = Draw(d, 17, 100000, &xs);
  EXPECT_NEAR(m.mean, 1.5e-3, 0.015 * 1.5e-3);
  EXPECT_GE(m.min, 1e-3);
  // Tail: P(X > 2 * scale) = 2^-alpha = 0.125.
  const double tail =
      static_cast<double>(std::count_if(xs.begin(), xs.end(), [](double x) { return x > 2e-3; })) /
      static_cast<double>(xs.size());
  EXPECT_NEAR(tail, 0.125, 0.005);
}

TEST(LatencyDistributionTest, SeedsAreReproducible) {
  LatencyDistribution d = Make(K::kLogNormal, 1e-3);
  d.sigma = 0.8;
  Rng a(99), b(99), c(100);
  bool any_differs = false;
  for (int i = 0; i < 1000; ++i) {
    const double x = d.Sample(a);
    EXPECT_EQ(x, d.Sample(b));
    any_differs |= x != d.Sample(c);
  }
  EXPECT_TRUE(any_differs);
}

TEST(LatencyDistributionTest, StandardNormalMoments) {
  Rng rng(1);
  double sum = 0, sum2 = 0;
  int within_1sd = 0;
  constexpr int kN = 100000;
  for (int i = 0; i < kN; ++i) {
    const double z = StandardNormal(rng);
    sum += z;
    sum2 += z * z;
    within_1sd += std::abs(z) < 1.0;
  }
  EXPECT_NEAR(sum / kN, 0.0, 0.01);
  EXPECT_NEAR(sum2 / kN, 1.0, 0.015);
  EXPECT_NEAR(static_cast<double>(within_1sd) / kN, 0.6827, 0.005);
}

// ---------------------------------------------------------------------------
// TCP under loss
// ---------------------------------------------------------------------------

TEST(MathisTest, KnownValues) {
  // 1460 B / (0.1 s * sqrt(0.01)) * sqrt(1.5) = 146000 * 1.22474... B/s.
  EXPECT_NEAR(MathisThroughput(1460, 0.1, 0.01), 146000 * std::sqrt(1.5), 1e-6);
  EXPECT_NEAR(MathisThroughput(1460, 0.1, 0.01, 1.0), 146000, 1e-6);
  EXPECT_NEAR(MathisThroughput(1000, 0.05, 0.0004, 1.3), 1000 / (0.05 * 0.02) * 1.3, 1e-6);
  EXPECT_EQ(MathisThroughput(1460, 0.1, 0.0), kInf);
  EXPECT_DOUBLE_EQ(kMathisPeriodicC, std::sqrt(1.5));
  // Four times the loss halves the rate; twice the RTT halves it.
  EXPECT_NEAR(MathisThroughput(1460, 0.1, 0.04), MathisThroughput(1460, 0.1, 0.01) / 2, 1e-6);
  EXPECT_NEAR(MathisThroughput(1460, 0.2, 0.01), MathisThroughput(1460, 0.1, 0.01) / 2, 1e-6);
}

TEST(MathisTest, EffectiveRateIsTheSmallerOfLinkAndMathis) {
  const double mathis = MathisThroughput(1460, 0.1, 0.01);  // ~178.8 kB/s
  EXPECT_DOUBLE_EQ(TcpEffectiveRate(125e6, 1460, 0.1, 0.01), mathis);
  EXPECT_DOUBLE_EQ(TcpEffectiveRate(1e5, 1460, 0.1, 0.01), 1e5);
  EXPECT_DOUBLE_EQ(TcpEffectiveRate(125e6, 1460, 0.1, 0.0), 125e6);
}

TEST(TcpAimdTest, ValidatorNamesTheBadOption) {
  struct Case {
    TcpAimdOptions o;
    const char* expect;
  };
  std::vector<Case> cases;
  TcpAimdOptions o;
  o.loss = 0.0;
  cases.push_back({o, "loss"});
  o = {};
  o.loss = 1.0;
  cases.push_back({o, "loss"});
  o = {};
  o.mss_bytes = 0;
  cases.push_back({o, "mss_bytes"});
  o = {};
  o.rtt_s = -1;
  cases.push_back({o, "rtt_s"});
  o = {};
  o.rounds = 0;
  cases.push_back({o, "rounds"});
  o = {};
  o.initial_cwnd = 0.5;
  cases.push_back({o, "initial_cwnd"});
  for (const Case& c : cases) {
    Status s = ValidateTcpAimdOptions(c.o);
    ASSERT_FALSE(s.ok()) << c.expect;
    EXPECT_NE(s.message().find(c.expect), std::string::npos) << s.message();
  }
  EXPECT_TRUE(ValidateTcpAimdOptions(TcpAimdOptions{}).ok());
}

TEST(TcpAimdTest, OneRoundByHand) {
  // cwnd 4, every 4th segment lost: segments 1-3 are ACKed (cwnd 4 -> 4.25 ->
  // 4.485 -> 4.708), segment 4 is lost (cwnd halves once).
  TcpAimdOptions o;
  o.loss = 0.25;
  o.loss_mode = TcpAimdOptions::LossMode::kPeriodic;
  o.initial_cwnd = 4;
  o.warmup_rounds = 0;
  o.rounds = 1;
  Rng rng(1);
  TcpAimdResult r = SimulateTcpAimd(o, rng);
  EXPECT_EQ(r.segments_sent, 4u);
  EXPECT_EQ(r.segments_lost, 1u);
  EXPECT_EQ(r.window_reductions, 1u);
  EXPECT_DOUBLE_EQ(r.mean_cwnd, 4.0);
  EXPECT_DOUBLE_EQ(r.throughput_bytes_per_s, 3 * 1460 / 0.1);

  // Two rounds: the second starts at cwnd 4.708/2 = 2.354 and sends 2 segments.
  o.rounds = 2;
  Rng rng2(1);
  r = SimulateTcpAimd(o, rng2);
  EXPECT_EQ(r.segments_sent, 6u);
  const double w = 4.0 + 1.0 / 4.0;
  const double w2 = w + 1.0 / w;
  const double w3 = w2 + 1.0 / w2;
  EXPECT_NEAR(r.mean_cwnd, (4.0 + w3 / 2) / 2, 1e-12);
}

TEST(TcpAimdTest, PeriodicModeLosesExactlyOneInEveryOneOverP) {
  TcpAimdOptions o;
  o.loss = 0.01;
  o.loss_mode = TcpAimdOptions::LossMode::kPeriodic;
  Rng rng(5);
  const uint64_t before = Rng(5).NextU64();
  TcpAimdResult r = SimulateTcpAimd(o, rng);
  EXPECT_EQ(rng.NextU64(), before);  // periodic mode draws nothing
  EXPECT_NEAR(static_cast<double>(r.segments_lost), 0.01 * static_cast<double>(r.segments_sent), 1.0);
  // A window of ~12 segments never holds two of the losses spaced 100 apart.
  EXPECT_EQ(r.window_reductions, r.segments_lost);
}

TEST(TcpAimdTest, BernoulliMergesLossesInOneRoundIntoOneReduction) {
  TcpAimdOptions o;
  o.loss = 0.02;
  Rng rng(5);
  TcpAimdResult r = SimulateTcpAimd(o, rng);
  const double rate = static_cast<double>(r.segments_lost) / static_cast<double>(r.segments_sent);
  EXPECT_NEAR(rate, 0.02, 0.001);
  EXPECT_LT(r.window_reductions, r.segments_lost);
  EXPECT_GT(r.window_reductions, r.segments_lost * 8 / 10);
}

TEST(TcpAimdTest, SameSeedSameResult) {
  TcpAimdOptions o;
  o.rounds = 20000;
  Rng a(8), b(8), c(9);
  TcpAimdResult ra = SimulateTcpAimd(o, a), rb = SimulateTcpAimd(o, b), rc = SimulateTcpAimd(o, c);
  EXPECT_EQ(ra.throughput_bytes_per_s, rb.throughput_bytes_per_s);
  EXPECT_EQ(ra.segments_lost, rb.segments_lost);
  EXPECT_NE(ra.segments_lost, rc.segments_lost);
}

// The acceptance test of the Mathis model: a packet-level AIMD flow with
// Bernoulli loss achieves MathisThroughput(C = sqrt(3/2)) within 10 %.
TEST(TcpAimdTest, BernoulliMatchesMathisWithin10Percent) {
  for (double p : {0.001, 0.01, 0.02}) {
    TcpAimdOptions o;
    o.loss = p;
    Rng rng(2024);
    TcpAimdResult r = SimulateTcpAimd(o, rng);
    const double mathis = MathisThroughput(o.mss_bytes, o.rtt_s, p);
    const double ratio = r.throughput_bytes_per_s / mathis;
    std::printf("[aimd bernoulli] p=%.3f  C=%.3f  sim/mathis=%.3f  mean_cwnd=%.1f\n", p, r.measured_c, ratio,
                r.mean_cwnd);
    EXPECT_NEAR(ratio, 1.0, 0.10) << "p=" << p;
    EXPECT_NEAR(r.measured_c, ratio * kMathisPeriodicC, 1e-9);
  }
}

// Periodic loss is the case the sqrt(3/2) derivation assumes; with whole-RTT
// rounds and whole segments the sawtooth spends one extra round per cycle
// (W/2 + 1 rounds from W/2 to W), so the simulated rate approaches the formula
// from below as the window grows, i.e. as p falls.
TEST(TcpAimdTest, PeriodicApproachesMathisAsLossFalls) {
  double prev_ratio = 0;
  for (double p : {0.02, 0.01, 0.001}) {
    TcpAimdOptions o;
    o.loss = p;
    o.loss_mode = TcpAimdOptions::LossMode::kPeriodic;
    Rng rng(1);
    TcpAimdResult r = SimulateTcpAimd(o, rng);
    const double ratio = r.throughput_bytes_per_s / MathisThroughput(o.mss_bytes, o.rtt_s, p);
    std::printf("[aimd periodic]  p=%.3f  C=%.3f  sim/mathis=%.3f  mean_cwnd=%.1f\n", p, r.measured_c, ratio,
                r.mean_cwnd);
    EXPECT_LT(ratio, 1.0) << "p=" << p;
    EXPECT_GT(ratio, prev_ratio) << "p=" << p;
    prev_ratio = ratio;
    // Mean window of the periodic sawtooth between W/2 and W is 3W/4, W = sqrt(8 / (3p)).
    EXPECT_NEAR(r.mean_cwnd, 0.75 * std::sqrt(8.0 / (3.0 * p)), 0.12 * 0.75 * std::sqrt(8.0 / (3.0 * p)));
  }
  EXPECT_NEAR(prev_ratio, 1.0, 0.05);  // p = 0.1 %
}

// ---------------------------------------------------------------------------
// UDP datagram loss
// ---------------------------------------------------------------------------

LossSpec Bernoulli(double p) {
  LossSpec s;
  s.model = LossSpec::Model::kBernoulli;
  s.p = p;
  return s;
}

LossSpec GilbertElliott(double p, double r, double loss_good, double loss_bad) {
  LossSpec s;
  s.model = LossSpec::Model::kGilbertElliott;
  s.p = p;
  s.r = r;
  s.loss_good = loss_good;
  s.loss_bad = loss_bad;
  return s;
}

struct LossRun {
  double rate = 0;
  double mean_burst = 0;  // mean length of runs of consecutive losses
};

LossRun RunLosses(LossModel& m, uint64_t seed, int n) {
  Rng rng(seed);
  uint64_t lost = 0, runs = 0;
  bool prev = false;
  for (int i = 0; i < n; ++i) {
    const bool l = m.Lost(rng);
    lost += l;
    runs += l && !prev;
    prev = l;
  }
  return {static_cast<double>(lost) / n,
          runs > 0 ? static_cast<double>(lost) / static_cast<double>(runs) : 0.0};
}

TEST(LossModelTest, NamesRoundTrip) {
  using M = LossSpec::Model;
  for (M m : {M::kNone, M::kBernoulli, M::kGilbertElliott}) {
    auto parsed = ParseLossModelName(LossModelName(m));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, m);
  }
  auto bad = ParseLossModelName("gilbert");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("gilbert_elliott"), std::string::npos);
}

TEST(LossModelTest, ValidatorNamesTheBadParameter) {
  struct Case {
    LossSpec s;
    const char* expect;
  };
  for (const Case& c : std::vector<Case>{{Bernoulli(1.5), "p must be"},
                                         {Bernoulli(-0.1), "p must be"},
                                         {Bernoulli(std::nan("")), "p must be"},
                                         {GilbertElliott(0.01, 0.0, 0, 1), "absorbing"},
                                         {GilbertElliott(2.0, 0.1, 0, 1), "p (good -> bad)"},
                                         {GilbertElliott(0.01, 0.1, -0.1, 1), "loss_good"},
                                         {GilbertElliott(0.01, 0.1, 0, 1.1), "loss_bad"}}) {
    Status s = ValidateLossSpec(c.s);
    ASSERT_FALSE(s.ok()) << c.expect;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find(c.expect), std::string::npos) << s.message();
  }
  EXPECT_TRUE(ValidateLossSpec(LossSpec{}).ok());
  EXPECT_TRUE(ValidateLossSpec(Bernoulli(1.0)).ok());
  EXPECT_TRUE(ValidateLossSpec(GilbertElliott(0.0, 1.0, 0.0, 1.0)).ok());
}

TEST(LossModelTest, NoneNeverLosesAndDrawsNothing) {
  LossModel m(LossSpec{});
  Rng rng(3);
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(m.Lost(rng));
  EXPECT_EQ(rng.NextU64(), Rng(3).NextU64());
  EXPECT_EQ(m.StationaryLossRate(), 0.0);
  EXPECT_EQ(m.MeanBurstLength(), 0.0);
}

TEST(LossModelTest, BernoulliRate) {
  LossModel m(Bernoulli(0.05));
  EXPECT_EQ(m.StationaryLossRate(), 0.05);
  EXPECT_NEAR(m.MeanBurstLength(), 1.0 / 0.95, 1e-12);
  LossRun r = RunLosses(m, 42, 100000);
  EXPECT_NEAR(r.rate, 0.05, 0.005);
  EXPECT_NEAR(r.mean_burst, 1.0 / 0.95, 0.02);
}

TEST(LossModelTest, BernoulliExtremes) {
  LossModel all(Bernoulli(1.0)), none(Bernoulli(0.0));
  Rng rng(1);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(all.Lost(rng));
    EXPECT_FALSE(none.Lost(rng));
  }
  EXPECT_EQ(all.MeanBurstLength(), kInf);
  EXPECT_EQ(none.MeanBurstLength(), 0.0);
}

TEST(LossModelTest, GilbertElliottStationaryRateKnownValue) {
  // pi_B = 0.01 / 0.11 = 1/11; rate = 10/11 * 0.001 + 1/11 * 0.5.
  LossModel m(GilbertElliott(0.01, 0.1, 0.001, 0.5));
  EXPECT_NEAR(m.StationaryLossRate(), 10.0 / 11 * 0.001 + 1.0 / 11 * 0.5, 1e-15);
  // Simple Gilbert (no loss in good, all lost in bad): bursts are the bad sojourns, mean 1/r.
  LossModel gilbert(GilbertElliott(0.02, 0.25, 0.0, 1.0));
  EXPECT_NEAR(gilbert.StationaryLossRate(), 0.02 / 0.27, 1e-15);
  EXPECT_NEAR(gilbert.MeanBurstLength(), 4.0, 1e-12);
  // Never entering the bad state: only good-state loss.
  LossModel never_bad(GilbertElliott(0.0, 0.5, 0.03, 1.0));
  EXPECT_NEAR(never_bad.StationaryLossRate(), 0.03, 1e-15);
}

TEST(LossModelTest, GilbertElliottLongRunRateMatchesStationaryFormula) {
  for (const LossSpec& spec : {GilbertElliott(0.01, 0.1, 0.001, 0.5), GilbertElliott(0.02, 0.25, 0.0, 1.0),
                               GilbertElliott(0.005, 0.05, 0.01, 0.8)}) {
    LossModel m(spec);
    LossRun r = RunLosses(m, 77, 1000000);
    EXPECT_NEAR(r.rate, m.StationaryLossRate(), 0.005) << "p=" << spec.p << " r=" << spec.r;
    EXPECT_NEAR(r.mean_burst, m.MeanBurstLength(), 0.05 * m.MeanBurstLength()) << "p=" << spec.p;
  }
}

TEST(LossModelTest, GilbertElliottIsBurstierThanBernoulliAtTheSameRate) {
  LossModel ge(GilbertElliott(0.01, 0.1, 0.001, 0.5));
  LossModel bern(Bernoulli(ge.StationaryLossRate()));
  LossRun rg = RunLosses(ge, 5, 1000000);
  LossRun rb = RunLosses(bern, 5, 1000000);
  EXPECT_NEAR(rg.rate, rb.rate, 0.005);
  EXPECT_GT(ge.MeanBurstLength(), bern.MeanBurstLength());
  EXPECT_GT(rg.mean_burst, 1.5 * rb.mean_burst);
}

TEST(LossModelTest, SeedsAreReproducible) {
  const LossSpec spec = GilbertElliott(0.01, 0.1, 0.001, 0.5);
  LossModel a(spec), b(spec), c(spec);
  Rng ra(31), rb(31), rc(32);
  bool any_differs = false;
  for (int i = 0; i < 100000; ++i) {
    const bool x = a.Lost(ra);
    EXPECT_EQ(x, b.Lost(rb));
    any_differs |= x != c.Lost(rc);
  }
  EXPECT_TRUE(any_differs);
}

// ---------------------------------------------------------------------------
// Datagram packing
// ---------------------------------------------------------------------------

TEST(SplitIntoDatagramsTest, PacksInOrderUpToTheMaximum) {
  // Room for spans per datagram: 250 - 30 = 220 bytes.
  EXPECT_EQ(SplitIntoDatagrams({100, 100, 100}, 250, 30), (std::vector<size_t>{2, 1}));
  EXPECT_EQ(SplitIntoDatagrams({100, 120, 100}, 250, 30), (std::vector<size_t>{2, 1}));  // exactly 250 fits
  EXPECT_EQ(SplitIntoDatagrams({100, 121, 99}, 250, 30), (std::vector<size_t>{1, 2}));   // 251 does not
  EXPECT_EQ(SplitIntoDatagrams({10, 10, 10, 10}, 250, 30), (std::vector<size_t>{4}));
  EXPECT_TRUE(SplitIntoDatagrams({}, 250, 30).empty());
}

TEST(SplitIntoDatagramsTest, OversizedSpanGoesAloneAndIsReported) {
  std::vector<size_t> oversized = {99};  // cleared by the call
  EXPECT_EQ(SplitIntoDatagrams({100, 221, 100}, 250, 30, &oversized), (std::vector<size_t>{1, 1, 1}));
  EXPECT_EQ(oversized, (std::vector<size_t>{1}));
  EXPECT_EQ(SplitIntoDatagrams({500, 600, 10, 10, 700}, 250, 30, &oversized),
            (std::vector<size_t>{1, 1, 2, 1}));
  EXPECT_EQ(oversized, (std::vector<size_t>{0, 1, 3}));
  EXPECT_EQ(SplitIntoDatagrams({10, 10}, 250, 30, &oversized), (std::vector<size_t>{2}));
  EXPECT_TRUE(oversized.empty());
  // An envelope larger than the packet: nothing can be sent.
  EXPECT_EQ(SplitIntoDatagrams({1, 2}, 20, 30, &oversized), (std::vector<size_t>{1, 1}));
  EXPECT_EQ(oversized, (std::vector<size_t>{0, 1}));
}

TEST(SplitIntoDatagramsTest, GreedyPropertiesOnRandomExports) {
  Rng rng(12);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<uint64_t> spans(1 + rng.Uniform(3000));
    for (auto& b : spans) b = 100 + rng.Uniform(rng.Uniform(50) == 0 ? 80000 : 3000);
    const uint64_t envelope = 30 + rng.Uniform(400);
    std::vector<size_t> oversized;
    const std::vector<size_t> counts =
        SplitIntoDatagrams(spans, kJaegerUdpMaxPacketBytes, envelope, &oversized);
    ASSERT_EQ(std::accumulate(counts.begin(), counts.end(), size_t{0}), spans.size());
    size_t first = 0, next_oversized = 0;
    for (size_t d = 0; d < counts.size(); ++d) {
      ASSERT_GT(counts[d], 0u);
      uint64_t bytes = envelope;
      for (size_t i = first; i < first + counts[d]; ++i) bytes += spans[i];
      const bool is_oversized = next_oversized < oversized.size() && oversized[next_oversized] == d;
      if (is_oversized) {
        ++next_oversized;
        EXPECT_EQ(counts[d], 1u);
        EXPECT_GT(bytes, kJaegerUdpMaxPacketBytes);
      } else {
        EXPECT_LE(bytes, kJaegerUdpMaxPacketBytes);
        // Greedy: a datagram closes only when the next span does not fit in it.
        const size_t next = first + counts[d];
        if (next < spans.size()) {
          EXPECT_GT(bytes + spans[next], kJaegerUdpMaxPacketBytes);
        }
      }
      first += counts[d];
    }
    EXPECT_EQ(next_oversized, oversized.size());
  }
}

}  // namespace
}  // namespace tracesim::sim
