#include "tracesim/pipeline/backoff.h"

#include <cassert>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace tracesim::pipeline {
namespace {

Status Invalid(const char* key, const char* what) {
  return Status::InvalidArgument(std::string("retry_on_failure.") + key + ": " + what);
}

// Go's time.Duration(float64): truncation toward zero. Values beyond int64 saturate here
// instead of being undefined behaviour.
Duration DurationFromDouble(double ns) {
  constexpr double kMax = static_cast<double>(std::numeric_limits<int64_t>::max());
  if (!(ns < kMax)) return Duration::max();
  if (ns <= -kMax) return Duration::min();
  return Duration(static_cast<int64_t>(ns));
}

}  // namespace

Status ValidateRetryOptions(const RetryOptions& o) {
  if (!o.enabled) return Status::Ok();
  if (o.initial_interval < Duration::zero()) return Invalid("initial_interval", "must be non-negative");
  if (!std::isfinite(o.randomization_factor) || o.randomization_factor < 0 || o.randomization_factor > 1) {
    return Invalid("randomization_factor", "must be within [0, 1]");
  }
  if (!std::isfinite(o.multiplier) || o.multiplier < 0) {
    return Invalid("multiplier", "must be a non-negative finite number");
  }
  if (o.max_interval < Duration::zero()) return Invalid("max_interval", "must be non-negative");
  if (o.max_elapsed_time < Duration::zero()) return Invalid("max_elapsed_time", "must be non-negative");
  if (o.max_elapsed_time > Duration::zero()) {
    if (o.max_elapsed_time < o.initial_interval) {
      return Invalid("max_elapsed_time", "must not be less than 'initial_interval'");
    }
    if (o.max_elapsed_time < o.max_interval) {
      return Invalid("max_elapsed_time", "must not be less than 'max_interval'");
    }
  }
  return Status::Ok();
}

ExponentialBackOff::ExponentialBackOff(const RetryOptions& options, Rng* rng)
    : options_(options), rng_(rng), current_interval_(options.initial_interval) {
  assert(ValidateRetryOptions(options).ok());
  assert(rng != nullptr || options.randomization_factor == 0);
}

void ExponentialBackOff::Reset(TimePoint now) {
  current_interval_ = options_.initial_interval;
  start_ = now;
}

std::optional<Duration> ExponentialBackOff::NextBackOff(TimePoint now) {
  const Duration elapsed = now - start_;
  const Duration next = Randomized(current_interval_);
  IncrementCurrentInterval();
  const Duration max_elapsed = options_.max_elapsed_time;
  // elapsed + next > max_elapsed, written so that it cannot overflow.
  if (max_elapsed != Duration::zero() && (elapsed > max_elapsed || next > max_elapsed - elapsed)) {
    return std::nullopt;
  }
  return next;
}

Duration ExponentialBackOff::Randomized(Duration interval) {
  const double factor = options_.randomization_factor;
  if (factor == 0) return interval;
  const double ci = static_cast<double>(interval.count());
  const double delta = factor * ci;
  const double min_interval = ci - delta;
  const double max_interval = ci + delta;
  // The +1 gives the upper bound the same chance as the others (cenkalti's comment).
  return DurationFromDouble(min_interval + rng_->NextDouble() * (max_interval - min_interval + 1));
}

void ExponentialBackOff::IncrementCurrentInterval() {
  const double ci = static_cast<double>(current_interval_.count());
  const double max = static_cast<double>(options_.max_interval.count());
  if (ci >= max / options_.multiplier) {
    current_interval_ = options_.max_interval;
  } else {
    current_interval_ = DurationFromDouble(ci * options_.multiplier);
  }
}

}  // namespace tracesim::pipeline
