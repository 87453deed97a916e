// One code path that a CPU cost profile prices (scenario.h CostProfile), run
// N times through the real pipeline code.
//
// A path separates the work it prices from its setup: Prepare(ops) builds the
// inputs of `ops` operations (spans to hand over, bytes to decode, spans
// started so that they can be ended) and disposes of what the previous run
// left behind; Run() performs exactly those operations and nothing else. The
// caller times Run() only: tracesim calibrate with the thread CPU clock
// (cpu_timer.h), the Google Benchmark suite (bench/micro/calibration_bench.cc)
// with its own timer. Both therefore time the same functions.
//
// Thread-safety: not thread-safe; a path is used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tracesim/status.h"

namespace tracesim::calibrate {

class CostPath {
 public:
  virtual ~CostPath() = default;

  // Operations per run are rounded up to a multiple of this, so that every
  // run does the same amortised work (whole SDK export batches, whole
  // collector batches, whole store blocks). >= 1.
  virtual size_t granule() const = 0;

  // Prepares max(ops, 1) operations rounded up to a multiple of granule()
  // (untimed work) and returns that number.
  virtual size_t Prepare(size_t ops) = 0;

  // Performs the operations prepared by the last Prepare(): the timed part.
  // Returns a checksum of the work so that it cannot be optimised away.
  // REQUIRES: Prepare() was called since the last Run().
  virtual uint64_t Run() = 0;

  // Not OK when the path could not be set up or a run went wrong (for
  // example a decode error, which would be a bug in the span codec); the
  // timings are then meaningless.
  virtual Status status() const { return Status::Ok(); }
};

// n rounded up to a multiple of granule (n = 0 counts as 1). REQUIRES: granule >= 1.
inline size_t RoundUpToGranule(size_t n, size_t granule) {
  if (n == 0) n = 1;
  return (n + granule - 1) / granule * granule;
}

}  // namespace tracesim::calibrate
