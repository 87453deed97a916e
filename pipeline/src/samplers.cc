#include "tracesim/pipeline/samplers.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>

namespace tracesim::pipeline {
namespace {

constexpr double kTwoPow63 = 9223372036854775808.0;  // 2^63, exact in a double

class AlwaysOnSampler final : public Sampler {
 public:
  SamplingResult ShouldSample(const SamplingParameters&) noexcept override {
    return {SamplingDecision::kRecordAndSample, std::nullopt};
  }
  std::string Description() const override { return "AlwaysOnSampler"; }
};

class AlwaysOffSampler final : public Sampler {
 public:
  SamplingResult ShouldSample(const SamplingParameters&) noexcept override {
    return {SamplingDecision::kDrop, std::nullopt};
  }
  std::string Description() const override { return "AlwaysOffSampler"; }
};

constexpr uint64_t ByteSwap64(uint64_t v) {
  v = ((v & 0x00ff00ff00ff00ffULL) << 8) | ((v >> 8) & 0x00ff00ff00ff00ffULL);
  v = ((v & 0x0000ffff0000ffffULL) << 16) | ((v >> 16) & 0x0000ffff0000ffffULL);
  return (v << 32) | (v >> 32);
}
static_assert(ByteSwap64(0x0102030405060708ULL) == 0x0807060504030201ULL);

// The spec's description of a TraceIdRatioBased sampler (Go and Java variants).
std::string TraceIdRatioDescription(double ratio) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "TraceIdRatioBased{%.6f}", ratio);
  return buf;
}

double ClampRatio(double ratio) {
  if (!(ratio > 0.0)) return 0.0;  // also NaN
  return ratio >= 1.0 ? 1.0 : ratio;
}

// TraceIdRatioBased, Go SDK variant: x = (trace-id bytes 8..15, big-endian) >> 1,
// sampled iff x < uint64(ratio * 2^63).
class GoTraceIdRatioSampler final : public Sampler {
 public:
  explicit GoTraceIdRatioSampler(double ratio)
      : ratio_(ClampRatio(ratio)), bound_(GoTraceIdRatioUpperBound(ratio_)) {}

  SamplingResult ShouldSample(const SamplingParameters& params) noexcept override {
    const uint64_t x = params.trace_id.lo >> 1;
    return {x < bound_ ? SamplingDecision::kRecordAndSample : SamplingDecision::kDrop, std::nullopt};
  }

  std::string Description() const override { return TraceIdRatioDescription(ratio_); }

 private:
  double ratio_;
  uint64_t bound_;
};

// TraceIdRatioBased, Java SDK variant: Math.abs((long) lo) < idUpperBound.
class JavaTraceIdRatioSampler final : public Sampler {
 public:
  explicit JavaTraceIdRatioSampler(double ratio)
      : ratio_(ClampRatio(ratio)), bound_(JavaTraceIdRatioUpperBound(ratio_)) {}

  SamplingResult ShouldSample(const SamplingParameters& params) noexcept override {
    return {JavaTraceIdRatioValue(params.trace_id) < bound_ ? SamplingDecision::kRecordAndSample
                                                            : SamplingDecision::kDrop,
            std::nullopt};
  }

  std::string Description() const override { return TraceIdRatioDescription(ratio_); }

 private:
  double ratio_;
  int64_t bound_;
};

// TraceIdRatioBased, C++ SDK variant: threshold of the first 8 bytes <= threshold of the ratio.
class CppTraceIdRatioSampler final : public Sampler {
 public:
  explicit CppTraceIdRatioSampler(double ratio)
      : ratio_(ClampRatio(ratio)), threshold_(CppTraceIdRatioThreshold(ratio_)) {}

  SamplingResult ShouldSample(const SamplingParameters& params) noexcept override {
    if (threshold_ == 0) return {SamplingDecision::kDrop, std::nullopt};
    return {CppTraceIdThreshold(params.trace_id) <= threshold_ ? SamplingDecision::kRecordAndSample
                                                               : SamplingDecision::kDrop,
            std::nullopt};
  }

  std::string Description() const override {
    // std::to_string(double) formats as "%f".
    return "TraceIdRatioBasedSampler{" + std::to_string(ratio_) + "}";
  }

 private:
  double ratio_;
  uint64_t threshold_;
};

