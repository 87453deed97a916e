// Workload arrival processes: when the next external request arrives.
//
// Pure C++ (no SimGrid): the workload actor asks for the next arrival time and
// sleeps until it. Every process is exact for its model (no time stepping):
// Poisson processes by exponential gaps restarted at rate changes
// (memorylessness), non-homogeneous Poisson processes by Lewis–Shedler
// thinning. All randomness comes from the Rng the caller passes, so a seed
// gives the same arrivals on every run. The models, their formulas and the
// scenario keys are documented in docs/workload.md.
//
// Times are double seconds of simulated time since the start of the workload
// (t = 0), as everywhere inside sim/.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tracesim/pipeline/random.h"
#include "tracesim/scenario/rate_file.h"
#include "tracesim/status.h"

namespace tracesim::sim {

enum class ArrivalKind {
  kPoisson,   // exponential gaps, rate `rate_per_s` changed by `rate_steps`
  kConstant,  // gaps of exactly 1/rate, rate changed by `rate_steps`
  kOnOff,     // bursts: alternating ON / OFF periods with their own Poisson rates
  kDiurnal,   // non-homogeneous Poisson, sinusoidal rate
  kRateFile,  // non-homogeneous Poisson, rate interpolated through (time, rate) points
};

// "poisson", "constant", "on_off", "diurnal", "rate_file" (the YAML names).
const char* ArrivalKindName(ArrivalKind kind);

// How ON/OFF period lengths are drawn.
enum class PeriodDistribution {
  kExponential,  // exponential with the given mean: the process is an MMPP-2
  kConstant,     // exactly the mean: a strictly periodic square wave of rates
};

enum class RateInterpolation {
  kLinear,  // rate(t) linear between two points
  kStep,    // rate(t) = the rate of the last point at or before t
};

// A change of the rate of a constant or Poisson process: from `at_s` on,
// requests arrive at `rate_per_s` (>= 0; 0 = none until the next step).
struct RateStep {
  double at_s = 0;
  double rate_per_s = 0;
};

struct OnOffOptions {
  double rate_on_per_s = 100;  // Poisson rate during ON periods, >= 0
  double rate_off_per_s = 0;   // Poisson rate during OFF periods, >= 0 (0: silent)
  double mean_on_s = 10;       // mean ON period length, > 0
  double mean_off_s = 20;      // mean OFF period length, > 0
  PeriodDistribution periods = PeriodDistribution::kExponential;
};

// rate(t) = mean_rate · (1 + amplitude · sin(2π (t − phase_s) / period_s)).
struct DiurnalOptions {
  double mean_rate_per_s = 100;  // >= 0
  double amplitude = 0.5;        // 0 <= amplitude <= 1
  double period_s = 86400;       // > 0
  double phase_s = 0;            // finite; the rate crosses the mean going up at t = phase_s
};

struct RateFileOptions {
  // At least one point; times >= 0 and strictly increasing; rates >= 0.
  // Before the first point the rate is the first point's rate; after the last
  // point it stays at the last point's rate.
  std::vector<scenario::RatePoint> points;
  RateInterpolation interpolation = RateInterpolation::kLinear;
};

struct ArrivalOptions {
  ArrivalKind kind = ArrivalKind::kPoisson;
  // kPoisson and kConstant: the rate from t = 0 on (>= 0), changed by
  // `rate_steps` (at_s >= 0, strictly increasing; a step at 0 replaces it).
  double rate_per_s = 100;
  std::vector<RateStep> rate_steps;
  OnOffOptions on_off;        // kOnOff only
  DiurnalOptions diurnal;     // kDiurnal only
  RateFileOptions rate_file;  // kRateFile only
  // No arrival at or after end_s (> 0; +infinity for an unbounded process).
  double end_s = 60;
};

// OK, or InvalidArgument naming the first bad parameter with its YAML-style
// key, the value and what was expected, e.g.
// "diurnal.amplitude: 1.5 is out of range (expected 0 <= amplitude <= 1)".
// Options of kinds other than `kind` are not checked; `rate_steps` with a kind
// other than poisson/constant is an error (they would be ignored silently).
Status ValidateArrivalOptions(const ArrivalOptions& options);

// The source of arrival times of one workload. Not thread-safe.
class ArrivalProcess {
 public:
  virtual ~ArrivalProcess() = default;

  // The next arrival strictly after `t` (seconds), or nullopt if there is no
  // arrival before end_s. Draws its randomness from `rng`.
  // REQUIRES: t >= 0; successive calls pass non-decreasing t (normally the
  // previous arrival, and 0 for the first call). The on-off process keeps the
  // state of its ON/OFF periods between calls; the others are stateless.
  virtual std::optional<double> Next(double t, pipeline::Rng& rng) noexcept = 0;

  // A one-line description for logs and reports, e.g.
  // "diurnal(mean_rate=100/s, amplitude=0.5, period=86400s, phase=0s)".
  virtual std::string Describe() const = 0;
};

// Validates `options` (ValidateArrivalOptions) and builds the process.
StatusOr<std::unique_ptr<ArrivalProcess>> MakeArrivalProcess(const ArrivalOptions& options);

}  // namespace tracesim::sim
