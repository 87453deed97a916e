// PendingEnds: items taken in due order (ties in insertion order), the k-th
// earliest due time, slot reuse.
#include "pending_ends.h"

#include <gtest/gtest.h>

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
