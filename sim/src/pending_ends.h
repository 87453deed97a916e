// Items due at known future times, taken in time order, with the time of
// the k-th earliest answered in O(log n): fidelity: fast keeps a service's
// sampled spans here between the instant their request is computed and the
// instant they end, and asks when the SDK's queue would reach a full batch.
// Pure C++ (no SimGrid). Not thread-safe.
#pragma once

#include <cstdint>
#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/tree_policy.hpp>
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
    order_.insert(Key{due_ns, next_seq_++, slot});
  }

  size_t size() const { return order_.size(); }
  bool empty() const { return order_.empty(); }

  // The due time of the k-th earliest item (k >= 1), or INT64_MAX when
  // fewer than k are pending.
  int64_t KthDue(size_t k) const {
    if (k == 0 || k > order_.size()) return std::numeric_limits<int64_t>::max();
    return order_.find_by_order(k - 1)->due_ns;
  }

  // Removes the items due at or before `now_ns`, earliest first, handing
  // each to `take(due_ns, T& item)` (which may move from it) before it is
  // removed.
  template <typename F>
  void TakeUpTo(int64_t now_ns, F&& take) {
    while (!order_.empty() && order_.begin()->due_ns <= now_ns) {
      const Key key = *order_.begin();
      order_.erase(order_.begin());
      take(key.due_ns, slots_[key.slot]);
      Release(key.slot);
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
    bool operator<(const Key& o) const { return due_ns != o.due_ns ? due_ns < o.due_ns : seq < o.seq; }
  };
  void Release(uint32_t slot) {
    slots_[slot] = T{};
    free_.push_back(slot);
  }

  __gnu_pbds::tree<Key, __gnu_pbds::null_type, std::less<Key>, __gnu_pbds::rb_tree_tag,
                   __gnu_pbds::tree_order_statistics_node_update>
      order_;
  std::vector<T> slots_;  // items by slot; free slots are reused
  std::vector<uint32_t> free_;
  uint64_t next_seq_ = 0;
};

}  // namespace tracesim::sim