class ParentBasedSampler final : public Sampler {
 public:
  ParentBasedSampler(std::unique_ptr<Sampler> root, ParentBasedOptions o)
      : root_(std::move(root)),
        remote_sampled_(o.remote_parent_sampled ? std::move(o.remote_parent_sampled) : MakeAlwaysOnSampler()),
        remote_not_sampled_(o.remote_parent_not_sampled ? std::move(o.remote_parent_not_sampled)
                                                        : MakeAlwaysOffSampler()),
        local_sampled_(o.local_parent_sampled ? std::move(o.local_parent_sampled) : MakeAlwaysOnSampler()),
        local_not_sampled_(o.local_parent_not_sampled ? std::move(o.local_parent_not_sampled)
                                                      : MakeAlwaysOffSampler()) {}

  SamplingResult ShouldSample(const SamplingParameters& params) noexcept override {
    const SpanContext* parent = params.parent;
    if (parent == nullptr || !parent->IsValid()) return root_->ShouldSample(params);
    if (parent->is_remote) {
      return parent->IsSampled() ? remote_sampled_->ShouldSample(params)
                                 : remote_not_sampled_->ShouldSample(params);
    }
    return parent->IsSampled() ? local_sampled_->ShouldSample(params)
                               : local_not_sampled_->ShouldSample(params);
  }

  std::string Description() const override {
    return "ParentBased{root:" + root_->Description() +
           ",remoteParentSampled:" + remote_sampled_->Description() +
           ",remoteParentNotSampled:" + remote_not_sampled_->Description() +
           ",localParentSampled:" + local_sampled_->Description() +
           ",localParentNotSampled:" + local_not_sampled_->Description() + "}";
  }

 private:
  std::unique_ptr<Sampler> root_;
  std::unique_ptr<Sampler> remote_sampled_;
  std::unique_ptr<Sampler> remote_not_sampled_;
  std::unique_ptr<Sampler> local_sampled_;
  std::unique_ptr<Sampler> local_not_sampled_;
};

constexpr const char* kValidSamplerNames =
    "always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, "
    "parentbased_traceidratio";

}  // namespace

const char* SamplingDecisionName(SamplingDecision decision) {
  switch (decision) {
    case SamplingDecision::kDrop:
      return "drop";
    case SamplingDecision::kRecordOnly:
      return "record_only";
    case SamplingDecision::kRecordAndSample:
      return "record_and_sample";
  }
  return "unknown";
}

std::unique_ptr<Sampler> MakeAlwaysOnSampler() { return std::make_unique<AlwaysOnSampler>(); }

std::unique_ptr<Sampler> MakeAlwaysOffSampler() { return std::make_unique<AlwaysOffSampler>(); }

uint64_t GoTraceIdRatioUpperBound(double ratio) {
  const double r = ClampRatio(ratio);
  if (r >= 1.0) return uint64_t{1} << 63;
  // r * 2^63 is exact (a power-of-two scaling) and below 2^63; the
  // conversion truncates, as Go's uint64(fraction * (1 << 63)).
  return static_cast<uint64_t>(r * kTwoPow63);
}

std::unique_ptr<Sampler> MakeTraceIdRatioBasedSampler(double ratio) {
  return std::make_unique<GoTraceIdRatioSampler>(ratio);
}

const char* TraceIdRatioHashName(TraceIdRatioHash hash) {
  switch (hash) {
    case TraceIdRatioHash::kGo:
      return "go";
    case TraceIdRatioHash::kJava:
      return "java";
    case TraceIdRatioHash::kCpp:
      return "cpp";
  }
  return "unknown";
}

StatusOr<TraceIdRatioHash> ParseTraceIdRatioHash(std::string_view name) {
  if (name == "go") return TraceIdRatioHash::kGo;
  if (name == "java") return TraceIdRatioHash::kJava;
  if (name == "cpp") return TraceIdRatioHash::kCpp;
  return Status::InvalidArgument("unknown TraceIdRatioBased hash '" + std::string(name) +
                                 "'; valid hashes are: go, java, cpp");
}

std::unique_ptr<Sampler> MakeTraceIdRatioBasedSampler(double ratio, TraceIdRatioHash hash) {
  switch (hash) {
    case TraceIdRatioHash::kJava:
      return std::make_unique<JavaTraceIdRatioSampler>(ratio);
    case TraceIdRatioHash::kCpp:
      return std::make_unique<CppTraceIdRatioSampler>(ratio);
    case TraceIdRatioHash::kGo:
      break;
  }
  return std::make_unique<GoTraceIdRatioSampler>(ratio);
}

