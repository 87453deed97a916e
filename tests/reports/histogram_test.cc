#include "tracesim/reports/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace tracesim::reports {
namespace {

// Nearest-rank quantile of sorted values: the value of rank max(1, ceil(q n)).
double ExactQuantile(const std::vector<double>& sorted, double q) {
  const double target = q * static_cast<double>(sorted.size());
  const double rounded = std::round(target);
  const double exact =
      std::abs(target - rounded) <= 1e-9 * std::max(1.0, target) ? rounded : std::ceil(target);
  size_t rank = exact < 1 ? 1 : static_cast<size_t>(exact);
  rank = std::min(rank, sorted.size());
  return sorted[rank - 1];
}

const double kQuantiles[] = {0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 0.9999, 1};

// Records `values` and checks every quantile against the exact one: a value v
// >= resolution is represented within v / 2^(k+1); below resolution within
// resolution / 2.
void CheckAccuracy(std::vector<double> values, double resolution, int k) {
  LogLinearHistogram h(resolution, k);
  for (double v : values) h.Record(v);
  std::sort(values.begin(), values.end());
  ASSERT_EQ(h.count(), values.size());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.max(), values.back());
  const double bound = std::ldexp(1.0, -(k + 1));
  for (double q : kQuantiles) {
    const double exact = ExactQuantile(values, q);
    const double got = h.Quantile(q);
    const double allowed = exact >= resolution ? exact * bound * (1 + 1e-12) : resolution / 2;
    EXPECT_LE(std::abs(got - exact), allowed)
        << "q=" << q << " exact=" << exact << " got=" << got << " k=" << k;
  }
}

TEST(LogLinearHistogramTest, ExponentialQuantilesWithinRelativeErrorBound) {
  std::mt19937_64 gen(1);
  std::exponential_distribution<double> dist(1.0 / 25.0);  // mean 25 (e.g. ms)
  std::vector<double> values(100000);
  for (double& v : values) v = dist(gen);
  CheckAccuracy(values, 1e-3, 7);
  CheckAccuracy(values, 1e-3, 3);
}

TEST(LogLinearHistogramTest, LognormalQuantilesWithinRelativeErrorBound) {
  std::mt19937_64 gen(2);
  std::lognormal_distribution<double> dist(2.0, 1.5);
  std::vector<double> values(100000);
  for (double& v : values) v = dist(gen);
  CheckAccuracy(values, 1e-3, 7);
  CheckAccuracy(values, 1e-2, 5);
}

TEST(LogLinearHistogramTest, ValuesSpanningNineDecades) {
  std::mt19937_64 gen(3);
  std::uniform_real_distribution<double> exponent(-3, 6);  // 1e-3 .. 1e6, log-uniform
  std::vector<double> values(100000);
  for (double& v : values) v = std::pow(10.0, exponent(gen));
  CheckAccuracy(values, 1e-3, 7);
}

TEST(LogLinearHistogramTest, RelativeErrorOfK7IsBelowOneIn128) {
  // The contract in histogram.h: k = 7 gives a relative error <= 1/128.
  for (double v : {1e-3, 0.0123, 1.0, 1.5, 7.77, 999.9, 123456.0, 9.87e5}) {
    LogLinearHistogram h(1e-3, 7);
    h.Record(v);
    h.Record(0);        // min far below, so the clamp does not hide the error
    h.Record(v * 100);  // max far above
    const double got = h.Quantile(0.5);
    EXPECT_LE(std::abs(got - v), v / 128) << v;
  }
}

TEST(LogLinearHistogramTest, EmptyHistogram) {
  LogLinearHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0);
  EXPECT_EQ(h.Quantile(0), 0);
  EXPECT_EQ(h.Quantile(0.5), 0);
  EXPECT_EQ(h.Quantile(1), 0);
}

TEST(LogLinearHistogramTest, SingleValueIsExactThroughClamping) {
  LogLinearHistogram h;
  h.Record(42.4242);
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(h.min(), 42.4242);
  EXPECT_EQ(h.max(), 42.4242);
  EXPECT_DOUBLE_EQ(h.mean(), 42.4242);
  for (double q : kQuantiles) EXPECT_EQ(h.Quantile(q), 42.4242) << q;
}

