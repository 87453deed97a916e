// The span store's store-wide trace index: trace id -> the cut blocks that hold
// the trace (and where in each block), so FindTrace costs one hash probe instead
// of one probe per block.
//
// Keys are 64-bit fingerprints of the trace id (TraceFingerprint), not the ids
// themselves: an entry is (fingerprint, block id, trace slot in the block, the
// trace's rows and attribute offset in the block) in 32 bytes: a lookup can
// fetch the rows while it reads the block's trace list to check the trace id. Two trace ids may share a
// fingerprint; the index then returns the entries of both and the caller must check the trace id stored at
// the slot (the span store does). A trace spread over k blocks has k entries.
//
// Layout: one open-addressing table, linear probing, power-of-two capacity,
// load kept in (1/8, 3/4] (grows x2 above, shrinks /2 below once the table has
// more than kMinCapacity slots); erasure shifts the following entries back
// (no tombstones), so lookups never degrade after retention drops blocks.
//
// Not thread-safe (one owner). Deterministic: the entries passed to ForEach
// depend only on the sequence of Insert/Erase calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tracesim/pipeline/ids.h"

namespace tracesim::pipeline {

// The index key of a trace id: splitmix64(hi) XOR lo. Deterministic and public,
// so that tests can build distinct trace ids with equal fingerprints: ids a and
// b collide iff TraceFingerprint({a.hi, 0}) ^ a.lo == TraceFingerprint({b.hi, 0}) ^ b.lo.
uint64_t TraceFingerprint(const TraceId& trace_id) noexcept;

class TraceIndex {
 public:
  static constexpr size_t kMinCapacity = 64;
  // Trace slots are < max_block_spans <= 2^32 - 1, so this value marks an empty slot.
  static constexpr uint32_t kEmpty = UINT32_MAX;

  struct Entry {
    uint64_t fingerprint = 0;
    uint32_t block = 0;       // the store's block id
    uint32_t trace = kEmpty;  // index into that block's trace list; kEmpty: unused table slot
    uint32_t row_begin = 0;   // the trace's rows in the block: [row_begin, row_begin + rows)
    uint32_t rows = 0;
    uint64_t attr_begin = 0;  // offset of their attribute lists in the block's arena
  };

  // Adds the entry. REQUIRES: entry.trace != kEmpty and no entry with the same
  // (fingerprint, block, trace) is present.
  void Insert(const Entry& entry);
  // Removes the entry (fingerprint, block, trace); false if it is absent.
  bool Erase(uint64_t fingerprint, uint32_t block, uint32_t trace) noexcept;
  // Calls f(entry) for every entry with this fingerprint (table order).
  template <typename F>
  void ForEach(uint64_t fingerprint, F&& f) const {
    if (size_ == 0) return;
    const size_t mask = slots_.size() - 1;
    for (size_t i = Home(fingerprint);; i = (i + 1) & mask) {
      const Entry& e = slots_[i];
      if (e.trace == kEmpty) return;
      if (e.fingerprint == fingerprint) f(e);
    }
  }

  size_t size() const { return size_; }
  size_t capacity() const { return slots_.size(); }
  size_t memory_bytes() const { return slots_.capacity() * sizeof(Entry); }
  // Empties the index and releases its memory.
  void Clear();

 private:
  size_t Home(uint64_t fingerprint) const noexcept;
  static_assert(sizeof(Entry) == 32);  // two entries per cache line
  void Rehash(size_t capacity);

  std::vector<Entry> slots_;  // empty, or a power of two >= kMinCapacity
  size_t size_ = 0;
  int shift_ = 64;  // 64 - log2(capacity): Home takes the top bits of the mixed fingerprint
};

}  // namespace tracesim::pipeline
