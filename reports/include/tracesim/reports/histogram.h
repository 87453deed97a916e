// Log-linear histogram (HdrHistogram-like): values >= 0 are bucketed with a
// bounded relative error, so quantiles of latencies spanning microseconds to
// minutes cost a few KiB. Deterministic; mergeable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tracesim::reports {

class LogLinearHistogram {
 public:
  // `resolution`: values below it share the first bucket (same unit as the
  // recorded values). `sub_buckets_log2`: 2^k linear sub-buckets per power of
  // two; k=7 gives a relative error <= 1/128 (< 0.8 %).
  explicit LogLinearHistogram(double resolution = 1e-3, int sub_buckets_log2 = 7);

  void Record(double value, uint64_t count = 1);  // negative values are recorded as 0
  void Merge(const LogLinearHistogram& other);    // REQUIRES: same resolution and k

  uint64_t count() const { return count_; }
  double min() const;
  double max() const;
  double mean() const;
  // q in [0, 1]; returns the representative value of the bucket holding the
  // q-quantile (nearest-rank), clamped to [min, max]. 0 when empty.
  double Quantile(double q) const;

 private:
  size_t BucketOf(double value) const;
  double BucketMid(size_t bucket) const;

  double resolution_;
  int k_;
  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  double sum_ = 0;
  double min_ = 0;
  double max_ = 0;
};

}  // namespace tracesim::reports