TEST(LogLinearHistogramTest, CountWeightAndMean) {
  LogLinearHistogram h;
  h.Record(10, 3);
  h.Record(20, 1);
  h.Record(5, 0);  // a zero count records nothing
  EXPECT_EQ(h.count(), 4u);
  EXPECT_DOUBLE_EQ(h.mean(), 12.5);
  EXPECT_EQ(h.min(), 10);
  EXPECT_EQ(h.max(), 20);
  EXPECT_NEAR(h.Quantile(0.75), 10, 10.0 / 256);  // rank 3 of 4
  EXPECT_NEAR(h.Quantile(0.76), 20, 20.0 / 256);  // rank 4 of 4
}

TEST(LogLinearHistogramTest, NearestRankOfAnIntegralProduct) {
  // 0.99 * 100 is 99.00000000000001 in doubles; the rank must still be 99.
  LogLinearHistogram h(1e-3, 7);
  for (int i = 1; i <= 100; ++i) h.Record(i);
  EXPECT_NEAR(h.Quantile(0.99), 99, 99.0 / 256);
  EXPECT_NEAR(h.Quantile(0.5), 50, 50.0 / 256);
  EXPECT_EQ(h.Quantile(1), 100);             // clamped to max
  EXPECT_NEAR(h.Quantile(0), 1, 1.0 / 256);  // rank 1
}

TEST(LogLinearHistogramTest, NegativeAndNaNCountAsZeroAndQuantileArgumentIsClamped) {
  LogLinearHistogram h;
  h.Record(-5);
  h.Record(std::nan(""));
  h.Record(8);
  EXPECT_EQ(h.count(), 3u);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 8);
  // q < 0 and NaN mean rank 1: a zero, represented within resolution / 2.
  EXPECT_NEAR(h.Quantile(-1), 0, 1e-3 / 2);
  EXPECT_NEAR(h.Quantile(std::nan("")), 0, 1e-3 / 2);
  EXPECT_EQ(h.Quantile(2), 8);  // q > 1 means the last rank, clamped to max
}

TEST(LogLinearHistogramTest, ValuesBelowResolutionShareTheFirstBucket) {
  LogLinearHistogram h(1.0, 7);
  h.Record(0.1);
  h.Record(0.9);
  // Both in [0, 1): the representative is 0.5, within [min, max].
  EXPECT_EQ(h.Quantile(0), 0.5);
  EXPECT_EQ(h.Quantile(1), 0.5);
}

TEST(LogLinearHistogramTest, HugeAndInfiniteValuesStayFinite) {
  LogLinearHistogram h(1e-3, 7);
  h.Record(1);
  h.Record(1e30);  // beyond resolution * 2^64: the top bucket
  h.Record(std::numeric_limits<double>::infinity());
  EXPECT_EQ(h.count(), 3u);
  EXPECT_TRUE(std::isfinite(h.max()));
  EXPECT_TRUE(std::isfinite(h.mean()));
  EXPECT_TRUE(std::isfinite(h.Quantile(1)));
  EXPECT_EQ(h.max(), 1e30);
  EXPECT_NEAR(h.Quantile(0), 1, 1.0 / 256);
}

TEST(LogLinearHistogramTest, MergeEqualsRecordingEverything) {
  std::mt19937_64 gen(4);
  std::lognormal_distribution<double> dist(0.0, 2.0);
  LogLinearHistogram all, a, b, empty;
  for (int i = 0; i < 20000; ++i) {
    const double v = dist(gen);
    all.Record(v);
    (i % 3 == 0 ? a : b).Record(v);
  }
  LogLinearHistogram merged;
  merged.Merge(a);
  merged.Merge(empty);
  merged.Merge(b);
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.max(), all.max());
  EXPECT_NEAR(merged.mean(), all.mean(), 1e-9 * all.mean());
  for (int i = 0; i <= 1000; ++i) {
    const double q = i / 1000.0;
    EXPECT_EQ(merged.Quantile(q), all.Quantile(q)) << q;
  }
}

TEST(LogLinearHistogramTest, MergeIntoEmptyTakesMinAndMax) {
  LogLinearHistogram a, b;
  b.Record(3);
  b.Record(7);
  a.Merge(b);
  EXPECT_EQ(a.min(), 3);
  EXPECT_EQ(a.max(), 7);
  EXPECT_EQ(a.count(), 2u);
}

}  // namespace
}  // namespace tracesim::reports
