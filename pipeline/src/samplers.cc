#include "tracesim/pipeline/samplers.h"

#include <cmath>
#include <cstdio>
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

  std::string Description() const override {
    char buf[64];
    std::snprintf(buf, sizeof buf, "TraceIdRatioBased{%.6f}", ratio_);
    return buf;
  }

 private:
  double ratio_;
  uint64_t bound_;
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
