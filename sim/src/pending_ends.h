// Items due at known future times, taken in time order, with the time of
// the k-th earliest on demand: fidelity: fast keeps a service's sampled
// spans here between the instant their request is computed and the instant
// they end, and asks when the SDK's queue would reach a full batch.
//
// A binary min-heap of (due, sequence, slot) over a slab of items: adding
// and taking are O(log n) without an allocation per item once the vectors
// have grown. KthDue(k) is O(1) when fewer than k items are pending (the
// common case: the SDK batch is far from full) and O(n) otherwise (a
// selection over the due times). Pure C++ (no SimGrid). Not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <utility>
#include <vector>

namespace tracesim::sim {

template <typename T>
class PendingEnds {
 public:
  // Adds `item`, due at `due_ns`. Items due at the same time come out in
  // the order they were added.
  void Add(int64_t due_ns, T item) {
    uint32_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
      slots_[slot] = std::move(item);
    } else {
      slot = static_cast<uint32_t>(slots_.size());
      slots_.push_back(std::move(item));
    }
    heap_.push_back(Key{due_ns, next_seq_++, slot});
    std::push_heap(heap_.begin(), heap_.end(), std::greater<>{});
  }

  size_t size() const { return heap_.size(); }
  bool empty() const { return heap_.empty(); }

  // The due time of the k-th earliest item (k >= 1), or INT64_MAX when
  // fewer than k are pending.
  int64_t KthDue(size_t k) const {
    if (k == 0 || k > heap_.size()) return std::numeric_limits<int64_t>::max();
    if (k == 1) return heap_.front().due_ns;
    scratch_.clear();
    for (const Key& key : heap_) scratch_.push_back(key.due_ns);
    std::nth_element(scratch_.begin(), scratch_.begin() + static_cast<std::ptrdiff_t>(k - 1), scratch_.end());
    return scratch_[k - 1];
  }

  // Removes the items due at or before `now_ns`, earliest first, handing
  // each to `take(due_ns, T& item)` (which may move from it) before it is
  // removed.
  template <typename F>
  void TakeUpTo(int64_t now_ns, F&& take) {
    while (!heap_.empty() && heap_.front().due_ns <= now_ns) {
      std::pop_heap(heap_.begin(), heap_.end(), std::greater<>{});
      const Key key = heap_.back();
      heap_.pop_back();
      take(key.due_ns, slots_[key.slot]);
      slots_[key.slot] = T{};
      free_.push_back(key.slot);
    }
  }

  // Removes every item, earliest first.
  template <typename F>
  void TakeAll(F&& take) {
    TakeUpTo(std::numeric_limits<int64_t>::max(), std::forward<F>(take));
  }

 private:
  struct Key {
    int64_t due_ns;
    uint64_t seq;
    uint32_t slot;
    bool operator>(const Key& o) const { return due_ns != o.due_ns ? due_ns > o.due_ns : seq > o.seq; }
  };

  std::vector<Key> heap_;  // a min-heap by (due, seq)
  std::vector<T> slots_;   // items by slot; free slots are reused
  std::vector<uint32_t> free_;
  mutable std::vector<int64_t> scratch_;  // KthDue's selection
  uint64_t next_seq_ = 0;
};

}  // namespace tracesim::sim