int64_t JavaTraceIdRatioUpperBound(double ratio) {
  const double r = ClampRatio(ratio);
  if (r == 0.0) return std::numeric_limits<int64_t>::min();
  if (r == 1.0) return std::numeric_limits<int64_t>::max();
  // Java: (long) (ratio * Long.MAX_VALUE). Long.MAX_VALUE converts to the
  // double 2^63; the product is below 2^63 and the cast truncates.
  return static_cast<int64_t>(r * static_cast<double>(std::numeric_limits<int64_t>::max()));
}

int64_t JavaTraceIdRatioValue(TraceId trace_id) {
  // TraceIdHex.getTraceIdRandomPart: the low 16 hex digits as a long.
  // Math.abs wraps for Long.MIN_VALUE (two's complement negation).
  const uint64_t lo = trace_id.lo;
  const uint64_t magnitude = (lo >> 63) != 0 ? uint64_t{0} - lo : lo;
  return static_cast<int64_t>(magnitude);
}

uint64_t CppTraceIdRatioThreshold(double ratio) {
  const double r = ClampRatio(ratio);
  if (r <= 0.0) return 0;
  if (r >= 1.0) return std::numeric_limits<uint64_t>::max();
  // UINT64_MAX rounds up to 2^64 as a double, so the SDK computes the high
  // and low 32 bits separately: hi = trunc(UINT32_MAX * r),
  // lo = frac * 2^32 + UINT32_MAX * r, threshold = (hi << 32) + lo.
  // modf/ldexp are computed exactly without library calls: 0 <= product <
  // 2^32, so the integer conversion is trunc(), the subtraction is exact, and
  // scaling by 2^32 is exact.
  const double product = static_cast<double>(std::numeric_limits<uint32_t>::max()) * r;
  const double hi_bits = static_cast<double>(static_cast<uint64_t>(product));
  const double lo_bits = (product - hi_bits) * 0x1p32 + product;
  return (static_cast<uint64_t>(hi_bits) << 32) + static_cast<uint64_t>(lo_bits);
}

uint64_t CppTraceIdThreshold(TraceId trace_id) {
  // std::memcpy(&res, &trace_id, 8) on a little-endian host: trace-id byte 0
  // becomes the least significant byte. TraceId::hi holds bytes 0..7 big-endian.
  const uint64_t res = ByteSwap64(trace_id.hi);
  // static_cast<double>(UINT64_MAX) is exactly 2^64, so the division is the exact scaling by 2^-64.
  const double ratio = static_cast<double>(res) * 0x1p-64;
  return CppTraceIdRatioThreshold(ratio);
}

std::unique_ptr<Sampler> MakeParentBasedSampler(std::unique_ptr<Sampler> root, ParentBasedOptions options) {
  return std::make_unique<ParentBasedSampler>(std::move(root), std::move(options));
}

StatusOr<std::unique_ptr<Sampler>> MakeSamplerByName(std::string_view name, double ratio) {
  const bool uses_ratio = name == "traceidratio" || name == "parentbased_traceidratio";
  if (uses_ratio && !(ratio >= 0.0 && ratio <= 1.0)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", ratio);
    return Status::InvalidArgument("sampler '" + std::string(name) + "': ratio " + buf +
                                   " is outside [0, 1] (the sampler argument must be a probability)");
  }
  if (name == "always_on") return MakeAlwaysOnSampler();
  if (name == "always_off") return MakeAlwaysOffSampler();
  if (name == "traceidratio") return MakeTraceIdRatioBasedSampler(ratio);
  if (name == "parentbased_always_on") return MakeParentBasedSampler(MakeAlwaysOnSampler());
  if (name == "parentbased_always_off") return MakeParentBasedSampler(MakeAlwaysOffSampler());
  if (name == "parentbased_traceidratio") return MakeParentBasedSampler(MakeTraceIdRatioBasedSampler(ratio));
  return Status::InvalidArgument("unknown sampler '" + std::string(name) +
                                 "'; valid names are: " + kValidSamplerNames);
}

}  // namespace tracesim::pipeline
