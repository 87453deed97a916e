#include "tracesim/pipeline/span_store_index.h"

#include <algorithm>
#include <bit>
#include <utility>

namespace tracesim::pipeline {

uint64_t TraceFingerprint(const TraceId& trace_id) noexcept {
  uint64_t z = trace_id.hi;  // splitmix64 finalizer (a bijection of 64-bit values)
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return z ^ trace_id.lo;
}

size_t TraceIndex::Home(uint64_t fingerprint) const noexcept {
  // Fibonacci hashing: the top bits of fingerprint * 2^64/phi. Spreads sequential
  // fingerprints (sequential low trace-id halves) as well as random ones.
  return static_cast<size_t>((fingerprint * 0x9E3779B97F4A7C15ULL) >> shift_);
}

void TraceIndex::Rehash(size_t capacity) {
  std::vector<Entry> old = std::move(slots_);
  slots_ = std::vector<Entry>(capacity);
  shift_ = 64 - std::countr_zero(capacity);
  const size_t mask = capacity - 1;
  for (const Entry& e : old) {
    if (e.trace == kEmpty) continue;
    size_t i = Home(e.fingerprint);
    while (slots_[i].trace != kEmpty) i = (i + 1) & mask;
    slots_[i] = e;
  }
}

void TraceIndex::Insert(const Entry& entry) {
  if (4 * (size_ + 1) > 3 * slots_.size()) Rehash(std::max(kMinCapacity, 2 * slots_.size()));
  const size_t mask = slots_.size() - 1;
  size_t i = Home(entry.fingerprint);
  while (slots_[i].trace != kEmpty) i = (i + 1) & mask;
  slots_[i] = entry;
  ++size_;
}

bool TraceIndex::Erase(uint64_t fingerprint, uint32_t block, uint32_t trace) noexcept {
  if (size_ == 0) return false;
  const size_t mask = slots_.size() - 1;
  size_t i = Home(fingerprint);
  for (;; i = (i + 1) & mask) {
    const Entry& e = slots_[i];
    if (e.trace == kEmpty) return false;
    if (e.fingerprint == fingerprint && e.block == block && e.trace == trace) break;
  }
  // Backward-shift deletion: move back every following entry of the cluster whose
  // home does not lie cyclically in (hole, j], so each stays reachable from its home.
  for (size_t j = (i + 1) & mask;; j = (j + 1) & mask) {
    const Entry& e = slots_[j];
    if (e.trace == kEmpty) break;
    const size_t home = Home(e.fingerprint);
    const bool reachable_without_hole = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (reachable_without_hole) continue;
    slots_[i] = e;
    i = j;
  }
  slots_[i] = Entry{};
  --size_;
  if (slots_.size() > kMinCapacity && 8 * size_ < slots_.size()) Rehash(slots_.size() / 2);
  return true;
}

void TraceIndex::Clear() {
  slots_ = std::vector<Entry>();
  size_ = 0;
  shift_ = 64;
}

}  // namespace tracesim::pipeline
