#include "ledger.h"

namespace tracesim::sim {

uint64_t Ledger::dropped_total() const {
  uint64_t total = 0;
  for (uint64_t d : dropped_) total += d;
  return total;
}

uint64_t WireBytes(std::span<const pipeline::SpanData> spans) {
  uint64_t total = 0;
  for (const auto& s : spans) total += pipeline::EstimateWireBytes(s);
  return total;
}

uint64_t HeldSpans::bytes() const { return WireBytes(spans_); }

}  // namespace tracesim::sim
