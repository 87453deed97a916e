// A deterministic stream of realistic finished spans, the input of the
// calibration paths that price span handling after the SDK (BSP enqueue,
// export encoding, collector receive/batch/export, store insert).
//
// The spans look like what the simulation's instrumentation produces: a
// window of concurrent traces whose spans arrive interleaved (as a collector
// or a storage node sees them), each trace `spans_per_trace` spans long (its
// first span a root, later ones children of an earlier span of the trace),
// services and operations drawn uniformly, a 1-in-`error_one_in` error
// status, exponential durations, and `attributes` attributes per span in the
// pattern of sim/'s request attributes (three interned strings: method,
// route, peer; then int64 values).
//
// Thread-safety: not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tracesim/pipeline/random.h"
#include "tracesim/pipeline/span.h"
#include "tracesim/time.h"

namespace tracesim::calibrate {

struct SpanStreamOptions {
  size_t active_traces = 1000;  // traces in flight at once; > 0
  int spans_per_trace = 10;     // > 0
  uint32_t services = 20;       // > 0
  uint32_t operations = 100;    // > 0
  int attributes = 4;           // per span, >= 0
  uint32_t error_one_in = 100;  // > 0
  double mean_duration_ms = 20;
};

class SpanStream {
 public:
  // REQUIRES: the options' constraints above.
  explicit SpanStream(uint64_t seed, SpanStreamOptions options = {});

  // The next span; it starts at `start`.
  pipeline::SpanData Next(TimePoint start);
  // `n` spans starting `spacing` apart from `first`.
  std::vector<pipeline::SpanData> Take(size_t n, TimePoint first, Duration spacing);

 private:
  struct Active {
    pipeline::TraceId id;
    int emitted = 0;
    std::vector<pipeline::SpanId> span_ids;  // of this trace, in emission order
  };
  Active NewTrace();

  SpanStreamOptions options_;
  pipeline::Rng rng_;
  std::vector<Active> active_;
};

}  // namespace tracesim::calibrate
