#include "tracesim/reports/histogram.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace tracesim::reports {
namespace {

// Values are tracked up to resolution * 2^kMaxExponent; larger values (and
// +inf) share the top bucket, which bounds memory to 1 + 64 * 2^k buckets.
// min(), max() and mean() still see the exact (finite) values.
constexpr int kMaxExponent = 64;
constexpr int kMaxSubBucketsLog2 = 16;

}  // namespace

LogLinearHistogram::LogLinearHistogram(double resolution, int sub_buckets_log2)
    : resolution_(resolution), k_(sub_buckets_log2) {
  assert(std::isfinite(resolution) && resolution > 0);
  assert(sub_buckets_log2 >= 0 && sub_buckets_log2 <= kMaxSubBucketsLog2);
  k_ = std::clamp(k_, 0, kMaxSubBucketsLog2);
}

size_t LogLinearHistogram::BucketOf(double value) const {
  if (!(value >= resolution_)) return 0;  // also catches NaN
  const double x = value / resolution_;   // >= 1: division is monotonic
  const size_t sub_count = size_t{1} << k_;
  if (!(x < std::ldexp(1.0, kMaxExponent))) return static_cast<size_t>(kMaxExponent) * sub_count;
  int exp = 0;
  const double m = std::frexp(x, &exp);  // x = m * 2^exp, m in [0.5, 1)
  const size_t e = static_cast<size_t>(exp - 1);
  // 2m - 1 in [0, 1) is exact; scaling by 2^k is exact too.
  size_t sub = static_cast<size_t>(std::ldexp(2.0 * m - 1.0, k_));
  sub = std::min(sub, sub_count - 1);
  return 1 + e * sub_count + sub;
}

double LogLinearHistogram::BucketMid(size_t bucket) const {
  if (bucket == 0) return resolution_ / 2;
  const size_t sub_count = size_t{1} << k_;
  const size_t e = (bucket - 1) >> k_;
  const size_t sub = (bucket - 1) & (sub_count - 1);
  const double base = std::ldexp(resolution_, static_cast<int>(e));
  const double lower = base * (1.0 + std::ldexp(static_cast<double>(sub), -k_));
  const double upper = base * (1.0 + std::ldexp(static_cast<double>(sub + 1), -k_));
  return lower + (upper - lower) / 2;
}

void LogLinearHistogram::Record(double value, uint64_t count) {
  if (count == 0) return;
  // Negative values and NaN count as 0; +inf saturates at the largest
  // trackable value so that sum and max stay finite.
  if (!(value > 0)) value = 0;
  if (value == std::numeric_limits<double>::infinity()) value = std::ldexp(resolution_, kMaxExponent);
  const size_t b = BucketOf(value);
  if (b >= buckets_.size()) buckets_.resize(b + 1, 0);
  buckets_[b] += count;
  if (count_ == 0) {
    min_ = max_ = value;
  } else {
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  count_ += count;
  sum_ += value * static_cast<double>(count);
}

void LogLinearHistogram::Merge(const LogLinearHistogram& other) {
  assert(other.resolution_ == resolution_ && other.k_ == k_);
  if (other.count_ == 0) return;
  if (other.buckets_.size() > buckets_.size()) buckets_.resize(other.buckets_.size(), 0);
  for (size_t i = 0; i < other.buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  if (count_ == 0) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  count_ += other.count_;
  sum_ += other.sum_;
}

double LogLinearHistogram::min() const { return count_ == 0 ? 0 : min_; }
double LogLinearHistogram::max() const { return count_ == 0 ? 0 : max_; }
double LogLinearHistogram::mean() const { return count_ == 0 ? 0 : sum_ / static_cast<double>(count_); }

double LogLinearHistogram::Quantile(double q) const {
  if (count_ == 0) return 0;
  if (!(q >= 0)) q = 0;  // also NaN
  if (q > 1) q = 1;
  // Nearest rank: the smallest rank r (1-based) with r >= q * count. A product
  // that is an integer up to rounding (0.99 * 100 = 99.000000000000014) is
  // taken as that integer.
  const double target = q * static_cast<double>(count_);
  const double rounded = std::round(target);
  const double exact =
      std::abs(target - rounded) <= 1e-9 * std::max(1.0, target) ? rounded : std::ceil(target);
  uint64_t rank = exact < 1 ? 1 : static_cast<uint64_t>(exact);
  rank = std::min(rank, count_);
  uint64_t seen = 0;
  for (size_t b = 0; b < buckets_.size(); ++b) {
    seen += buckets_[b];
    if (seen >= rank) return std::clamp(BucketMid(b), min_, max_);
  }
  return max_;  // unreachable: the buckets sum to count_
}

}  // namespace tracesim::reports
