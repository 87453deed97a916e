#include "arrival_process.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "tracesim/scenario/rate_file.h"

namespace tracesim::sim {
namespace {

using pipeline::Rng;
using ::testing::HasSubstr;

constexpr double kPi = std::numbers::pi;

std::unique_ptr<ArrivalProcess> Make(const ArrivalOptions& o) {
  StatusOr<std::unique_ptr<ArrivalProcess>> p = MakeArrivalProcess(o);
  EXPECT_TRUE(p.ok()) << p.status().message();
  return p.ok() ? std::move(p).value() : nullptr;
}

// Every arrival of `o` from t = 0 on, checking that they increase strictly
// and stay before end_s.
std::vector<double> Arrivals(const ArrivalOptions& o, uint64_t seed = 42) {
  std::unique_ptr<ArrivalProcess> p = Make(o);
  std::vector<double> out;
  if (p == nullptr) return out;
  Rng rng(seed);
  double t = 0;
  while (std::optional<double> next = p->Next(t, rng)) {
    EXPECT_GT(*next, t);
    EXPECT_LT(*next, o.end_s);
    if (*next <= t || *next >= o.end_s) break;
    out.push_back(*next);
    t = *next;
  }
  return out;
}

// Arrivals in [from, to).
double CountIn(const std::vector<double>& a, double from, double to) {
  return static_cast<double>(std::lower_bound(a.begin(), a.end(), to) -
                             std::lower_bound(a.begin(), a.end(), from));
}

// A count within 4 standard deviations of its expectation.
void ExpectCount(double count, double mean, double variance, const std::string& what) {
  EXPECT_NEAR(count, mean, 4 * std::sqrt(variance)) << what;
}

std::string ErrorOf(const ArrivalOptions& o) {
  const Status s = ValidateArrivalOptions(o);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  StatusOr<std::unique_ptr<ArrivalProcess>> p = MakeArrivalProcess(o);
  EXPECT_FALSE(p.ok());
  if (!p.ok()) {
    EXPECT_EQ(p.status().message(), s.message());
  }
  return s.message();
}

// ------------------------------------------------------------- constant

TEST(ConstantArrivalTest, GapsAreExactlyOneOverRate) {
  ArrivalOptions o;
  o.kind = ArrivalKind::kConstant;
  o.rate_per_s = 100;
  o.end_s = 10;
  const std::vector<double> a = Arrivals(o);
  // k/100 for k = 1..999; 10 s itself is the end (exclusive).
  ASSERT_EQ(a.size(), 999u);
  for (size_t k = 1; k <= a.size(); ++k) EXPECT_EQ(a[k - 1], k / 100.0) << k;
}

TEST(ConstantArrivalTest, RateStepsRestartOneGapAfterTheChange) {
  ArrivalOptions o;
  o.kind = ArrivalKind::kConstant;
  o.rate_per_s = 10;
  o.rate_steps = {{1.05, 0}, {2, 4}};
  o.end_s = 3;
  const std::vector<double> a = Arrivals(o);
  std::vector<double> want;
  for (int k = 1; k <= 10; ++k) want.push_back(k / 10.0);  // 0.1 .. 1.0; 1.1 is past the change
  want.insert(want.end(), {2.25, 2.5, 2.75});              // 3.0 is the end
  EXPECT_EQ(a, want);
}

TEST(ConstantArrivalTest, StepAtZeroReplacesTheBaseRate) {
  ArrivalOptions o;
  o.kind = ArrivalKind::kConstant;
  o.rate_per_s = 1000;
  o.rate_steps = {{0, 2}};
  o.end_s = 2;
  EXPECT_EQ(Arrivals(o), (std::vector<double>{0.5, 1.0, 1.5}));
}

TEST(ConstantArrivalTest, NextFromAnyTimeIsTheNextPointOfTheGrid) {
  ArrivalOptions o;
  o.kind = ArrivalKind::kConstant;
  o.rate_per_s = 10;
  o.end_s = 5;
  std::unique_ptr<ArrivalProcess> p = Make(o);
  Rng rng(1);
  EXPECT_EQ(p->Next(0.15, rng), 0.2);
  EXPECT_EQ(p->Next(0.2, rng), 0.3);
  EXPECT_EQ(p->Next(4.95, rng), std::nullopt);
  EXPECT_EQ(p->Next(7, rng), std::nullopt);
}

// -------------------------------------------------------------- poisson

TEST(PoissonArrivalTest, InterArrivalTimesAreExponential) {
  ArrivalOptions o;
  o.rate_per_s = 1000;
  o.end_s = 200;
  const std::vector<double> a = Arrivals(o);
  ExpectCount(a.size(), 200000, 200000, "count");
  std::vector<double> gaps;
  double prev = 0;
  for (double t : a) {
    gaps.push_back(t - prev);
    prev = t;
  }
  const double n = gaps.size();
  double sum = 0, sum2 = 0, above_mean = 0;
  for (double g : gaps) {
    sum += g;
    sum2 += g * g;
    if (g > 1.0 / 1000) ++above_mean;
  }
  const double mean = sum / n;
  const double sd = std::sqrt(sum2 / n - mean * mean);
  EXPECT_NEAR(mean, 1e-3, 4 * 1e-3 / std::sqrt(n));
  EXPECT_NEAR(sd / mean, 1.0, 0.02);  // coefficient of variation of an exponential: 1
  // P(gap > mean) = 1/e.
  const double p = std::exp(-1.0);
  EXPECT_NEAR(above_mean / n, p, 4 * std::sqrt(p * (1 - p) / n));
}

TEST(PoissonArrivalTest, CountsFollowPiecewiseConstantRate) {
  ArrivalOptions o;
  o.rate_per_s = 50;
  o.rate_steps = {{100, 200}, {200, 0}, {300, 20}};
  o.end_s = 1000;
  const std::vector<double> a = Arrivals(o);
  ExpectCount(CountIn(a, 0, 100), 5000, 5000, "[0,100) at 50/s");
  ExpectCount(CountIn(a, 100, 200), 20000, 20000, "[100,200) at 200/s");
  EXPECT_EQ(CountIn(a, 200, 300), 0) << "rate 0";
  ExpectCount(CountIn(a, 300, 1000), 14000, 14000, "[300,1000) at 20/s");
  ExpectCount(a.size(), 39000, 39000, "total");
}

TEST(PoissonArrivalTest, ManyShortSegmentsStayExact) {
  // 10 ms segments alternating 0 and 400/s: most candidate gaps cross a
  // change, so the restart at every change is what makes the count right.
  ArrivalOptions o;
  o.rate_per_s = 400;
  for (int i = 1; i < 20000; ++i) o.rate_steps.push_back({i * 0.01, i % 2 == 0 ? 400.0 : 0.0});
  o.end_s = 200;
  const std::vector<double> a = Arrivals(o);
  ExpectCount(a.size(), 200 * 400 / 2, 200 * 400 / 2, "half the time at 400/s");
  for (double t : a) {
    const long slot = static_cast<long>(std::floor(t / 0.01));
    EXPECT_EQ(slot % 2, 0) << t;
    if (slot % 2 != 0) break;
  }
}

// --------------------------------------------------------------- on-off

TEST(OnOffArrivalTest, ConstantPeriodsFormASquareWave) {
  ArrivalOptions o;
  o.kind = ArrivalKind::kOnOff;
  o.on_off = {.rate_on_per_s = 100,
              .rate_off_per_s = 10,
              .mean_on_s = 10,
              .mean_off_s = 20,
              .periods = PeriodDistribution::kConstant};
  o.end_s = 3000;  // 100 cycles of 30 s
  const std::vector<double> a = Arrivals(o);
  double on = 0, off = 0;
  for (int n = 0; n < 100; ++n) {
    on += CountIn(a, 30.0 * n, 30.0 * n + 10);
    off += CountIn(a, 30.0 * n + 10, 30.0 * (n + 1));
  }
  ExpectCount(on, 100 * 100 * 10, 100 * 100 * 10, "ON windows");
  ExpectCount(off, 100 * 10 * 20, 100 * 10 * 20, "OFF windows");
  // Mean rate (rate_on·mean_on + rate_off·mean_off) / (mean_on + mean_off) = 40/s.
  ExpectCount(a.size(), 40.0 * 3000, 40.0 * 3000, "total");
}

TEST(OnOffArrivalTest, SilentOffPeriodsHaveNoArrivals) {
  ArrivalOptions o;
  o.kind = ArrivalKind::kOnOff;
  o.on_off = {.rate_on_per_s = 50,
              .rate_off_per_s = 0,
              .mean_on_s = 2,
              .mean_off_s = 3,
              .periods = PeriodDistribution::kConstant};
  o.end_s = 500;
  const std::vector<double> a = Arrivals(o);
  ASSERT_FALSE(a.empty());
  for (double t : a) {
    const double phase = std::fmod(t, 5.0);
    EXPECT_LT(phase, 2.0) << t;
    if (phase >= 2.0) break;
  }
  ExpectCount(a.size(), 50.0 * 2 * 100, 50.0 * 2 * 100, "ON time only");
}

TEST(OnOffArrivalTest, ExponentialPeriodsGiveTheMmppMeanRateAndBurstiness) {
  const double r_on = 100, r_off = 0, m_on = 10, m_off = 20, T = 200000;
  ArrivalOptions o;
  o.kind = ArrivalKind::kOnOff;
  o.on_off = {.rate_on_per_s = r_on,
              .rate_off_per_s = r_off,
              .mean_on_s = m_on,
              .mean_off_s = m_off,
              .periods = PeriodDistribution::kExponential};
  o.end_s = T;
  const std::vector<double> a = Arrivals(o);

  // MMPP-2 started in ON: E[N(T)] = mean·T + (r_on − r_off)·π_off·(1 − e^{−qT})/q with
  // q = 1/m_on + 1/m_off; Var[N(T)] ≈ T·(mean + 2·π_on·π_off·(r_on − r_off)²/q).
  const double q = 1 / m_on + 1 / m_off;
  const double pi_on = m_on / (m_on + m_off), pi_off = 1 - pi_on;
  const double mean_rate = (r_on * m_on + r_off * m_off) / (m_on + m_off);
  const double expected = mean_rate * T + (r_on - r_off) * pi_off * (1 - std::exp(-q * T)) / q;
  const double var_rate = mean_rate + 2 * pi_on * pi_off * (r_on - r_off) * (r_on - r_off) / q;
  ExpectCount(a.size(), expected, var_rate * T, "total");

  // Random periods make counts over 1000 s windows far more variable than
  // Poisson: index of dispersion 1 + 2π_onπ_off(Δr)²/(mean·q)·(1 − (1 − e^{−qW})/(qW)) ≈ 883.
  const double W = 1000;
  std::vector<double> counts;
  for (double t = 0; t + W <= T; t += W) counts.push_back(CountIn(a, t, t + W));
  double s = 0, s2 = 0;
  for (double c : counts) s += c;
  const double m = s / counts.size();
  for (double c : counts) s2 += (c - m) * (c - m);
  const double dispersion = s2 / (counts.size() - 1) / m;
  const double want = 1 + 2 * pi_on * pi_off * (r_on - r_off) * (r_on - r_off) / (mean_rate * q) *
                              (1 - (1 - std::exp(-q * W)) / (q * W));
  EXPECT_GT(dispersion, 0.5 * want);
  EXPECT_LT(dispersion, 1.6 * want);
}

TEST(OnOffArrivalTest, FirstPeriodIsOn) {
  ArrivalOptions o;
  o.kind = ArrivalKind::kOnOff;
  o.on_off = {.rate_on_per_s = 1000,
              .rate_off_per_s = 0,
              .mean_on_s = 1,
              .mean_off_s = 1000,
              .periods = PeriodDistribution::kConstant};
  o.end_s = 100;
  const std::vector<double> a = Arrivals(o);
  ExpectCount(a.size(), 1000, 1000, "one ON second");
  ASSERT_FALSE(a.empty());
  EXPECT_LT(a.back(), 1.0);
}

// -------------------------------------------------------------- diurnal

// ∫_a^b mean·(1 + amp·sin(2π(t − phase)/period)) dt.
double DiurnalIntegral(const DiurnalOptions& d, double a, double b) {
  const double w = 2 * kPi / d.period_s;
  return d.mean_rate_per_s *
         ((b - a) + d.amplitude / w * (std::cos(w * (a - d.phase_s)) - std::cos(w * (b - d.phase_s))));
}

TEST(DiurnalArrivalTest, HourlyCountsFollowTheSineCurve) {
  ArrivalOptions o;
  o.kind = ArrivalKind::kDiurnal;
  o.diurnal = {.mean_rate_per_s = 10, .amplitude = 0.8, .period_s = 86400, .phase_s = 0};
  o.end_s = 3 * 86400;
  const std::vector<double> a = Arrivals(o);
  ExpectCount(a.size(), 10.0 * o.end_s, 10.0 * o.end_s, "three days");
  std::vector<double> by_hour(24, 0);
  for (int day = 0; day < 3; ++day) {
    for (int h = 0; h < 24; ++h)
      by_hour[h] += CountIn(a, day * 86400.0 + h * 3600, day * 86400.0 + (h + 1) * 3600);
  }
  for (int h = 0; h < 24; ++h) {
    const double want = 3 * DiurnalIntegral(o.diurnal, h * 3600, (h + 1) * 3600);
    ExpectCount(by_hour[h], want, want, "hour " + std::to_string(h));
  }
  // Peak at period/4 = 06:00, trough at 18:00: hours 05-06 and 06-07 vs 17-18 and 18-19.
  const double peak = by_hour[5] + by_hour[6], trough = by_hour[17] + by_hour[18];
  EXPECT_GT(peak, 7 * trough);
  for (int h = 0; h < 24; ++h) {
    EXPECT_LE(by_hour[h], by_hour[5] * 1.05) << h;
    EXPECT_GE(by_hour[h], by_hour[17] * 0.8) << h;
  }
}

TEST(DiurnalArrivalTest, PhaseShiftsThePeak) {
  ArrivalOptions o;
  o.kind = ArrivalKind::kDiurnal;
  // Period 1 h, peak at phase + period/4 = 30 + 15 = 45 min.
  o.diurnal = {.mean_rate_per_s = 20, .amplitude = 1, .period_s = 3600, .phase_s = 1800};
  o.end_s = 10 * 3600;
  const std::vector<double> a = Arrivals(o);
  std::vector<double> by_quarter(4, 0);
  for (double t : a) by_quarter[static_cast<int>(std::fmod(t, 3600.0) / 900)] += 1;
  for (int q = 0; q < 4; ++q) {
    const double want = 10 * DiurnalIntegral(o.diurnal, q * 900, (q + 1) * 900);
    ExpectCount(by_quarter[q], want, want, "quarter " + std::to_string(q));
  }
  // Rising half 20·(1800 + 3600/π) vs falling half 20·(1800 − 3600/π) per period: ratio 4.5.
  EXPECT_GT(by_quarter[2] + by_quarter[3], 4 * (by_quarter[0] + by_quarter[1]));
}

TEST(DiurnalArrivalTest, ZeroAmplitudeIsHomogeneousPoisson) {
  ArrivalOptions o;
  o.kind = ArrivalKind::kDiurnal;
  o.diurnal = {.mean_rate_per_s = 50, .amplitude = 0, .period_s = 60, .phase_s = 0};
  o.end_s = 600;
  const std::vector<double> a = Arrivals(o);
  for (int i = 0; i < 10; ++i) ExpectCount(CountIn(a, i * 60, i * 60 + 30), 1500, 1500, "half period");
}

// ------------------------------------------------------------ rate file

ArrivalOptions RateFile(std::vector<scenario::RatePoint> points, RateInterpolation interpolation,
                        double end_s) {
  ArrivalOptions o;
  o.kind = ArrivalKind::kRateFile;
  o.rate_file.points = std::move(points);
  o.rate_file.interpolation = interpolation;
  o.end_s = end_s;
  return o;
}

TEST(RateFileArrivalTest, LinearInterpolationIntegratesTheTrapezoids) {
  const ArrivalOptions o =
      RateFile({{0, 0}, {100, 200}, {200, 200}, {300, 0}}, RateInterpolation::kLinear, 400);
  const std::vector<double> a = Arrivals(o);
  // rate(t) = 2t on [0, 100): ∫_0^50 = 2500, ∫_50^100 = 7500.
  ExpectCount(CountIn(a, 0, 50), 2500, 2500, "ramp up, first half");
  ExpectCount(CountIn(a, 50, 100), 7500, 7500, "ramp up, second half");
  ExpectCount(CountIn(a, 100, 200), 20000, 20000, "plateau");
  ExpectCount(CountIn(a, 200, 250), 7500, 7500, "ramp down, first half");
  ExpectCount(CountIn(a, 250, 300), 2500, 2500, "ramp down, second half");
  EXPECT_EQ(CountIn(a, 300, 400), 0) << "held at the last point's rate 0";
  ExpectCount(a.size(), 40000, 40000, "total");
}

TEST(RateFileArrivalTest, StepInterpolationHoldsEachPointsRate) {
  const ArrivalOptions o =
      RateFile({{0, 0}, {100, 200}, {200, 200}, {300, 0}}, RateInterpolation::kStep, 400);
  const std::vector<double> a = Arrivals(o);
  EXPECT_EQ(CountIn(a, 0, 100), 0);
  ExpectCount(CountIn(a, 100, 300), 40000, 40000, "200/s from 100 s to 300 s");
  EXPECT_EQ(CountIn(a, 300, 400), 0);
}

TEST(RateFileArrivalTest, RateIsHeldBeforeTheFirstAndAfterTheLastPoint) {
  const ArrivalOptions o = RateFile({{100, 5}, {200, 15}}, RateInterpolation::kLinear, 1200);
  const std::vector<double> a = Arrivals(o);
  ExpectCount(CountIn(a, 0, 100), 500, 500, "before the first point: its rate");
  ExpectCount(CountIn(a, 100, 200), 1000, 1000, "linear 5 -> 15");
  ExpectCount(CountIn(a, 200, 1200), 15000, 15000, "after the last point: its rate");
}

TEST(RateFileArrivalTest, ExampleDayFileGivesItsDailyIntegral) {
  StatusOr<std::vector<scenario::RatePoint>> points =
      scenario::LoadRateFile(TRACESIM_SOURCE_DIR "/scenarios/rates/example-day.csv");
  ASSERT_TRUE(points.ok()) << points.status().message();
  for (auto& p : *points) p.rate_per_s /= 10;  // a tenth of the traffic keeps the test quick
  const ArrivalOptions o = RateFile(*points, RateInterpolation::kLinear, 86400);
  const std::vector<double> a = Arrivals(o);
  double day = 0;
  for (size_t i = 0; i < points->size(); ++i) {
    const auto& p = (*points)[i];
    const double end = i + 1 < points->size() ? (*points)[i + 1].time_s : 86400;
    const double rate_end = i + 1 < points->size() ? (*points)[i + 1].rate_per_s : p.rate_per_s;
    const double want = (p.rate_per_s + rate_end) / 2 * (end - p.time_s);
    ExpectCount(CountIn(a, p.time_s, end), want, want, "hour " + std::to_string(i));
    day += want;
  }
  EXPECT_DOUBLE_EQ(day, 2811.5 / 240 * 86400);  // the file's stated mean, 117.1 req/s, over a day
  ExpectCount(a.size(), day, day, "day");
}

// ----------------------------------------------------- zero rates, end

TEST(ArrivalProcessTest, ProcessesWithoutArrivalsEndImmediately) {
  Rng rng(3);
  ArrivalOptions poisson;
  poisson.rate_per_s = 0;
  poisson.end_s = std::numeric_limits<double>::infinity();
  ArrivalOptions constant = poisson;
  constant.kind = ArrivalKind::kConstant;
  ArrivalOptions on_off;
  on_off.kind = ArrivalKind::kOnOff;
  on_off.on_off.rate_on_per_s = 0;
  on_off.on_off.rate_off_per_s = 0;
  on_off.end_s = std::numeric_limits<double>::infinity();
  ArrivalOptions diurnal;
  diurnal.kind = ArrivalKind::kDiurnal;
  diurnal.diurnal.mean_rate_per_s = 0;
  diurnal.end_s = std::numeric_limits<double>::infinity();
  const ArrivalOptions file =
      RateFile({{0, 0}, {10, 0}}, RateInterpolation::kLinear, std::numeric_limits<double>::infinity());
  for (const ArrivalOptions* o :
       std::vector<const ArrivalOptions*>{&poisson, &constant, &on_off, &diurnal, &file}) {
    std::unique_ptr<ArrivalProcess> p = Make(*o);
    EXPECT_EQ(p->Next(0, rng), std::nullopt) << p->Describe();
  }
}

TEST(ArrivalProcessTest, UnboundedProcessStopsAfterItsLastNonZeroSegment) {
  ArrivalOptions o;
  o.rate_per_s = 100;
  o.rate_steps = {{5, 0}};
  o.end_s = std::numeric_limits<double>::infinity();
  std::unique_ptr<ArrivalProcess> p = Make(o);
  Rng rng(9);
  double t = 0;
  int n = 0;
  while (std::optional<double> next = p->Next(t, rng)) {
    t = *next;
    ++n;
  }
  EXPECT_LT(t, 5);
  ExpectCount(n, 500, 500, "5 s at 100/s");
}

TEST(ArrivalProcessTest, NoArrivalAtOrAfterTheEnd) {
  for (ArrivalKind kind : {ArrivalKind::kPoisson, ArrivalKind::kConstant, ArrivalKind::kOnOff,
                           ArrivalKind::kDiurnal, ArrivalKind::kRateFile}) {
    ArrivalOptions o;
    o.kind = kind;
    o.rate_per_s = 40;  // constant: k/40 for k = 1..39, then 1.0 == end
    o.rate_file.points = {{0, 100}};
    o.end_s = 1;
    const std::vector<double> a = Arrivals(o);
    EXPECT_FALSE(a.empty()) << ArrivalKindName(kind);
    if (kind == ArrivalKind::kConstant) {
      ASSERT_EQ(a.size(), 39u);
      EXPECT_EQ(a.back(), 39 / 40.0);
    }
  }
}

// ----------------------------------------------------------- determinism

TEST(ArrivalProcessTest, SameSeedSameArrivalsOtherSeedOtherArrivals) {
  std::vector<ArrivalOptions> all(4);
  all[0].rate_steps = {{3, 500}};
  all[1].kind = ArrivalKind::kOnOff;
  all[1].on_off.mean_on_s = 0.5;
  all[1].on_off.mean_off_s = 0.5;
  all[2].kind = ArrivalKind::kDiurnal;
  all[2].diurnal.period_s = 2;
  all[3] = RateFile({{0, 10}, {5, 300}}, RateInterpolation::kLinear, 10);
  for (ArrivalOptions& o : all) {
    o.end_s = 10;
    const std::vector<double> a = Arrivals(o, 7), b = Arrivals(o, 7), c = Arrivals(o, 8);
    EXPECT_FALSE(a.empty());
    EXPECT_EQ(a, b) << ArrivalKindName(o.kind);
    EXPECT_NE(a, c) << ArrivalKindName(o.kind);
  }
}

// ------------------------------------------------------------ validation

TEST(ArrivalValidationTest, DefaultsOfEveryKindAreValid) {
  for (ArrivalKind kind :
       {ArrivalKind::kPoisson, ArrivalKind::kConstant, ArrivalKind::kOnOff, ArrivalKind::kDiurnal}) {
    ArrivalOptions o;
    o.kind = kind;
    EXPECT_TRUE(ValidateArrivalOptions(o).ok()) << ArrivalKindName(kind);
  }
}

TEST(ArrivalValidationTest, NegativeOrNonFiniteRates) {
  ArrivalOptions o;
  o.rate_per_s = -1;
  EXPECT_EQ(ErrorOf(o), "rate: -1 is negative (expected a rate >= 0 requests/s)");
  o.rate_per_s = std::nan("");
  EXPECT_EQ(ErrorOf(o), "rate: nan is not a finite number (expected a rate >= 0 requests/s)");
  o.rate_per_s = 1;
  o.rate_steps = {{10, 5}, {20, -3}};
  EXPECT_EQ(ErrorOf(o), "rate_steps[1].rate: -3 is negative (expected a rate >= 0 requests/s)");

  ArrivalOptions on_off;
  on_off.kind = ArrivalKind::kOnOff;
  on_off.on_off.rate_off_per_s = -0.5;
  EXPECT_EQ(ErrorOf(on_off), "on_off.rate_off: -0.5 is negative (expected a rate >= 0 requests/s)");

  ArrivalOptions diurnal;
  diurnal.kind = ArrivalKind::kDiurnal;
  diurnal.diurnal.mean_rate_per_s = -10;
  EXPECT_EQ(ErrorOf(diurnal), "diurnal.mean_rate: -10 is negative (expected a rate >= 0 requests/s)");

  const ArrivalOptions file = RateFile({{0, 1}, {5, -2}}, RateInterpolation::kStep, 10);
  EXPECT_EQ(ErrorOf(file),
            "rate_file.points[1].rate_per_s: -2 is negative (expected a rate >= 0 requests/s)");
}

TEST(ArrivalValidationTest, DiurnalAmplitudeAndPeriod) {
  ArrivalOptions o;
  o.kind = ArrivalKind::kDiurnal;
  o.diurnal.amplitude = 1.5;
  EXPECT_EQ(ErrorOf(o), "diurnal.amplitude: 1.5 is out of range (expected 0 <= amplitude <= 1)");
  o.diurnal.amplitude = -0.1;
  EXPECT_EQ(ErrorOf(o), "diurnal.amplitude: -0.1 is out of range (expected 0 <= amplitude <= 1)");
  o.diurnal.amplitude = 1;
  EXPECT_TRUE(ValidateArrivalOptions(o).ok());
  o.diurnal.period_s = 0;
  EXPECT_EQ(ErrorOf(o), "diurnal.period: 0 is not positive (expected a period > 0 seconds)");
  o.diurnal.period_s = -3600;
  EXPECT_EQ(ErrorOf(o), "diurnal.period: -3600 is not positive (expected a period > 0 seconds)");
  o.diurnal.period_s = 3600;
  o.diurnal.phase_s = std::numeric_limits<double>::infinity();
  EXPECT_EQ(ErrorOf(o), "diurnal.phase: inf is not a finite number (expected a phase in seconds)");
}

TEST(ArrivalValidationTest, OnOffPeriods) {
  ArrivalOptions o;
  o.kind = ArrivalKind::kOnOff;
  o.on_off.mean_on_s = 0;
  EXPECT_EQ(ErrorOf(o), "on_off.mean_on: 0 is not positive (expected a mean ON period > 0 seconds)");
  o.on_off.mean_on_s = 1;
  o.on_off.mean_off_s = -2;
  EXPECT_EQ(ErrorOf(o), "on_off.mean_off: -2 is not positive (expected a mean OFF period > 0 seconds)");
}

TEST(ArrivalValidationTest, StepsAndPointsMustIncrease) {
  ArrivalOptions o;
  o.rate_steps = {{10, 1}, {10, 2}};
  EXPECT_EQ(ErrorOf(o),
            "rate_steps[1].at: 10 is not after the previous step's 10 (expected rate steps in strictly "
            "increasing order of `at`)");
  o.rate_steps = {{-1, 1}};
  EXPECT_EQ(ErrorOf(o), "rate_steps[0].at: -1 is negative (expected a time >= 0 seconds)");

  const ArrivalOptions file = RateFile({{0, 1}, {60, 2}, {30, 3}}, RateInterpolation::kLinear, 100);
  EXPECT_EQ(
      ErrorOf(file),
      "rate_file.points[2].time_s: 30 is not after the previous point's 60 (expected strictly increasing "
      "times)");
  const ArrivalOptions empty = RateFile({}, RateInterpolation::kLinear, 100);
  EXPECT_EQ(ErrorOf(empty), "rate_file: no rate points (expected at least one (time, rate) point)");
}

TEST(ArrivalValidationTest, StepsOnlyForPoissonAndConstantAndAPositiveEnd) {
  ArrivalOptions o;
  o.kind = ArrivalKind::kDiurnal;
  o.rate_steps = {{10, 1}};
  EXPECT_EQ(ErrorOf(o),
            "rate_steps: only the poisson and constant arrivals take rate steps (arrival is diurnal)");
  ArrivalOptions e;
  e.end_s = 0;
  EXPECT_THAT(ErrorOf(e), HasSubstr("end_s: 0 is not positive"));
}

TEST(ArrivalProcessTest, DescribeNamesTheParameters) {
  ArrivalOptions o;
  o.rate_per_s = 250;
  o.rate_steps = {{30, 0}};
  o.end_s = 60;
  EXPECT_EQ(Make(o)->Describe(), "poisson(rate=250/s, steps=[0/s@30s], end=60s)");
  o.rate_steps.clear();
  o.kind = ArrivalKind::kDiurnal;
  EXPECT_EQ(Make(o)->Describe(), "diurnal(mean_rate=100/s, amplitude=0.5, period=86400s, phase=0s, end=60s)");
  const ArrivalOptions f = RateFile({{0, 1}, {3600, 2}}, RateInterpolation::kStep, 7200);
  EXPECT_EQ(Make(f)->Describe(), "rate_file(2 points, step, t=0..3600s, end=7200s)");
}

}  // namespace
}  // namespace tracesim::sim
