// Timing of a CostPath with the calling thread's CPU clock
// (clock_gettime(CLOCK_THREAD_CPUTIME_ID)): CPU time, not wall time, so that
// other processes on a shared machine inflate the figures as little as
// possible (they still cost cache and memory bandwidth).
//
// Thread-safety: the functions are thread-safe; the path is not (one thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tracesim/calibrate/cost_path.h"
#include "tracesim/status.h"

namespace tracesim::calibrate {

// CPU time consumed by the calling thread, in nanoseconds.
int64_t ThreadCpuNanos() noexcept;

struct MeasureOptions {
  // Rounded up to the path's granule; >= 1. Small enough that a run's spans
  // stay in cache, as a handler's spans do (a run of 65536 pre-started spans
  // also measures the cache misses of reaching them again).
  size_t ops_per_run = 4096;
  int warmup_runs = 2;   // untimed runs first (caches, allocator, branch predictors); >= 0
  int repetitions = 21;  // timed runs, K; >= 1
};

// InvalidArgument naming the bad field, or OK.
Status ValidateMeasureOptions(const MeasureOptions& o);

struct Measurement {
  double median_ns_per_op = 0;  // the figure: median over the K timed runs
  double min_ns_per_op = 0;
  double max_ns_per_op = 0;
  std::vector<double> ns_per_op;  // each timed run, in run order
  size_t ops_per_run = 0;         // as prepared (rounded up to the granule)
  uint64_t checksum = 0;          // of the runs' results (keeps the work observable)
};

// Median of a non-empty sample (the mean of the two middle values for an even count).
double Median(std::vector<double> values);

// Runs `path` warmup_runs times untimed, then `repetitions` times, each run's
// Run() alone timed with ThreadCpuNanos(), and returns ns per operation.
// Errors: invalid options; the path's status() after the runs.
StatusOr<Measurement> Measure(CostPath& path, const MeasureOptions& options);

}  // namespace tracesim::calibrate
