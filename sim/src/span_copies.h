// How many copies of each stored span the storage nodes hold: a flat
// open-addressing table (linear probing), because every stored span touches
// it and a node-based map allocated once per span. Pure C++. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tracesim/pipeline/ids.h"

namespace tracesim::sim {

// Identifies one span across replicas.
struct SpanKey {
  pipeline::TraceId trace;
  uint64_t span = 0;  // a valid span id is never 0
  friend bool operator==(const SpanKey&, const SpanKey&) = default;
};
struct SpanKeyHash {
  size_t operator()(const SpanKey& k) const noexcept {
    return pipeline::TraceIdHash{}(k.trace) ^ (k.span * 0x9E3779B97F4A7C15ULL);
  }
};

class SpanCopies {
 public:
  // One more copy of `key`; returns how many there are now.
  uint32_t Add(const SpanKey& key) {
    if ((used_ + 1) * 2 > slots_.size()) Grow();
    Slot& s = Probe(key);
    if (s.key.span == 0) {
      s.key = key;
      ++used_;
    }
    if (s.copies == 0) ++live_;
    return ++s.copies;
  }
  // One copy fewer (REQUIRES: copies(key) > 0); returns how many are left.
  uint32_t Remove(const SpanKey& key) {
    Slot& s = Probe(key);
    if (--s.copies == 0) --live_;  // the slot stays as a tombstone with 0 copies
    return s.copies;
  }
  uint32_t copies(const SpanKey& key) const {
    if (slots_.empty()) return 0;
    return const_cast<SpanCopies*>(this)->Probe(key).copies;
  }
  size_t size() const { return live_; }  // spans with at least one copy

 private:
  struct Slot {
    SpanKey key;  // key.span == 0: never used
    uint32_t copies = 0;
  };
  // The slot of `key`, or the empty slot where it would go. REQUIRES: a free slot exists.
  Slot& Probe(const SpanKey& key) {
    const size_t mask = slots_.size() - 1;
    for (size_t i = SpanKeyHash{}(key)&mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.key.span == 0 || s.key == key) return s;
    }
  }
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    used_ = 0;
    for (const Slot& s : old) {
      if (s.copies == 0) continue;  // tombstones are dropped
      Slot& n = Probe(s.key);
      n = s;
      ++used_;
    }
  }

  std::vector<Slot> slots_;  // a power of two, at most half used (tombstones included)
  size_t used_ = 0;          // slots with a key
  size_t live_ = 0;
};

}  // namespace tracesim::sim
