// PendingEnds: items taken in due order (ties in insertion order), the k-th
// earliest due time, slot reuse.
#include "pending_ends.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tracesim::sim {
namespace {

constexpr int64_t kNone = std::numeric_limits<int64_t>::max();

TEST(PendingEndsTest, TakesInDueOrderWithTiesInInsertionOrder) {
  PendingEnds<std::string> p;
  p.Add(30, "c");
  p.Add(10, "a");
  p.Add(20, "b1");
  p.Add(20, "b2");
  p.Add(40, "d");
  std::vector<std::pair<int64_t, std::string>> taken;
  p.TakeUpTo(20, [&](int64_t due, std::string& s) { taken.emplace_back(due, std::move(s)); });
  const std::vector<std::pair<int64_t, std::string>> expected = {{10, "a"}, {20, "b1"}, {20, "b2"}};
  EXPECT_EQ(taken, expected);
  EXPECT_EQ(p.size(), 2u);
  taken.clear();
  p.TakeUpTo(19, [&](int64_t due, std::string& s) { taken.emplace_back(due, std::move(s)); });
  EXPECT_TRUE(taken.empty());
  p.TakeAll([&](int64_t due, std::string& s) { taken.emplace_back(due, std::move(s)); });
  const std::vector<std::pair<int64_t, std::string>> rest = {{30, "c"}, {40, "d"}};
  EXPECT_EQ(taken, rest);
  EXPECT_TRUE(p.empty());
}

TEST(PendingEndsTest, KthDueIsTheKthEarliest) {
  PendingEnds<int> p;
  EXPECT_EQ(p.KthDue(1), kNone);
  for (int64_t due : {50, 10, 40, 20, 30}) p.Add(due, static_cast<int>(due));
  EXPECT_EQ(p.KthDue(0), kNone);
  EXPECT_EQ(p.KthDue(1), 10);
  EXPECT_EQ(p.KthDue(3), 30);
  EXPECT_EQ(p.KthDue(5), 50);
  EXPECT_EQ(p.KthDue(6), kNone);
  p.Add(5, 5);  // an earlier item moves every rank
  EXPECT_EQ(p.KthDue(3), 20);
  p.TakeUpTo(20, [](int64_t, int&) {});
  EXPECT_EQ(p.KthDue(1), 30);
  EXPECT_EQ(p.KthDue(3), 50);
}

TEST(PendingEndsTest, MatchesASortedReferenceUnderRandomAddsAndTakes) {
  PendingEnds<int> p;
  std::vector<int64_t> reference;  // due times pending
  uint64_t x = 12345;
  auto next = [&] {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return x;
  };
  int64_t now = 0;
  for (int step = 0; step < 5000; ++step) {
    if (next() % 3 != 0) {
      const int64_t due = now + static_cast<int64_t>(next() % 1000);
      p.Add(due, 0);
      reference.push_back(due);
    } else {
      now += static_cast<int64_t>(next() % 300);
      int64_t last = -1;
      p.TakeUpTo(now, [&](int64_t due, int&) {
        EXPECT_LE(due, now);
        EXPECT_GE(due, last);
        last = due;
        reference.erase(std::find(reference.begin(), reference.end(), due));
      });
    }
    std::vector<int64_t> sorted = reference;
    std::sort(sorted.begin(), sorted.end());
    ASSERT_EQ(p.size(), sorted.size());
    for (size_t k : {size_t{1}, size_t{2}, size_t{7}, sorted.size(), sorted.size() + 1}) {
      const int64_t expected = k >= 1 && k <= sorted.size() ? sorted[k - 1] : kNone;
      ASSERT_EQ(p.KthDue(k), expected) << "k " << k << " step " << step;
    }
  }
}

TEST(PendingEndsTest, MoveOnlyItemsAndSlotReuse) {
  PendingEnds<std::unique_ptr<int>> p;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 100; ++i) p.Add(1000 - i, std::make_unique<int>(i));
    int64_t last = -1;
    int count = 0;
    p.TakeAll([&](int64_t due, std::unique_ptr<int>& v) {
      ASSERT_NE(v, nullptr);
      EXPECT_EQ(*v, 1000 - due);
      EXPECT_GT(due, last);
      last = due;
      ++count;
    });
    EXPECT_EQ(count, 100);
  }
}

}  // namespace
}  // namespace tracesim::sim
