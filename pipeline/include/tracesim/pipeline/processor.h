// A collector processor (OTel Collector semantics), sans-I/O.
//
// Spans flow in through Consume(); what the processor passes downstream is
// appended to `out` as batches. Processors that hold spans (batch,
// tail_sampling) expose a timer through NextDeadline()/OnTimer() that the
// driver calls when virtual time reaches the deadline. What a processor drops
// it reports through the DropObserver it was constructed with. Not
// thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "tracesim/pipeline/span.h"
#include "tracesim/status.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

using SpanBatch = std::vector<SpanData>;

class Processor {
 public:
  virtual ~Processor() = default;

  // The Collector's component type, e.g. "batch", "memory_limiter", "tail_sampling".
  virtual std::string_view type() const noexcept = 0;

  // Takes `spans` (moved from) and returns OK, or refuses them with a
  // retryable Unavailable status (memory_limiter), in which case `spans` is
  // left untouched and still the caller's. Batches ready downstream are
  // appended to `out`.
  virtual Status Consume(SpanBatch& spans, TimePoint now, std::vector<SpanBatch>& out) noexcept = 0;

  // The next time OnTimer must be called; kTimeInfinite when none.
  virtual TimePoint NextDeadline() const noexcept { return kTimeInfinite; }
  // Called when now >= NextDeadline(); may emit batches.
  virtual void OnTimer(TimePoint now, std::vector<SpanBatch>& out) noexcept {}

  // Spans and wire bytes this processor holds in memory right now.
  virtual size_t held_spans() const noexcept { return 0; }
  virtual size_t held_bytes() const noexcept { return 0; }
  // The process crashed: removes and returns every span held (the driver
  // reports them as crash_lost). Decision caches and other state are reset.
  virtual SpanBatch DrainAll() { return {}; }
};

}  // namespace tracesim::pipeline
