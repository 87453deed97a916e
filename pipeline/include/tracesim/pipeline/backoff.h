// The OTel Collector exporterhelper `retry_on_failure` schedule: a port of
// github.com/cenkalti/backoff/v4 ExponentialBackOff (the version the Collector's
// retry sender used), driven by virtual time and a seeded Rng.
//
// Ported exactly from cenkalti/backoff v4 exponential.go:
//   Reset():       currentInterval = InitialInterval; startTime = now.
//   NextBackOff(): elapsed = now - startTime
//                  next    = randomized(currentInterval)
//                  incrementCurrentInterval()
//                  if MaxElapsedTime != 0 && elapsed + next > MaxElapsedTime: return Stop
//                  return next
//   randomized(ci) = ci                                  if RandomizationFactor == 0
//                  = min + r * (max - min + 1)           otherwise, r uniform in [0, 1),
//                    delta = factor * ci, min = ci - delta, max = ci + delta,
//                    truncated toward zero to whole nanoseconds (Go's time.Duration(float64)).
//   increment:     if currentInterval >= MaxInterval / Multiplier: currentInterval = MaxInterval
//                  else currentInterval = currentInterval * Multiplier (truncated to ns).
// MaxInterval caps the interval before randomization, not the randomized delay.
//
// How the Collector's retry sender (exporterhelper retry_sender.go) uses it:
//   Reset() when a request's first attempt starts; after each failed attempt (retryable error),
//   delay = NextBackOff(); Stop -> the request is dropped ("no more retries left",
//   retry_exhausted); otherwise, if the error carries a throttle delay (e.g. gRPC RetryInfo /
//   HTTP Retry-After), delay = max(delay, throttle); the sender then waits `delay` and retries.
//   Permanent errors are never retried. The max_elapsed_time check therefore counts the time
//   spent in attempts as well as in waits, and it is made *before* waiting: a request is given up
//   as soon as the next wait would end after start + max_elapsed_time, not when that moment
//   arrives. (Newer Collector versions on cenkalti/backoff v5 perform the same comparison in the
//   sender: now + delay > start + max_elapsed_time, after applying the throttle delay; with no
//   throttle delay the two are identical.) `ThrottledDelay` below applies the throttle rule.
//
// Thread-safety: not thread-safe.
#pragma once

#include <chrono>
#include <optional>

#include "tracesim/pipeline/random.h"
#include "tracesim/status.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

// exporterhelper `retry_on_failure` (configretry.BackOffConfig). Defaults are the Collector's.
struct RetryOptions {
  bool enabled = true;
  Duration initial_interval = std::chrono::seconds(5);
  double randomization_factor = 0.5;
  double multiplier = 1.5;
  Duration max_interval = std::chrono::seconds(30);
  Duration max_elapsed_time = std::chrono::seconds(300);  // 0 = never stop
};

// configretry.BackOffConfig.Validate: a disabled config is always valid; otherwise
// initial_interval, max_interval, max_elapsed_time and multiplier must be non-negative,
// randomization_factor in [0, 1], and when max_elapsed_time > 0 it must be at least
// initial_interval and max_interval. Also rejects non-finite factors. Errors are
// InvalidArgument and name the key (e.g. "retry_on_failure.multiplier: ...").
Status ValidateRetryOptions(const RetryOptions& o);

class ExponentialBackOff {
 public:
  // `rng` is borrowed and supplies the jitter (one NextDouble() per NextBackOff when
  // randomization_factor != 0; none otherwise).
  // REQUIRES: ValidateRetryOptions(options).ok(); rng != nullptr unless randomization_factor == 0.
  ExponentialBackOff(const RetryOptions& options, Rng* rng);

  // Start of an export request's first attempt: interval back to initial_interval, elapsed time
  // measured from `now`. Must be called before NextBackOff.
  void Reset(TimePoint now);

  // Delay before the next attempt, or nullopt (= backoff.Stop) when max_elapsed_time != 0 and
  // (now - start) + delay > max_elapsed_time. Advances the interval either way, as cenkalti does.
  std::optional<Duration> NextBackOff(TimePoint now);

  // The un-randomized interval the next NextBackOff will start from.
  Duration current_interval() const { return current_interval_; }
  // Time since Reset.
  Duration elapsed(TimePoint now) const { return now - start_; }
  const RetryOptions& options() const { return options_; }

 private:
  Duration Randomized(Duration interval);
  void IncrementCurrentInterval();

  RetryOptions options_;
  Rng* rng_;
  Duration current_interval_;
  TimePoint start_{};
};

// The retry sender's throttle rule: a server-provided retry delay (gRPC RetryInfo, HTTP
// Retry-After) lengthens, never shortens, the backoff delay.
inline Duration ThrottledDelay(Duration backoff_delay, Duration throttle_delay) {
  return backoff_delay < throttle_delay ? throttle_delay : backoff_delay;
}

}  // namespace tracesim::pipeline
